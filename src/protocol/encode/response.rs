//! Responses (RFC 3501 §7): status, data and continuation responses as wire bytes.

use super::*;

/// Writes one response, including its final CRLF.
pub fn encode_response(r: &Response, out: &mut Vec<u8>) {
    match r {
        Response::Status(s) => write_status_response(s, out),
        Response::Data(d) => write_data(d, out),
        Response::Continue(c) => write_continue(c, out),
    }
    out.extend_from_slice(CRLF);
}

/// [`encode_response`] as a string (lossy UTF-8, so literals with 8-bit data are mangled), for
/// tests and the page.
pub fn response_to_string(r: &Response) -> String {
    let mut out = Vec::new();
    encode_response(r, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn status_kind_name(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::Ok => "OK",
        StatusKind::No => "NO",
        StatusKind::Bad => "BAD",
        StatusKind::PreAuth => "PREAUTH",
        StatusKind::Bye => "BYE",
    }
}

fn write_status_response(s: &StatusResponse, out: &mut Vec<u8>) {
    match (&s.tag, s.kind) {
        // RFC 3501 §7.1.4, §7.1.5 (`resp-cond-auth`, `resp-cond-bye`): PREAUTH and BYE are
        // always untagged, whatever the value says.
        (_, StatusKind::PreAuth | StatusKind::Bye) | (None, _) => out.push(b'*'),
        (Some(tag), _) => write_atom(&tag.0, out),
    }
    out.push(b' ');
    let kind = status_kind_name(s.kind);
    write_atom(kind, out);
    out.push(b' ');
    write_resp_text(s.code.as_ref(), &s.text, kind, out);
}

/// `resp-text = ["[" resp-text-code "]" SP] text` (RFC 3501 §9).
fn write_resp_text(code: Option<&Code>, text: &str, placeholder: &str, out: &mut Vec<u8>) {
    if let Some(code) = code {
        out.push(b'[');
        write_code(code, out);
        out.extend_from_slice(b"] ");
    }
    write_text(text, placeholder, out);
}

/// `resp-text-code` (RFC 3501 §7.1, §9; RFC 4315 §3; RFC 2180 §3.4; RFC 9051 §7.1).
fn write_code(code: &Code, out: &mut Vec<u8>) {
    let simple = match code {
        Code::Alert => "ALERT",
        Code::BadCharset(charsets) => {
            write_atom("BADCHARSET", out);
            // RFC 3501 §9: `"BADCHARSET" [SP "(" astring *(SP astring) ")"]`.
            if !charsets.is_empty() {
                out.push(b' ');
                write_paren_list(charsets, out, |c, out| write_astring(c.as_bytes(), out));
            }
            return;
        }
        Code::Capability(caps) => {
            write_atom("CAPABILITY", out);
            write_atoms_after(caps, out);
            return;
        }
        Code::Parse => "PARSE",
        Code::PermanentFlags(flags) => {
            write_atom("PERMANENTFLAGS ", out);
            write_paren_list(flags, out, write_flag_perm);
            return;
        }
        Code::ReadOnly => "READ-ONLY",
        Code::ReadWrite => "READ-WRITE",
        Code::TryCreate => "TRYCREATE",
        // RFC 7162 §7.
        Code::HighestModSeq(n) => {
            out.extend_from_slice(format!("HIGHESTMODSEQ {n}").as_bytes());
            return;
        }
        Code::NoModSeq => "NOMODSEQ",
        Code::Modified(set) => {
            write_atom("MODIFIED ", out);
            write_sequence_set(set, out);
            return;
        }
        Code::UidNext(n) => return write_keyword_number("UIDNEXT ", *n, out),
        Code::UidValidity(n) => return write_keyword_number("UIDVALIDITY ", *n, out),
        Code::Unseen(n) => return write_keyword_number("UNSEEN ", *n, out),
        // RFC 4315 §3: `"APPENDUID" SP nz-number SP append-uid`.
        Code::AppendUid { uid_validity, uids } => {
            write_keyword_number("APPENDUID ", *uid_validity, out);
            out.push(b' ');
            write_sequence_set(uids, out);
            return;
        }
        // RFC 4315 §3: `"COPYUID" SP nz-number SP uid-set SP uid-set`.
        Code::CopyUid {
            uid_validity,
            source,
            destination,
        } => {
            write_keyword_number("COPYUID ", *uid_validity, out);
            out.push(b' ');
            write_sequence_set(source, out);
            out.push(b' ');
            write_sequence_set(destination, out);
            return;
        }
        Code::UidNotSticky => "UIDNOTSTICKY",
        // RFC 2180 §3.4, RFC 2060 §9: `"NEWNAME" SP mailbox SP mailbox`.
        Code::NewName { old, new } => {
            write_atom("NEWNAME ", out);
            write_mailbox(old, out);
            out.push(b' ');
            write_mailbox(new, out);
            return;
        }
        Code::AlreadyExists => "ALREADYEXISTS",
        Code::AuthenticationFailed => "AUTHENTICATIONFAILED",
        Code::AuthorizationFailed => "AUTHORIZATIONFAILED",
        Code::Cannot => "CANNOT",
        Code::ClientBug => "CLIENTBUG",
        Code::Closed => "CLOSED",
        Code::ContactAdmin => "CONTACTADMIN",
        Code::Corruption => "CORRUPTION",
        Code::ExpungeIssued => "EXPUNGEISSUED",
        Code::Expired => "EXPIRED",
        Code::HasChildren => "HASCHILDREN",
        Code::InUse => "INUSE",
        Code::Limit => "LIMIT",
        Code::Nonexistent => "NONEXISTENT",
        Code::NoPerm => "NOPERM",
        Code::NotSaved => "NOTSAVED",
        Code::OverQuota => "OVERQUOTA",
        Code::PrivacyRequired => "PRIVACYREQUIRED",
        Code::ServerBug => "SERVERBUG",
        Code::Unavailable => "UNAVAILABLE",
        Code::UnknownCte => "UNKNOWN-CTE",
        // RFC 4469 §4.1, §5: `"BADURL" SP url-resp-text`, the URL in double quotes as its
        // §A example 4 writes it; what would end the code or the line early is dropped.
        #[cfg(feature = "catenate")]
        Code::BadUrl(url) => {
            write_atom("BADURL \"", out);
            out.extend(
                url.bytes()
                    .filter(|&b| !matches!(b, b']' | b'"' | b'\r' | b'\n' | 0)),
            );
            out.push(b'"');
            return;
        }
        // RFC 4469 §4.2.
        #[cfg(feature = "catenate")]
        Code::TooBig => "TOOBIG",
        // RFC 5465 §8.
        Code::NotificationOverflow => "NOTIFICATIONOVERFLOW",
        Code::BadEvent(names) => {
            write_atom("BADEVENT ", out);
            write_paren_list(names, out, |n, out| write_atom(n, out));
            return;
        }
        Code::Other { atom, text } => {
            write_atom(atom, out);
            // RFC 3501 §9: `atom [SP 1*<any TEXT-CHAR except "]">]`: drop what would end the
            // code or the line early; an empty remainder is left out.
            let text: Vec<u8> = text
                .as_deref()
                .unwrap_or("")
                .bytes()
                .filter(|&b| b != b']' && b != b'\r' && b != b'\n' && b != 0)
                .collect();
            if !text.is_empty() {
                out.push(b' ');
                out.extend_from_slice(&text);
            }
            return;
        }
    };
    write_atom(simple, out);
}

/// `continue-req = "+" SP (resp-text / base64) CRLF` (RFC 3501 §7.5, §9).
fn write_continue(c: &Continue, out: &mut Vec<u8>) {
    out.extend_from_slice(b"+ ");
    match c {
        Continue::Text { code, text } => write_resp_text(code.as_ref(), text, "continue", out),
        // RFC 3501 §9 `base64 = *(4base64-char) [base64-terminal]` may be empty: an empty SASL
        // challenge (RFC 4422 §5) is "+ " CRLF, the space kept as `continue-req` requires.
        Continue::Base64(b64) => write_atom(b64, out),
    }
}

fn write_data(d: &Data, out: &mut Vec<u8>) {
    out.extend_from_slice(b"* ");
    match d {
        // RFC 3501 §7.2.1.
        Data::Capability(caps) => {
            write_atom("CAPABILITY", out);
            write_atoms_after(caps, out);
        }
        // RFC 3501 §7.2.2, §7.2.3.
        Data::List(item) => {
            write_atom("LIST ", out);
            write_list_item(item, out);
        }
        Data::Lsub(item) => {
            write_atom("LSUB ", out);
            write_list_item(item, out);
        }
        // RFC 5465 §5.4, §8: `mailbox-list SP "(" "OLDNAME" SP "(" mailbox ")" ")"`.
        Data::ListOldName { item, old } => {
            write_atom("LIST ", out);
            write_list_item(item, out);
            write_atom(" (\"OLDNAME\" (", out);
            write_mailbox(old, out);
            write_atom("))", out);
        }
        // RFC 5258 §6: `mailbox-list SP "(" "CHILDINFO" SP "(" list-select-base-opt-quoted
        // *(SP list-select-base-opt-quoted) ")" ")"`, the tag quoted as in §5's examples.
        Data::ListChildInfo { item, criteria } => {
            write_atom("LIST ", out);
            write_list_item(item, out);
            write_atom(" (\"CHILDINFO\" ", out);
            write_paren_list(criteria, out, |c, out| write_quoted(c.as_bytes(), out));
            out.push(b')');
        }
        // RFC 3501 §7.2.4: `"STATUS" SP mailbox SP "(" [status-att-list] ")"`.
        Data::Status { mailbox, items } => {
            write_atom("STATUS ", out);
            write_mailbox(mailbox, out);
            out.push(b' ');
            write_paren_list(items, out, write_status_value);
        }
        // RFC 3501 §7.2.5: `"SEARCH" *(SP nz-number)`: no trailing space when empty. RFC 7162
        // §3.1.6: the `(MODSEQ n)` only after numbers.
        Data::Search(numbers, modseq) => write_numbers_modseq("SEARCH", numbers, *modseq, out),
        // RFC 4466 §2.6.2: `"ESEARCH" [search-correlator] [SP "UID"] *(SP
        // search-return-data)`, `search-correlator = SP "(" "TAG" SP tag-string ")"`.
        Data::ESearch { tag, uid, data } => {
            write_atom("ESEARCH", out);
            if let Some(tag) = tag {
                out.extend_from_slice(b" (TAG ");
                write_string(tag.as_bytes(), out);
                out.push(b')');
            }
            if *uid {
                out.extend_from_slice(b" UID");
            }
            for item in data {
                out.push(b' ');
                write_search_return_data(item, out);
            }
        }
        // RFC 7162 §7: `"VANISHED" [SP "(EARLIER)"] SP known-uids`.
        Data::Vanished { earlier, uids } => {
            write_atom(
                if *earlier {
                    "VANISHED (EARLIER) "
                } else {
                    "VANISHED "
                },
                out,
            );
            write_sequence_set(uids, out);
        }
        // RFC 5256 §5: `"SORT" *(SP nz-number)`; RFC 7162 §3.1.9: `(MODSEQ n)` after a
        // non-empty result.
        Data::Sort(numbers, modseq) => write_numbers_modseq("SORT", numbers, *modseq, out),
        // RFC 5256 §5: `"THREAD" [SP 1*thread-list]`, the lists side by side.
        Data::Thread(threads) => {
            write_atom("THREAD", out);
            if !threads.is_empty() {
                out.push(b' ');
            }
            write_thread_lists(threads, out);
        }
        // RFC 3501 §7.2.6.
        Data::Flags(flags) => {
            write_atom("FLAGS ", out);
            write_flag_list(flags, out);
        }
        // RFC 3501 §7.3.1, §7.3.2, §7.4.1: `number SP "EXISTS"` and friends.
        Data::Exists(n) => write_number_data(*n, "EXISTS", out),
        Data::Recent(n) => write_number_data(*n, "RECENT", out),
        Data::Expunge(n) => write_number_data(*n, "EXPUNGE", out),
        // RFC 3501 §7.4.2: `nz-number SP "FETCH" SP msg-att`, msg-att parenthesized.
        Data::Fetch { seq, items } => {
            write_number_data(*seq, "FETCH ", out);
            write_paren_list(items, out, write_fetch_value);
        }
        // RFC 2342 §5: `"NAMESPACE" SP Namespace SP Namespace SP Namespace`.
        Data::Namespace {
            personal,
            other,
            shared,
        } => {
            write_atom("NAMESPACE ", out);
            write_namespace(personal.as_deref(), out);
            out.push(b' ');
            write_namespace(other.as_deref(), out);
            out.push(b' ');
            write_namespace(shared.as_deref(), out);
        }
        // RFC 5161 §4: `"ENABLED" *(SP capability)`.
        Data::Enabled(caps) => {
            write_atom("ENABLED", out);
            write_atoms_after(caps, out);
        }
        // RFC 2971 §3.2: `"ID" SP id_params_list`.
        Data::Id(params) => {
            write_atom("ID ", out);
            write_id_params(params.as_ref(), out);
        }
        // RFC 9208 §7: `"QUOTA" SP quota-root-name SP quota-list`; root names (astrings)
        // quoted, as RFC 9208 §4.2 writes them.
        #[cfg(feature = "quota")]
        Data::Quota { root, resources } => {
            write_atom("QUOTA ", out);
            write_string(root.as_bytes(), out);
            out.push(b' ');
            write_paren_list(resources, out, |r, out| {
                write_atom(&r.name, out);
                out.extend_from_slice(format!(" {} {}", r.usage, r.limit).as_bytes());
            });
        }
        // RFC 9208 §7: `"QUOTAROOT" SP mailbox *(SP quota-root-name)`.
        #[cfg(feature = "quota")]
        Data::QuotaRoot { mailbox, roots } => {
            write_atom("QUOTAROOT ", out);
            write_mailbox(mailbox, out);
            for root in roots {
                out.push(b' ');
                write_string(root.as_bytes(), out);
            }
        }
    }
}

/// `name *(SP nz-number)` and, after at least one number, ` (MODSEQ n)`: SEARCH (RFC 3501
/// §7.2.5, RFC 7162 §3.1.6) and SORT (RFC 5256 §4, RFC 7162 §3.1.9) share the shape.
fn write_numbers_modseq(name: &str, numbers: &[u32], modseq: Option<u64>, out: &mut Vec<u8>) {
    write_atom(name, out);
    for n in numbers {
        out.push(b' ');
        write_number(*n, out);
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        out.extend_from_slice(b" (MODSEQ ");
        out.extend_from_slice(m.to_string().as_bytes());
        out.push(b')');
    }
}

fn write_number_data(n: u32, keyword: &str, out: &mut Vec<u8>) {
    write_number(n, out);
    out.push(b' ');
    write_atom(keyword, out);
}

/// `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox`
/// (RFC 3501 §9).
fn write_list_item(item: &ListItem, out: &mut Vec<u8>) {
    write_paren_list(&item.attributes, out, write_name_attribute);
    out.push(b' ');
    write_delimiter(item.delimiter, out);
    out.push(b' ');
    write_mailbox(&item.mailbox, out);
}

fn write_name_attribute(a: &NameAttribute, out: &mut Vec<u8>) {
    let name = match a {
        NameAttribute::Noinferiors => "\\Noinferiors",
        NameAttribute::Noselect => "\\Noselect",
        NameAttribute::Marked => "\\Marked",
        NameAttribute::Unmarked => "\\Unmarked",
        NameAttribute::HasChildren => "\\HasChildren",
        NameAttribute::HasNoChildren => "\\HasNoChildren",
        NameAttribute::Subscribed => "\\Subscribed",
        NameAttribute::Extension(e) => {
            out.push(b'\\');
            e
        }
    };
    write_atom(name, out);
}

pub(super) fn status_item_name(item: StatusItem) -> &'static str {
    match item {
        StatusItem::Messages => "MESSAGES",
        StatusItem::Recent => "RECENT",
        StatusItem::UidNext => "UIDNEXT",
        StatusItem::UidValidity => "UIDVALIDITY",
        StatusItem::Unseen => "UNSEEN",
        StatusItem::HighestModSeq => "HIGHESTMODSEQ",
        StatusItem::Deleted => "DELETED",
        StatusItem::Size => "SIZE",
        #[cfg(feature = "quota")]
        StatusItem::DeletedStorage => "DELETED-STORAGE",
    }
}

fn write_status_value(v: &StatusValue, out: &mut Vec<u8>) {
    let (item, n) = match *v {
        StatusValue::Messages(n) => (StatusItem::Messages, n),
        StatusValue::Recent(n) => (StatusItem::Recent, n),
        StatusValue::UidNext(n) => (StatusItem::UidNext, n),
        StatusValue::UidValidity(n) => (StatusItem::UidValidity, n),
        StatusValue::Unseen(n) => (StatusItem::Unseen, n),
        // RFC 7162 §7: `"HIGHESTMODSEQ" SP mod-sequence-valzer`, 64-bit.
        StatusValue::HighestModSeq(n) => {
            out.extend_from_slice(format!("HIGHESTMODSEQ {n}").as_bytes());
            return;
        }
        StatusValue::Deleted(n) => (StatusItem::Deleted, n),
        // RFC 9051 §9: `"SIZE" SP number64`.
        StatusValue::Size(n) => {
            out.extend_from_slice(format!("SIZE {n}").as_bytes());
            return;
        }
        // RFC 9208 §7: `"DELETED-STORAGE" SP number64`.
        #[cfg(feature = "quota")]
        StatusValue::DeletedStorage(n) => {
            out.extend_from_slice(format!("DELETED-STORAGE {n}").as_bytes());
            return;
        }
    };
    write_atom(status_item_name(item), out);
    out.push(b' ');
    write_number(n, out);
}

/// RFC 2342 §5: `Namespace = nil / "(" 1*( "(" string SP (<"> QUOTED_CHAR <"> / nil) ")" ) ")"`:
/// descriptors are not separated by spaces. An empty list has no wire form but NIL.
fn write_namespace(descs: Option<&[NamespaceDesc]>, out: &mut Vec<u8>) {
    match descs {
        Some(descs) if !descs.is_empty() => {
            out.push(b'(');
            for d in descs {
                out.push(b'(');
                write_string(&d.prefix, out);
                out.push(b' ');
                write_delimiter(d.delimiter, out);
                out.push(b')');
            }
            out.push(b')');
        }
        _ => out.extend_from_slice(b"NIL"),
    }
}

/// RFC 2971 §4: `id_params_list ::= "(" #(string SP nstring) ")" / nil`.
pub(super) fn write_id_params(params: Option<&IdParams>, out: &mut Vec<u8>) {
    match params {
        None => out.extend_from_slice(b"NIL"),
        Some(params) => write_paren_list(params, out, |(field, value), out| {
            write_string(field, out);
            out.push(b' ');
            write_nstring(value.as_deref(), out);
        }),
    }
}

/// `msg-att-dynamic` / `msg-att-static` (RFC 3501 §7.4.2, §9).
fn write_fetch_value(v: &FetchValue, out: &mut Vec<u8>) {
    match v {
        FetchValue::Flags(flags) => {
            write_atom("FLAGS ", out);
            write_flag_list(flags, out);
        }
        FetchValue::InternalDate(dt) => {
            write_atom("INTERNALDATE ", out);
            write_date_time(dt, out);
        }
        FetchValue::Rfc822Size(n) => write_keyword_number("RFC822.SIZE ", *n, out),
        // RFC 7162 §7: `"MODSEQ" SP "(" permsg-modsequence ")"`.
        FetchValue::ModSeq(n) => out.extend_from_slice(format!("MODSEQ ({n})").as_bytes()),
        FetchValue::Envelope(env) => {
            write_atom("ENVELOPE ", out);
            write_envelope(env, out);
        }
        FetchValue::EncodedEnvelope(env) => {
            write_atom("ENVELOPE ", out);
            out.extend_from_slice(env.as_bytes());
        }
        FetchValue::Body(body) => {
            write_atom("BODY ", out);
            write_body(body, false, out);
        }
        FetchValue::BodyStructure(body) => {
            write_atom("BODYSTRUCTURE ", out);
            write_body(body, true, out);
        }
        FetchValue::Uid(n) => write_keyword_number("UID ", *n, out),
        // RFC 3501 §9: `"BODY" section ["<" number ">"] SP nstring`: in a response only the
        // origin octet is given (RFC 3501 §7.4.2).
        FetchValue::BodySection {
            section,
            origin,
            data,
        } => {
            write_atom("BODY", out);
            write_section(section, out);
            if let Some(origin) = origin {
                out.push(b'<');
                write_number(*origin, out);
                out.push(b'>');
            }
            out.push(b' ');
            write_nstring(data.as_deref(), out);
        }
        FetchValue::Rfc822(data) => write_nstring_item("RFC822 ", data.as_deref(), out),
        FetchValue::Rfc822Header(data) => {
            write_nstring_item("RFC822.HEADER ", data.as_deref(), out)
        }
        FetchValue::Rfc822Text(data) => write_nstring_item("RFC822.TEXT ", data.as_deref(), out),
        // RFC 3516 §7: `"BINARY" section-binary SP (nstring / literal8)`, the origin only.
        FetchValue::Binary {
            part,
            origin,
            data,
            literal8,
        } => {
            write_atom("BINARY", out);
            write_section_binary(part, out);
            if let Some(origin) = origin {
                out.push(b'<');
                write_number(*origin, out);
                out.push(b'>');
            }
            out.push(b' ');
            match data {
                Some(data) if *literal8 => write_literal8(data, out),
                Some(data) => write_string_or_literal8(data, out),
                None => out.extend_from_slice(b"NIL"),
            }
        }
        FetchValue::BinarySize { part, size } => {
            write_atom("BINARY.SIZE", out);
            write_section_binary(part, out);
            out.push(b' ');
            write_number(*size, out);
        }
    }
}

fn write_nstring_item(keyword: &str, data: Option<&[u8]>, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_nstring(data, out);
}

impl EncodedEnvelope {
    /// `env` written as [`write_envelope`] writes it, kept to be copied into every response.
    pub fn new(env: &Envelope) -> EncodedEnvelope {
        let mut out = Vec::new();
        write_envelope(env, &mut out);
        EncodedEnvelope(out)
    }
}

/// `envelope` (RFC 3501 §7.4.2, §9): date, subject, from, sender, reply-to, to, cc, bcc,
/// in-reply-to, message-id.
fn write_envelope(env: &Envelope, out: &mut Vec<u8>) {
    out.push(b'(');
    write_nstring(env.date.as_deref(), out);
    out.push(b' ');
    write_nstring(env.subject.as_deref(), out);
    for list in [
        &env.from,
        &env.sender,
        &env.reply_to,
        &env.to,
        &env.cc,
        &env.bcc,
    ] {
        out.push(b' ');
        write_address_list(list, out);
    }
    out.push(b' ');
    write_nstring(env.in_reply_to.as_deref(), out);
    out.push(b' ');
    write_nstring(env.message_id.as_deref(), out);
    out.push(b')');
}

/// `"(" 1*address ")" / nil` (RFC 3501 §9 `env-from` and friends): addresses are not separated
/// by spaces; an empty list is NIL.
fn write_address_list(list: &[Address], out: &mut Vec<u8>) {
    if list.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for a in list {
        // RFC 3501 §9: `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`.
        out.push(b'(');
        write_nstring(a.name.as_deref(), out);
        out.push(b' ');
        write_nstring(a.adl.as_deref(), out);
        out.push(b' ');
        write_nstring(a.mailbox.as_deref(), out);
        out.push(b' ');
        write_nstring(a.host.as_deref(), out);
        out.push(b')');
    }
    out.push(b')');
}

/// `body` (RFC 3501 §9). `extensible` selects BODYSTRUCTURE (with `body-ext-1part` /
/// `body-ext-mpart` when the value has them) over BODY, which never carries extension data
/// (RFC 3501 §7.4.2). A multipart with no parts (the grammar needs `1*body`) writes none.
fn write_body(body: &BodyStructure, extensible: bool, out: &mut Vec<u8>) {
    out.push(b'(');
    match body {
        // `body-type-1part = (body-type-basic / body-type-msg / body-type-text)
        //  [SP body-ext-1part]`
        BodyStructure::Single {
            basic,
            specific,
            extension,
        } => {
            write_basic_fields(basic, out);
            match specific {
                SpecificFields::Basic => {}
                // `body-type-text = media-text SP body-fields SP body-fld-lines`
                SpecificFields::Text { lines } => {
                    out.push(b' ');
                    write_number(*lines, out);
                }
                // `body-type-msg = media-message SP body-fields SP envelope SP body SP
                //  body-fld-lines`
                SpecificFields::Message {
                    envelope,
                    body,
                    lines,
                } => {
                    out.push(b' ');
                    write_envelope(envelope, out);
                    out.push(b' ');
                    write_body(body, extensible, out);
                    out.push(b' ');
                    write_number(*lines, out);
                }
            }
            if let (true, Some(ext)) = (extensible, extension) {
                // `body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
                //  [SP body-fld-loc]]]`: all four are written.
                out.push(b' ');
                write_nstring(ext.md5.as_deref(), out);
                write_ext_tail(ext.disposition.as_ref(), &ext.language, &ext.location, out);
            }
        }
        // `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`: no space between
        // the parts.
        BodyStructure::Multi {
            parts,
            subtype,
            extension,
        } => {
            for part in parts {
                write_body(part, extensible, out);
            }
            out.push(b' ');
            write_string(subtype, out);
            if let (true, Some(ext)) = (extensible, extension) {
                // `body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang
                //  [SP body-fld-loc]]]`
                out.push(b' ');
                write_body_params(&ext.params, out);
                write_ext_tail(ext.disposition.as_ref(), &ext.language, &ext.location, out);
            }
        }
    }
    out.push(b')');
}

/// `SP body-fld-dsp SP body-fld-lang SP body-fld-loc` (RFC 3501 §9).
fn write_ext_tail(
    disposition: Option<&Disposition>,
    language: &[Vec<u8>],
    location: &Option<Vec<u8>>,
    out: &mut Vec<u8>,
) {
    out.push(b' ');
    // `body-fld-dsp = "(" string SP body-fld-param ")" / nil`
    match disposition {
        None => out.extend_from_slice(b"NIL"),
        Some(d) => {
            out.push(b'(');
            write_string(&d.kind, out);
            out.push(b' ');
            write_body_params(&d.params, out);
            out.push(b')');
        }
    }
    out.push(b' ');
    // `body-fld-lang = nstring / "(" string *(SP string) ")"`
    // Always a list when present, as dovecot writes it (both forms are valid).
    match language {
        [] => out.extend_from_slice(b"NIL"),
        many => write_paren_list(many, out, |l, out| write_string(l, out)),
    }
    out.push(b' ');
    // `body-fld-loc = nstring`
    write_nstring(location.as_deref(), out);
}

/// `media-* SP body-fields` (RFC 3501 §9): type, subtype, params, id, description, encoding,
/// octets.
fn write_basic_fields(b: &BasicFields, out: &mut Vec<u8>) {
    write_string(&b.media_type, out);
    out.push(b' ');
    write_string(&b.subtype, out);
    out.push(b' ');
    write_body_params(&b.params, out);
    out.push(b' ');
    write_nstring(b.id.as_deref(), out);
    out.push(b' ');
    write_nstring(b.description.as_deref(), out);
    out.push(b' ');
    write_string(&b.encoding, out);
    out.push(b' ');
    write_number(b.size, out);
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil` (RFC 3501 §9):
/// NIL when empty.
fn write_body_params(params: &[(Vec<u8>, Vec<u8>)], out: &mut Vec<u8>) {
    if params.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    write_paren_list(params, out, |(name, value), out| {
        write_string(name, out);
        out.push(b' ');
        write_string(value, out);
    });
}

/// `section = "[" [section-spec] "]"` (RFC 3501 §9), e.g. `[]`, `[HEADER]`, `[1.2.MIME]`,
/// `[HEADER.FIELDS (FROM TO)]`.
pub(super) fn write_section(section: &Section, out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, part) in section.part.iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        write_number(*part, out);
    }
    if let Some(text) = &section.text {
        // `section-part ["." section-text]`
        if !section.part.is_empty() {
            out.push(b'.');
        }
        match text {
            SectionText::Header => write_atom("HEADER", out),
            // `"HEADER.FIELDS" [".NOT"] SP header-list`,
            // `header-list = "(" header-fld-name *(SP header-fld-name) ")"`, names astrings.
            SectionText::HeaderFields(names) => {
                write_atom("HEADER.FIELDS ", out);
                write_paren_list(names, out, |n, out| write_astring(n, out));
            }
            SectionText::HeaderFieldsNot(names) => {
                write_atom("HEADER.FIELDS.NOT ", out);
                write_paren_list(names, out, |n, out| write_astring(n, out));
            }
            SectionText::Text => write_atom("TEXT", out),
            SectionText::Mime => write_atom("MIME", out),
        }
    }
    out.push(b']');
}

/// `section-binary = "[" [section-part] "]"` (RFC 3516 §7).
pub(super) fn write_section_binary(part: &[u32], out: &mut Vec<u8>) {
    write_section(
        &Section {
            part: part.to_vec(),
            text: None,
        },
        out,
    );
}

/// `1*thread-list` (RFC 5256 §5): each thread `"(" thread-members [SP thread-nested] ")"`, or
/// `"(" thread-nested ")"` when it has no members. Written with an explicit stack, since a
/// thread may nest as deep as the mailbox is long. A thread with a single sub-thread (not
/// valid `thread-nested`, which needs two) is written as that sub-thread in parentheses.
fn write_thread_lists(threads: &[Thread], out: &mut Vec<u8>) {
    enum Step<'a> {
        Open(&'a Thread),
        Close,
    }
    let mut stack: Vec<Step<'_>> = threads.iter().rev().map(Step::Open).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Close => out.push(b')'),
            Step::Open(t) => {
                out.push(b'(');
                for (i, n) in t.members.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    write_number(*n, out);
                }
                if !t.members.is_empty() && !t.children.is_empty() {
                    out.push(b' ');
                }
                stack.push(Step::Close);
                stack.extend(t.children.iter().rev().map(Step::Open));
            }
        }
    }
}

/// `search-return-data` (RFC 4731 §4; `"MODSEQ" SP mod-sequence-value` from RFC 7162 §7).
fn write_search_return_data(item: &SearchReturnData, out: &mut Vec<u8>) {
    match item {
        SearchReturnData::Min(n) => write_keyword_number("MIN ", *n, out),
        SearchReturnData::Max(n) => write_keyword_number("MAX ", *n, out),
        SearchReturnData::All(set) => {
            write_atom("ALL ", out);
            write_sequence_set(set, out);
        }
        SearchReturnData::Count(n) => write_keyword_number("COUNT ", *n, out),
        SearchReturnData::ModSeq(m) => out.extend_from_slice(format!("MODSEQ {m}").as_bytes()),
        // RFC 5267 §5: `"ADDTO" SP "(" context-position SP sequence-set *(SP context-position
        // SP sequence-set) ")"`, REMOVEFROM alike.
        SearchReturnData::AddTo(pairs) => write_updates("ADDTO (", pairs, out),
        SearchReturnData::RemoveFrom(pairs) => write_updates("REMOVEFROM (", pairs, out),
        // RFC 5267 §5: `"PARTIAL" SP "(" partial-range SP partial-results ")"`,
        // `partial-results = sequence-set / "NIL"`.
        SearchReturnData::Partial { range, results } => {
            out.extend_from_slice(format!("PARTIAL ({}:{} ", range.0, range.1).as_bytes());
            match results {
                Some(set) => write_sequence_set(set, out),
                None => out.extend_from_slice(b"NIL"),
            }
            out.push(b')');
        }
    }
}

fn write_updates(keyword: &str, pairs: &[(u32, SequenceSet)], out: &mut Vec<u8>) {
    write_atom(keyword, out);
    for (i, (position, set)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_number(*position, out);
        out.push(b' ');
        write_sequence_set(set, out);
    }
    out.push(b')');
}
