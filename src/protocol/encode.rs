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
    write_atom(text, out);
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

/// Writes `*(SP atom)`: capability lists (RFC 3501 §7.2.1, RFC 5161 §3.1 and §4).
fn write_atoms_after(atoms: &[String], out: &mut Vec<u8>) {
    for atom in atoms {
        out.push(b' ');
        write_atom(atom, out);
    }
}

/// Writes `"(" items ")"` with the items separated by single spaces.
fn write_paren_list<T>(items: &[T], out: &mut Vec<u8>, write: impl FnMut(&T, &mut Vec<u8>)) {
    out.push(b'(');
    write_spaced(items, out, write);
    out.push(b')');
}

/// Writes an atom-like value (tag, keyword, capability, mechanism, base64) as held. No valid
/// atom contains CR, LF or NUL (RFC 3501 §9 `ATOM-CHAR`), so dropping them changes no valid
/// value and keeps a broken one from ending the line early.
fn write_atom(s: &str, out: &mut Vec<u8>) {
    out.extend(s.bytes().filter(|&b| b != b'\r' && b != b'\n' && b != 0));
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

/// `date-month` (RFC 3501 §9).
fn month_name(month: u8) -> &'static str {
    let idx = usize::from(month.clamp(1, 12)) - 1;
    MONTHS.get(idx).copied().unwrap_or("Jan")
}

/// Field values the types promise (month 1..=12, day 1..=31, year 4 digits, zone within a
/// day) are clamped into range so that a broken value still writes valid `date` syntax.
fn day_and_year(d: &Date) -> (u8, u16) {
    (d.day.clamp(1, 31), d.year.min(9999))
}

/// Writes a search `date` (RFC 3501 §9 `date-text = date-day "-" date-month "-" date-year`)
/// unquoted, e.g. `1-Feb-1994`.
pub fn write_date(d: &Date, out: &mut Vec<u8>) {
    let (day, year) = day_and_year(d);
    let text = format!("{day}-{}-{year:04}", month_name(d.month));
    out.extend_from_slice(text.as_bytes());
}

/// Writes a `date-time` (RFC 3501 §9): `"dd-Mon-yyyy hh:mm:ss +zzzz"`, the day space-padded to
/// two characters (`date-day-fixed = (SP DIGIT) / 2DIGIT`).
pub fn write_date_time(dt: &DateTime, out: &mut Vec<u8>) {
    let (day, year) = day_and_year(&dt.date);
    // RFC 2180 §4.1.3's NIL INTERNALDATE is "00-Jan-0000 00:00:00 +0000": day 0 is written
    // "00" (`date-day-fixed` allows 2DIGIT), every other day as RFC 3501 §9 says.
    let day = if dt.date.day == 0 {
        "00".to_string()
    } else {
        format!("{day:>2}")
    };
    // RFC 3501 §9 `zone = ("+" / "-") 4DIGIT`: hours and minutes of the offset.
    let sign = if dt.zone_minutes < 0 { '-' } else { '+' };
    let zone = dt.zone_minutes.unsigned_abs().min(23 * 60 + 59);
    let text = format!(
        "\"{day}-{}-{year:04} {:02}:{:02}:{:02} {sign}{:02}{:02}\"",
        month_name(dt.date.month),
        dt.hour.min(23),
        dt.minute.min(59),
        // RFC 3501 §9 `time`: 2DIGIT; 60 is a leap second.
        dt.second.min(60),
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
            write_atoms_after(caps, out);
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
            write_atoms_after(capabilities, out);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{MultiPartExtension, SeqRange, SinglePartExtension, Tag};

    fn resp(r: Response) -> String {
        response_to_string(&r)
    }

    fn data(d: Data) -> String {
        resp(Response::Data(d))
    }

    fn cmd(tag: &str, body: CommandBody) -> String {
        command_to_string(&Command {
            tag: Tag(tag.into()),
            body,
        })
    }

    fn status(tag: Option<&str>, kind: StatusKind, code: Option<Code>, text: &str) -> String {
        resp(Response::Status(StatusResponse {
            tag: tag.map(|t| Tag(t.into())),
            kind,
            code,
            text: text.into(),
        }))
    }

    fn with<F: FnOnce(&mut Vec<u8>)>(f: F) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn mbox(s: &str) -> MailboxName {
        MailboxName(s.into())
    }

    fn set(ranges: &[(u32, Option<u32>)]) -> SequenceSet {
        let bound = |n: u32| {
            if n == 0 {
                SeqBound::Star
            } else {
                SeqBound::Num(n)
            }
        };
        SequenceSet(
            ranges
                .iter()
                .map(|&(a, b)| SeqRange {
                    start: bound(a),
                    end: bound(b.unwrap_or(a)),
                })
                .collect(),
        )
    }

    fn b(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    fn addr(name: Option<&str>, mailbox: &str, host: &str) -> Address {
        Address {
            name: name.map(b),
            adl: None,
            mailbox: Some(b(mailbox)),
            host: Some(b(host)),
        }
    }

    fn text_part(
        params: &[(&str, &str)],
        id: Option<&str>,
        desc: Option<&str>,
        enc: &str,
        size: u32,
        lines: u32,
    ) -> BodyStructure {
        BodyStructure::Single {
            basic: BasicFields {
                media_type: b("TEXT"),
                subtype: b("PLAIN"),
                params: params.iter().map(|(k, v)| (b(k), b(v))).collect(),
                id: id.map(b),
                description: desc.map(b),
                encoding: b(enc),
                size,
            },
            specific: SpecificFields::Text { lines },
            extension: None,
        }
    }

    // --- strings -------------------------------------------------------------------------

    #[test]
    fn astring_choice() {
        let a = |s: &[u8]| with(|o| write_astring(s, o));
        assert_eq!(a(b"SMITH"), "SMITH");
        assert_eq!(a(b"foo]bar"), "foo]bar"); // resp-specials are ASTRING-CHAR
        assert_eq!(a(b""), "\"\"");
        assert_eq!(a(b"two words"), "\"two words\"");
        assert_eq!(a(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(a(b"50%"), "\"50%\"");
        assert_eq!(a(b"a*"), "\"a*\"");
        assert_eq!(a(b"(x)"), "\"(x)\"");
        assert_eq!(a(b"{3}"), "\"{3}\"");
        assert_eq!(a(b"NIL"), "NIL"); // an astring position: NIL is just a name
        assert_eq!(a(b"a\r\nb"), "{4}\r\na\r\nb");
        assert_eq!(a(b"a\0b"), "{3}\r\na\0b");
        assert_eq!(a("caf\u{e9}".as_bytes()), "{5}\r\ncaf\u{e9}");
        assert_eq!(a(b"tab\there"), "\"tab\there\""); // TAB is a TEXT-CHAR, not an ATOM-CHAR
    }

    #[test]
    fn string_and_nstring_never_use_atoms() {
        assert_eq!(with(|o| write_string(b"", o)), "\"\"");
        assert_eq!(with(|o| write_string(b"SMITH", o)), "\"SMITH\"");
        assert_eq!(with(|o| write_string(b"\\", o)), "\"\\\\\"");
        assert_eq!(with(|o| write_string(b"line\n", o)), "{5}\r\nline\n");
        assert_eq!(with(|o| write_nstring(None, o)), "NIL");
        assert_eq!(with(|o| write_nstring(Some(b"NIL"), o)), "\"NIL\"");
        assert_eq!(with(|o| write_nstring(Some(b"nil"), o)), "\"nil\"");
        assert_eq!(with(|o| write_nstring(Some(b""), o)), "\"\"");
    }

    #[test]
    fn mailbox_forms() {
        assert_eq!(with(|o| write_mailbox(&mbox("INBOX"), o)), "INBOX");
        assert_eq!(with(|o| write_mailbox(&mbox("inbox"), o)), "inbox");
        assert_eq!(
            with(|o| write_mailbox(&mbox("~/Mail/foo"), o)),
            "~/Mail/foo"
        );
        assert_eq!(with(|o| write_mailbox(&mbox(""), o)), "\"\"");
        assert_eq!(
            with(|o| write_mailbox(&mbox("Sent Items"), o)),
            "\"Sent Items\""
        );
        assert_eq!(with(|o| write_mailbox(&mbox("&U,BTFw-"), o)), "&U,BTFw-");
        // Wildcards are allowed bare only in list-mailbox.
        assert_eq!(with(|o| write_mailbox(&mbox("foo*"), o)), "\"foo*\"");
        assert_eq!(with(|o| write_list_mailbox(&mbox("foo*"), o)), "foo*");
        assert_eq!(with(|o| write_list_mailbox(&mbox("%"), o)), "%");
        assert_eq!(with(|o| write_list_mailbox(&mbox(""), o)), "\"\"");
    }

    #[test]
    fn sequence_sets_flags_and_dates() {
        assert_eq!(
            with(|o| write_sequence_set(&set(&[(2, Some(4))]), o)),
            "2:4"
        );
        assert_eq!(
            with(|o| write_sequence_set(&set(&[(1, None), (3, Some(5)), (7, Some(0))]), o)),
            "1,3:5,7:*"
        );
        assert_eq!(with(|o| write_sequence_set(&set(&[(0, None)]), o)), "*");
        let flags = [
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
            Flag::Recent,
            Flag::Keyword("$Forwarded".into()),
            Flag::Extension("Important".into()),
        ];
        assert_eq!(
            with(|o| write_flag_list(&flags, o)),
            "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\Recent $Forwarded \\Important)"
        );
        let dt = DateTime {
            date: Date {
                year: 1996,
                month: 7,
                day: 17,
            },
            hour: 2,
            minute: 44,
            second: 25,
            zone_minutes: -420,
        };
        assert_eq!(
            with(|o| write_date_time(&dt, o)),
            "\"17-Jul-1996 02:44:25 -0700\""
        );
        let dt = DateTime {
            date: Date {
                year: 2024,
                month: 2,
                day: 5,
            },
            hour: 23,
            minute: 0,
            second: 9,
            zone_minutes: 330,
        };
        // RFC 3501 §9 `date-day-fixed`: the day is space-padded.
        assert_eq!(
            with(|o| write_date_time(&dt, o)),
            "\" 5-Feb-2024 23:00:09 +0530\""
        );
        assert_eq!(
            with(|o| write_date(
                &Date {
                    year: 1994,
                    month: 2,
                    day: 1
                },
                o
            )),
            "1-Feb-1994"
        );
        assert_eq!(
            with(|o| write_date(
                &Date {
                    year: 2000,
                    month: 12,
                    day: 31
                },
                o
            )),
            "31-Dec-2000"
        );
        // Out-of-range months are clamped, never a panic.
        assert_eq!(
            with(|o| write_date(
                &Date {
                    year: 2000,
                    month: 0,
                    day: 1
                },
                o
            )),
            "1-Jan-2000"
        );
        assert_eq!(
            with(|o| write_date(
                &Date {
                    year: 2000,
                    month: 13,
                    day: 1
                },
                o
            )),
            "1-Dec-2000"
        );
        let extreme = DateTime {
            zone_minutes: i16::MIN,
            ..dt
        };
        assert!(with(|o| write_date_time(&extreme, o)).ends_with("-2359\""));
        let broken = DateTime {
            date: Date {
                year: 12345,
                month: 1,
                day: 0,
            },
            hour: 99,
            minute: 99,
            second: 99,
            zone_minutes: 0,
        };
        assert_eq!(
            with(|o| write_date_time(&broken, o)),
            "\"00-Jan-9999 23:59:60 +0000\""
        );
    }

    // --- status responses ----------------------------------------------------------------

    #[test]
    fn status_responses_from_rfc3501() {
        // RFC 3501 §8.
        assert_eq!(
            status(None, StatusKind::Ok, None, "IMAP4rev1 Service Ready"),
            "* OK IMAP4rev1 Service Ready\r\n"
        );
        assert_eq!(
            status(Some("a001"), StatusKind::Ok, None, "LOGIN completed"),
            "a001 OK LOGIN completed\r\n"
        );
        assert_eq!(
            status(
                None,
                StatusKind::Ok,
                Some(Code::Unseen(17)),
                "Message 17 is the first unseen message"
            ),
            "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n"
        );
        assert_eq!(
            status(
                None,
                StatusKind::Ok,
                Some(Code::UidValidity(3857529045)),
                "UIDs valid"
            ),
            "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
        );
        assert_eq!(
            status(
                Some("a002"),
                StatusKind::Ok,
                Some(Code::ReadWrite),
                "SELECT completed"
            ),
            "a002 OK [READ-WRITE] SELECT completed\r\n"
        );
        assert_eq!(
            status(
                None,
                StatusKind::Bye,
                None,
                "IMAP4rev1 server terminating connection"
            ),
            "* BYE IMAP4rev1 server terminating connection\r\n"
        );
        // RFC 3501 §6.3.1.
        let perm = Code::PermanentFlags(vec![
            FlagPerm::Flag(Flag::Deleted),
            FlagPerm::Flag(Flag::Seen),
            FlagPerm::Wildcard,
        ]);
        assert_eq!(
            status(None, StatusKind::Ok, Some(perm), "Limited"),
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
        );
        // RFC 3501 §7.1.
        assert_eq!(
            status(
                Some("A044"),
                StatusKind::Bad,
                None,
                "No such command as \"BLURDYBLOOP\""
            ),
            "A044 BAD No such command as \"BLURDYBLOOP\"\r\n"
        );
        assert_eq!(
            status(
                None,
                StatusKind::PreAuth,
                None,
                "IMAP4rev1 server logged in as Smith"
            ),
            "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"
        );
    }

    #[test]
    fn status_text_is_never_empty_and_never_breaks_the_line() {
        assert_eq!(status(Some("a1"), StatusKind::Ok, None, ""), "a1 OK OK\r\n");
        assert_eq!(
            status(Some("a1"), StatusKind::No, Some(Code::InUse), ""),
            "a1 NO [INUSE] NO\r\n"
        );
        assert_eq!(
            status(Some("a1"), StatusKind::No, None, "\r\n"),
            "a1 NO NO\r\n"
        );
        assert_eq!(
            status(Some("a1"), StatusKind::Bad, None, "bad\r\na2 OK forged"),
            "a1 BAD bada2 OK forged\r\n"
        );
        // RFC 3501 §7.1.5: BYE is untagged even if the value carries a tag.
        assert_eq!(
            status(Some("a1"), StatusKind::Bye, None, "bye"),
            "* BYE bye\r\n"
        );
    }

    #[test]
    fn every_response_code() {
        let cases: Vec<(Code, &str)> = vec![
            (Code::Alert, "ALERT"),
            (Code::BadCharset(vec![]), "BADCHARSET"),
            (
                Code::BadCharset(vec!["UTF-8".into(), "US-ASCII".into()]),
                "BADCHARSET (UTF-8 US-ASCII)",
            ),
            (
                Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()]),
                "CAPABILITY IMAP4rev1 IDLE",
            ),
            (Code::Parse, "PARSE"),
            (Code::PermanentFlags(vec![]), "PERMANENTFLAGS ()"),
            (Code::ReadOnly, "READ-ONLY"),
            (Code::ReadWrite, "READ-WRITE"),
            (Code::TryCreate, "TRYCREATE"),
            (Code::UidNext(4392), "UIDNEXT 4392"),
            (Code::UidValidity(3857529045), "UIDVALIDITY 3857529045"),
            (Code::Unseen(12), "UNSEEN 12"),
            // RFC 4315 §3 examples.
            (
                Code::AppendUid {
                    uid_validity: 38505,
                    uids: set(&[(3955, None)]),
                },
                "APPENDUID 38505 3955",
            ),
            (
                Code::CopyUid {
                    uid_validity: 38505,
                    source: set(&[(304, None), (319, Some(320))]),
                    destination: set(&[(3956, Some(3958))]),
                },
                "COPYUID 38505 304,319:320 3956:3958",
            ),
            (Code::UidNotSticky, "UIDNOTSTICKY"),
            (
                Code::NewName {
                    old: mbox("foo"),
                    new: mbox("bar baz"),
                },
                "NEWNAME foo \"bar baz\"",
            ),
            (Code::AlreadyExists, "ALREADYEXISTS"),
            (Code::AuthenticationFailed, "AUTHENTICATIONFAILED"),
            (Code::AuthorizationFailed, "AUTHORIZATIONFAILED"),
            (Code::Cannot, "CANNOT"),
            (Code::ClientBug, "CLIENTBUG"),
            (Code::Closed, "CLOSED"),
            (Code::ContactAdmin, "CONTACTADMIN"),
            (Code::Corruption, "CORRUPTION"),
            (Code::ExpungeIssued, "EXPUNGEISSUED"),
            (Code::Expired, "EXPIRED"),
            (Code::HasChildren, "HASCHILDREN"),
            (Code::InUse, "INUSE"),
            (Code::Limit, "LIMIT"),
            (Code::Nonexistent, "NONEXISTENT"),
            (Code::NoPerm, "NOPERM"),
            (Code::NotSaved, "NOTSAVED"),
            (Code::OverQuota, "OVERQUOTA"),
            (Code::PrivacyRequired, "PRIVACYREQUIRED"),
            (Code::ServerBug, "SERVERBUG"),
            (Code::Unavailable, "UNAVAILABLE"),
            (Code::UnknownCte, "UNKNOWN-CTE"),
            (
                Code::Other {
                    atom: "X-FOO".into(),
                    text: None,
                },
                "X-FOO",
            ),
            (
                Code::Other {
                    atom: "X-FOO".into(),
                    text: Some("a b".into()),
                },
                "X-FOO a b",
            ),
            (
                Code::Other {
                    atom: "X-FOO".into(),
                    text: Some("a]b\r\n".into()),
                },
                "X-FOO ab",
            ),
            (
                Code::Other {
                    atom: "X-FOO".into(),
                    text: Some("]".into()),
                },
                "X-FOO",
            ),
        ];
        for (code, wire) in cases {
            assert_eq!(
                status(Some("t"), StatusKind::No, Some(code), "x"),
                format!("t NO [{wire}] x\r\n")
            );
        }
    }

    #[test]
    fn continuation_requests() {
        // RFC 3501 §7.5.
        let text = Continue::Text {
            code: None,
            text: "Ready for additional command text".into(),
        };
        assert_eq!(
            resp(Response::Continue(text)),
            "+ Ready for additional command text\r\n"
        );
        let text = Continue::Text {
            code: Some(Code::Alert),
            text: "idling".into(),
        };
        assert_eq!(resp(Response::Continue(text)), "+ [ALERT] idling\r\n");
        let text = Continue::Text {
            code: None,
            text: String::new(),
        };
        assert_eq!(resp(Response::Continue(text)), "+ continue\r\n");
        // RFC 3501 §6.2.2 example challenge, and an empty challenge (RFC 4959 §3).
        let b64 = Continue::Base64("YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxqdpm49i".into());
        assert_eq!(
            resp(Response::Continue(b64)),
            "+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxqdpm49i\r\n"
        );
        assert_eq!(
            resp(Response::Continue(Continue::Base64(String::new()))),
            "+ \r\n"
        );
        let broken = Continue::Base64("AA\r\nBB".into());
        assert_eq!(resp(Response::Continue(broken)), "+ AABB\r\n");
    }

    // --- untagged data -------------------------------------------------------------------

    #[test]
    fn capability_enabled_and_counts() {
        // RFC 3501 §6.1.1.
        let caps = ["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"];
        assert_eq!(
            data(Data::Capability(
                caps.iter().map(|c| c.to_string()).collect()
            )),
            "* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"
        );
        // RFC 5161 §3.1.
        assert_eq!(
            data(Data::Enabled(vec!["CONDSTORE".into()])),
            "* ENABLED CONDSTORE\r\n"
        );
        assert_eq!(data(Data::Enabled(vec![])), "* ENABLED\r\n");
        // RFC 3501 §7.3.1, §7.3.2, §7.4.1.
        assert_eq!(data(Data::Exists(23)), "* 23 EXISTS\r\n");
        assert_eq!(data(Data::Recent(5)), "* 5 RECENT\r\n");
        assert_eq!(data(Data::Expunge(44)), "* 44 EXPUNGE\r\n");
    }

    #[test]
    fn list_and_lsub() {
        let list = |attrs: Vec<NameAttribute>, d: Option<char>, m: &str| {
            data(Data::List(ListItem {
                attributes: attrs,
                delimiter: d,
                mailbox: mbox(m),
            }))
        };
        // RFC 3501 §6.3.8 / §7.2.2.
        assert_eq!(
            list(vec![], Some('/'), "blurdybloop"),
            "* LIST () \"/\" blurdybloop\r\n"
        );
        assert_eq!(
            list(vec![NameAttribute::Noselect], Some('/'), "~/Mail/foo"),
            "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"
        );
        assert_eq!(
            list(vec![NameAttribute::Noselect], Some('/'), ""),
            "* LIST (\\Noselect) \"/\" \"\"\r\n"
        );
        assert_eq!(
            list(vec![], Some('.'), "INBOX.bar"),
            "* LIST () \".\" INBOX.bar\r\n"
        );
        assert_eq!(
            list(vec![NameAttribute::HasNoChildren], Some('/'), "INBOX"),
            "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
        );
        assert_eq!(list(vec![], None, "flat"), "* LIST () NIL flat\r\n");
        assert_eq!(
            list(vec![], Some('\\'), "a\\b"),
            "* LIST () \"\\\\\" \"a\\\\b\"\r\n"
        );
        assert_eq!(list(vec![], Some('"'), "x"), "* LIST () \"\\\"\" x\r\n");
        // Not a 7-bit QUOTED-CHAR: no IMAP4rev1 wire form, written as NIL.
        assert_eq!(list(vec![], Some('\u{e9}'), "x"), "* LIST () NIL x\r\n");
        let all = vec![
            NameAttribute::Noinferiors,
            NameAttribute::Noselect,
            NameAttribute::Marked,
            NameAttribute::Unmarked,
            NameAttribute::HasChildren,
            NameAttribute::HasNoChildren,
            NameAttribute::Subscribed,
            NameAttribute::Extension("Archive".into()),
        ];
        assert_eq!(
            list(all, Some('/'), "x"),
            "* LIST (\\Noinferiors \\Noselect \\Marked \\Unmarked \\HasChildren \\HasNoChildren \\Subscribed \\Archive) \"/\" x\r\n"
        );
        // RFC 3501 §7.2.3.
        let lsub = ListItem {
            attributes: vec![],
            delimiter: Some('.'),
            mailbox: mbox("#news.comp.mail.mime"),
        };
        assert_eq!(
            data(Data::Lsub(lsub)),
            "* LSUB () \".\" #news.comp.mail.mime\r\n"
        );
    }

    #[test]
    fn status_search_flags() {
        // RFC 3501 §7.2.4.
        let st = Data::Status {
            mailbox: mbox("blurdybloop"),
            items: vec![StatusValue::Messages(231), StatusValue::UidNext(44292)],
        };
        assert_eq!(
            data(st),
            "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"
        );
        let st = Data::Status {
            mailbox: mbox("a b"),
            items: vec![
                StatusValue::Recent(1),
                StatusValue::UidValidity(2),
                StatusValue::Unseen(3),
            ],
        };
        assert_eq!(
            data(st),
            "* STATUS \"a b\" (RECENT 1 UIDVALIDITY 2 UNSEEN 3)\r\n"
        );
        // RFC 3501 §6.4.4 / §7.2.5.
        assert_eq!(
            data(Data::Search(vec![2, 84, 882])),
            "* SEARCH 2 84 882\r\n"
        );
        assert_eq!(data(Data::Search(vec![])), "* SEARCH\r\n");
        // RFC 3501 §7.2.6.
        let flags = vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
        ];
        assert_eq!(
            data(Data::Flags(flags)),
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        );
    }

    #[test]
    fn namespace_rfc2342() {
        let ns = |p: &str, d: char| NamespaceDesc {
            prefix: b(p),
            delimiter: Some(d),
        };
        // RFC 2342 §5 examples.
        let d = Data::Namespace {
            personal: Some(vec![ns("", '/')]),
            other: None,
            shared: None,
        };
        assert_eq!(data(d), "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
        let d = Data::Namespace {
            personal: Some(vec![ns("", '/')]),
            other: Some(vec![ns("~", '/')]),
            shared: Some(vec![
                ns("#shared/", '/'),
                ns("#public/", '/'),
                ns("#ftp/", '/'),
                ns("#news.", '.'),
            ]),
        };
        assert_eq!(
            data(d),
            "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n"
        );
        let d = Data::Namespace {
            personal: Some(vec![NamespaceDesc {
                prefix: b(""),
                delimiter: None,
            }]),
            other: Some(vec![]),
            shared: None,
        };
        assert_eq!(data(d), "* NAMESPACE ((\"\" NIL)) NIL NIL\r\n");
    }

    #[test]
    fn id_rfc2971() {
        assert_eq!(data(Data::Id(None)), "* ID NIL\r\n");
        // RFC 2971 §3.3 example.
        let params = [
            ("name", "Cyrus"),
            ("version", "1.5"),
            ("os", "sunos"),
            ("os-version", "5.5"),
            ("support-url", "mailto:cyrus-bugs+@andrew.cmu.edu"),
        ];
        let params = params.iter().map(|(k, v)| (b(k), Some(b(v)))).collect();
        assert_eq!(
            data(Data::Id(Some(params))),
            "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n"
        );
        assert_eq!(
            data(Data::Id(Some(vec![(b("vendor"), None)]))),
            "* ID (\"vendor\" NIL)\r\n"
        );
        assert_eq!(data(Data::Id(Some(vec![]))), "* ID ()\r\n");
    }

    // --- FETCH ---------------------------------------------------------------------------

    #[test]
    fn fetch_rfc3501_section8_full() {
        let gray = addr(Some("Terry Gray"), "gray", "cac.washington.edu");
        let env = Envelope {
            date: Some(b("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)")),
            subject: Some(b("IMAP4rev1 WG mtg summary and minutes")),
            from: vec![gray.clone()],
            sender: vec![gray.clone()],
            reply_to: vec![gray],
            to: vec![addr(None, "imap", "cac.washington.edu")],
            cc: vec![
                addr(None, "minutes", "CNRI.Reston.VA.US"),
                addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
            ],
            bcc: vec![],
            in_reply_to: None,
            message_id: Some(b("<B27397-0100000@cac.washington.edu>")),
        };
        let items = vec![
            FetchValue::Flags(vec![Flag::Seen]),
            FetchValue::InternalDate(DateTime {
                date: Date {
                    year: 1996,
                    month: 7,
                    day: 17,
                },
                hour: 2,
                minute: 44,
                second: 25,
                zone_minutes: -420,
            }),
            FetchValue::Rfc822Size(4286),
            FetchValue::Envelope(Box::new(env)),
            FetchValue::Body(Box::new(text_part(
                &[("CHARSET", "US-ASCII")],
                None,
                None,
                "7BIT",
                3028,
                92,
            ))),
        ];
        // The RFC breaks this line for editorial clarity; on the wire it is one line.
        assert_eq!(
            data(Data::Fetch { seq: 12, items }),
            concat!(
                "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" ",
                "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" ",
                "\"IMAP4rev1 WG mtg summary and minutes\" ",
                "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
                "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
                "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
                "((NIL NIL \"imap\" \"cac.washington.edu\")) ",
                "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")",
                "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL ",
                "\"<B27397-0100000@cac.washington.edu>\") ",
                "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
            )
        );
    }

    fn rfc3501_multipart(extension: Option<MultiPartExtension>) -> BodyStructure {
        BodyStructure::Multi {
            parts: vec![
                text_part(&[("CHARSET", "US-ASCII")], None, None, "7BIT", 1152, 23),
                text_part(
                    &[("CHARSET", "US-ASCII"), ("NAME", "cc.diff")],
                    Some("<960723163407.20117h@cac.washington.edu>"),
                    Some("Compiler diff"),
                    "BASE64",
                    4554,
                    73,
                ),
            ],
            subtype: b("MIXED"),
            extension,
        }
    }

    #[test]
    fn fetch_body_multipart_rfc3501_7_4_2() {
        let body = rfc3501_multipart(Some(MultiPartExtension::default()));
        // BODY never carries extension data, even when the value has it.
        assert_eq!(
            data(Data::Fetch { seq: 1, items: vec![FetchValue::Body(Box::new(body))] }),
            concat!(
                "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)",
                "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") ",
                "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n"
            )
        );
    }

    #[test]
    fn fetch_bodystructure_with_extensions() {
        let pdf = BodyStructure::Single {
            basic: BasicFields {
                media_type: b("APPLICATION"),
                subtype: b("PDF"),
                params: vec![],
                id: None,
                description: None,
                encoding: b("BASE64"),
                size: 4,
            },
            specific: SpecificFields::Basic,
            extension: Some(SinglePartExtension {
                md5: Some(b("Q2hlY2s=")),
                disposition: Some(Disposition {
                    kind: b("attachment"),
                    params: vec![(b("filename"), b("a.pdf"))],
                }),
                language: vec![b("en")],
                location: None,
            }),
        };
        let text = BodyStructure::Single {
            basic: BasicFields {
                media_type: b("TEXT"),
                subtype: b("PLAIN"),
                params: vec![(b("CHARSET"), b("UTF-8"))],
                id: None,
                description: None,
                encoding: b("7BIT"),
                size: 10,
            },
            specific: SpecificFields::Text { lines: 1 },
            extension: Some(SinglePartExtension {
                md5: None,
                disposition: None,
                language: vec![b("en"), b("de")],
                location: Some(b("http://x/")),
            }),
        };
        let body = BodyStructure::Multi {
            parts: vec![text, pdf],
            subtype: b("MIXED"),
            extension: Some(MultiPartExtension {
                params: vec![(b("BOUNDARY"), b("xyz"))],
                disposition: None,
                language: vec![],
                location: None,
            }),
        };
        assert_eq!(
            data(Data::Fetch { seq: 3, items: vec![FetchValue::BodyStructure(Box::new(body))] }),
            concat!(
                "* 3 FETCH (BODYSTRUCTURE (",
                "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 10 1 NIL NIL (\"en\" \"de\") \"http://x/\")",
                "(\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 4 \"Q2hlY2s=\" (\"attachment\" (\"filename\" \"a.pdf\")) (\"en\") NIL)",
                " \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL NIL))\r\n"
            )
        );
        // Without extension values, BODYSTRUCTURE writes none.
        let plain = rfc3501_multipart(None);
        assert!(data(Data::Fetch {
            seq: 1,
            items: vec![FetchValue::BodyStructure(Box::new(plain))]
        })
        .ends_with("4554 73) \"MIXED\"))\r\n"));
    }

    #[test]
    fn fetch_message_rfc822_part() {
        let inner = text_part(&[], None, None, "7BIT", 20, 2);
        let msg = |inner: BodyStructure| BodyStructure::Single {
            basic: BasicFields {
                media_type: b("MESSAGE"),
                subtype: b("RFC822"),
                params: vec![],
                id: None,
                description: None,
                encoding: b("7BIT"),
                size: 100,
            },
            specific: SpecificFields::Message {
                envelope: Box::new(Envelope {
                    subject: Some(b("hi")),
                    ..Envelope::default()
                }),
                body: Box::new(inner),
                lines: 5,
            },
            extension: Some(SinglePartExtension::default()),
        };
        let expected_body = concat!(
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 100 ",
            "(NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL) ",
            "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 20 2) 5"
        );
        assert_eq!(
            data(Data::Fetch {
                seq: 1,
                items: vec![FetchValue::Body(Box::new(msg(inner.clone())))]
            }),
            format!("* 1 FETCH (BODY {expected_body}))\r\n")
        );
        assert_eq!(
            data(Data::Fetch {
                seq: 1,
                items: vec![FetchValue::BodyStructure(Box::new(msg(inner)))]
            }),
            format!("* 1 FETCH (BODYSTRUCTURE {expected_body} NIL NIL NIL NIL))\r\n")
        );
    }

    #[test]
    fn fetch_sections_uid_and_rfc822() {
        let section = |part: Vec<u32>, text: Option<SectionText>| Section { part, text };
        let header = "Subject: hi\r\n\r\n";
        let items = vec![
            FetchValue::Uid(4827313),
            FetchValue::BodySection {
                section: section(vec![], Some(SectionText::Header)),
                origin: None,
                data: Some(b(header)),
            },
            FetchValue::BodySection {
                section: section(vec![], None),
                origin: Some(0),
                data: Some(b("abc")),
            },
            FetchValue::BodySection {
                section: section(vec![1, 2], Some(SectionText::Mime)),
                origin: None,
                data: None,
            },
            FetchValue::BodySection {
                section: section(
                    vec![],
                    Some(SectionText::HeaderFields(vec![b("FROM"), b("TO")])),
                ),
                origin: None,
                data: Some(b("")),
            },
            FetchValue::BodySection {
                section: section(vec![2], Some(SectionText::HeaderFieldsNot(vec![b("X Y")]))),
                origin: None,
                data: Some(b("NIL")),
            },
            FetchValue::BodySection {
                section: section(vec![3], Some(SectionText::Text)),
                origin: None,
                data: None,
            },
            FetchValue::Rfc822(Some(b("x\r\n"))),
            FetchValue::Rfc822Header(None),
            FetchValue::Rfc822Text(Some(b("body"))),
        ];
        assert_eq!(
            data(Data::Fetch { seq: 12, items }),
            concat!(
                "* 12 FETCH (UID 4827313 BODY[HEADER] {15}\r\nSubject: hi\r\n\r\n ",
                "BODY[]<0> \"abc\" BODY[1.2.MIME] NIL BODY[HEADER.FIELDS (FROM TO)] \"\" ",
                "BODY[2.HEADER.FIELDS.NOT (\"X Y\")] \"NIL\" BODY[3.TEXT] NIL ",
                "RFC822 {3}\r\nx\r\n RFC822.HEADER NIL RFC822.TEXT \"body\")\r\n"
            )
        );
        // RFC 3501 §6.4.6 example.
        let items = vec![FetchValue::Flags(vec![Flag::Deleted, Flag::Seen])];
        assert_eq!(
            data(Data::Fetch { seq: 2, items }),
            "* 2 FETCH (FLAGS (\\Deleted \\Seen))\r\n"
        );
    }

    // --- commands ------------------------------------------------------------------------

    #[test]
    fn simple_commands() {
        for (body, wire) in [
            (CommandBody::Capability, "CAPABILITY"),
            (CommandBody::Noop, "NOOP"),
            (CommandBody::Logout, "LOGOUT"),
            (CommandBody::StartTls, "STARTTLS"),
            (CommandBody::Namespace, "NAMESPACE"),
            (CommandBody::Idle, "IDLE"),
            (CommandBody::Check, "CHECK"),
            (CommandBody::Close, "CLOSE"),
            (CommandBody::Expunge, "EXPUNGE"),
            (CommandBody::Unselect, "UNSELECT"),
        ] {
            assert_eq!(cmd("a1", body), format!("a1 {wire}\r\n"));
        }
    }

    #[test]
    fn authentication_commands() {
        // RFC 3501 §6.2.3 and §8.
        let login = |u: &str, p: &str| CommandBody::Login {
            username: b(u),
            password: b(p),
        };
        assert_eq!(
            cmd("a001", login("SMITH", "SESAME")),
            "a001 LOGIN SMITH SESAME\r\n"
        );
        assert_eq!(cmd("a1", login("fred", "")), "a1 LOGIN fred \"\"\r\n");
        assert_eq!(
            cmd("a1", login("fred", "p\"w d")),
            "a1 LOGIN fred \"p\\\"w d\"\r\n"
        );
        assert_eq!(
            cmd("a1", login("fr\u{e9}d", "x")),
            "a1 LOGIN {5}\r\nfr\u{e9}d x\r\n"
        );
        // RFC 3501 §6.2.2; RFC 4959 §3 initial response.
        let auth = |ir: Option<&str>| CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial_response: ir.map(Into::into),
        };
        assert_eq!(cmd("a1", auth(None)), "a1 AUTHENTICATE PLAIN\r\n");
        assert_eq!(cmd("a1", auth(Some("="))), "a1 AUTHENTICATE PLAIN =\r\n");
        assert_eq!(
            cmd("a1", auth(Some("AGZyZWQAcGFzcw=="))),
            "a1 AUTHENTICATE PLAIN AGZyZWQAcGFzcw==\r\n"
        );
    }

    #[test]
    fn mailbox_commands() {
        assert_eq!(
            cmd(
                "A142",
                CommandBody::Select {
                    mailbox: mbox("INBOX")
                }
            ),
            "A142 SELECT INBOX\r\n"
        );
        assert_eq!(
            cmd(
                "A932",
                CommandBody::Examine {
                    mailbox: mbox("blurdybloop")
                }
            ),
            "A932 EXAMINE blurdybloop\r\n"
        );
        assert_eq!(
            cmd(
                "A003",
                CommandBody::Create {
                    mailbox: mbox("owatagusiam/")
                }
            ),
            "A003 CREATE owatagusiam/\r\n"
        );
        assert_eq!(
            cmd(
                "A683",
                CommandBody::Delete {
                    mailbox: mbox("blurdybloop")
                }
            ),
            "A683 DELETE blurdybloop\r\n"
        );
        assert_eq!(
            cmd(
                "A683",
                CommandBody::Rename {
                    from: mbox("blurdybloop"),
                    to: mbox("sarasoop")
                }
            ),
            "A683 RENAME blurdybloop sarasoop\r\n"
        );
        assert_eq!(
            cmd(
                "A002",
                CommandBody::Subscribe {
                    mailbox: mbox("#news.comp.mail.mime")
                }
            ),
            "A002 SUBSCRIBE #news.comp.mail.mime\r\n"
        );
        assert_eq!(
            cmd(
                "A002",
                CommandBody::Unsubscribe {
                    mailbox: mbox("#news.comp.mail.mime")
                }
            ),
            "A002 UNSUBSCRIBE #news.comp.mail.mime\r\n"
        );
        // RFC 3501 §6.3.8, §6.3.9.
        assert_eq!(
            cmd(
                "A101",
                CommandBody::List {
                    reference: mbox(""),
                    pattern: mbox("")
                }
            ),
            "A101 LIST \"\" \"\"\r\n"
        );
        assert_eq!(
            cmd(
                "A202",
                CommandBody::List {
                    reference: mbox("~/Mail/"),
                    pattern: mbox("%")
                }
            ),
            "A202 LIST ~/Mail/ %\r\n"
        );
        assert_eq!(
            cmd(
                "A002",
                CommandBody::Lsub {
                    reference: mbox("#news."),
                    pattern: mbox("comp.mail.*")
                }
            ),
            "A002 LSUB #news. comp.mail.*\r\n"
        );
        // RFC 3501 §6.3.10.
        assert_eq!(
            cmd(
                "A042",
                CommandBody::Status {
                    mailbox: mbox("blurdybloop"),
                    items: vec![StatusItem::UidNext, StatusItem::Messages]
                }
            ),
            "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"
        );
        assert_eq!(
            cmd(
                "a",
                CommandBody::Status {
                    mailbox: mbox("x"),
                    items: vec![
                        StatusItem::Recent,
                        StatusItem::UidValidity,
                        StatusItem::Unseen
                    ]
                }
            ),
            "a STATUS x (RECENT UIDVALIDITY UNSEEN)\r\n"
        );
    }

    #[test]
    fn append_enable_id() {
        let msg = b"Subject: hi\r\n\r\nbody\r\n".to_vec();
        let append = |flags: Vec<Flag>, date: Option<DateTime>| CommandBody::Append {
            mailbox: mbox("saved-messages"),
            flags,
            date,
            message: msg.clone(),
        };
        assert_eq!(
            cmd("A003", append(vec![], None)),
            "A003 APPEND saved-messages {21}\r\nSubject: hi\r\n\r\nbody\r\n\r\n"
        );
        let date = DateTime {
            date: Date {
                year: 1994,
                month: 2,
                day: 7,
            },
            hour: 21,
            minute: 52,
            second: 25,
            zone_minutes: -480,
        };
        assert_eq!(
            cmd("A003", append(vec![Flag::Seen], Some(date))),
            "A003 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {21}\r\nSubject: hi\r\n\r\nbody\r\n\r\n"
        );
        let empty = CommandBody::Append {
            mailbox: mbox("x"),
            flags: vec![],
            date: None,
            message: vec![],
        };
        assert_eq!(cmd("a", empty), "a APPEND x {0}\r\n\r\n");
        assert_eq!(
            cmd(
                "t",
                CommandBody::Enable {
                    capabilities: vec!["CONDSTORE".into(), "X-GOOD-IDEA".into()]
                }
            ),
            "t ENABLE CONDSTORE X-GOOD-IDEA\r\n"
        );
        assert_eq!(
            cmd("a023", CommandBody::Id { parameters: None }),
            "a023 ID NIL\r\n"
        );
        let params = vec![(b("name"), Some(b("sodr"))), (b("version"), None)];
        assert_eq!(
            cmd(
                "a023",
                CommandBody::Id {
                    parameters: Some(params)
                }
            ),
            "a023 ID (\"name\" \"sodr\" \"version\" NIL)\r\n"
        );
    }

    #[test]
    fn selected_state_commands() {
        // RFC 4315 §2.1.
        assert_eq!(
            cmd(
                "A003",
                CommandBody::UidExpunge {
                    set: set(&[(3000, Some(3002))])
                }
            ),
            "A003 UID EXPUNGE 3000:3002\r\n"
        );
        // RFC 3501 §6.4.6.
        let store = |kind, silent, uid| CommandBody::Store {
            set: set(&[(2, Some(4))]),
            kind,
            silent,
            flags: vec![Flag::Deleted],
            uid,
        };
        assert_eq!(
            cmd("A003", store(StoreKind::Add, false, false)),
            "A003 STORE 2:4 +FLAGS (\\Deleted)\r\n"
        );
        assert_eq!(
            cmd("A003", store(StoreKind::Add, true, false)),
            "A003 STORE 2:4 +FLAGS.SILENT (\\Deleted)\r\n"
        );
        assert_eq!(
            cmd("A003", store(StoreKind::Remove, true, true)),
            "A003 UID STORE 2:4 -FLAGS.SILENT (\\Deleted)\r\n"
        );
        assert_eq!(
            cmd("A003", store(StoreKind::Replace, false, false)),
            "A003 STORE 2:4 FLAGS (\\Deleted)\r\n"
        );
        // RFC 3501 §6.4.7; RFC 6851 §3.3.
        assert_eq!(
            cmd(
                "A003",
                CommandBody::Copy {
                    set: set(&[(2, Some(4))]),
                    mailbox: mbox("MEETING"),
                    uid: false
                }
            ),
            "A003 COPY 2:4 MEETING\r\n"
        );
        assert_eq!(
            cmd(
                "a",
                CommandBody::Copy {
                    set: set(&[(1, Some(0))]),
                    mailbox: mbox("a b"),
                    uid: true
                }
            ),
            "a UID COPY 1:* \"a b\"\r\n"
        );
        assert_eq!(
            cmd(
                "a",
                CommandBody::Move {
                    set: set(&[(42, Some(69))]),
                    mailbox: mbox("foo"),
                    uid: true
                }
            ),
            "a UID MOVE 42:69 foo\r\n"
        );
        assert_eq!(
            cmd(
                "a",
                CommandBody::Move {
                    set: set(&[(1, None)]),
                    mailbox: mbox("foo"),
                    uid: false
                }
            ),
            "a MOVE 1 foo\r\n"
        );
    }

    #[test]
    fn fetch_commands() {
        let fetch = |items, uid| CommandBody::Fetch {
            set: set(&[(2, Some(4))]),
            items,
            uid,
        };
        assert_eq!(
            cmd("a", fetch(FetchItems::All, false)),
            "a FETCH 2:4 ALL\r\n"
        );
        assert_eq!(
            cmd("a", fetch(FetchItems::Fast, false)),
            "a FETCH 2:4 FAST\r\n"
        );
        assert_eq!(
            cmd("a003", fetch(FetchItems::Full, false)),
            "a003 FETCH 2:4 FULL\r\n"
        );
        let list = |items: Vec<FetchAtt>, parenthesized| FetchItems::List {
            items,
            parenthesized,
        };
        assert_eq!(
            cmd("A999", fetch(list(vec![FetchAtt::Flags], false), true)),
            "A999 UID FETCH 2:4 FLAGS\r\n"
        );
        assert_eq!(
            cmd("a", fetch(list(vec![FetchAtt::Flags], true), false)),
            "a FETCH 2:4 (FLAGS)\r\n"
        );
        // RFC 3501 §6.4.5 example.
        let header_fields = FetchAtt::BodySection {
            peek: false,
            section: Section {
                part: vec![],
                text: Some(SectionText::HeaderFields(vec![b("DATE"), b("FROM")])),
            },
            partial: None,
        };
        assert_eq!(
            cmd(
                "A654",
                fetch(list(vec![FetchAtt::Flags, header_fields], false), false)
            ),
            "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n"
        );
        let all = vec![
            FetchAtt::Envelope,
            FetchAtt::Flags,
            FetchAtt::InternalDate,
            FetchAtt::Rfc822,
            FetchAtt::Rfc822Header,
            FetchAtt::Rfc822Size,
            FetchAtt::Rfc822Text,
            FetchAtt::Body,
            FetchAtt::BodyStructure,
            FetchAtt::Uid,
            FetchAtt::BodySection {
                peek: true,
                section: Section::default(),
                partial: None,
            },
            FetchAtt::BodySection {
                peek: true,
                section: Section {
                    part: vec![1, 2],
                    text: Some(SectionText::Mime),
                },
                partial: Some((0, 100)),
            },
            FetchAtt::BodySection {
                peek: false,
                section: Section {
                    part: vec![],
                    text: Some(SectionText::Header),
                },
                partial: None,
            },
            FetchAtt::BodySection {
                peek: false,
                section: Section {
                    part: vec![1],
                    text: Some(SectionText::Text),
                },
                partial: Some((10, 5)),
            },
            FetchAtt::BodySection {
                peek: false,
                section: Section {
                    part: vec![],
                    text: Some(SectionText::HeaderFieldsNot(vec![b("X-A")])),
                },
                partial: None,
            },
        ];
        assert_eq!(
            cmd("a", fetch(list(all, true), true)),
            concat!(
                "a UID FETCH 2:4 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT ",
                "BODY BODYSTRUCTURE UID BODY.PEEK[] BODY.PEEK[1.2.MIME]<0.100> BODY[HEADER] BODY[1.TEXT]<10.5> ",
                "BODY[HEADER.FIELDS.NOT (X-A)])\r\n"
            )
        );
    }

    #[test]
    fn search_commands() {
        let search = |charset: Option<&str>, criteria, uid| CommandBody::Search {
            charset: charset.map(Into::into),
            criteria,
            uid,
        };
        let d = |day, month, year| Date { year, month, day };
        // RFC 3501 §6.4.4 examples.
        assert_eq!(
            cmd(
                "A282",
                search(
                    None,
                    vec![
                        SearchKey::Flagged,
                        SearchKey::Since(d(1, 2, 1994)),
                        SearchKey::Not(Box::new(SearchKey::From(b("Smith"))))
                    ],
                    false
                )
            ),
            "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n"
        );
        assert_eq!(
            cmd(
                "A283",
                search(
                    None,
                    vec![SearchKey::Text(b("string not in mailbox"))],
                    false
                )
            ),
            "A283 SEARCH TEXT \"string not in mailbox\"\r\n"
        );
        let xyz = "XXXXXX\u{f9}";
        assert_eq!(
            cmd(
                "A284",
                search(Some("UTF-8"), vec![SearchKey::Text(b(xyz))], true)
            ),
            "A284 UID SEARCH CHARSET UTF-8 TEXT {8}\r\nXXXXXX\u{f9}\r\n"
        );
        let every = vec![
            SearchKey::All,
            SearchKey::Answered,
            SearchKey::Bcc(b("a")),
            SearchKey::Before(d(31, 12, 2000)),
            SearchKey::Body(b("b c")),
            SearchKey::Cc(b("")),
            SearchKey::Deleted,
            SearchKey::Draft,
            SearchKey::Flagged,
            SearchKey::From(b("f")),
            SearchKey::Header(b("X-Spam"), b("yes")),
            SearchKey::Keyword("$Junk".into()),
            SearchKey::Larger(100),
            SearchKey::New,
            SearchKey::Not(Box::new(SearchKey::Seen)),
            SearchKey::Old,
            SearchKey::On(d(5, 3, 2001)),
            SearchKey::Or(
                Box::new(SearchKey::Recent),
                Box::new(SearchKey::And(vec![SearchKey::Seen, SearchKey::Unseen])),
            ),
            SearchKey::Recent,
            SearchKey::Seen,
            SearchKey::SentBefore(d(1, 1, 2001)),
            SearchKey::SentOn(d(2, 1, 2001)),
            SearchKey::SentSince(d(3, 1, 2001)),
            SearchKey::Since(d(4, 1, 2001)),
            SearchKey::Smaller(7),
            SearchKey::Subject(b("NIL")),
            SearchKey::Text(b("t")),
            SearchKey::To(b("u")),
            SearchKey::Uid(set(&[(1, Some(0))])),
            SearchKey::Unanswered,
            SearchKey::Undeleted,
            SearchKey::Undraft,
            SearchKey::Unflagged,
            SearchKey::Unkeyword("$Junk".into()),
            SearchKey::Unseen,
            SearchKey::SequenceSet(set(&[(1, None), (3, Some(4))])),
            SearchKey::And(vec![SearchKey::Old]),
        ];
        assert_eq!(
            cmd("a", search(None, every, false)),
            concat!(
                "a SEARCH ALL ANSWERED BCC a BEFORE 31-Dec-2000 BODY \"b c\" CC \"\" DELETED DRAFT FLAGGED ",
                "FROM f HEADER X-Spam yes KEYWORD $Junk LARGER 100 NEW NOT SEEN OLD ON 5-Mar-2001 ",
                "OR RECENT (SEEN UNSEEN) RECENT SEEN SENTBEFORE 1-Jan-2001 SENTON 2-Jan-2001 ",
                "SENTSINCE 3-Jan-2001 SINCE 4-Jan-2001 SMALLER 7 SUBJECT NIL TEXT t TO u UID 1:* ",
                "UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $Junk UNSEEN 1,3:4 (OLD)\r\n"
            )
        );
    }
}
