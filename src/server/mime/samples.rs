//! The sample messages of the default world, as stored (CRLF line endings). Each name starts with
//! the mailbox it belongs to: `foo-*` are the seven messages of FOO, an ordinary mailing-list
//! conversation for the RFC 2180 §4.1 multi-access scenarios; `inbox-*` are the MIME-rich
//! messages of INBOX (multipart/alternative, an RFC 2231-named base64 attachment with
//! Content-MD5, a forwarded message/rfc822, RFC 2047 encoded headers with a group address,
//! Content-Language / Content-Location, and a `<script>` body for the page's escaping test).
//! The files are in `src/server/world/`, in the order they are to be appended.

/// `(name, message)` in append order.
pub const SAMPLE_MESSAGES: &[(&str, &[u8])] = &[
    ("foo-1", include_bytes!("../world/foo-1.eml")),
    ("foo-2", include_bytes!("../world/foo-2.eml")),
    ("foo-3", include_bytes!("../world/foo-3.eml")),
    ("foo-4", include_bytes!("../world/foo-4.eml")),
    ("foo-5", include_bytes!("../world/foo-5.eml")),
    ("foo-6", include_bytes!("../world/foo-6.eml")),
    ("foo-7", include_bytes!("../world/foo-7.eml")),
    (
        "inbox-1-alternative",
        include_bytes!("../world/inbox-1-alternative.eml"),
    ),
    (
        "inbox-2-attachment",
        include_bytes!("../world/inbox-2-attachment.eml"),
    ),
    (
        "inbox-3-forward",
        include_bytes!("../world/inbox-3-forward.eml"),
    ),
    (
        "inbox-4-encoded",
        include_bytes!("../world/inbox-4-encoded.eml"),
    ),
    (
        "inbox-5-language",
        include_bytes!("../world/inbox-5-language.eml"),
    ),
    (
        "inbox-6-script",
        include_bytes!("../world/inbox-6-script.eml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::SAMPLE_MESSAGES;

    #[test]
    fn samples_use_crlf_only() {
        for (name, raw) in SAMPLE_MESSAGES {
            for (i, &b) in raw.iter().enumerate() {
                if b == b'\n' {
                    assert_eq!(raw.get(i.wrapping_sub(1)), Some(&b'\r'), "{name} byte {i}");
                }
            }
            assert!(raw.ends_with(b"\r\n"), "{name}");
        }
        let foo = SAMPLE_MESSAGES
            .iter()
            .filter(|(n, _)| n.starts_with("foo-"));
        assert_eq!(foo.count(), 7);
    }
}
