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
    DateTime, Disposition, EncodedEnvelope, EntryType, Envelope, FetchAtt, FetchItems, FetchValue,
    Flag, FlagPerm, IdParams, ListItem, MailboxName, NameAttribute, NamespaceDesc, Response,
    SearchKey, SearchReturnData, SearchReturnOpt, Section, SectionText, SelectParam, SeqBound,
    SeqRange, SequenceSet, SpecificFields, StatusItem, StatusKind, StatusResponse, StatusValue,
    StoreKind,
};
use super::types::{CatPart, SortKey, Thread, ThreadAlgorithm};
use super::types::{ListReturnOpt, ListSelectOpt};

mod command;
mod notify;
mod response;
#[cfg(test)]
mod tests;

pub use command::{command_to_string, encode_command};
pub use response::{encode_response, response_to_string};

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
    out.reserve(s.len().saturating_add(2));
    if !s.iter().any(|&b| b == b'"' || b == b'\\') {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
        return;
    }
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

/// `literal8` (RFC 3516 §7): `"~{" number "}" CRLF *OCTET`, the synchronizing form.
pub(crate) fn write_literal8(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'~');
    write_literal(s, out);
}

/// A string or, when `s` holds a NUL octet (which no `string` may carry, RFC 3501 §9
/// `CHAR8`), a `literal8` (RFC 3516 §4.3, §4.4).
pub(crate) fn write_string_or_literal8(s: &[u8], out: &mut Vec<u8>) {
    if s.contains(&0) {
        write_literal8(s, out);
    } else {
        write_string(s, out);
    }
}

/// Writes a `string` (RFC 3501 §9): quoted when every byte is a 7-bit TEXT-CHAR, otherwise a
/// literal, since CR, LF, NUL and 8-bit octets may only travel in literals (RFC 3501 §4.3,
/// RFC 2683 §3.4.2). Never an atom.
pub fn write_string(s: &[u8], out: &mut Vec<u8>) {
    // One pass decides the form and whether anything needs escaping (an ENVELOPE is mostly
    // strings: this is the hot loop of FETCH ENVELOPE).
    let mut escapes = false;
    for &b in s {
        if !is_text_char(b) {
            return write_literal(s, out);
        }
        escapes |= b == b'"' || b == b'\\';
    }
    if escapes {
        write_quoted(s, out);
    } else {
        out.reserve(s.len().saturating_add(2));
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
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

pub(crate) fn write_number(n: u32, out: &mut Vec<u8>) {
    write_number64(u64::from(n), out);
}

/// A number in decimal, without the allocation of `to_string` (a FETCH 1:* writes two a line).
pub(crate) fn write_number64(n: u64, out: &mut Vec<u8>) {
    // At most 20 digits deep.
    if n >= 10 {
        write_number64(n / 10, out);
    }
    // `n % 10` is below 10.
    out.push(b'0' + (n % 10) as u8);
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
pub(crate) fn write_atom(s: &str, out: &mut Vec<u8>) {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        out.extend(s.bytes().filter(|&b| b != b'\r' && b != b'\n' && b != 0));
    } else {
        out.extend_from_slice(s.as_bytes());
    }
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
/// whose ends are equal is written as one `seq-number`. The empty set is `$` (RFC 5182 §3).
pub fn write_sequence_set(set: &SequenceSet, out: &mut Vec<u8>) {
    if set.is_last_result() {
        out.push(b'$');
    }
    for (i, range) in set.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if *range == SeqRange::LAST_RESULT {
            out.push(b'$');
            continue;
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

/// `keyword atom`, as in `KEYWORD $Junk` or `[UIDNEXT 4]`'s parts; `keyword` ends in SP.
fn write_keyword_atom(keyword: &str, atom: &str, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_atom(atom, out);
}

/// `keyword number`, as in `LARGER 1024` or `UIDNEXT 4`; `keyword` ends in SP.
fn write_keyword_number(keyword: &str, n: u32, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_number(n, out);
}
