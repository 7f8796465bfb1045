//! The encoder: every value of [`types`](super::types) written as IMAP wire bytes.
//!
//! This module owns the choice of wire form (atom, quoted string or literal, RFC 2683 §3.4.2)
//! and the exact layout of RFC 3501 §9 productions. It must not know about mailboxes, sessions or
//! policies: it writes what the value says. Where a value cannot be written as valid syntax (a
//! type promise broken by the caller, such as an empty sequence set), the encoder writes the
//! closest thing and never panics; each such place says so in its doc comment.
//!
//! Server side: [`encode_response`]. Client side (test clients, the page's scenario player):
//! [`encode_command`], which writes literals in their synchronizing form `{n}\r\n` + data; a
//! caller that talks to a real server must wait for the continuation after each `{n}\r\n`.

use super::types::{
    Address, BasicFields, BodyStructure, Code, Command, CommandBody, Continue, Data, Date,
    DateTime, Disposition, Envelope, FetchAtt, FetchItems, FetchValue, Flag, FlagPerm, IdParams,
    ListItem, MailboxName, NameAttribute, NamespaceDesc, Response, SearchKey, Section, SectionText,
    SeqBound, SequenceSet, SpecificFields, StatusItem, StatusKind, StatusResponse, StatusValue,
    StoreKind,
};

const CRLF: &[u8] = b"\r\n";

// ---------------------------------------------------------------------------------------------
// Strings (RFC 3501 §4.3, §9; RFC 2683 §3.4.2)
// ---------------------------------------------------------------------------------------------

/// RFC 3501 §9 `ASTRING-CHAR = ATOM-CHAR / resp-specials`, where `ATOM-CHAR` is any 7-bit CHAR
/// except `atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials /
/// resp-specials`.
fn is_astring_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\')
}

/// RFC 3501 §9 `list-char = ATOM-CHAR / list-wildcards / resp-specials`.
fn is_list_char(b: u8) -> bool {
    is_astring_char(b) || b == b'%' || b == b'*'
}

/// RFC 3501 §9 `TEXT-CHAR = <any CHAR except CR and LF>`, `CHAR = %x01-7F`: what a quoted
/// string may carry (escaped where it is a quoted-special).
fn is_text_char(b: u8) -> bool {
    matches!(b, 0x01..=0x7f) && b != b'\r' && b != b'\n'
}

/// `quoted` (RFC 3501 §9): `DQUOTE *QUOTED-CHAR DQUOTE`, with `"` and `\` escaped.
/// The caller has checked that every byte is a TEXT-CHAR.
fn write_quoted(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// `literal` (RFC 3501 §9): `"{" number "}" CRLF *CHAR8`, the synchronizing form.
fn write_literal(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'{');
    out.extend_from_slice(s.len().to_string().as_bytes());
    out.push(b'}');
    out.extend_from_slice(CRLF);
    out.extend_from_slice(s);
}

/// Writes a `string` (RFC 3501 §9): quoted when every byte is a 7-bit TEXT-CHAR, otherwise a
/// literal, since CR, LF, NUL and 8-bit octets may only travel in literals (RFC 3501 §4.3,
/// RFC 2683 §3.4.2). Never an atom.
pub fn write_string(s: &[u8], out: &mut Vec<u8>) {
    if s.iter().all(|&b| is_text_char(b)) {
        write_quoted(s, out);
    } else {
        write_literal(s, out);
    }
}

/// Writes an `nstring` (RFC 3501 §9): `NIL` for `None`, else a [`write_string`]. A value that
/// is the text "NIL" is therefore always quoted, never confused with NIL.
pub fn write_nstring(s: Option<&[u8]>, out: &mut Vec<u8>) {
    match s {
        None => out.extend_from_slice(b"NIL"),
        Some(s) => write_string(s, out),
    }
}

/// Writes an `astring` (RFC 3501 §9 `astring = 1*ASTRING-CHAR / string`): an atom when it is
/// non-empty and every byte is an ASTRING-CHAR, else a [`write_string`].
pub fn write_astring(s: &[u8], out: &mut Vec<u8>) {
    if !s.is_empty() && s.iter().all(|&b| is_astring_char(b)) {
        out.extend_from_slice(s);
    } else {
        write_string(s, out);
    }
}

/// Writes a `mailbox` (RFC 3501 §9 `mailbox = "INBOX" / astring`) as an astring.
///
/// The name is written as the value holds it: `MailboxName` is the wire form as sent
/// (types.rs), so the encoder does not fold `inbox` to `INBOX`, which would break
/// `parse(encode(v)) == v`; a server that wants the canonical spelling (RFC 3501 §5.1) puts it
/// in the value. Any spelling of INBOX is all ASTRING-CHARs and so goes out as an atom.
pub fn write_mailbox(m: &MailboxName, out: &mut Vec<u8>) {
    write_astring(m.0.as_bytes(), out);
}

/// Writes a `list-mailbox` (RFC 3501 §9 `list-mailbox = 1*list-char / string`): like a mailbox,
/// but the wildcards `%` and `*` may stay in the atom.
pub fn write_list_mailbox(m: &MailboxName, out: &mut Vec<u8>) {
    let s = m.0.as_bytes();
    if !s.is_empty() && s.iter().all(|&b| is_list_char(b)) {
        out.extend_from_slice(s);
    } else {
        write_string(s, out);
    }
}

/// Writes a hierarchy delimiter: `DQUOTE QUOTED-CHAR DQUOTE / nil` (RFC 3501 §9
/// `mailbox-list`, RFC 2342 §5). A delimiter that is not a 7-bit TEXT-CHAR has no wire form in
/// IMAP4rev1 and is written as NIL.
fn write_delimiter(d: Option<char>, out: &mut Vec<u8>) {
    match d
        .and_then(|c| u8::try_from(c).ok())
        .filter(|&b| is_text_char(b))
    {
        Some(b) => write_quoted(&[b], out),
        None => out.extend_from_slice(b"NIL"),
    }
}

/// Writes `text` (RFC 3501 §9 `text = 1*TEXT-CHAR`): CR, LF and NUL are dropped so the line
/// cannot be split, and an empty result is replaced by `placeholder`. Non-ASCII UTF-8 is kept
/// (RFC 9051 §9 allows it in `text`).
fn write_text(text: &str, placeholder: &str, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend(text.bytes().filter(|&b| b != b'\r' && b != b'\n' && b != 0));
    if out.len() == start {
        out.extend_from_slice(placeholder.as_bytes());
    }
}

fn write_number(n: u32, out: &mut Vec<u8>) {
    out.extend_from_slice(n.to_string().as_bytes());
}

/// Writes items separated by single spaces.
fn write_spaced<T>(items: &[T], out: &mut Vec<u8>, mut write: impl FnMut(&T, &mut Vec<u8>)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write(item, out);
    }
}

/// Writes `"(" items ")"` with the items separated by single spaces.
fn write_paren_list<T>(items: &[T], out: &mut Vec<u8>, write: impl FnMut(&T, &mut Vec<u8>)) {
    out.push(b'(');
    write_spaced(items, out, write);
    out.push(b')');
}

fn write_atom(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(s.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Numbers, sets, flags, dates
// ---------------------------------------------------------------------------------------------

fn write_seq_bound(b: SeqBound, out: &mut Vec<u8>) {
    match b {
        SeqBound::Num(n) => write_number(n, out),
        SeqBound::Star => out.push(b'*'),
    }
}

/// Writes a `sequence-set` (RFC 3501 §9): ranges in the value's order, comma separated; a range
/// whose ends are equal is written as one `seq-number`. An empty set (the type promises
/// non-empty) writes nothing.
pub fn write_sequence_set(set: &SequenceSet, out: &mut Vec<u8>) {
    for (i, range) in set.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_seq_bound(range.start, out);
        if range.end != range.start {
            out.push(b':');
            write_seq_bound(range.end, out);
        }
    }
}

/// Writes a `flag` (RFC 3501 §2.3.2, §9): a system flag, `\extension` or a keyword atom.
pub fn write_flag(flag: &Flag, out: &mut Vec<u8>) {
    match flag {
        Flag::Answered => write_atom("\\Answered", out),
        Flag::Flagged => write_atom("\\Flagged", out),
        Flag::Deleted => write_atom("\\Deleted", out),
        Flag::Seen => write_atom("\\Seen", out),
        Flag::Draft => write_atom("\\Draft", out),
        Flag::Recent => write_atom("\\Recent", out),
        Flag::Keyword(k) => write_atom(k, out),
        Flag::Extension(e) => {
            out.push(b'\\');
            write_atom(e, out);
        }
    }
}

fn write_flag_list(flags: &[Flag], out: &mut Vec<u8>) {
    write_paren_list(flags, out, write_flag);
}

fn write_flag_perm(flag: &FlagPerm, out: &mut Vec<u8>) {
    match flag {
        FlagPerm::Flag(f) => write_flag(f, out),
        FlagPerm::Wildcard => write_atom("\\*", out),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `date-month` (RFC 3501 §9). The type promises 1..=12; anything else is clamped into range.
fn month_name(month: u8) -> &'static str {
    let idx = usize::from(month.clamp(1, 12)) - 1;
    MONTHS.get(idx).copied().unwrap_or("Jan")
}

/// Writes a search `date` (RFC 3501 §9 `date-text = date-day "-" date-month "-" date-year`)
/// unquoted, e.g. `1-Feb-1994`.
pub fn write_date(d: &Date, out: &mut Vec<u8>) {
    let text = format!("{}-{}-{:04}", d.day, month_name(d.month), d.year);
    out.extend_from_slice(text.as_bytes());
}

/// Writes a `date-time` (RFC 3501 §9): `"dd-Mon-yyyy hh:mm:ss +zzzz"`, the day space-padded to
/// two characters (`date-day-fixed = (SP DIGIT) / 2DIGIT`).
pub fn write_date_time(dt: &DateTime, out: &mut Vec<u8>) {
    // RFC 3501 §9 `zone = ("+" / "-") 4DIGIT`: hours and minutes of the offset.
    let sign = if dt.zone_minutes < 0 { '-' } else { '+' };
    let zone = dt.zone_minutes.unsigned_abs();
    let text = format!(
        "\"{:>2}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}\"",
        dt.date.day,
        month_name(dt.date.month),
        dt.date.year,
        dt.hour,
        dt.minute,
        dt.second,
        sign,
        zone / 60,
        zone % 60,
    );
    out.extend_from_slice(text.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Responses (RFC 3501 §7)
// ---------------------------------------------------------------------------------------------

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
            for cap in caps {
                out.push(b' ');
                write_atom(cap, out);
            }
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
        Code::UidNext(n) => return write_code_number("UIDNEXT ", *n, out),
        Code::UidValidity(n) => return write_code_number("UIDVALIDITY ", *n, out),
        Code::Unseen(n) => return write_code_number("UNSEEN ", *n, out),
        // RFC 4315 §3: `"APPENDUID" SP nz-number SP append-uid`.
        Code::AppendUid { uid_validity, uids } => {
            write_code_number("APPENDUID ", *uid_validity, out);
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
            write_code_number("COPYUID ", *uid_validity, out);
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

fn write_code_atom(keyword: &str, atom: &str, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_atom(atom, out);
}

fn write_code_number(keyword: &str, n: u32, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_number(n, out);
}

/// `continue-req = "+" SP (resp-text / base64) CRLF` (RFC 3501 §7.5, §9).
fn write_continue(c: &Continue, out: &mut Vec<u8>) {
    out.extend_from_slice(b"+ ");
    match c {
        Continue::Text { code, text } => write_resp_text(code.as_ref(), text, "continue", out),
        // RFC 3501 §9 `base64 = *(4base64-char) [base64-terminal]` may be empty: an empty SASL
        // challenge is "+ " CRLF (RFC 3501 §6.2.2, RFC 4959 §3).
        Continue::Base64(b64) => write_atom(b64, out),
    }
}

fn write_data(d: &Data, out: &mut Vec<u8>) {
    out.extend_from_slice(b"* ");
    match d {
        // RFC 3501 §7.2.1.
        Data::Capability(caps) => {
            write_atom("CAPABILITY", out);
            for cap in caps {
                out.push(b' ');
                write_atom(cap, out);
            }
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
        // RFC 3501 §7.2.4: `"STATUS" SP mailbox SP "(" [status-att-list] ")"`.
        Data::Status { mailbox, items } => {
            write_atom("STATUS ", out);
            write_mailbox(mailbox, out);
            out.push(b' ');
            write_paren_list(items, out, write_status_value);
        }
        // RFC 3501 §7.2.5: `"SEARCH" *(SP nz-number)`: no trailing space when empty.
        Data::Search(numbers) => {
            write_atom("SEARCH", out);
            for n in numbers {
                out.push(b' ');
                write_number(*n, out);
            }
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
            for cap in caps {
                out.push(b' ');
                write_atom(cap, out);
            }
        }
        // RFC 2971 §3.2: `"ID" SP id_params_list`.
        Data::Id(params) => {
            write_atom("ID ", out);
            write_id_params(params.as_ref(), out);
        }
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

fn status_item_name(item: StatusItem) -> &'static str {
    match item {
        StatusItem::Messages => "MESSAGES",
        StatusItem::Recent => "RECENT",
        StatusItem::UidNext => "UIDNEXT",
        StatusItem::UidValidity => "UIDVALIDITY",
        StatusItem::Unseen => "UNSEEN",
    }
}

fn write_status_value(v: &StatusValue, out: &mut Vec<u8>) {
    let (item, n) = match *v {
        StatusValue::Messages(n) => (StatusItem::Messages, n),
        StatusValue::Recent(n) => (StatusItem::Recent, n),
        StatusValue::UidNext(n) => (StatusItem::UidNext, n),
        StatusValue::UidValidity(n) => (StatusItem::UidValidity, n),
        StatusValue::Unseen(n) => (StatusItem::Unseen, n),
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
fn write_id_params(params: Option<&IdParams>, out: &mut Vec<u8>) {
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
        FetchValue::Rfc822Size(n) => write_code_number("RFC822.SIZE ", *n, out),
        FetchValue::Envelope(env) => {
            write_atom("ENVELOPE ", out);
            write_envelope(env, out);
        }
        FetchValue::Body(body) => {
            write_atom("BODY ", out);
            write_body(body, false, out);
        }
        FetchValue::BodyStructure(body) => {
            write_atom("BODYSTRUCTURE ", out);
            write_body(body, true, out);
        }
        FetchValue::Uid(n) => write_code_number("UID ", *n, out),
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
    }
}

fn write_nstring_item(keyword: &str, data: Option<&[u8]>, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_nstring(data, out);
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
    match language {
        [] => out.extend_from_slice(b"NIL"),
        [one] => write_string(one, out),
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
fn write_section(section: &Section, out: &mut Vec<u8>) {
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

// ---------------------------------------------------------------------------------------------
// Commands (RFC 3501 §6)
// ---------------------------------------------------------------------------------------------

/// Writes one command, `tag SP body CRLF`, with literals in synchronizing form.
pub fn encode_command(c: &Command, out: &mut Vec<u8>) {
    write_atom(&c.tag.0, out);
    out.push(b' ');
    write_command_body(&c.body, out);
    out.extend_from_slice(CRLF);
}

/// [`encode_command`] as a string (lossy UTF-8), for tests and the page.
pub fn command_to_string(c: &Command) -> String {
    let mut out = Vec::new();
    encode_command(c, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn write_command_body(body: &CommandBody, out: &mut Vec<u8>) {
    // The keyword(s): `CommandBody::name` is the wire spelling, "UID " prefix included.
    write_atom(body.name(), out);
    match body {
        CommandBody::Capability
        | CommandBody::Noop
        | CommandBody::Logout
        | CommandBody::StartTls
        | CommandBody::Namespace
        | CommandBody::Idle
        | CommandBody::Check
        | CommandBody::Close
        | CommandBody::Expunge
        | CommandBody::Unselect => {}
        // RFC 3501 §6.2.2, RFC 4959 §3: `"AUTHENTICATE" SP auth-type [SP (base64 / "=")]`.
        CommandBody::Authenticate {
            mechanism,
            initial_response,
        } => {
            out.push(b' ');
            write_atom(mechanism, out);
            if let Some(ir) = initial_response {
                out.push(b' ');
                write_atom(ir, out);
            }
        }
        // RFC 3501 §6.2.3: `"LOGIN" SP userid SP password`, both astrings.
        CommandBody::Login { username, password } => {
            out.push(b' ');
            write_astring(username, out);
            out.push(b' ');
            write_astring(password, out);
        }
        CommandBody::Select { mailbox }
        | CommandBody::Examine { mailbox }
        | CommandBody::Create { mailbox }
        | CommandBody::Delete { mailbox }
        | CommandBody::Subscribe { mailbox }
        | CommandBody::Unsubscribe { mailbox } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
        }
        CommandBody::Rename { from, to } => {
            out.push(b' ');
            write_mailbox(from, out);
            out.push(b' ');
            write_mailbox(to, out);
        }
        // RFC 3501 §9: `"LIST" SP mailbox SP list-mailbox`.
        CommandBody::List { reference, pattern } | CommandBody::Lsub { reference, pattern } => {
            out.push(b' ');
            write_mailbox(reference, out);
            out.push(b' ');
            write_list_mailbox(pattern, out);
        }
        // RFC 3501 §9: `"STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"`.
        CommandBody::Status { mailbox, items } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
            out.push(b' ');
            write_paren_list(items, out, |i, out| write_atom(status_item_name(*i), out));
        }
        // RFC 3501 §9: `"APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal`; an
        // empty flag list is left out, the message is always a literal.
        CommandBody::Append {
            mailbox,
            flags,
            date,
            message,
        } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
            if !flags.is_empty() {
                out.push(b' ');
                write_flag_list(flags, out);
            }
            if let Some(date) = date {
                out.push(b' ');
                write_date_time(date, out);
            }
            out.push(b' ');
            write_literal(message, out);
        }
        // RFC 5161 §3.1: `"ENABLE" 1*(SP capability)`.
        CommandBody::Enable { capabilities } => {
            for cap in capabilities {
                out.push(b' ');
                write_atom(cap, out);
            }
        }
        // RFC 2971 §4: `"ID" SP id_params_list`.
        CommandBody::Id { parameters } => {
            out.push(b' ');
            write_id_params(parameters.as_ref(), out);
        }
        // RFC 4315 §2.1: `"UID" SP "EXPUNGE" SP sequence-set`.
        CommandBody::UidExpunge { set } => {
            out.push(b' ');
            write_sequence_set(set, out);
        }
        // RFC 3501 §9: `"SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)`.
        CommandBody::Search {
            charset, criteria, ..
        } => {
            if let Some(charset) = charset {
                out.extend_from_slice(b" CHARSET ");
                write_astring(charset.as_bytes(), out);
            }
            for key in criteria {
                out.push(b' ');
                write_search_key(key, out);
            }
        }
        // RFC 3501 §9: `"FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
        // "(" fetch-att *(SP fetch-att) ")")`.
        CommandBody::Fetch { set, items, .. } => {
            out.push(b' ');
            write_sequence_set(set, out);
            out.push(b' ');
            write_fetch_items(items, out);
        }
        // RFC 3501 §9: `"STORE" SP sequence-set SP store-att-flags`,
        // `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`.
        CommandBody::Store {
            set,
            kind,
            silent,
            flags,
            ..
        } => {
            out.push(b' ');
            write_sequence_set(set, out);
            out.push(b' ');
            match kind {
                StoreKind::Replace => {}
                StoreKind::Add => out.push(b'+'),
                StoreKind::Remove => out.push(b'-'),
            }
            write_atom("FLAGS", out);
            if *silent {
                write_atom(".SILENT", out);
            }
            out.push(b' ');
            write_flag_list(flags, out);
        }
        // RFC 3501 §9 `copy`, RFC 6851 §3.1 `move`: `sequence-set SP mailbox`.
        CommandBody::Copy { set, mailbox, .. } | CommandBody::Move { set, mailbox, .. } => {
            out.push(b' ');
            write_sequence_set(set, out);
            out.push(b' ');
            write_mailbox(mailbox, out);
        }
    }
}

/// A macro, one bare `fetch-att`, or a parenthesized list, as the value recorded it.
fn write_fetch_items(items: &FetchItems, out: &mut Vec<u8>) {
    match items {
        FetchItems::All => write_atom("ALL", out),
        FetchItems::Fast => write_atom("FAST", out),
        FetchItems::Full => write_atom("FULL", out),
        FetchItems::List {
            items,
            parenthesized,
        } => match (items.as_slice(), parenthesized) {
            ([one], false) => write_fetch_att(one, out),
            _ => write_paren_list(items, out, write_fetch_att),
        },
    }
}

/// `fetch-att` (RFC 3501 §9), including `BODY[.PEEK] section ["<" number "." nz-number ">"]`.
fn write_fetch_att(att: &FetchAtt, out: &mut Vec<u8>) {
    let name = match att {
        FetchAtt::Envelope => "ENVELOPE",
        FetchAtt::Flags => "FLAGS",
        FetchAtt::InternalDate => "INTERNALDATE",
        FetchAtt::Rfc822 => "RFC822",
        FetchAtt::Rfc822Header => "RFC822.HEADER",
        FetchAtt::Rfc822Size => "RFC822.SIZE",
        FetchAtt::Rfc822Text => "RFC822.TEXT",
        FetchAtt::Body => "BODY",
        FetchAtt::BodyStructure => "BODYSTRUCTURE",
        FetchAtt::Uid => "UID",
        FetchAtt::BodySection {
            peek,
            section,
            partial,
        } => {
            write_atom(if *peek { "BODY.PEEK" } else { "BODY" }, out);
            write_section(section, out);
            if let Some((origin, count)) = partial {
                out.push(b'<');
                write_number(*origin, out);
                out.push(b'.');
                write_number(*count, out);
                out.push(b'>');
            }
            return;
        }
    };
    write_atom(name, out);
}

/// `search-key` (RFC 3501 §6.4.4, §9).
fn write_search_key(key: &SearchKey, out: &mut Vec<u8>) {
    let simple = match key {
        SearchKey::All => "ALL",
        SearchKey::Answered => "ANSWERED",
        SearchKey::Deleted => "DELETED",
        SearchKey::Draft => "DRAFT",
        SearchKey::Flagged => "FLAGGED",
        SearchKey::New => "NEW",
        SearchKey::Old => "OLD",
        SearchKey::Recent => "RECENT",
        SearchKey::Seen => "SEEN",
        SearchKey::Unanswered => "UNANSWERED",
        SearchKey::Undeleted => "UNDELETED",
        SearchKey::Undraft => "UNDRAFT",
        SearchKey::Unflagged => "UNFLAGGED",
        SearchKey::Unseen => "UNSEEN",
        SearchKey::Bcc(s) => return write_search_astring("BCC ", s, out),
        SearchKey::Body(s) => return write_search_astring("BODY ", s, out),
        SearchKey::Cc(s) => return write_search_astring("CC ", s, out),
        SearchKey::From(s) => return write_search_astring("FROM ", s, out),
        SearchKey::Subject(s) => return write_search_astring("SUBJECT ", s, out),
        SearchKey::Text(s) => return write_search_astring("TEXT ", s, out),
        SearchKey::To(s) => return write_search_astring("TO ", s, out),
        SearchKey::Before(d) => return write_search_date("BEFORE ", d, out),
        SearchKey::On(d) => return write_search_date("ON ", d, out),
        SearchKey::Since(d) => return write_search_date("SINCE ", d, out),
        SearchKey::SentBefore(d) => return write_search_date("SENTBEFORE ", d, out),
        SearchKey::SentOn(d) => return write_search_date("SENTON ", d, out),
        SearchKey::SentSince(d) => return write_search_date("SENTSINCE ", d, out),
        SearchKey::Larger(n) => return write_code_number("LARGER ", *n, out),
        SearchKey::Smaller(n) => return write_code_number("SMALLER ", *n, out),
        // `"HEADER" SP header-fld-name SP astring`
        SearchKey::Header(field, value) => {
            write_search_astring("HEADER ", field, out);
            out.push(b' ');
            write_astring(value, out);
            return;
        }
        // `"KEYWORD" SP flag-keyword`: the keyword is an atom.
        SearchKey::Keyword(k) => return write_code_atom("KEYWORD ", k, out),
        SearchKey::Unkeyword(k) => return write_code_atom("UNKEYWORD ", k, out),
        SearchKey::Not(inner) => {
            write_atom("NOT ", out);
            write_search_key(inner, out);
            return;
        }
        SearchKey::Or(a, b) => {
            write_atom("OR ", out);
            write_search_key(a, out);
            out.push(b' ');
            write_search_key(b, out);
            return;
        }
        SearchKey::Uid(set) => {
            write_atom("UID ", out);
            write_sequence_set(set, out);
            return;
        }
        SearchKey::SequenceSet(set) => {
            write_sequence_set(set, out);
            return;
        }
        // `"(" search-key *(SP search-key) ")"`
        SearchKey::And(keys) => {
            write_paren_list(keys, out, write_search_key);
            return;
        }
    };
    write_atom(simple, out);
}

fn write_search_astring(keyword: &str, s: &[u8], out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_astring(s, out);
}

fn write_search_date(keyword: &str, d: &Date, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_date(d, out);
}
