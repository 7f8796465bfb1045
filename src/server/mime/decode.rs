//! Content decoding for SEARCH: quoted-printable and base64 (RFC 2045 §6.7, §6.8), RFC 2047
//! encoded words, and the few charsets we turn into UTF-8 (US-ASCII, UTF-8, ISO-8859-1).

/// `Content-Transfer-Encoding: quoted-printable` (RFC 2045 §6.7). Soft line breaks (`=` at the
/// end of a line) are removed; malformed `=` sequences are kept as written (rule (1) allows a
/// robust decoder to do so).
pub(crate) fn quoted_printable(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0usize;
    while let Some(&b) = s.get(i) {
        i = i.saturating_add(1);
        if b != b'=' {
            out.push(b);
            continue;
        }
        let rest = s.get(i..).unwrap_or_default();
        // RFC 2045 §6.7 rule (5): a soft line break, possibly after transport padding.
        let pad = rest
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        let after = rest.get(pad..).unwrap_or_default();
        if after.starts_with(b"\r\n") {
            i = i.saturating_add(pad).saturating_add(2);
        } else if after.starts_with(b"\n") {
            i = i.saturating_add(pad).saturating_add(1);
        } else if let Some(v) = hex_pair(rest) {
            out.push(v);
            i = i.saturating_add(2);
        } else {
            out.push(b'=');
        }
    }
    out
}

fn hex_pair(s: &[u8]) -> Option<u8> {
    let hi = hex(*s.first()?)?;
    let lo = hex(*s.get(1)?)?;
    Some(hi << 4 | lo)
}

fn hex(c: u8) -> Option<u8> {
    // cannot fail: each subtraction is bounded below by its match arm.
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Appends `data` base64-encoded (RFC 2045 §6.8): lines of 76 characters, each ending in CRLF.
pub(crate) fn write_base64(data: &[u8], out: &mut Vec<u8>) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |n: u32, shift: u32| {
        // cannot fail: the index is below 64.
        ALPHABET
            .get((n >> shift & 63) as usize)
            .copied()
            .unwrap_or(b'=')
    };
    // 57 octets make one 76-character line.
    for line in data.chunks(57) {
        for group in line.chunks(3) {
            let b = |i: usize| u32::from(group.get(i).copied().unwrap_or(0));
            let n = b(0) << 16 | b(1) << 8 | b(2);
            out.push(sextet(n, 18));
            out.push(sextet(n, 12));
            out.push(if group.len() > 1 { sextet(n, 6) } else { b'=' });
            out.push(if group.len() > 2 { sextet(n, 0) } else { b'=' });
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// `Content-Transfer-Encoding: base64` (RFC 2045 §6.8): characters outside the alphabet are
/// ignored ("Any characters outside of the base64 alphabet are to be ignored"), `=` ends it.
pub(crate) fn base64(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in s {
        // cannot fail: each subtraction is bounded below by its match arm, and `bits` stays
        // below 14.
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6 | u32::from(v)) & 0x00ff_ffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // cannot fail: the masked byte fits in a u8.
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or_default());
        }
    }
    out
}

/// ISO-8859-1 octets as UTF-8: each octet is the code point of the same value.
pub(crate) fn latin1_to_utf8(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|&b| char::from(b))
        .collect::<String>()
        .into_bytes()
}

/// Octets in `charset` as UTF-8, or `Err` with the octets unchanged for a charset we do not
/// convert.
pub(crate) fn to_utf8(charset: &[u8], s: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
    let cs = charset.to_ascii_lowercase();
    match cs.as_slice() {
        b"utf-8" | b"utf8" | b"us-ascii" | b"ascii" => Ok(s),
        _ if converts(&cs) => Ok(latin1_to_utf8(&s)),
        _ => Err(s),
    }
}

/// Whether [`to_utf8`] changes octets in this charset (lower-case): only ISO-8859-1 is
/// converted; UTF-8 and US-ASCII are kept, and so are charsets it cannot convert.
pub(crate) fn converts(lower_charset: &[u8]) -> bool {
    matches!(
        lower_charset,
        b"iso-8859-1" | b"iso8859-1" | b"latin1" | b"latin-1"
    )
}

/// Decodes the RFC 2047 encoded words of a header value to UTF-8. Encoded words in charsets
/// other than UTF-8, US-ASCII and ISO-8859-1 are left as written; so is everything that is not an
/// encoded word.
pub fn decode_rfc2047(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0usize;
    // Whitespace seen after the last encoded word, held back until we know what follows.
    let mut pending_ws: Option<(usize, usize)> = None;
    let mut after_word = false;
    while i < value.len() {
        if let Some((decoded, len)) = encoded_word(value.get(i..).unwrap_or_default()) {
            // RFC 2047 §6.2: whitespace between adjacent encoded words is not displayed.
            if let Some((a, b)) = pending_ws.take() {
                if !after_word {
                    out.extend_from_slice(value.get(a..b).unwrap_or_default());
                }
            }
            out.extend_from_slice(&decoded);
            i = i.saturating_add(len);
            after_word = true;
            continue;
        }
        let b = value.get(i).copied().unwrap_or_default();
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            let start = i;
            while matches!(value.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                i = i.saturating_add(1);
            }
            if let Some((a, b)) = pending_ws.replace((start, i)) {
                out.extend_from_slice(value.get(a..b).unwrap_or_default());
            }
            continue;
        }
        if let Some((a, b)) = pending_ws.take() {
            out.extend_from_slice(value.get(a..b).unwrap_or_default());
        }
        after_word = false;
        out.push(b);
        i = i.saturating_add(1);
    }
    if let Some((a, b)) = pending_ws {
        out.extend_from_slice(value.get(a..b).unwrap_or_default());
    }
    out
}

/// RFC 2047 §2 `encoded-word = "=?" charset "?" encoding "?" encoded-text "?="` at the start of
/// `s`: the decoded UTF-8 and the length consumed. RFC 2231 §5 `charset*language` is accepted.
fn encoded_word(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let rest = s.strip_prefix(b"=?")?;
    let q1 = rest.iter().position(|&b| b == b'?')?;
    let (charset, rest) = rest.split_at(q1);
    let rest = rest.get(1..)?;
    let enc = *rest.first()?;
    if rest.get(1) != Some(&b'?') {
        return None;
    }
    let text_start = rest.get(2..)?;
    let end = text_start.windows(2).position(|w| w == b"?=")?;
    let text = text_start.get(..end)?;
    // RFC 2047 §2: an encoded word has no whitespace in it.
    if text.iter().any(|&b| b <= b' ') || charset.is_empty() {
        return None;
    }
    let charset = charset.split(|&b| b == b'*').next().unwrap_or_default();
    let bytes = match enc.to_ascii_uppercase() {
        b'B' => base64(text),
        // RFC 2047 §4.2 (2): "_" stands for SPACE in the Q encoding.
        b'Q' => quoted_printable(
            &text
                .iter()
                .map(|&b| if b == b'_' { b' ' } else { b })
                .collect::<Vec<u8>>(),
        ),
        _ => return None,
    };
    let decoded = to_utf8(charset, bytes).ok()?;
    // "=?" + charset... + "?X?" + text + "?=": everything up to and including the closing "?=".
    let consumed = s
        .len()
        .saturating_sub(text_start.len())
        .saturating_add(end)
        .saturating_add(2);
    Some((decoded, consumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_soft_breaks_and_junk() {
        assert_eq!(quoted_printable(b"caf=E9 =\r\nx=3D=ZZ="), b"caf\xe9 x==ZZ=");
    }

    #[test]
    fn base64_ignores_line_breaks() {
        assert_eq!(base64(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(base64(b"!!!"), b"");
    }

    #[test]
    fn rfc2047_words() {
        assert_eq!(
            decode_rfc2047(b"=?utf-8?Q?Caf=C3=A9_men=C3=BC?= for =?iso-8859-1?Q?Fr=E9d=E9ric?="),
            "Café menü for Frédéric".as_bytes()
        );
        assert_eq!(
            decode_rfc2047(b"=?utf-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>"),
            "Jörg Müller <joerg@example.de>".as_bytes()
        );
        // RFC 2047 §8 examples: whitespace between adjacent encoded words disappears.
        assert_eq!(
            decode_rfc2047(b"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"),
            b"(ab)"
        );
        assert_eq!(decode_rfc2047(b"(=?ISO-8859-1?Q?a?= b)"), b"(a b)");
        assert_eq!(decode_rfc2047(b"=?US-ASCII*EN?Q?Keith?="), b"Keith");
        // Unknown charsets and broken words stay as written.
        assert_eq!(decode_rfc2047(b"=?koi8-r?B?8NLJ?="), b"=?koi8-r?B?8NLJ?=");
        assert_eq!(decode_rfc2047(b"=?utf-8?Q?a b?= =?"), b"=?utf-8?Q?a b?= =?");
    }
}
