//! Standard base64 (RFC 4648 §4) for SASL exchanges (RFC 3501 §6.2.2): decoding only, with
//! padding required and no characters outside the alphabet.

/// Decodes padded base64; `None` for anything not exactly canonical base64.
pub fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let chunks = input.chunks(4);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.enumerate() {
        let pad = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return None;
        }
        let mut acc: u32 = 0;
        // cannot fail: every chunk has 4 octets (length checked above) and pad <= 2.
        for &b in &chunk[..4 - pad] {
            acc = (acc << 6) | u32::from(value(b)?);
        }
        acc <<= 6 * pad as u32;
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Some(out)
}

fn value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn decodes_the_rfc_4616_example_and_refuses_junk() {
        // RFC 4616 §4: "\0tim\0tanstaaftanstaaf"
        assert_eq!(
            decode_base64(b"AHRpbQB0YW5zdGFhZnRhbnN0YWFm").unwrap(),
            b"\0tim\0tanstaaftanstaaf"
        );
        assert_eq!(decode_base64(b"YQ==").unwrap(), b"a");
        assert_eq!(decode_base64(b"YWI=").unwrap(), b"ab");
        assert!(decode_base64(b"YQ=").is_none());
        assert!(decode_base64(b"Y===").is_none());
        assert!(decode_base64(b"YQ==YQ==").is_none());
        assert!(decode_base64(b"Y!Q=").is_none());
    }
}
