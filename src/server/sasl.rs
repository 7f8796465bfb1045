//! Standard base64 (RFC 4648 §4) for SASL exchanges (RFC 3501 §6.2.2): padding required, no
//! characters outside the alphabet.

/// Decodes padded base64; `None` for anything that is not: SASL responses (RFC 4422 §5) are
/// checked strictly, then decoded by the MIME layer's decoder.
pub fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    let body = input
        .strip_suffix(b"==")
        .or_else(|| input.strip_suffix(b"="))
        .unwrap_or(input);
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    if input.len() % 4 != 0 || !body.iter().all(alphabet) {
        return None;
    }
    Some(crate::server::mime::decode::base64(input))
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
