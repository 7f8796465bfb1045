//! The lexical rules of RFC 3501 §9: numbers, atoms, strings, text, tags, line endings.

use nom::bytes::complete::{tag as nom_tag, tag_no_case, take, take_while, take_while1};
use nom::Parser;

use super::{cut_fail, expect, fail, PResult};
use crate::protocol::framer::{is_astring_char, is_atom_char, is_tag_char};

/// `number = 1*DIGIT` (RFC 3501 §9): "Unsigned 32-bit integer (0 <= n < 4,294,967,296)".
pub fn number(input: &[u8]) -> PResult<'_, u32> {
    let (rest, digits) = expect("number", take_while1(|b: u8| b.is_ascii_digit())).parse(input)?;
    let mut n: u32 = 0;
    for &d in digits {
        n = match n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u32::from(d - b'0')))
        {
            Some(n) => n,
            None => return cut_fail(input, "Number out of range"),
        };
    }
    Ok((rest, n))
}

/// `nz-number = digit-nz *DIGIT` (RFC 3501 §9): "Non-zero unsigned 32-bit integer".
pub fn nz_number(input: &[u8]) -> PResult<'_, u32> {
    if input.first() == Some(&b'0') {
        return fail(input, "Expected non-zero number");
    }
    let (rest, n) = number(input)?;
    if n == 0 {
        return fail(input, "Expected non-zero number");
    }
    Ok((rest, n))
}

/// `mod-sequence-valzer = "0" / mod-sequence-value` (RFC 7162 §7): 0 to 2^63 - 1.
pub fn mod_sequence_valzer(input: &[u8]) -> PResult<'_, u64> {
    let (rest, digits) =
        expect("mod-sequence", take_while1(|b: u8| b.is_ascii_digit())).parse(input)?;
    let mut n: u64 = 0;
    for &d in digits {
        n = match n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .filter(|&n| n <= crate::protocol::types::MAX_MOD_SEQUENCE)
        {
            Some(n) => n,
            None => return cut_fail(input, "Mod-sequence out of range (at most 2^63 - 1)"),
        };
    }
    Ok((rest, n))
}

/// `mod-sequence-value = 1*DIGIT` (RFC 7162 §7): "Positive unsigned 63-bit integer".
pub fn mod_sequence_value(input: &[u8]) -> PResult<'_, u64> {
    let (rest, n) = mod_sequence_valzer(input)?;
    if n == 0 {
        return cut_fail(input, "Expected a positive mod-sequence (RFC 7162 §7)");
    }
    Ok((rest, n))
}

/// `atom = 1*ATOM-CHAR` (RFC 3501 §9).
pub fn atom(input: &[u8]) -> PResult<'_, &[u8]> {
    expect("atom", take_while1(is_atom_char)).parse(input)
}

/// An atom as text (atoms are ASCII, RFC 3501 §9 `ATOM-CHAR` is a `CHAR`).
pub(crate) fn atom_string(input: &[u8]) -> PResult<'_, String> {
    let (rest, a) = atom(input)?;
    Ok((rest, ascii(a)))
}

/// ASCII octets as a `String`; callers only pass octets their rule restricted to `CHAR`.
pub(crate) fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// `tag = 1*<any ASTRING-CHAR except "+">` (RFC 3501 §9).
pub fn tag(input: &[u8]) -> PResult<'_, String> {
    let (rest, t) = expect("tag", take_while1(is_tag_char)).parse(input)?;
    Ok((rest, ascii(t)))
}

/// `quoted = DQUOTE *QUOTED-CHAR DQUOTE` (RFC 3501 §9), where
/// `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials`.
/// Octets of 0x80 and above are accepted as RFC 9051 §9 does (`UTF8-2` / `UTF8-3` / `UTF8-4`);
/// NUL, CR and LF never are.
pub fn quoted(input: &[u8]) -> PResult<'_, Vec<u8>> {
    let (mut rest, _) = expect("quoted string", nom_tag("\"")).parse(input)?;
    let mut out = Vec::new();
    loop {
        match rest.first() {
            Some(b'"') => return Ok((rest.get(1..).unwrap_or_default(), out)),
            Some(b'\\') => match rest.get(1) {
                Some(&c @ (b'"' | b'\\')) => {
                    out.push(c);
                    rest = rest.get(2..).unwrap_or_default();
                }
                _ => return fail(rest, "Expected \\\" or \\\\ in quoted string"),
            },
            Some(0 | b'\r' | b'\n') | None => return fail(rest, "Expected closing DQUOTE"),
            Some(&c) => {
                out.push(c);
                rest = rest.get(1..).unwrap_or_default();
            }
        }
    }
}

/// `literal = "{" number ["+"] "}" CRLF *CHAR8` (RFC 3501 §9; `literal+` of RFC 7888 §3).
/// `CHAR8 = %x01-ff`: a NUL octet is refused. A bare LF after `}` is accepted as the framer
/// accepts it.
pub fn literal(input: &[u8]) -> PResult<'_, Vec<u8>> {
    let (rest, _) = expect("literal", nom_tag("{")).parse(input)?;
    literal_rest(rest, false)
}

/// `literal8 = "~{" number ["+"] "}" CRLF *OCTET` (RFC 3516 §7, with RFC 7888 §3's `+`):
/// NUL octets allowed.
pub fn literal8(input: &[u8]) -> PResult<'_, Vec<u8>> {
    let (rest, _) = expect("literal8", nom_tag("~{")).parse(input)?;
    literal_rest(rest, true)
}

/// A literal after its `{` or `~{`.
fn literal_rest(rest: &[u8], nul_allowed: bool) -> PResult<'_, Vec<u8>> {
    let (rest, n) = number(rest)?;
    let (rest, _) = nom::combinator::opt(nom_tag("+")).parse(rest)?;
    let (rest, _) = expect("}", nom_tag("}")).parse(rest)?;
    let (rest, _) = crlf(rest)?;
    let len = usize::try_from(n).unwrap_or(usize::MAX);
    let (rest, data) = match take::<usize, &[u8], super::ParseError<'_>>(len).parse(rest) {
        Ok(ok) => ok,
        Err(_) => return cut_fail(rest, "Literal shorter than announced"),
    };
    if !nul_allowed && data.contains(&0) {
        return cut_fail(rest, "NUL octet in literal");
    }
    Ok((rest, data.to_vec()))
}

/// `string = quoted / literal` (RFC 3501 §9).
pub fn string(input: &[u8]) -> PResult<'_, Vec<u8>> {
    match input.first() {
        Some(b'"') => quoted(input),
        Some(b'{') => literal(input),
        _ => fail(input, "Expected string"),
    }
}

/// `astring = 1*ASTRING-CHAR / string` (RFC 3501 §9).
pub fn astring(input: &[u8]) -> PResult<'_, Vec<u8>> {
    match input.first() {
        Some(b'"' | b'{') => string(input),
        _ => {
            let (rest, a) = expect("astring", take_while1(is_astring_char)).parse(input)?;
            Ok((rest, a.to_vec()))
        }
    }
}

/// `nil = "NIL"` (RFC 3501 §9), case-insensitive.
pub fn nil(input: &[u8]) -> PResult<'_, ()> {
    let (rest, _) = expect("NIL", tag_no_case("NIL")).parse(input)?;
    Ok((rest, ()))
}

/// `nstring = string / nil` (RFC 3501 §9).
pub fn nstring(input: &[u8]) -> PResult<'_, Option<Vec<u8>>> {
    match input.first() {
        Some(b'"' | b'{') => {
            let (rest, s) = string(input)?;
            Ok((rest, Some(s)))
        }
        _ => {
            let (rest, ()) = expect("string or NIL", nil).parse(input)?;
            Ok((rest, None))
        }
    }
}

/// `text = 1*TEXT-CHAR` (RFC 3501 §9), `TEXT-CHAR = <any CHAR except CR and LF>`; RFC 9051 §9
/// adds UTF-8, which is accepted when well formed. NUL is refused.
pub fn text(input: &[u8]) -> PResult<'_, String> {
    let (rest, t) =
        expect("text", take_while1(|b: u8| !matches!(b, 0 | b'\r' | b'\n'))).parse(input)?;
    match std::str::from_utf8(t) {
        Ok(s) => Ok((rest, s.to_string())),
        Err(_) => fail(input, "Expected text (invalid UTF-8)"),
    }
}

/// `SP = %x20` (RFC 5234 Appendix B.1).
pub(crate) fn sp(input: &[u8]) -> PResult<'_, ()> {
    let (rest, _) = expect("SP", nom_tag(" ")).parse(input)?;
    Ok((rest, ()))
}

/// `CRLF` (RFC 5234 Appendix B.1); a bare LF is accepted too (see the framer).
pub(crate) fn crlf(input: &[u8]) -> PResult<'_, ()> {
    let (rest, _) =
        expect("CRLF", nom::branch::alt((nom_tag("\r\n"), nom_tag("\n")))).parse(input)?;
    Ok((rest, ()))
}

/// A case-insensitive keyword (RFC 3501 §9: "literal strings are case-insensitive").
pub(crate) fn keyword<'a>(word: &'static str) -> impl FnMut(&'a [u8]) -> PResult<'a, ()> {
    move |input: &'a [u8]| match tag_no_case::<&str, &[u8], super::ParseError<'_>>(word)
        .parse(input)
    {
        Ok((rest, _)) => Ok((rest, ())),
        Err(_) => fail(input, format!("Expected {word}")),
    }
}

/// A single octet.
pub(crate) fn byte<'a>(b: u8, what: &'static str) -> impl FnMut(&'a [u8]) -> PResult<'a, ()> {
    move |input: &'a [u8]| match input.split_first() {
        Some((&c, rest)) if c == b => Ok((rest, ())),
        _ => fail(input, what),
    }
}

/// A word made of letters, digits, `.` and `-`: how command names, search keys and fetch
/// attributes are read before being matched case-insensitively.
pub(crate) fn word(input: &[u8]) -> PResult<'_, &[u8]> {
    take_while(|b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-').parse(input)
}

/// `"(" x *(SP x) ")"`: a parenthesized, non-empty (or, with `allow_empty`, possibly empty)
/// list. The caller accounts for the nesting depth.
pub(crate) fn paren_list<'a, O>(
    input: &'a [u8],
    allow_empty: bool,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> PResult<'a, Vec<O>> {
    let (mut rest, ()) = byte(b'(', "Expected (")(input)?;
    let mut out = Vec::new();
    if let Some((b')', after)) = rest.split_first() {
        if allow_empty {
            return Ok((after, out));
        }
        return fail(rest, "Expected list item");
    }
    loop {
        let (r, o) = item(rest)?;
        out.push(o);
        match r.split_first() {
            Some((b')', after)) => return Ok((after, out)),
            Some((b' ', after)) => rest = after,
            _ => return fail(r, "Expected SP or )"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(b"0 ").unwrap(), (&b" "[..], 0));
        assert_eq!(number(b"4294967295)").unwrap().1, u32::MAX);
        assert!(matches!(number(b"4294967296"), Err(nom::Err::Failure(_))));
        assert!(number(b"x").is_err());
        assert_eq!(nz_number(b"17").unwrap().1, 17);
        assert!(nz_number(b"0").is_err());
        assert!(nz_number(b"01").is_err());
    }

    #[test]
    fn atoms_and_strings() {
        assert_eq!(atom(b"abc def").unwrap(), (&b" def"[..], &b"abc"[..]));
        assert!(atom(b"(x").is_err());
        assert!(atom(b"]").is_err());
        assert_eq!(
            quoted(br#""a\"b\\c" "#).unwrap(),
            (&b" "[..], br#"a"b\c"#.to_vec())
        );
        assert!(quoted(b"\"abc").is_err());
        assert!(quoted(b"\"a\\nb\"").is_err());
        assert!(quoted(b"\"a\r\nb\"").is_err());
        assert_eq!(
            literal(b"{3}\r\nabcd").unwrap(),
            (&b"d"[..], b"abc".to_vec())
        );
        assert_eq!(literal(b"{3+}\r\nabc").unwrap().1, b"abc".to_vec());
        assert_eq!(literal(b"{0}\nx").unwrap(), (&b"x"[..], vec![]));
        assert!(literal(b"{5}\r\nabc").is_err());
        assert!(literal(b"{2}\r\na\0").is_err());
        assert!(literal(b"{2}x\r\nab").is_err());
        assert_eq!(literal8(b"~{2}\r\na\0").unwrap().1, b"a\0".to_vec());
        assert_eq!(literal8(b"~{1+}\r\n\0x").unwrap(), (&b"x"[..], vec![0]));
        assert!(literal8(b"{2}\r\nab").is_err());
        assert!(literal8(b"~{3}\r\nab").is_err());
        assert_eq!(astring(b"a]b c").unwrap().1, b"a]b".to_vec());
        assert_eq!(astring(b"\"\" c").unwrap().1, b"".to_vec());
        assert!(astring(b"(a").is_err());
        assert_eq!(nstring(b"nil").unwrap().1, None);
        assert_eq!(nstring(b"\"x\"").unwrap().1, Some(b"x".to_vec()));
        assert!(nstring(b"x").is_err());
        assert_eq!(
            string(b"\"caf\xc3\xa9\"").unwrap().1,
            "café".as_bytes().to_vec()
        );
    }

    #[test]
    fn tags_and_text() {
        assert_eq!(tag(b"a1 NOOP").unwrap().1, "a1");
        assert!(tag(b"+a").is_err());
        assert!(tag(b"*").is_err());
        assert_eq!(
            text(b"hello world\r\n").unwrap(),
            (&b"\r\n"[..], "hello world".to_string())
        );
        assert!(text(b"\r\n").is_err());
        assert!(text(b"\xff\r\n").is_err());
    }

    #[test]
    fn error_messages_name_the_rule() {
        let Err(nom::Err::Error(e)) = astring(b"(") else {
            panic!("astring accepted (")
        };
        assert_eq!(e.message, "Expected astring");
    }
}
