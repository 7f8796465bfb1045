//! Modified UTF-7 mailbox names (RFC 3501 §5.1.3), both directions.
//!
//! This module owns the mapping between a mailbox name as a user sees it (any Unicode string)
//! and its wire form (printable US-ASCII only). It knows nothing of hierarchy delimiters, INBOX
//! or the astring/quoted/literal choice: that is the encoder's business.
//!
//! Decoding is strict: every non-canonical form the RFC forbids is an error, so that one name has
//! exactly one wire form and `encode(decode(w)?) == w` holds for every accepted `w`.

use std::fmt;

/// Why a wire name is not valid modified UTF-7. `at` is the byte offset in the input where the
/// problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf7Error {
    /// A byte outside printable US-ASCII 0x20..=0x7E (RFC 3501 §5.1.3: other characters must be
    /// represented in modified BASE64).
    NotPrintable { at: usize },
    /// A shift sequence that is not closed by `-` before the end of the name.
    Unterminated { at: usize },
    /// A byte that is not in the modified BASE64 alphabet (`A-Z a-z 0-9 + ,`).
    InvalidBase64 { at: usize },
    /// The base64 bits do not make whole UTF-16 code units, or the left-over bits are not zero.
    InvalidBits { at: usize },
    /// An unpaired or misordered UTF-16 surrogate.
    BadSurrogate { at: usize },
    /// A printable US-ASCII character (including `&`) written in base64.
    EncodedPrintable { at: usize },
    /// A shift sequence that directly follows another one (they must be merged).
    AdjacentShift { at: usize },
}

impl fmt::Display for Utf7Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, at) = match *self {
            Utf7Error::NotPrintable { at } => ("byte outside printable US-ASCII", at),
            Utf7Error::Unterminated { at } => ("shift sequence not closed by '-'", at),
            Utf7Error::InvalidBase64 { at } => ("byte outside the modified BASE64 alphabet", at),
            Utf7Error::InvalidBits { at } => ("base64 does not end on a UTF-16 boundary", at),
            Utf7Error::BadSurrogate { at } => ("unpaired UTF-16 surrogate", at),
            Utf7Error::EncodedPrintable { at } => ("printable US-ASCII written in base64", at),
            Utf7Error::AdjacentShift { at } => ("adjacent shift sequences", at),
        };
        write!(
            f,
            "invalid modified UTF-7 mailbox name: {what} at byte {at}"
        )
    }
}

impl std::error::Error for Utf7Error {}

/// RFC 3501 §5.1.3: "modified BASE64, with ',' used instead of '/'" (RFC 2152's alphabet).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn base64_value(b: u8) -> Option<u16> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    };
    Some(u16::from(v))
}

/// RFC 3501 §5.1.3: "printable US-ASCII characters, except for '&', represent themselves".
fn is_printable(c: u32) -> bool {
    (0x20..=0x7e).contains(&c)
}

/// Encodes a mailbox name into modified UTF-7 (RFC 3501 §5.1.3).
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut run: Vec<u16> = Vec::new();
    for c in name.chars() {
        if is_printable(u32::from(c)) {
            flush_shift(&mut run, &mut out);
            // RFC 3501 §5.1.3: "'&' is used to shift to modified BASE64 ... represented by '&-'".
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            // Collecting the whole run into one shift sequence keeps sequences from being
            // adjacent (RFC 3501 §5.1.3).
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush_shift(&mut run, &mut out);
    out
}

/// Writes `&` + modified BASE64 of the UTF-16BE units + `-`, without padding (RFC 3501 §5.1.3),
/// and empties `run`.
fn flush_shift(run: &mut Vec<u16>, out: &mut String) {
    if run.is_empty() {
        return;
    }
    out.push('&');
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let push_sextet = |v: u32, out: &mut String| {
        let idx = (v & 0x3f) as usize;
        // cannot fail: idx < 64 == ALPHABET.len(); the fallback is never taken.
        out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
    };
    for unit in run.iter() {
        acc = (acc << 16) | u32::from(*unit);
        bits += 16;
        while bits >= 6 {
            bits -= 6;
            push_sextet(acc >> bits, out);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        // Pad the last sextet with zero bits; no '=' padding (RFC 3501 §5.1.3).
        push_sextet(acc << (6 - bits), out);
    }
    out.push('-');
    run.clear();
}

/// Decodes a modified UTF-7 wire name (RFC 3501 §5.1.3), rejecting non-canonical forms.
pub fn decode(wire: &str) -> Result<String, Utf7Error> {
    let bytes = wire.as_bytes();
    let mut out = String::with_capacity(wire.len());
    let mut i = 0;
    // Byte offset just past the last shift sequence's '-', to detect adjacent sequences.
    let mut last_shift_end: Option<usize> = None;
    while let Some(&b) = bytes.get(i) {
        if !is_printable(u32::from(b)) {
            return Err(Utf7Error::NotPrintable { at: i });
        }
        if b != b'&' {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        // RFC 3501 §5.1.3: "&-" is '&' itself.
        if bytes.get(i + 1) == Some(&b'-') {
            out.push('&');
            i += 2;
            continue;
        }
        // RFC 3501 §5.1.3: "modified BASE64 MUST NOT be used to represent any printing
        // US-ASCII character" and sequences must not be adjacent: "&AGE-&Jjo-" is not canonical.
        if last_shift_end == Some(i) {
            return Err(Utf7Error::AdjacentShift { at: i });
        }
        let start = i;
        i += 1;
        let units = decode_shift(bytes, &mut i)?;
        // `i` now points at the closing '-'.
        push_utf16(&units, start, &mut out)?;
        i += 1;
        last_shift_end = Some(i);
    }
    Ok(out)
}

/// Reads modified BASE64 from `*i` up to the closing `-` (left at `*i`) and returns the
/// UTF-16 code units.
fn decode_shift(bytes: &[u8], i: &mut usize) -> Result<Vec<u16>, Utf7Error> {
    let mut units = Vec::new();
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    loop {
        let Some(&b) = bytes.get(*i) else {
            return Err(Utf7Error::Unterminated { at: *i });
        };
        if b == b'-' {
            break;
        }
        let Some(v) = base64_value(b) else {
            return Err(Utf7Error::InvalidBase64 { at: *i });
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 16 {
            bits -= 16;
            units.push(((acc >> bits) & 0xffff) as u16);
            acc &= (1 << bits) - 1;
        }
        *i += 1;
    }
    // Canonical form: fewer than 6 spare bits, all zero, and at least one unit (an empty
    // sequence would be "&-", handled by the caller).
    if units.is_empty() || bits >= 6 || acc != 0 {
        return Err(Utf7Error::InvalidBits { at: *i });
    }
    Ok(units)
}

/// Appends UTF-16 units to `out`, rejecting bad surrogates and encoded printable ASCII.
fn push_utf16(units: &[u16], at: usize, out: &mut String) -> Result<(), Utf7Error> {
    for decoded in char::decode_utf16(units.iter().copied()) {
        let c = decoded.map_err(|_| Utf7Error::BadSurrogate { at })?;
        if is_printable(u32::from(c)) {
            return Err(Utf7Error::EncodedPrintable { at });
        }
        out.push(c);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3501_example_decodes_and_round_trips() {
        // RFC 3501 §5.1.3 example: "~peter/mail/台北/日本語".
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        let name = decode(wire).unwrap();
        assert_eq!(
            name,
            "~peter/mail/\u{53f0}\u{5317}/\u{65e5}\u{672c}\u{8a9e}"
        );
        assert_eq!(encode(&name), wire);
    }

    #[test]
    fn ampersand_is_amp_dash() {
        assert_eq!(encode("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(decode("Tom &- Jerry").unwrap(), "Tom & Jerry");
        assert_eq!(encode("&&"), "&-&-");
        assert_eq!(decode("&-&-").unwrap(), "&&");
        // '&' written in base64 is not canonical.
        assert_eq!(decode("&ACY-"), Err(Utf7Error::EncodedPrintable { at: 0 }));
    }

    #[test]
    fn ascii_passes_through() {
        assert_eq!(encode("INBOX.Sent Items"), "INBOX.Sent Items");
        assert_eq!(decode("INBOX.Sent Items").unwrap(), "INBOX.Sent Items");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn astral_plane_uses_surrogate_pairs() {
        // U+1F600 is D83D DE00 in UTF-16.
        let name = "smile \u{1f600}!";
        let wire = encode(name);
        assert_eq!(wire, "smile &2D3eAA-!");
        assert_eq!(decode(&wire).unwrap(), name);
    }

    #[test]
    fn shift_after_amp_dash_and_before() {
        let name = "&\u{e9}&";
        let wire = encode(name);
        assert_eq!(wire, "&-&AOk-&-");
        assert_eq!(decode(&wire).unwrap(), name);
    }

    #[test]
    fn round_trips() {
        for name in [
            "Entw\u{fc}rfe",
            "\u{e9}",
            "\u{e9}\u{e8}",
            "\u{e9}\u{e8}\u{ea}",
            "a\u{7f}b",
            "tab\there",
            "\u{10ffff}\u{0}",
            "Gel\u{f6}schte & Elemente",
            "\u{65e5}\u{672c}\u{8a9e}/\u{1f4e7}",
        ] {
            let wire = encode(name);
            assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{wire}");
            assert_eq!(decode(&wire).as_deref(), Ok(name), "{wire}");
        }
    }

    #[test]
    fn rejects_non_canonical_forms() {
        // Unterminated shift.
        assert_eq!(decode("&U,BTFw"), Err(Utf7Error::Unterminated { at: 7 }));
        // Standard base64 '/' instead of ','.
        assert_eq!(decode("&U/BTFw-"), Err(Utf7Error::InvalidBase64 { at: 2 }));
        // Padding is not allowed.
        assert_eq!(decode("&AOk=-"), Err(Utf7Error::InvalidBase64 { at: 4 }));
        // Adjacent shift sequences must be merged.
        assert_eq!(
            decode("&AOk-&AOg-"),
            Err(Utf7Error::AdjacentShift { at: 5 })
        );
        // Printable ASCII in base64 ("a" = 0x0061).
        assert_eq!(decode("&AGE-"), Err(Utf7Error::EncodedPrintable { at: 0 }));
        // Non-zero left-over bits: "AOl" carries bits past U+00E9.
        assert_eq!(decode("&AOl-"), Err(Utf7Error::InvalidBits { at: 4 }));
        // A superfluous base64 character (6 spare bits).
        assert_eq!(decode("&AOkA-"), Err(Utf7Error::InvalidBits { at: 5 }));
        // Too short for one unit.
        assert_eq!(decode("&AA-"), Err(Utf7Error::InvalidBits { at: 3 }));
        // Lone high surrogate D83D.
        assert_eq!(decode("&2D0-"), Err(Utf7Error::BadSurrogate { at: 0 }));
        // Lone low surrogate DE00.
        assert_eq!(decode("&3gA-"), Err(Utf7Error::BadSurrogate { at: 0 }));
        // Raw 8-bit and control characters.
        assert_eq!(decode("caf\u{e9}"), Err(Utf7Error::NotPrintable { at: 3 }));
        assert_eq!(decode("a\tb"), Err(Utf7Error::NotPrintable { at: 1 }));
    }

    #[test]
    fn surrogate_pair_split_across_sequences_is_rejected() {
        // D83D then DE00 in two sequences separated by ASCII.
        assert_eq!(
            decode("&2D0-x&3gA-"),
            Err(Utf7Error::BadSurrogate { at: 0 })
        );
    }

    #[test]
    fn error_display_names_the_offset() {
        let e = Utf7Error::Unterminated { at: 7 };
        assert!(e.to_string().contains("byte 7"));
    }
}
