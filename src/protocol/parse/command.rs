//! Commands (RFC 3501 §6, §9 `command`) and the extension commands of types.rs.

use super::core::{
    ascii, astring, atom_string, byte, crlf, keyword, nstring, paren_list, quoted, sp, string, tag,
    word,
};
use super::core::{mod_sequence_value, mod_sequence_valzer};
use super::datetime::date_time;
use super::fetch::fetch_att;
use super::flag::{flag, flag_list};
use super::mailbox::{list_mailbox, mailbox};
use super::search::search_key;
use super::sequence::command_sequence_set;
use super::sequence::uid_set;
use super::{fail, PResult};
use crate::protocol::types::{
    AppendMessage, Command, CommandBody, FetchItems, FetchModifiers, QResync, SearchReturnOpt,
    SelectParam, StatusItem, StoreKind, Tag,
};

/// `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
/// (RFC 3501 §9). The line ending may be CRLF, a bare LF (see the framer) or absent.
/// `depth` is the nesting budget for search keys.
pub fn command(depth: usize) -> impl Fn(&[u8]) -> PResult<'_, Command> {
    move |input| {
        let (rest, t) = tag(input)?;
        let (rest, ()) = byte(b' ', "Missing command")(rest)?;
        let (rest, body) = command_body(rest, depth)?;
        let rest = match rest {
            b"" => rest,
            _ => crlf(rest)?.0,
        };
        if !rest.is_empty() {
            return fail(rest, "Expected end of command");
        }
        Ok((rest, Command { tag: Tag(t), body }))
    }
}

/// End of arguments: the line ending must come next.
fn end(input: &[u8]) -> PResult<'_, ()> {
    match input {
        b"" | b"\r\n" | b"\n" => Ok((input, ())),
        _ => fail(input, "Expected CRLF"),
    }
}

/// SP after the command name.
fn args(input: &[u8]) -> PResult<'_, ()> {
    byte(b' ', "Expected SP after command name")(input)
}

fn command_body(input: &[u8], depth: usize) -> PResult<'_, CommandBody> {
    let (rest, name) = word(input)?;
    let upper = ascii(name).to_ascii_uppercase();
    let none =
        |body: CommandBody| -> PResult<'_, CommandBody> { end(rest).map(|(r, ())| (r, body)) };
    match upper.as_str() {
        // RFC 3501 §6.1
        "CAPABILITY" => none(CommandBody::Capability),
        "NOOP" => none(CommandBody::Noop),
        "LOGOUT" => none(CommandBody::Logout),
        // RFC 3501 §6.2
        "STARTTLS" => none(CommandBody::StartTls),
        "AUTHENTICATE" => authenticate(rest),
        "LOGIN" => {
            // `login = "LOGIN" SP userid SP password`, both astring.
            let (rest, ()) = args(rest)?;
            let (rest, username) = astring(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, password) = astring(rest)?;
            Ok((rest, CommandBody::Login { username, password }))
        }
        // RFC 3501 §6.3
        "SELECT" => select(rest, false),
        "EXAMINE" => select(rest, true),
        // RFC 4466 §2.2, RFC 6154 §3: CREATE with the USE parameter.
        "CREATE" => super::list::create(rest),
        "DELETE" => one_mailbox(rest, |mailbox| CommandBody::Delete { mailbox }),
        "SUBSCRIBE" => one_mailbox(rest, |mailbox| CommandBody::Subscribe { mailbox }),
        "UNSUBSCRIBE" => one_mailbox(rest, |mailbox| CommandBody::Unsubscribe { mailbox }),
        "RENAME" => {
            let (rest, ()) = args(rest)?;
            let (rest, from) = mailbox(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, to) = mailbox(rest)?;
            Ok((rest, CommandBody::Rename { from, to }))
        }
        // RFC 5258 §6 `list` (RFC 3501's when none of its extensions is used).
        "LIST" => super::list::list(rest),
        // `lsub = "LSUB" SP mailbox SP list-mailbox`.
        "LSUB" => {
            let (rest, ()) = args(rest)?;
            let (rest, reference) = mailbox(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, pattern) = list_mailbox(rest)?;
            Ok((rest, CommandBody::Lsub { reference, pattern }))
        }
        "STATUS" => status(rest),
        "APPEND" => append(rest),
        // RFC 9208 §7.
        #[cfg(feature = "quota")]
        "GETQUOTA" => super::quota::getquota(rest),
        #[cfg(feature = "quota")]
        "GETQUOTAROOT" => super::quota::getquotaroot(rest),
        #[cfg(feature = "quota")]
        "SETQUOTA" => super::quota::setquota(rest),
        "NAMESPACE" => none(CommandBody::Namespace),
        "ENABLE" => enable(rest),
        "ID" => {
            let (rest, ()) = args(rest)?;
            let (rest, parameters) = id_params_list(rest)?;
            Ok((rest, CommandBody::Id { parameters }))
        }
        "IDLE" => none(CommandBody::Idle),
        // RFC 5465 §8: `command-auth =/ notify`.
        "NOTIFY" => super::notify::notify(rest),
        // RFC 3501 §6.4
        "CHECK" => none(CommandBody::Check),
        "CLOSE" => none(CommandBody::Close),
        "EXPUNGE" => none(CommandBody::Expunge),
        "UNSELECT" => none(CommandBody::Unselect),
        "CANCELUPDATE" => cancel_update(rest),
        "SEARCH" => search(rest, false, depth),
        // RFC 5256 §3.
        #[cfg(feature = "sort-thread")]
        "SORT" => super::sort::sort(rest, false, depth),
        #[cfg(feature = "sort-thread")]
        "THREAD" => super::sort::thread(rest, false, depth),
        "FETCH" => fetch(rest, false),
        "STORE" => store(rest, false),
        "COPY" => copy_or_move(rest, false, false),
        "MOVE" => copy_or_move(rest, false, true),
        // `uid = "UID" SP (copy / fetch / search / store)`; RFC 4315 §2.1 adds EXPUNGE,
        // RFC 6851 §3 MOVE.
        "UID" => {
            let (rest, ()) = args(rest)?;
            let (rest, name) = word(rest)?;
            let sub = ascii(name).to_ascii_uppercase();
            match sub.as_str() {
                "SEARCH" => search(rest, true, depth),
                // RFC 5256 §3: UID SORT, UID THREAD.
                #[cfg(feature = "sort-thread")]
                "SORT" => super::sort::sort(rest, true, depth),
                #[cfg(feature = "sort-thread")]
                "THREAD" => super::sort::thread(rest, true, depth),
                "FETCH" => fetch(rest, true),
                "STORE" => store(rest, true),
                "COPY" => copy_or_move(rest, true, false),
                "MOVE" => copy_or_move(rest, true, true),
                "EXPUNGE" => {
                    let (rest, ()) = args(rest)?;
                    let (rest, set) = command_sequence_set(rest)?;
                    Ok((rest, CommandBody::UidExpunge { set }))
                }
                "" => fail(rest, "Expected command name after UID"),
                _ => fail(rest, format!("Unknown command UID {sub}")),
            }
        }
        "" => fail(input, "Missing command"),
        _ => fail(input, format!("Unknown command {upper}")),
    }
}

fn one_mailbox(
    input: &[u8],
    f: fn(crate::protocol::types::MailboxName) -> CommandBody,
) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, m) = mailbox(rest)?;
    Ok((rest, f(m)))
}

/// `select = "SELECT" SP mailbox [select-params]`, `select-params = SP "(" select-param
/// *(SP select-param) ")"` (RFC 4466 §2.1), and EXAMINE alike; the parameters are RFC 7162's
/// (§7): `condstore-param = "CONDSTORE"` and `"QRESYNC" SP "(" uidvalidity SP
/// mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`. A parameter named twice is
/// refused: RFC 4466 §2.1 gives each one meaning once.
fn select(input: &[u8], examine: bool) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, mailbox) = mailbox(rest)?;
    let (rest, params) = match rest.split_first() {
        Some((b' ', after)) if after.first() == Some(&b'(') => {
            paren_list(after, false, select_param)?
        }
        _ => (rest, Vec::new()),
    };
    let condstores = params
        .iter()
        .filter(|p| **p == SelectParam::CondStore)
        .count();
    if condstores > 1 || params.len() - condstores > 1 {
        return fail(rest, "A SELECT parameter is given twice");
    }
    Ok((
        rest,
        if examine {
            CommandBody::Examine { mailbox, params }
        } else {
            CommandBody::Select { mailbox, params }
        },
    ))
}

/// `select-param` of RFC 7162 §7 (see [`select`]).
fn select_param(input: &[u8]) -> PResult<'_, SelectParam> {
    let (rest, name) = word(input)?;
    match ascii(name).to_ascii_uppercase().as_str() {
        "CONDSTORE" => Ok((rest, SelectParam::CondStore)),
        "QRESYNC" => {
            let (rest, ()) = sp(rest)?;
            let (rest, ()) = byte(b'(', "Expected ( after QRESYNC")(rest)?;
            let (rest, uid_validity) = super::core::nz_number(rest)?;
            let (rest, ()) = sp(rest)?;
            let (mut rest, mod_seq) = mod_sequence_value(rest)?;
            let mut known_uids = None;
            let mut seq_match = None;
            if let Some((b' ', after)) = rest.split_first() {
                if after.first() != Some(&b'(') {
                    // `known-uids = sequence-set`: "*" is not allowed (RFC 7162 §7).
                    let (r, uids) = uid_set(after)?;
                    known_uids = Some(uids);
                    rest = r;
                }
            }
            if let Some((b' ', after)) = rest.split_first() {
                // `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`, no "*".
                let (r, ()) = byte(b'(', "Expected ( before seq-match-data")(after)?;
                let (r, seqs) = uid_set(r)?;
                let (r, ()) = sp(r)?;
                let (r, uids) = uid_set(r)?;
                let (r, ()) = byte(b')', "Expected ) after seq-match-data")(r)?;
                seq_match = Some((seqs, uids));
                rest = r;
            }
            let (rest, ()) = byte(b')', "Expected ) after QRESYNC parameters")(rest)?;
            Ok((
                rest,
                SelectParam::QResync(QResync {
                    uid_validity,
                    mod_seq,
                    known_uids,
                    seq_match,
                }),
            ))
        }
        _ => fail(
            input,
            "Unknown SELECT parameter (CONDSTORE and QRESYNC are known)",
        ),
    }
}

/// `authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")]` (RFC 3501 §9 with the
/// SASL-IR initial response of RFC 4959 §3), `auth-type = atom`.
fn authenticate(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, mechanism) = atom_string(rest)?;
    let (rest, initial_response) = match rest.split_first() {
        Some((b' ', after)) => {
            let (r, b64) = base64(after)?;
            (r, Some(b64))
        }
        _ => (rest, None),
    };
    Ok((
        rest,
        CommandBody::Authenticate {
            mechanism,
            initial_response,
        },
    ))
}

/// `base64 = *(4base64-char) [base64-terminal]` (RFC 3501 §9), or `=` for an empty initial
/// response (RFC 4959 §3). Non-empty here.
pub(crate) fn base64(input: &[u8]) -> PResult<'_, String> {
    let n = input
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    let Some(b64) = input.get(..n) else {
        return fail(input, "Expected base64");
    };
    let valid = b64 == b"=" || (n > 0 && n % 4 == 0 && base64_padding_ok(b64));
    if !valid {
        return fail(input, "Expected base64");
    }
    Ok((input.get(n..).unwrap_or_default(), ascii(b64)))
}

/// `base64-terminal = (2base64-char "==") / (3base64-char "=")`: `=` only at the end.
pub(crate) fn base64_padding_ok(b64: &[u8]) -> bool {
    let body = b64.iter().take_while(|&&b| b != b'=').count();
    let pad = b64.len() - body;
    pad <= 2 && b64.iter().skip(body).all(|&b| b == b'=')
}

/// `status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"` (RFC 3501 §9).
fn status(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, mailbox) = mailbox(rest)?;
    let (rest, ()) = sp(rest)?;
    if rest.first() != Some(&b'(') {
        return fail(rest, "Expected status attribute list");
    }
    let (rest, items) = paren_list(rest, false, status_att)?;
    Ok((rest, CommandBody::Status { mailbox, items }))
}

/// `status-att = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN"` (RFC 3501 §9)
/// `/ "HIGHESTMODSEQ"` (RFC 7162 §7) `/ "DELETED" / "SIZE"` (RFC 9051 §9).
pub(crate) fn status_att(input: &[u8]) -> PResult<'_, StatusItem> {
    let (rest, name) = word(input)?;
    let item = match ascii(name).to_ascii_uppercase().as_str() {
        "MESSAGES" => StatusItem::Messages,
        "RECENT" => StatusItem::Recent,
        "UIDNEXT" => StatusItem::UidNext,
        "UIDVALIDITY" => StatusItem::UidValidity,
        "UNSEEN" => StatusItem::Unseen,
        "HIGHESTMODSEQ" => StatusItem::HighestModSeq,
        "DELETED" => StatusItem::Deleted,
        "SIZE" => StatusItem::Size,
        // RFC 9208 §7 `status-att =/ "DELETED" / "DELETED-STORAGE"`.
        #[cfg(feature = "quota")]
        "DELETED-STORAGE" => StatusItem::DeletedStorage,
        _ => return fail(input, "Expected status attribute"),
    };
    Ok((rest, item))
}

/// `append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal` (RFC 3501 §9).
/// Any `string` is accepted for the message (a quoted one is harmless and RFC 7888 literals
/// are literals).
fn append(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, mailbox) = mailbox(rest)?;
    let (rest, ()) = sp(rest)?;
    let (mut rest, first) = append_message(rest)?;
    // RFC 3502 §6: `1*append-message`; each further one is `SP [flag-list SP] [date-time SP]
    // literal`. How many fit is bounded by the framer's literals per command.
    let mut more = Vec::new();
    while let Some((b' ', after)) = rest.split_first() {
        let (r, m) = append_message(after)?;
        more.push(m);
        rest = r;
    }
    Ok((
        rest,
        CommandBody::Append {
            mailbox,
            flags: first.flags,
            date: first.date,
            message: first.message,
            more,
            catenate: first.catenate,
        },
    ))
}

/// `append-message = append-opts SP append-data` (RFC 3502 §6), `append-opts = [flag-list
/// SP] [date-time SP]` as RFC 3501 §9's APPEND has them.
fn append_message(input: &[u8]) -> PResult<'_, AppendMessage> {
    let mut rest = input;
    let mut flags = Vec::new();
    if rest.first() == Some(&b'(') {
        let (r, f) = flag_list(rest)?;
        flags = f;
        rest = sp(r)?.0;
    }
    let mut date = None;
    if rest.first() == Some(&b'"')
        && rest
            .get(1)
            .is_some_and(|&b| b == b' ' || b.is_ascii_digit())
    {
        if let Ok((r, d)) = date_time(rest) {
            date = Some(d);
            rest = sp(r)?.0;
        }
    }
    // RFC 4469 §5: `append-data =/ "CATENATE" SP "(" cat-part *(SP cat-part) ")"`.
    #[cfg(feature = "catenate")]
    if let Ok((r, ())) = super::core::keyword("CATENATE")(rest) {
        let (rest, parts) = super::catenate::catenate(r)?;
        return Ok((
            rest,
            AppendMessage {
                flags,
                date,
                message: Vec::new(),
                catenate: Some(parts),
            },
        ));
    }
    // RFC 3516 §4.4: the message may be a `literal8`, NUL octets and all.
    let message = match rest.first() {
        Some(b'~') => super::core::literal8(rest),
        _ => string(rest),
    };
    let (rest, message) = match message {
        Ok(ok) => ok,
        Err(nom::Err::Error(_)) => return fail(rest, "Expected message literal"),
        Err(e) => return Err(e),
    };
    Ok((
        rest,
        AppendMessage {
            flags,
            date,
            message,
            catenate: None,
        },
    ))
}

/// `enable = "ENABLE" 1*(SP capability)` (RFC 5161 §4), `capability = atom`.
fn enable(input: &[u8]) -> PResult<'_, CommandBody> {
    let (mut rest, ()) = args(input)?;
    let mut capabilities = Vec::new();
    loop {
        let (r, cap) = atom_string(rest)?;
        capabilities.push(cap);
        match r.split_first() {
            Some((b' ', after)) => rest = after,
            _ => return Ok((r, CommandBody::Enable { capabilities })),
        }
    }
}

/// `id_params_list ::= "(" #(string SPACE nstring) ")" / nil` (RFC 2971 §4), items separated
/// by SP; `()` is accepted as an empty list.
#[allow(clippy::type_complexity)]
pub(crate) fn id_params_list(input: &[u8]) -> PResult<'_, Option<Vec<(Vec<u8>, Option<Vec<u8>>)>>> {
    if input.first() != Some(&b'(') {
        let (rest, ()) =
            keyword("NIL")(input).or_else(|_| fail(input, "Expected ID parameter list"))?;
        return Ok((rest, None));
    }
    let (rest, pairs) = paren_list(input, true, |i| {
        let (r, k) = string(i)?;
        let (r, ()) = sp(r)?;
        let (r, v) = nstring(r)?;
        Ok((r, (k, v)))
    })?;
    Ok((rest, Some(pairs)))
}

/// `search = "SEARCH" [search-return-opts] SP search-program` (RFC 4466 §2.6.1), with
/// `search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)` (RFC 3501 §9).
fn search(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody> {
    let (mut rest, ()) = args(input)?;
    let mut ret = None;
    if let Ok((r, ())) = keyword("RETURN ")(rest) {
        let (r, opts) = search_return_opts(r)?;
        ret = Some(opts);
        rest = sp(r)?.0;
    }
    let mut charset = None;
    if let Ok((r, ())) = keyword("CHARSET ")(rest) {
        let (r, cs) = astring(r)?;
        let cs = match String::from_utf8(cs) {
            Ok(cs) => cs,
            Err(_) => return fail(r, "Expected charset name"),
        };
        charset = Some(cs);
        rest = sp(r)?.0;
    }
    let mut criteria = Vec::new();
    loop {
        let (r, key) = search_key(depth)(rest)?;
        criteria.push(key);
        match r.split_first() {
            Some((b' ', after)) => rest = after,
            _ => {
                return Ok((
                    r,
                    CommandBody::Search {
                        charset,
                        criteria,
                        uid,
                        ret,
                    },
                ))
            }
        }
    }
}

/// `partial-range = nz-number ":" nz-number` (RFC 5267 §5; no `*`).
pub(crate) fn partial_range(input: &[u8]) -> PResult<'_, (u32, u32)> {
    let (r, a) = super::core::nz_number(input)?;
    let (r, ()) = byte(b':', "Expected : in a partial range (RFC 5267 §5)")(r)?;
    let (r, b) = super::core::nz_number(r)?;
    Ok((r, (a, b)))
}

/// `"CANCELUPDATE" 1*(SP quoted)` (RFC 5267 §5).
fn cancel_update(input: &[u8]) -> PResult<'_, CommandBody> {
    let mut rest = input;
    let mut tags = Vec::new();
    while let Some((b' ', after)) = rest.split_first() {
        let (r, t) = quoted(after)?;
        let Ok(t) = String::from_utf8(t) else {
            return fail(after, "Expected a tag");
        };
        tags.push(t);
        rest = r;
    }
    if tags.is_empty() {
        return fail(rest, "Expected SP and a quoted tag (RFC 5267 §4.3.5)");
    }
    end(rest).map(|(r, ())| (r, CommandBody::CancelUpdate { tags }))
}

/// After `SP "RETURN" SP`: `"(" [search-return-opt *(SP search-return-opt)] ")"` (RFC 4466
/// §2.6.1), `search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT"` (RFC 4731 §4) `/ "SAVE"`
/// (RFC 5182 §3) `/ "CONTEXT" / "UPDATE"` (RFC 5267 §5; UPDATE's fetch attributes, RFC 5465 §8). Any other option fails to parse, so the command gets BAD.
pub(crate) fn search_return_opts(input: &[u8]) -> PResult<'_, Vec<SearchReturnOpt>> {
    paren_list(input, true, |i| {
        let (r, name) = word(i)?;
        let opt = match ascii(name).to_ascii_uppercase().as_str() {
            "MIN" => SearchReturnOpt::Min,
            "MAX" => SearchReturnOpt::Max,
            "ALL" => SearchReturnOpt::All,
            "COUNT" => SearchReturnOpt::Count,
            "SAVE" => SearchReturnOpt::Save,
            // RFC 5267 §5 `modifier-context`, `modifier-update`.
            "CONTEXT" => SearchReturnOpt::Context,
            // RFC 5465 §8: `modifier-update = "UPDATE" [ "(" fetch-att *(SP fetch-att) ")" ]`.
            // Its §7 example writes a space before the list, the ABNF none: both are read.
            "UPDATE" => {
                let list = match r.split_first() {
                    Some((b'(', _)) => r,
                    Some((b' ', after)) if after.first() == Some(&b'(') => after,
                    _ => return Ok((r, SearchReturnOpt::Update(Vec::new()))),
                };
                return match paren_list(list, false, fetch_att) {
                    Ok((r, atts)) => Ok((r, SearchReturnOpt::Update(atts))),
                    Err(_) => fail(
                        list,
                        "Expected UPDATE's fetch attributes: ( fetch-att *(SP fetch-att) ) (RFC 5465 §8)",
                    ),
                };
            }
            // RFC 5267 §5: `modifier-partial = "PARTIAL" SP partial-range`.
            "PARTIAL" => {
                let (r, ()) = sp(r)?;
                let (r, (a, b)) = partial_range(r)?;
                return Ok((r, SearchReturnOpt::Partial(a, b)));
            }
            _ => return fail(
                i,
                "Expected MIN, MAX, ALL, COUNT, SAVE, CONTEXT, UPDATE or PARTIAL (RFC 4731 §3.1)",
            ),
        };
        Ok((r, opt))
    })
}

/// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
/// "(" fetch-att *(SP fetch-att) ")")` (RFC 3501 §9).
fn fetch(input: &[u8], uid: bool) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, set) = command_sequence_set(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, items) = if rest.first() == Some(&b'(') {
        let (r, items) = paren_list(rest, false, fetch_att)?;
        (
            r,
            FetchItems::List {
                items,
                parenthesized: true,
            },
        )
    } else {
        let (r, name) = word(rest)?;
        match ascii(name).to_ascii_uppercase().as_str() {
            "ALL" => (r, FetchItems::All),
            "FULL" => (r, FetchItems::Full),
            "FAST" => (r, FetchItems::Fast),
            _ => {
                let (r, att) = fetch_att(rest)?;
                (
                    r,
                    FetchItems::List {
                        items: vec![att],
                        parenthesized: false,
                    },
                )
            }
        }
    };
    let (rest, modifiers) = match rest.split_first() {
        Some((b' ', after)) => fetch_modifiers(after)?,
        _ => (rest, FetchModifiers::default()),
    };
    Ok((
        rest,
        CommandBody::Fetch {
            set,
            items,
            uid,
            modifiers,
        },
    ))
}

/// `fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"` (RFC 4466 §2.4), after
/// the SP; RFC 7162 §7: `chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value`,
/// `rexpunges-fetch-mod = "VANISHED"`. Each at most once.
fn fetch_modifiers(input: &[u8]) -> PResult<'_, FetchModifiers> {
    if input.first() != Some(&b'(') {
        return fail(input, "Expected ( before FETCH modifiers");
    }
    let mut twice = false;
    let (rest, list) = paren_list(input, false, |i| {
        let (r, name) = word(i)?;
        match ascii(name).to_ascii_uppercase().as_str() {
            "CHANGEDSINCE" => {
                let (r, ()) = sp(r)?;
                let (r, n) = mod_sequence_value(r)?;
                Ok((r, Some(n)))
            }
            "VANISHED" => Ok((r, None)),
            _ => fail(
                i,
                "Unknown FETCH modifier (CHANGEDSINCE and VANISHED are known)",
            ),
        }
    })?;
    let mut m = FetchModifiers::default();
    for item in list {
        match item {
            Some(n) => twice |= m.changed_since.replace(n).is_some(),
            None => twice |= std::mem::replace(&mut m.vanished, true),
        }
    }
    if twice {
        return fail(input, "A FETCH modifier is given twice");
    }
    Ok((rest, m))
}

/// `store = "STORE" SP sequence-set SP store-att-flags`, `store-att-flags = (["+" / "-"]
/// "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))` (RFC 3501 §9).
fn store(input: &[u8], uid: bool) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, set) = command_sequence_set(rest)?;
    let (rest, ()) = sp(rest)?;
    // `store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"` (RFC 4466 §2.5);
    // RFC 7162 §7: `"UNCHANGEDSINCE" SP mod-sequence-valzer`, only one.
    let (rest, unchanged_since) = if rest.first() == Some(&b'(') {
        let (r, list) = paren_list(rest, false, |i| {
            let (r, name) = word(i)?;
            if !ascii(name).eq_ignore_ascii_case("UNCHANGEDSINCE") {
                return fail(i, "Unknown STORE modifier (UNCHANGEDSINCE is known)");
            }
            let (r, ()) = sp(r)?;
            mod_sequence_valzer(r)
        })?;
        let [n] = list.as_slice() else {
            return fail(rest, "Only one UNCHANGEDSINCE may be given (RFC 7162 §7)");
        };
        (sp(r)?.0, Some(*n))
    } else {
        (rest, None)
    };
    let (kind, rest) = match rest.split_first() {
        Some((b'+', r)) => (StoreKind::Add, r),
        Some((b'-', r)) => (StoreKind::Remove, r),
        _ => (StoreKind::Replace, rest),
    };
    let (rest, name) = word(rest)?;
    let silent = match ascii(name).to_ascii_uppercase().as_str() {
        "FLAGS" => false,
        "FLAGS.SILENT" => true,
        _ => return fail(input, "Expected FLAGS, +FLAGS or -FLAGS"),
    };
    let (mut rest, ()) = sp(rest)?;
    let flags = if rest.first() == Some(&b'(') {
        let (r, f) = flag_list(rest)?;
        rest = r;
        f
    } else {
        let mut flags = Vec::new();
        loop {
            let (r, f) = flag(rest)?;
            flags.push(f);
            match r.split_first() {
                Some((b' ', after)) => rest = after,
                _ => {
                    rest = r;
                    break;
                }
            }
        }
        flags
    };
    Ok((
        rest,
        CommandBody::Store {
            set,
            kind,
            silent,
            flags,
            uid,
            unchanged_since,
        },
    ))
}

/// `copy = "COPY" SP sequence-set SP mailbox` (RFC 3501 §9); `move = "MOVE" SP sequence-set SP
/// mailbox` (RFC 6851 §3).
fn copy_or_move(input: &[u8], uid: bool, is_move: bool) -> PResult<'_, CommandBody> {
    let (rest, ()) = args(input)?;
    let (rest, set) = command_sequence_set(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, mailbox) = mailbox(rest)?;
    let body = if is_move {
        CommandBody::Move { set, mailbox, uid }
    } else {
        CommandBody::Copy { set, mailbox, uid }
    };
    Ok((rest, body))
}
