//! Known-answer tests for the protocol layer (issue 2): the RFC 3501 §6, §7 and §8 examples
//! parse and encode back to the same octets, and constructed values of every kind survive
//! encode then parse. The cases live in `common/kat.rs`, shared with the browser tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/kat.rs"]
mod kat;

#[test]
fn rfc3501_command_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc3501_commands() >= 40);
}

#[test]
fn rfc3501_response_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc3501_responses() >= 60);
}

/// RFC 7162's examples (CONDSTORE and QRESYNC), commands and responses.
#[test]
fn rfc7162_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc7162() >= 35);
}

/// RFC 5465's examples (NOTIFY), commands and responses, and malformed NOTIFY commands refused.
#[test]
fn rfc5465_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc5465() >= 40);
}

/// RFC 5465 §7's example (UPDATE with fetch attributes) and malformed attribute lists refused.
#[test]
fn rfc5465_update_fetch_parses_then_encodes_to_the_same_octets() {
    assert!(kat::check_rfc5465_update() >= 12);
}

/// RFC 4731's examples (ESEARCH), commands and responses.
#[test]
fn rfc4731_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc4731() >= 17);
}

/// RFC 5182's examples (SEARCHRES: `$` and SAVE).
#[test]
fn rfc5182_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc5182() >= 12);
}

/// RFC 5267's examples (CONTEXT=SEARCH: UPDATE, ADDTO, REMOVEFROM, CANCELUPDATE).
#[test]
fn rfc5267_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc5267() >= 12);
}

/// RFC 5267's examples about SORT (ESORT, CONTEXT=SORT), and RFC 7162 §3.1.10 Example 20.
#[test]
#[cfg(feature = "sort-thread")]
fn rfc5267_sort_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc5267_sort() >= 13);
}

/// RFC 9051's examples where IMAP4rev2 differs from RFC 3501, and STATUS DELETED and SIZE.
#[test]
fn rfc9051_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc9051() >= 16);
}

/// RFC 3516's grammar (BINARY): FETCH items, literal8 both ways, UNKNOWN-CTE.
#[test]
fn rfc3516_cases_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc3516() >= 8);
}

/// RFC 4469's examples (CATENATE), commands and responses, and malformed forms refused.
#[cfg(feature = "catenate")]
#[test]
fn rfc4469_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc4469() >= 15);
}

/// RFC 9208's examples (QUOTA), commands and responses, and malformed forms refused.
#[cfg(feature = "quota")]
#[test]
fn rfc9208_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_rfc9208() >= 35);
}

#[test]
fn constructed_values_encode_then_parse_to_the_same_value() {
    assert!(kat::check_constructed_roundtrip() >= 150);
}

/// RFC 3501 §7.1: every response code the protocol layer knows is covered by the KATs.
#[test]
fn every_code_variant_is_in_the_kat_set() {
    use imap_sandbox::protocol::types::Code;
    // A match with no wildcard: a new Code variant fails to compile until it is listed here
    // and in `kat::all_codes`.
    let seen: std::collections::BTreeSet<&str> = kat::all_codes()
        .iter()
        .map(|c| match c {
            Code::Alert => "Alert",
            Code::BadCharset(_) => "BadCharset",
            Code::Capability(_) => "Capability",
            Code::Parse => "Parse",
            Code::PermanentFlags(_) => "PermanentFlags",
            Code::ReadOnly => "ReadOnly",
            Code::ReadWrite => "ReadWrite",
            Code::TryCreate => "TryCreate",
            Code::UidNext(_) => "UidNext",
            Code::UidValidity(_) => "UidValidity",
            Code::Unseen(_) => "Unseen",
            Code::AppendUid { .. } => "AppendUid",
            Code::CopyUid { .. } => "CopyUid",
            Code::UidNotSticky => "UidNotSticky",
            Code::NewName { .. } => "NewName",
            Code::AlreadyExists => "AlreadyExists",
            Code::AuthenticationFailed => "AuthenticationFailed",
            Code::AuthorizationFailed => "AuthorizationFailed",
            Code::Cannot => "Cannot",
            Code::ClientBug => "ClientBug",
            Code::Closed => "Closed",
            Code::ContactAdmin => "ContactAdmin",
            Code::Corruption => "Corruption",
            Code::ExpungeIssued => "ExpungeIssued",
            Code::Expired => "Expired",
            Code::HasChildren => "HasChildren",
            Code::InUse => "InUse",
            Code::Limit => "Limit",
            Code::Nonexistent => "Nonexistent",
            Code::NoPerm => "NoPerm",
            Code::NotSaved => "NotSaved",
            Code::OverQuota => "OverQuota",
            Code::PrivacyRequired => "PrivacyRequired",
            Code::ServerBug => "ServerBug",
            Code::Unavailable => "Unavailable",
            Code::UnknownCte => "UnknownCte",
            #[cfg(feature = "catenate")]
            Code::BadUrl(_) => "BadUrl",
            #[cfg(feature = "catenate")]
            Code::TooBig => "TooBig",
            Code::HighestModSeq(_) => "HighestModSeq",
            Code::NoModSeq => "NoModSeq",
            Code::Modified(_) => "Modified",
            Code::NotificationOverflow => "NotificationOverflow",
            Code::BadEvent(_) => "BadEvent",
            Code::Other { .. } => "Other",
        })
        .collect();
    let catenate = if cfg!(feature = "catenate") { 2 } else { 0 };
    assert_eq!(seen.len(), 42 + catenate, "{seen:?}");
}

/// RFC 5258 (LIST-EXTENDED), RFC 5819 (LIST-STATUS) and RFC 6154 (SPECIAL-USE) examples,
/// commands and responses, and malformed extended LIST and CREATE commands refused.
#[test]
fn list_extension_examples_parse_then_encode_to_the_same_octets() {
    assert!(kat::check_list_extensions() >= 80);
}
