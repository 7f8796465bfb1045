//! Responses (RFC 3501 §7, §9 `response`) and the extension responses of types.rs.

use super::body::{body, envelope};
use super::command::{base64_padding_ok, id_params_list};
use super::core::{
    ascii, astring, atom_string, byte, crlf, mod_sequence_value, mod_sequence_valzer, nstring,
    number, nz_number, paren_list, quoted, sp, string, tag, text, word,
};
use super::datetime::date_time;
use super::fetch::{section, section_binary};
use super::flag::{flag_fetch, flag_list, flag_perm, mbx_list_flags};
use super::mailbox::{mailbox, mailbox_in_code};
use super::sequence::{sequence_set, uid_set};
use super::{fail, PResult};
use crate::protocol::types::{
    Code, Continue, Data, FetchValue, ListItem, NamespaceDesc, Response, SearchReturnData,
    StatusKind, StatusResponse, StatusValue, Tag,
};

/// After `"ESEARCH"`: `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP
/// search-return-data)`, `search-correlator = SP "(" "TAG" SP tag-string ")"`, `tag-string =
/// string` (RFC 4466 §2.6.2); `search-return-data` as in RFC 4731 §4 and RFC 7162 §7.
fn esearch(input: &[u8]) -> PResult<'_, Data> {
    let mut rest = input;
    let mut tag = None;
    if let Ok((r, ())) = super::core::keyword(" (TAG ")(rest) {
        let (r, t) = string(r)?;
        let (r, ()) = byte(b')', "Expected ) after the search correlator")(r)?;
        let Ok(t) = String::from_utf8(t) else {
            return fail(r, "Expected a tag (RFC 4466 §2.6.2)");
        };
        tag = Some(t);
        rest = r;
    }
    let mut uid = false;
    if let Ok((r, ())) = super::core::keyword(" UID")(rest) {
        if matches!(r.first(), None | Some(b' ' | b'\r' | b'\n')) {
            uid = true;
            rest = r;
        }
    }
    let mut data = Vec::new();
    while let Some((b' ', after)) = rest.split_first() {
        let (r, name) = word(after)?;
        let (r, ()) = sp(r)?;
        let (r, item) = match ascii(name).to_ascii_uppercase().as_str() {
            "MIN" => nz_number(r).map(|(r, n)| (r, SearchReturnData::Min(n)))?,
            "MAX" => nz_number(r).map(|(r, n)| (r, SearchReturnData::Max(n)))?,
            "ALL" => sequence_set(r).map(|(r, s)| (r, SearchReturnData::All(s)))?,
            "COUNT" => number(r).map(|(r, n)| (r, SearchReturnData::Count(n)))?,
            "MODSEQ" => mod_sequence_value(r).map(|(r, m)| (r, SearchReturnData::ModSeq(m)))?,
            "ADDTO" => updates(r).map(|(r, p)| (r, SearchReturnData::AddTo(p)))?,
            "REMOVEFROM" => updates(r).map(|(r, p)| (r, SearchReturnData::RemoveFrom(p)))?,
            "PARTIAL" => partial(r)?,
            _ => return fail(after, "Expected MIN, MAX, ALL, COUNT or MODSEQ"),
        };
        data.push(item);
        rest = r;
    }
    Ok((rest, Data::ESearch { tag, uid, data }))
}

/// After `"PARTIAL" SP`: `"(" partial-range SP partial-results ")"` (RFC 5267 §5).
fn partial(input: &[u8]) -> PResult<'_, SearchReturnData> {
    let (r, ()) = byte(b'(', "Expected (")(input)?;
    let (r, range) = super::command::partial_range(r)?;
    let (r, ()) = sp(r)?;
    let (r, results) = match super::core::nil(r) {
        Ok((r, ())) => (r, None),
        Err(_) => {
            let (r, set) = sequence_set(r)?;
            (r, Some(set))
        }
    };
    let (r, ()) = byte(b')', "Expected ) after partial results")(r)?;
    Ok((r, SearchReturnData::Partial { range, results }))
}

/// After `"ADDTO" SP` or `"REMOVEFROM" SP`: `"(" context-position SP sequence-set *(SP
/// context-position SP sequence-set) ")"` (RFC 5267 §5).
fn updates(input: &[u8]) -> PResult<'_, Vec<(u32, crate::protocol::types::SequenceSet)>> {
    let (mut rest, ()) = byte(b'(', "Expected (")(input)?;
    let mut pairs = Vec::new();
    loop {
        let (r, position) = number(rest)?;
        let (r, ()) = sp(r)?;
        let (r, set) = sequence_set(r)?;
        pairs.push((position, set));
        match r.split_first() {
            Some((b')', after)) => return Ok((after, pairs)),
            Some((b' ', after)) => rest = after,
            _ => return fail(r, "Expected SP or )"),
        }
    }
}

/// One response line (with its literals), CRLF included (RFC 3501 §9):
///
/// ```text
/// continue-req    = "+" SP (resp-text / base64) CRLF
/// response-data   = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data /
///                   capability-data) CRLF
/// response-tagged = tag SP resp-cond-state CRLF
/// ```
///
/// `depth` bounds the nesting of body structures.
pub fn response(depth: usize) -> impl Fn(&[u8]) -> PResult<'_, Response> {
    move |input| {
        let (rest, r) = match input.split_first() {
            Some((b'+', after)) => {
                let (rest, c) = continue_req(after)?;
                (rest, Response::Continue(c))
            }
            Some((b'*', after)) => {
                let (rest, ()) = sp(after)?;
                untagged(rest, depth)?
            }
            _ => {
                let (rest, t) = tag(input)?;
                let (rest, ()) = sp(rest)?;
                let (rest, (kind, code, text)) = resp_cond(rest)?;
                if !matches!(kind, StatusKind::Ok | StatusKind::No | StatusKind::Bad) {
                    return fail(input, "Expected OK, NO or BAD in a tagged response");
                }
                (
                    rest,
                    Response::Status(StatusResponse {
                        tag: Some(Tag(t)),
                        kind,
                        code,
                        text,
                    }),
                )
            }
        };
        let (rest, ()) = crlf(rest)?;
        Ok((rest, r))
    }
}

/// `continue-req = "+" SP (resp-text / base64) CRLF` (RFC 3501 §9). What is valid base64
/// (including nothing at all) is read as base64, anything else as resp-text; a text that
/// happens to be valid base64, like `+ abcd`, is therefore a challenge.
fn continue_req(input: &[u8]) -> PResult<'_, Continue> {
    let (rest, ()) = sp(input)?;
    let line_len = rest
        .iter()
        .take_while(|&&b| b != b'\r' && b != b'\n')
        .count();
    let line = rest.get(..line_len).unwrap_or_default();
    let is_base64 = line_len % 4 == 0
        && line
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && base64_padding_ok(line);
    if is_base64 {
        return Ok((
            rest.get(line_len..).unwrap_or_default(),
            Continue::Base64(ascii(line)),
        ));
    }
    let (rest, (code, text)) = resp_text(rest)?;
    Ok((rest, Continue::Text { code, text }))
}

/// `resp-text = ["[" resp-text-code "]" SP] text` (RFC 3501 §9). Many servers send a code with
/// no text after it (`* OK [READ-WRITE]`); that is tolerated and gives an empty text. Without
/// a code the text must be non-empty, and must not start with `[` (RFC 9051 §9 says so
/// explicitly), so a malformed code is an error, not text.
fn resp_text(input: &[u8]) -> PResult<'_, (Option<Code>, String)> {
    match input.split_first() {
        Some((b'[', after)) => {
            let (rest, code) = resp_text_code(after)?;
            let (rest, ()) = byte(b']', "Expected ] after response code")(rest)?;
            match rest.split_first() {
                Some((b' ', after)) => {
                    let (rest, t) = text(after)?;
                    Ok((rest, (Some(code), t)))
                }
                _ => Ok((rest, (Some(code), String::new()))),
            }
        }
        _ => {
            let (rest, t) = text(input)?;
            Ok((rest, (None, t)))
        }
    }
}

/// `resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text`, `resp-cond-auth = ("OK" /
/// "PREAUTH") SP resp-text`, `resp-cond-bye = "BYE" SP resp-text` (RFC 3501 §9).
#[allow(clippy::type_complexity)]
fn resp_cond(input: &[u8]) -> PResult<'_, (StatusKind, Option<Code>, String)> {
    let (rest, name) = word(input)?;
    let kind = match ascii(name).to_ascii_uppercase().as_str() {
        "OK" => StatusKind::Ok,
        "NO" => StatusKind::No,
        "BAD" => StatusKind::Bad,
        "PREAUTH" => StatusKind::PreAuth,
        "BYE" => StatusKind::Bye,
        _ => return fail(input, "Expected OK, NO, BAD, PREAUTH or BYE"),
    };
    let (rest, ()) = sp(rest)?;
    let (rest, (code, t)) = resp_text(rest)?;
    Ok((rest, (kind, code, t)))
}

/// `resp-text-code` (RFC 3501 §9, RFC 4315 §4, RFC 2180 §3.4, RFC 9051 §7.1):
///
/// ```text
/// resp-text-code = "ALERT" / "BADCHARSET" [SP "(" astring *(SP astring) ")" ] /
///                  capability-data / "PARSE" /
///                  "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")" /
///                  "READ-ONLY" / "READ-WRITE" / "TRYCREATE" /
///                  "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number /
///                  "UNSEEN" SP nz-number /
///                  "APPENDUID" SP nz-number SP append-uid /
///                  "COPYUID" SP nz-number SP uid-set SP uid-set / "UIDNOTSTICKY" /
///                  atom [SP 1*<any TEXT-CHAR except "]">]
/// ```
pub fn resp_text_code(input: &[u8]) -> PResult<'_, Code> {
    let (rest, name) = atom_string(input)?;
    let upper = name.to_ascii_uppercase();
    let bare = match upper.as_str() {
        "ALERT" => Some(Code::Alert),
        "PARSE" => Some(Code::Parse),
        "READ-ONLY" => Some(Code::ReadOnly),
        "READ-WRITE" => Some(Code::ReadWrite),
        "TRYCREATE" => Some(Code::TryCreate),
        "UIDNOTSTICKY" => Some(Code::UidNotSticky),
        "ALREADYEXISTS" => Some(Code::AlreadyExists),
        "AUTHENTICATIONFAILED" => Some(Code::AuthenticationFailed),
        "AUTHORIZATIONFAILED" => Some(Code::AuthorizationFailed),
        "CANNOT" => Some(Code::Cannot),
        "CLIENTBUG" => Some(Code::ClientBug),
        "CLOSED" => Some(Code::Closed),
        "CONTACTADMIN" => Some(Code::ContactAdmin),
        "CORRUPTION" => Some(Code::Corruption),
        "EXPUNGEISSUED" => Some(Code::ExpungeIssued),
        "EXPIRED" => Some(Code::Expired),
        "HASCHILDREN" => Some(Code::HasChildren),
        "INUSE" => Some(Code::InUse),
        "LIMIT" => Some(Code::Limit),
        "NONEXISTENT" => Some(Code::Nonexistent),
        "NOPERM" => Some(Code::NoPerm),
        "NOTSAVED" => Some(Code::NotSaved),
        "OVERQUOTA" => Some(Code::OverQuota),
        "PRIVACYREQUIRED" => Some(Code::PrivacyRequired),
        "SERVERBUG" => Some(Code::ServerBug),
        "UNAVAILABLE" => Some(Code::Unavailable),
        "UNKNOWN-CTE" => Some(Code::UnknownCte),
        // RFC 7162 §7.
        "NOMODSEQ" => Some(Code::NoModSeq),
        // RFC 5465 §8.
        "NOTIFICATIONOVERFLOW" => Some(Code::NotificationOverflow),
        // RFC 4469 §5 `toobig-response-code`.
        #[cfg(feature = "catenate")]
        "TOOBIG" => Some(Code::TooBig),
        _ => None,
    };
    if let Some(code) = bare {
        if rest.first() == Some(&b']') {
            return Ok((rest, code));
        }
    }
    let number_code = |f: fn(u32) -> Code| -> PResult<'_, Code> {
        let (r, ()) = sp(rest)?;
        let (r, n) = nz_number(r)?;
        Ok((r, f(n)))
    };
    match upper.as_str() {
        "BADCHARSET" => match rest.split_first() {
            Some((b' ', after)) => {
                let (r, list) = paren_list(after, false, astring)?;
                let list = list.iter().map(|c| String::from_utf8_lossy(c).into_owned());
                Ok((r, Code::BadCharset(list.collect())))
            }
            _ => Ok((rest, Code::BadCharset(Vec::new()))),
        },
        "CAPABILITY" => {
            let (r, caps) = capability_list(rest)?;
            Ok((r, Code::Capability(caps)))
        }
        "PERMANENTFLAGS" => {
            let (r, ()) = sp(rest)?;
            if r.first() != Some(&b'(') {
                return fail(r, "Expected flag list");
            }
            let (r, flags) = paren_list(r, true, flag_perm)?;
            Ok((r, Code::PermanentFlags(flags)))
        }
        // RFC 7162 §7: `"HIGHESTMODSEQ" SP mod-sequence-value / "MODIFIED" SP sequence-set`.
        "HIGHESTMODSEQ" => {
            let (r, ()) = sp(rest)?;
            let (r, n) = mod_sequence_value(r)?;
            Ok((r, Code::HighestModSeq(n)))
        }
        "MODIFIED" => {
            let (r, ()) = sp(rest)?;
            let (r, set) = sequence_set(r)?;
            Ok((r, Code::Modified(set)))
        }
        "UIDNEXT" => number_code(Code::UidNext),
        "UIDVALIDITY" => number_code(Code::UidValidity),
        "UNSEEN" => number_code(Code::Unseen),
        // RFC 4315 §4: `resp-code-apnd = "APPENDUID" SP nz-number SP append-uid`.
        "APPENDUID" => {
            let (r, ()) = sp(rest)?;
            let (r, uid_validity) = nz_number(r)?;
            let (r, ()) = sp(r)?;
            let (r, uids) = uid_set(r)?;
            Ok((r, Code::AppendUid { uid_validity, uids }))
        }
        // RFC 4315 §4: `resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set`.
        "COPYUID" => {
            let (r, ()) = sp(rest)?;
            let (r, uid_validity) = nz_number(r)?;
            let (r, ()) = sp(r)?;
            let (r, source) = uid_set(r)?;
            let (r, ()) = sp(r)?;
            let (r, destination) = uid_set(r)?;
            Ok((
                r,
                Code::CopyUid {
                    uid_validity,
                    source,
                    destination,
                },
            ))
        }
        // RFC 4469 §5: `"BADURL" SP url-resp-text`, `url-resp-text = 1*<any TEXT-CHAR except
        // "]">`; the URL in double quotes as in its §A example 4, which are taken off.
        #[cfg(feature = "catenate")]
        "BADURL" => {
            let (r, ()) = sp(rest)?;
            let n = r
                .iter()
                .take_while(|&&b| !matches!(b, b']' | 0 | b'\r' | b'\n'))
                .count();
            let text = r.get(..n).unwrap_or_default();
            if text.is_empty() {
                return fail(r, "Expected URL after BADURL");
            }
            let url = match text {
                [b'"', inner @ .., b'"'] => inner,
                _ => text,
            };
            Ok((
                r.get(n..).unwrap_or_default(),
                Code::BadUrl(String::from_utf8_lossy(url).into_owned()),
            ))
        }
        // RFC 5465 §8: `"BADEVENT" SP "(" event-name *(SP event-name) ")"`.
        "BADEVENT" => {
            let (r, names) = super::notify::bad_event_names(rest)?;
            Ok((r, Code::BadEvent(names)))
        }
        // RFC 2180 §3.4: `NEWNAME old new`.
        "NEWNAME" => {
            let (r, ()) = sp(rest)?;
            let (r, old) = mailbox_in_code(r)?;
            let (r, ()) = sp(r)?;
            let (r, new) = mailbox_in_code(r)?;
            Ok((r, Code::NewName { old, new }))
        }
        _ => {
            let (r, text) = match rest.split_first() {
                Some((b' ', after)) => {
                    let n = after
                        .iter()
                        .take_while(|&&b| !matches!(b, b']' | b'\r' | b'\n' | 0))
                        .count();
                    if n == 0 {
                        return fail(after, "Expected response code text");
                    }
                    let t = after.get(..n).unwrap_or_default();
                    let Ok(t) = std::str::from_utf8(t) else {
                        return fail(after, "Expected response code text (invalid UTF-8)");
                    };
                    (after.get(n..).unwrap_or_default(), Some(t.to_string()))
                }
                _ => (rest, None),
            };
            Ok((r, Code::Other { atom: name, text }))
        }
    }
}

/// `capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev1" *(SP capability)`
/// (RFC 3501 §9), after the word CAPABILITY; `IMAP4rev1` must be among them.
fn capability_list(input: &[u8]) -> PResult<'_, Vec<String>> {
    let mut caps = Vec::new();
    let mut rest = input;
    while let Some((b' ', after)) = rest.split_first() {
        let (r, cap) = atom_string(after)?;
        caps.push(cap);
        rest = r;
    }
    if !caps.iter().any(|c| c.eq_ignore_ascii_case("IMAP4rev1")) {
        return fail(input, "Expected IMAP4rev1 among the capabilities");
    }
    Ok((rest, caps))
}

/// Everything after `"*" SP`: `resp-cond-state / resp-cond-bye / resp-cond-auth /
/// mailbox-data / message-data / capability-data` and the extension data (RFC 3501 §9,
/// RFC 2342 §5, RFC 5161 §4, RFC 2971 §4).
fn untagged(input: &[u8], depth: usize) -> PResult<'_, Response> {
    fn data(r: &[u8], d: Data) -> PResult<'_, Response> {
        Ok((r, Response::Data(d)))
    }
    if input.first().is_some_and(u8::is_ascii_digit) {
        return numbered(input, depth);
    }
    let (rest, name) = word(input)?;
    let upper = ascii(name).to_ascii_uppercase();
    match upper.as_str() {
        "OK" | "NO" | "BAD" | "PREAUTH" | "BYE" => {
            let (rest, (kind, code, text)) = resp_cond(input)?;
            Ok((
                rest,
                Response::Status(StatusResponse {
                    tag: None,
                    kind,
                    code,
                    text,
                }),
            ))
        }
        "CAPABILITY" => {
            let (r, caps) = capability_list(rest)?;
            data(r, Data::Capability(caps))
        }
        // `"FLAGS" SP flag-list`
        "FLAGS" => {
            let (r, ()) = sp(rest)?;
            let (r, flags) = flag_list(r)?;
            data(r, Data::Flags(flags))
        }
        "LIST" | "LSUB" => {
            let (r, ()) = sp(rest)?;
            let (r, item) = mailbox_list(r)?;
            // RFC 5258 §6 `mbox-list-extended`: CHILDINFO, or RFC 5465 §5.4's OLDNAME.
            if upper == "LIST" && r.first() == Some(&b' ') {
                let (r, d) = super::list::mbox_list_extended(r, item)?;
                return data(r, d);
            }
            if upper == "LIST" {
                data(r, Data::List(item))
            } else {
                data(r, Data::Lsub(item))
            }
        }
        // `"SEARCH" *(SP nz-number)`; RFC 7162 §7: `"SEARCH" [1*(SP nz-number) SP
        // search-sort-mod-seq]`, `search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"`.
        "SEARCH" => {
            let (r, (nums, modseq)) = numbers_modseq(rest)?;
            data(r, Data::Search(nums, modseq))
        }
        "ESEARCH" => {
            let (r, d) = esearch(rest)?;
            data(r, d)
        }
        // RFC 7162 §7: `expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids`.
        "VANISHED" => {
            let (r, ()) = sp(rest)?;
            let (r, earlier) = match super::core::keyword("(EARLIER) ")(r) {
                Ok((after, ())) => (after, true),
                Err(_) => (r, false),
            };
            let (r, uids) = uid_set(r)?;
            data(r, Data::Vanished { earlier, uids })
        }
        // RFC 5256 §4 `"SORT" *(SP nz-number)`; RFC 7162 §7 `sort-data = "SORT" [1*(SP
        // nz-number) SP search-sort-mod-seq]`: the same shape as SEARCH's.
        "SORT" => {
            let (r, (nums, modseq)) = numbers_modseq(rest)?;
            data(r, Data::Sort(nums, modseq))
        }
        "THREAD" => {
            let (r, threads) = super::sort::thread_data(rest, depth)?;
            data(r, Data::Thread(threads))
        }
        // `"STATUS" SP mailbox SP "(" [status-att-list] ")"`
        "STATUS" => {
            let (r, ()) = sp(rest)?;
            let (r, mailbox) = mailbox(r)?;
            let (r, ()) = sp(r)?;
            if r.first() != Some(&b'(') {
                return fail(r, "Expected status list");
            }
            let (r, items) = paren_list(r, true, status_value)?;
            data(r, Data::Status { mailbox, items })
        }
        // RFC 2342 §5: `"NAMESPACE" SP Namespace SP Namespace SP Namespace`
        "NAMESPACE" => {
            let (r, ()) = sp(rest)?;
            let (r, personal) = namespace(r)?;
            let (r, ()) = sp(r)?;
            let (r, other) = namespace(r)?;
            let (r, ()) = sp(r)?;
            let (r, shared) = namespace(r)?;
            data(
                r,
                Data::Namespace {
                    personal,
                    other,
                    shared,
                },
            )
        }
        // RFC 5161 §4: `"ENABLED" *(SP capability)`
        "ENABLED" => {
            let mut caps = Vec::new();
            let mut r = rest;
            while let Some((b' ', after)) = r.split_first() {
                let (after, cap) = atom_string(after)?;
                caps.push(cap);
                r = after;
            }
            data(r, Data::Enabled(caps))
        }
        // RFC 9208 §7 `quota-response`, `quotaroot-response`.
        #[cfg(feature = "quota")]
        "QUOTA" => {
            let (r, d) = super::quota::quota_response(rest)?;
            data(r, d)
        }
        #[cfg(feature = "quota")]
        "QUOTAROOT" => {
            let (r, d) = super::quota::quotaroot_response(rest)?;
            data(r, d)
        }
        // RFC 2971 §4: `"ID" SPACE id_params_list`
        "ID" => {
            let (r, ()) = sp(rest)?;
            let (r, params) = id_params_list(r)?;
            data(r, Data::Id(params))
        }
        _ => fail(input, "Expected response data"),
    }
}

/// `number SP "EXISTS" / number SP "RECENT"` (`mailbox-data`) and `nz-number SP ("EXPUNGE" /
/// ("FETCH" SP msg-att))` (`message-data`), RFC 3501 §9.
fn numbered(input: &[u8], depth: usize) -> PResult<'_, Response> {
    let (rest, n) = number(input)?;
    let (rest, ()) = sp(rest)?;
    let (rest, name) = word(rest)?;
    let d = match ascii(name).to_ascii_uppercase().as_str() {
        "EXISTS" => Data::Exists(n),
        "RECENT" => Data::Recent(n),
        "EXPUNGE" | "FETCH" if n == 0 => return fail(input, "Expected non-zero number"),
        "EXPUNGE" => Data::Expunge(n),
        "FETCH" => {
            let (rest, ()) = sp(rest)?;
            let (rest, items) = msg_att(rest, depth)?;
            return Ok((rest, Response::Data(Data::Fetch { seq: n, items })));
        }
        _ => return fail(rest, "Expected EXISTS, RECENT, EXPUNGE or FETCH"),
    };
    Ok((rest, Response::Data(d)))
}

/// `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox`
/// (RFC 3501 §9).
fn mailbox_list(input: &[u8]) -> PResult<'_, ListItem> {
    let (rest, attributes) = mbx_list_flags(input)?;
    let (rest, ()) = sp(rest)?;
    let (rest, delimiter) = delimiter(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, mailbox) = mailbox(rest)?;
    Ok((
        rest,
        ListItem {
            attributes,
            delimiter,
            mailbox,
        },
    ))
}

/// `DQUOTE QUOTED-CHAR DQUOTE / nil` (RFC 3501 §9 `mailbox-list`): one character or NIL.
fn delimiter(input: &[u8]) -> PResult<'_, Option<char>> {
    match input.first() {
        Some(b'"') => {
            let (rest, q) = quoted(input)?;
            match q.as_slice() {
                [c] if c.is_ascii() => Ok((rest, Some(char::from(*c)))),
                _ => fail(input, "Expected one-character hierarchy delimiter"),
            }
        }
        _ => {
            let (rest, ()) = super::core::nil(input)?;
            Ok((rest, None))
        }
    }
}

/// `status-att number` pairs of `status-att-list` (RFC 3501 §9).
fn status_value(input: &[u8]) -> PResult<'_, StatusValue> {
    let (rest, item) = super::command::status_att(input)?;
    let (rest, ()) = sp(rest)?;
    use crate::protocol::types::StatusItem::*;
    if item == HighestModSeq {
        // RFC 7162 §7: `"HIGHESTMODSEQ" SP mod-sequence-valzer`.
        let (rest, n) = mod_sequence_valzer(rest)?;
        return Ok((rest, StatusValue::HighestModSeq(n)));
    }
    if item == Size {
        // RFC 9051 §9: `"SIZE" SP number64`, 0 to 2^63 - 1 as a mod-sequence is.
        let (rest, n) = mod_sequence_valzer(rest)?;
        return Ok((rest, StatusValue::Size(n)));
    }
    #[cfg(feature = "quota")]
    if item == DeletedStorage {
        // RFC 9208 §7: `"DELETED-STORAGE" SP number64`.
        let (rest, n) = mod_sequence_valzer(rest)?;
        return Ok((rest, StatusValue::DeletedStorage(n)));
    }
    let (rest, n) = number(rest)?;
    let v = match item {
        Messages => StatusValue::Messages(n),
        Recent => StatusValue::Recent(n),
        UidNext => StatusValue::UidNext(n),
        UidValidity => StatusValue::UidValidity(n),
        Unseen => StatusValue::Unseen(n),
        HighestModSeq => StatusValue::HighestModSeq(u64::from(n)),
        Deleted => StatusValue::Deleted(n),
        Size => StatusValue::Size(u64::from(n)),
        #[cfg(feature = "quota")]
        DeletedStorage => StatusValue::DeletedStorage(u64::from(n)),
    };
    Ok((rest, v))
}

/// `Namespace = nil / "(" 1*( "(" string SP (<"> QUOTED_CHAR <"> / nil)
/// *(Namespace_Response_Extension) ")" ) ")"` (RFC 2342 §5). Response extensions
/// (`SP string SP "(" string *(SP string) ")"`) are checked and dropped.
fn namespace(input: &[u8]) -> PResult<'_, Option<Vec<NamespaceDesc>>> {
    let Some((b'(', mut rest)) = input.split_first() else {
        let (rest, ()) = super::core::nil(input)?;
        return Ok((rest, None));
    };
    let mut out = Vec::new();
    loop {
        let (r, ()) = byte(b'(', "Expected namespace")(rest)?;
        let (r, prefix) = string(r)?;
        let (r, ()) = sp(r)?;
        let (mut r, delimiter) = delimiter(r)?;
        while let Some((b' ', after)) = r.split_first() {
            let (after, _) = string(after)?;
            let (after, ()) = sp(after)?;
            r = paren_list(after, false, string)?.0;
        }
        let (r, ()) = byte(b')', "Expected ) after namespace")(r)?;
        out.push(NamespaceDesc { prefix, delimiter });
        match r.split_first() {
            Some((b')', after)) => return Ok((after, Some(out))),
            _ => rest = r,
        }
    }
}

/// `msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic /
/// msg-att-static)) ")"` (RFC 3501 §9).
fn msg_att(input: &[u8], depth: usize) -> PResult<'_, Vec<FetchValue>> {
    if input.first() != Some(&b'(') {
        return fail(input, "Expected message attribute list");
    }
    paren_list(input, false, |i| msg_att_item(i, depth))
}

/// ```text
/// msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"
/// msg-att-static  = "ENVELOPE" SP envelope / "INTERNALDATE" SP date-time /
///                   "RFC822" [".HEADER" / ".TEXT"] SP nstring / "RFC822.SIZE" SP number /
///                   "BODY" ["STRUCTURE"] SP body /
///                   "BODY" section ["<" number ">"] SP nstring / "UID" SP uniqueid
/// ```
/// (RFC 3501 §9; `uniqueid = nz-number`).
fn msg_att_item(input: &[u8], depth: usize) -> PResult<'_, FetchValue> {
    let (rest, name) = word(input)?;
    let upper = ascii(name).to_ascii_uppercase();
    if upper == "BODY" && rest.first() == Some(&b'[') {
        let (rest, section) = section(rest)?;
        let (rest, origin) = match rest.split_first() {
            Some((b'<', after)) => {
                let (r, n) = number(after)?;
                let (r, ()) = byte(b'>', "Expected >")(r)?;
                (r, Some(n))
            }
            _ => (rest, None),
        };
        let (rest, ()) = sp(rest)?;
        let (rest, data) = nstring(rest)?;
        return Ok((
            rest,
            FetchValue::BodySection {
                section,
                origin,
                data,
            },
        ));
    }
    // RFC 3516 §7: `"BINARY" section-binary SP (nstring / literal8) / "BINARY.SIZE"
    // section-binary SP number`; in a response the partial is the origin only.
    if upper == "BINARY" || upper == "BINARY.SIZE" {
        let (rest, part) = section_binary(rest)?;
        if upper == "BINARY.SIZE" {
            let (rest, ()) = sp(rest)?;
            let (rest, size) = number(rest)?;
            return Ok((rest, FetchValue::BinarySize { part, size }));
        }
        let (rest, origin) = match rest.split_first() {
            Some((b'<', after)) => {
                let (r, n) = number(after)?;
                let (r, ()) = byte(b'>', "Expected >")(r)?;
                (r, Some(n))
            }
            _ => (rest, None),
        };
        let (rest, ()) = sp(rest)?;
        let literal8 = rest.first() == Some(&b'~');
        let (rest, data) = if literal8 {
            let (r, d) = super::core::literal8(rest)?;
            (r, Some(d))
        } else {
            nstring(rest)?
        };
        return Ok((
            rest,
            FetchValue::Binary {
                part,
                origin,
                data,
                literal8,
            },
        ));
    }
    let (rest, ()) = sp(rest)?;
    let v = match upper.as_str() {
        "FLAGS" => {
            if rest.first() != Some(&b'(') {
                return fail(rest, "Expected flag list");
            }
            let (r, flags) = paren_list(rest, true, flag_fetch)?;
            return Ok((r, FetchValue::Flags(flags)));
        }
        "ENVELOPE" => {
            let (r, e) = envelope(rest)?;
            return Ok((r, FetchValue::Envelope(std::sync::Arc::new(e))));
        }
        "INTERNALDATE" => {
            let (r, d) = date_time(rest)?;
            return Ok((r, FetchValue::InternalDate(d)));
        }
        "RFC822.SIZE" => {
            let (r, n) = number(rest)?;
            return Ok((r, FetchValue::Rfc822Size(n)));
        }
        "UID" => {
            let (r, n) = nz_number(rest)?;
            return Ok((r, FetchValue::Uid(n)));
        }
        // RFC 7162 §7: `fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")"`.
        "MODSEQ" => {
            let (r, ()) = byte(b'(', "Expected ( after MODSEQ")(rest)?;
            let (r, n) = mod_sequence_value(r)?;
            let (r, ()) = byte(b')', "Expected ) after MODSEQ")(r)?;
            return Ok((r, FetchValue::ModSeq(n)));
        }
        "BODY" | "BODYSTRUCTURE" => {
            let (r, b) = body(depth)(rest)?;
            return Ok((
                r,
                if upper == "BODY" {
                    FetchValue::Body(Box::new(b))
                } else {
                    FetchValue::BodyStructure(Box::new(b))
                },
            ));
        }
        "RFC822" => FetchValue::Rfc822,
        "RFC822.HEADER" => FetchValue::Rfc822Header,
        "RFC822.TEXT" => FetchValue::Rfc822Text,
        _ => return fail(input, "Expected message attribute"),
    };
    let (r, data) = nstring(rest)?;
    Ok((r, v(data)))
}

/// The numbers of a SEARCH or SORT response after its name, and the `search-sort-mod-seq` that
/// may end them (RFC 7162 §7: `1*(SP nz-number) SP search-sort-mod-seq`, only after a number).
fn numbers_modseq(input: &[u8]) -> PResult<'_, (Vec<u32>, Option<u64>)> {
    let mut nums = Vec::new();
    let mut r = input;
    while let Some((b' ', after)) = r.split_first() {
        if after.first() == Some(&b'(') && !nums.is_empty() {
            let (a, ()) = byte(b'(', "Expected (")(after)?;
            let (a, ()) = super::core::keyword("MODSEQ ")(a)?;
            let (a, n) = mod_sequence_value(a)?;
            let (a, ()) = byte(b')', "Expected ) after MODSEQ")(a)?;
            return Ok((a, (nums, Some(n))));
        }
        let (after, n) = nz_number(after)?;
        nums.push(n);
        r = after;
    }
    Ok((r, (nums, None)))
}
