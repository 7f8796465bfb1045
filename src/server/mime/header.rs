//! Header fields of one entity: where the header ends (RFC 5322 §2.1), the fields in it and their
//! unfolding (RFC 5322 §2.2), and the `type/subtype; attribute=value` grammar of Content-Type and
//! Content-Disposition (RFC 2045 §5.1, RFC 2183 §2) with RFC 2231 parameter continuations.
//! Works on byte slices only; knows nothing of parts, sections or IMAP.

use std::borrow::Cow;

/// `(attribute, value)` pairs in the order they are reported.
pub(crate) type Params = Vec<(Vec<u8>, Vec<u8>)>;

/// The length of the header block at the start of `entity`, including the empty line that ends it
/// (RFC 5322 §2.1: "an empty line ... separates the header section from the body"). Bare LF is
/// tolerated. Without an empty line the whole entity is header and the body is empty.
pub(crate) fn header_len(entity: &[u8]) -> usize {
    if entity.starts_with(b"\r\n") {
        return 2;
    }
    if entity.starts_with(b"\n") {
        return 1;
    }
    let mut from = 0;
    while let Some(nl) = find_byte(entity, from, b'\n') {
        let next = nl.saturating_add(1);
        let rest = entity.get(next..).unwrap_or_default();
        if rest.starts_with(b"\n") {
            return next.saturating_add(1);
        }
        if rest.starts_with(b"\r\n") {
            return next.saturating_add(2);
        }
        from = next;
    }
    entity.len()
}

/// The index of the first `byte` at or after `from`.
pub(crate) fn find_byte(s: &[u8], from: usize, byte: u8) -> Option<usize> {
    let pos = memchr::memchr(byte, s.get(from..)?)?;
    Some(from.saturating_add(pos))
}

/// The index just after the line that starts at `from` (after its LF, or the end of `s`).
pub(crate) fn line_end(s: &[u8], from: usize) -> usize {
    find_byte(s, from, b'\n').map_or(s.len(), |nl| nl.saturating_add(1))
}

/// One header field (RFC 5322 §2.2).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    /// The field name, without the colon and any whitespace before it (RFC 5322 §4.5 obs-field).
    pub name: &'a [u8],
    /// The field body as written: still folded, without the final line break.
    pub value: &'a [u8],
    /// The whole field, folding and final line break included: what HEADER.FIELDS returns.
    pub raw: &'a [u8],
}

/// The fields of a header block, in order. Lines without a colon are skipped.
pub(crate) fn fields(header: &[u8]) -> Fields<'_> {
    Fields { rest: header }
}

pub(crate) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        loop {
            let rest = self.rest;
            // RFC 5322 §2.1: the empty line ends the header.
            if rest.is_empty() || rest.starts_with(b"\r\n") || rest.starts_with(b"\n") {
                return None;
            }
            // RFC 5322 §2.2.3: a line starting with WSP continues the field above it.
            let mut end = line_end(rest, 0);
            while matches!(rest.get(end), Some(b' ' | b'\t')) {
                end = line_end(rest, end);
            }
            let (raw, after) = rest.split_at(end.min(rest.len()));
            self.rest = after;
            let Some(colon) = raw.iter().position(|&b| b == b':') else {
                continue;
            };
            let (name, value) = raw.split_at(colon);
            let name = trim_end_wsp(name);
            if name.is_empty() || name.iter().any(|&b| b == b' ' || b == b'\t') {
                continue;
            }
            let value = value.get(1..).unwrap_or_default();
            return Some(Field {
                name,
                value: strip_line_break(value),
                raw,
            });
        }
    }
}

/// The first field named `name` (case-insensitive, RFC 5322 §1.2.2).
pub(crate) fn first<'a>(header: &'a [u8], name: &[u8]) -> Option<Field<'a>> {
    fields(header).find(|f| f.name.eq_ignore_ascii_case(name))
}

/// A field body unfolded (RFC 5322 §2.2.3: "removing any CRLF that is immediately followed by
/// WSP") with the whitespace after the colon removed. Trailing whitespace is kept, as dovecot
/// 2.3.19.1 keeps it in ENVELOPE (`Message-ID: <x@y> ` gives `"<x@y> "`).
pub(crate) fn unfold(value: &[u8]) -> Vec<u8> {
    unfold_cow(value).into_owned()
}

/// [`unfold`], borrowing the value when it is one line (most fields are).
pub(crate) fn unfold_cow(value: &[u8]) -> Cow<'_, [u8]> {
    unfold_with(value, false)
}

/// A field body unfolded for SEARCH HEADER (RFC 3501 §6.4.4): as [`unfold`], but each line
/// break and the WSP octet after it become one space, so a fold written as CRLF TAB reads as a
/// space, as dovecot 2.3.19.1 searches it. Whitespace at the end of the field is kept (dovecot
/// matches `HEADER X "b  "` in `X: a b\r\n \r\n`). Borrows the value when it is one line
/// (most fields are).
pub(crate) fn unfold_to_spaces_cow(value: &[u8]) -> Cow<'_, [u8]> {
    unfold_with(value, true)
}

/// The one unfolding loop: leading whitespace dropped, CRLF (or a bare LF) removed, and with
/// `fold_as_space` the WSP octet that follows a line break replaced by one space.
fn unfold_with(value: &[u8], fold_as_space: bool) -> Cow<'_, [u8]> {
    let start = value
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(value.len());
    let value = value.get(start..).unwrap_or_default();
    // Most fields are one line: nothing to remove.
    if !value.contains(&b'\n') && !value.contains(&b'\r') {
        return Cow::Borrowed(value);
    }
    let mut out = Vec::with_capacity(value.len());
    let mut bytes = value.iter().peekable();
    while let Some(&b) = bytes.next() {
        match b {
            b'\r' if bytes.peek() == Some(&&b'\n') => {}
            b'\n' => {
                if fold_as_space && bytes.next_if(|&&w| w == b' ' || w == b'\t').is_some() {
                    out.push(b' ');
                }
            }
            _ => out.push(b),
        }
    }
    Cow::Owned(out)
}

/// Every run of spaces and tabs as one space (`a \t b` gives `a b`), for the subject as ENVELOPE
/// reports it and SUBJECT searches it (dovecot 2.3.19.1 does both; RFC 5322 §3.2.2 gives runs
/// of whitespace in unstructured text no meaning beyond one space).
pub(crate) fn collapse_wsp(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for &b in value {
        if matches!(b, b' ' | b'\t') {
            if out.last() != Some(&b' ') {
                out.push(b' ');
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// [`collapse_wsp`], keeping the value when it has no tab and no two spaces in a row (most
/// subjects).
pub(crate) fn collapse_wsp_cow(value: &[u8]) -> Cow<'_, [u8]> {
    if value.contains(&b'\t') || value.windows(2).any(|w| w == b"  ") {
        Cow::Owned(collapse_wsp(value))
    } else {
        Cow::Borrowed(value)
    }
}

fn strip_line_break(s: &[u8]) -> &[u8] {
    let s = s.strip_suffix(b"\n").unwrap_or(s);
    s.strip_suffix(b"\r").unwrap_or(s)
}

fn trim_end_wsp(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i.saturating_add(1));
    s.get(..end).unwrap_or_default()
}

/// A cursor over a structured field body: RFC 2045 §5.1 tokens, quoted strings and RFC 5322
/// §3.2.2 comments.
struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn bump(&mut self) {
        self.i = self.i.saturating_add(1);
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Whitespace and comments (RFC 5322 §3.2.2 CFWS). Nesting is counted, not recursed.
    fn skip_cfws(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'(' => depth = depth.saturating_add(1),
                b')' if depth > 0 => depth = depth.saturating_sub(1),
                b'\\' if depth > 0 => self.bump(),
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ if depth > 0 => {}
                _ => return,
            }
            self.bump();
        }
    }

    /// RFC 2045 §5.1 `token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>`;
    /// octets above 127 are accepted too, as real mail has them.
    fn token(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        while let Some(b) = self.peek() {
            if b <= b' ' || b == 0x7f || b"()<>@,;:\\\"/[]?=".contains(&b) {
                break;
            }
            self.bump();
        }
        let t = self.s.get(start..self.i)?;
        (!t.is_empty()).then_some(t)
    }

    /// RFC 5322 §3.2.4 quoted-string, returned without quotes and with quoted-pairs resolved.
    fn quoted(&mut self) -> Option<Vec<u8>> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.bump();
            match b {
                b'"' => return Some(out),
                b'\\' => {
                    if let Some(q) = self.peek() {
                        out.push(q);
                        self.bump();
                    }
                }
                // RFC 5322 §3.2.4: FWS inside a quoted string is unfolded.
                b'\r' | b'\n' => {}
                _ => out.push(b),
            }
        }
        // An unterminated quoted string runs to the end of the field.
        Some(out)
    }

    /// A parameter value: RFC 2045 §5.1 `value := token / quoted-string`. Unquoted values are
    /// read up to `;` or whitespace so that common malformed values (`name=a/b.txt`) survive.
    fn value(&mut self) -> Vec<u8> {
        if let Some(q) = self.quoted() {
            return q;
        }
        let start = self.i;
        while let Some(b) = self.peek() {
            if matches!(b, b';' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'(') {
                break;
            }
            self.bump();
        }
        self.s.get(start..self.i).unwrap_or_default().to_vec()
    }
}

/// `Content-Type: type "/" subtype *(";" parameter)` (RFC 2045 §5.1). `None` when the type or
/// subtype is missing: RFC 2045 §5.2 then says to assume the default.
pub(crate) fn content_type(value: &[u8]) -> Option<(Vec<u8>, Vec<u8>, Params)> {
    let mut lx = Lexer { s: value, i: 0 };
    lx.skip_cfws();
    let media_type = lx.token()?.to_vec();
    lx.skip_cfws();
    if !lx.eat(b'/') {
        return None;
    }
    lx.skip_cfws();
    let subtype = lx.token()?.to_vec();
    Some((media_type, subtype, parameters(&mut lx)))
}

/// `Content-Disposition: disposition-type *(";" disposition-parm)` (RFC 2183 §2).
pub(crate) fn disposition(value: &[u8]) -> Option<(Vec<u8>, Params)> {
    let mut lx = Lexer { s: value, i: 0 };
    lx.skip_cfws();
    let kind = lx.token()?.to_vec();
    Some((kind, parameters(&mut lx)))
}

/// The `*(";" attribute "=" value)` tail, then RFC 2231 reassembly. Parsing stops at the first
/// malformed parameter; the ones before it are kept.
fn parameters(lx: &mut Lexer<'_>) -> Params {
    let mut raw = Vec::new();
    loop {
        lx.skip_cfws();
        if !lx.eat(b';') {
            break;
        }
        lx.skip_cfws();
        let Some(name) = lx.token() else {
            // A trailing or doubled `;`.
            if lx.peek() == Some(b';') {
                continue;
            }
            break;
        };
        lx.skip_cfws();
        if !lx.eat(b'=') {
            break;
        }
        lx.skip_cfws();
        raw.push((name.to_vec(), lx.value()));
    }
    rfc2231_merge(raw)
}

/// How an attribute name takes part in RFC 2231.
enum Rfc2231<'a> {
    /// No `*`: an RFC 2045 parameter.
    Plain,
    /// `name*0`, `name*1*`, ... (RFC 2231 §3, §4.1): a section of a continued value.
    Section {
        base: &'a [u8],
        number: u32,
        extended: bool,
    },
    /// `name*` (RFC 2231 §4): a whole value in `charset'language'%XX` form.
    Extended,
}

fn classify(name: &[u8]) -> Rfc2231<'_> {
    let Some(star) = name.iter().position(|&b| b == b'*') else {
        return Rfc2231::Plain;
    };
    let (base, rest) = name.split_at(star);
    let rest = rest.get(1..).unwrap_or_default();
    if rest.is_empty() {
        return Rfc2231::Extended;
    }
    let (digits, extended) = match rest.strip_suffix(b"*") {
        Some(d) => (d, true),
        None => (rest, false),
    };
    let number = std::str::from_utf8(digits)
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u32>().ok());
    match number {
        Some(number) => Rfc2231::Section {
            base,
            number,
            extended,
        },
        None => Rfc2231::Plain,
    }
}

/// One RFC 2231 parameter being reassembled: its base name as first written, its numbered
/// sections, and whether any section is extended.
type Continued = (Vec<u8>, Vec<(u32, Vec<u8>)>, bool);

/// RFC 2231 §3: the sections `name*0`, `name*1`, ... of one parameter are joined in numeric
/// order. The result is reported the way dovecot 2.3.19.1 reports it: RFC 2045 parameters first,
/// in message order, then the RFC 2231 ones in order of first appearance; a value with any
/// encoded (`*`) section is named `name*` and keeps its `charset'language'` prefix and `%XX`
/// escapes undecoded (a client decodes them, RFC 2231 §4); plain sections are appended as
/// written. So `filename*0*=utf-8'en'%C3%A9t%C3%A9; filename*1=" summer.txt"` is reported as
/// `"filename*" "utf-8'en'%C3%A9t%C3%A9 summer.txt"`.
fn rfc2231_merge(raw: Params) -> Params {
    let mut plain = Params::new();
    let mut continued: Vec<Continued> = Vec::new();
    for (name, value) in raw {
        match classify(&name) {
            Rfc2231::Plain => plain.push((name, value)),
            Rfc2231::Extended => continued.push((name, vec![(0, value)], false)),
            Rfc2231::Section {
                base,
                number,
                extended,
            } => {
                let key = base.to_vec();
                match continued
                    .iter_mut()
                    .find(|(b, _, _)| b.eq_ignore_ascii_case(&key))
                {
                    Some(entry) => {
                        entry.1.push((number, value));
                        entry.2 |= extended;
                    }
                    None => continued.push((key, vec![(number, value)], extended)),
                }
            }
        }
    }
    for (mut name, mut sections, extended) in continued {
        sections.sort_by_key(|(n, _)| *n);
        if extended {
            name.push(b'*');
        }
        let value = sections.into_iter().flat_map(|(_, v)| v).collect();
        plain.push((name, value));
    }
    plain
}

/// `Content-Language: Language-List` (RFC 3282 §2): comma-separated tags, comments removed.
pub(crate) fn language_list(value: &[u8]) -> Vec<Vec<u8>> {
    let mut lx = Lexer { s: value, i: 0 };
    let mut out = Vec::new();
    loop {
        lx.skip_cfws();
        if lx.eat(b',') {
            continue;
        }
        match lx.token() {
            Some(t) => out.push(t.to_vec()),
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_len_finds_the_blank_line() {
        assert_eq!(header_len(b"A: b\r\n\r\nbody"), 8);
        assert_eq!(header_len(b"A: b\n\nbody"), 6);
        assert_eq!(header_len(b"\r\nbody"), 2);
        assert_eq!(header_len(b"A: b\r\nC: d"), 10);
        assert_eq!(header_len(b""), 0);
    }

    #[test]
    fn fields_unfold_and_skip_junk() {
        let h = b"Subject: a\r\n  b\r\njunk line\r\nX-Y : z\r\n\r\nNot: header\r\n";
        let f: Vec<_> = fields(h).collect();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name, b"Subject");
        assert_eq!(unfold(f[0].value), b"a  b");
        assert_eq!(f[0].raw, b"Subject: a\r\n  b\r\n");
        assert_eq!(f[1].name, b"X-Y");
        assert_eq!(unfold(f[1].value), b"z");
    }

    #[test]
    fn search_unfolding_turns_each_fold_into_a_space() {
        assert_eq!(&*unfold_to_spaces_cow(b" a\r\n\tb\r\n  c\r\n "), b"a b  c ");
        assert_eq!(&*unfold_to_spaces_cow(b"a\nb"), b"ab");
        assert_eq!(
            collapse_wsp(b"two  spaces\tand \t a tab "),
            b"two spaces and a tab "
        );
    }

    #[test]
    fn content_type_with_comments_and_quotes() {
        let (t, s, p) =
            content_type(b" text/plain (comment); charset=\"utf-8\"; format=flowed;").unwrap();
        assert_eq!((t.as_slice(), s.as_slice()), (&b"text"[..], &b"plain"[..]));
        assert_eq!(
            p,
            vec![
                (b"charset".to_vec(), b"utf-8".to_vec()),
                (b"format".to_vec(), b"flowed".to_vec())
            ]
        );
        assert!(content_type(b"text").is_none());
        assert!(content_type(b"").is_none());
    }

    #[test]
    fn rfc2231_sections_are_joined_after_plain_parameters() {
        let (_, p) = disposition(
            b"attachment; filename*1=\" b\"; filename*0*=utf-8''%C3%A9; size=3; title*=x''y",
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                (b"size".to_vec(), b"3".to_vec()),
                (b"filename*".to_vec(), b"utf-8''%C3%A9 b".to_vec()),
                (b"title*".to_vec(), b"x''y".to_vec()),
            ]
        );
    }

    #[test]
    fn language_list_splits_on_commas() {
        assert_eq!(
            language_list(b"de, en (English)"),
            vec![b"de".to_vec(), b"en".to_vec()]
        );
    }
}
