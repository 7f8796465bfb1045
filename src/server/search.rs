//! Evaluation of SEARCH keys against one message (RFC 3501 §6.4.4).

use crate::protocol::types::{Date, Flag, SearchKey, SeqBound, SequenceSet};
use crate::server::mime::decode_rfc2047;
use crate::server::store::{Flags, MessageData, Uid};

/// One message as the searching session sees it.
pub(crate) struct Candidate<'a> {
    pub seq: u32,
    pub uid: Uid,
    pub data: &'a MessageData,
    pub flags: &'a Flags,
    pub recent: bool,
}

/// What `*` means for this session's view.
pub(crate) struct Bounds {
    pub max_seq: u32,
    pub max_uid: u32,
}

/// Whether every key matches (the top level of SEARCH is an implicit AND).
pub(crate) fn matches_all(keys: &[SearchKey], c: &Candidate<'_>, b: &Bounds) -> bool {
    keys.iter().all(|k| matches(k, c, b))
}

/// Whether one key matches. The parser bounds the nesting depth, so recursion is bounded.
pub(crate) fn matches(key: &SearchKey, c: &Candidate<'_>, b: &Bounds) -> bool {
    use SearchKey::*;
    let raw = &c.data.raw;
    let mime = || c.data.mime();
    match key {
        All => true,
        Answered => c.flags.contains(&Flag::Answered),
        Deleted => c.flags.contains(&Flag::Deleted),
        Draft => c.flags.contains(&Flag::Draft),
        Flagged => c.flags.contains(&Flag::Flagged),
        Seen => c.flags.contains(&Flag::Seen),
        Unanswered => !c.flags.contains(&Flag::Answered),
        Undeleted => !c.flags.contains(&Flag::Deleted),
        Undraft => !c.flags.contains(&Flag::Draft),
        Unflagged => !c.flags.contains(&Flag::Flagged),
        Unseen => !c.flags.contains(&Flag::Seen),
        Keyword(k) => c.flags.contains(&Flag::Keyword(k.clone())),
        Unkeyword(k) => !c.flags.contains(&Flag::Keyword(k.clone())),
        Recent => c.recent,
        // RFC 3501 §6.4.4: NEW is "(RECENT UNSEEN)", OLD is "NOT RECENT".
        New => c.recent && !c.flags.contains(&Flag::Seen),
        Old => !c.recent,
        Bcc(s) => address_contains(c, b"Bcc", s),
        Cc(s) => address_contains(c, b"Cc", s),
        From(s) => address_contains(c, b"From", s),
        To(s) => address_contains(c, b"To", s),
        Subject(s) => any_contains(&mime().subject_values(raw), s),
        // RFC 3501 §6.4.4: HEADER with an empty string matches every message that has the field.
        Header(field, s) => header_contains(c, field, s),
        Body(s) => contains_ci(&mime().body_text(raw), s),
        Text(s) => {
            contains_ci(mime().header_bytes(raw), s) || contains_ci(&mime().body_text(raw), s)
        }
        // RFC 3501 §6.4.4: date comparisons disregard time and timezone.
        Before(d) => c.data.internal_date.date < *d,
        On(d) => c.data.internal_date.date == *d,
        Since(d) => c.data.internal_date.date >= *d,
        SentBefore(d) => sent(c).is_some_and(|s| s < *d),
        SentOn(d) => sent(c).is_some_and(|s| s == *d),
        SentSince(d) => sent(c).is_some_and(|s| s >= *d),
        Larger(n) => c.data.size() > *n,
        Smaller(n) => c.data.size() < *n,
        Uid(set) => in_set(set, c.uid.0, b.max_uid),
        SequenceSet(set) => in_set(set, c.seq, b.max_seq),
        Not(k) => !matches(k, c, b),
        Or(x, y) => matches(x, c, b) || matches(y, c, b),
        And(keys) => matches_all(keys, c, b),
    }
}

fn sent(c: &Candidate<'_>) -> Option<Date> {
    c.data.mime().sent_date(&c.data.raw)
}

fn header_contains(c: &Candidate<'_>, field: &[u8], needle: &[u8]) -> bool {
    any_contains(&c.data.mime().header_values(&c.data.raw, field), needle)
}

/// Whether one of the field values contains `needle`, as written or with its encoded words
/// decoded; an empty needle matches when there is a field at all.
fn any_contains(values: &[Vec<u8>], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return !values.is_empty();
    }
    // Encoded words are decoded first, so a UTF-8 search finds "Müller" in `=?utf-8?q?...?=`.
    values
        .iter()
        .any(|v| contains_ci(v, needle) || contains_ci(&decode_rfc2047(v), needle))
}

/// FROM / TO / CC / BCC (RFC 3501 §6.4.4): the parsed addresses and display names, decoded
/// (see `MimeMessage::address_values`), not the field as written.
fn address_contains(c: &Candidate<'_>, field: &[u8], needle: &[u8]) -> bool {
    let values = c.data.mime().address_values(&c.data.raw, field);
    if needle.is_empty() {
        return !values.is_empty();
    }
    values.iter().any(|v| contains_ci(v, needle))
}

fn in_set(set: &SequenceSet, n: u32, max: u32) -> bool {
    set.0.iter().any(|r| {
        let v = |b: SeqBound| match b {
            SeqBound::Num(x) => x,
            SeqBound::Star => max,
        };
        let (a, z) = (v(r.start), v(r.end));
        a.min(z) <= n && n <= a.max(z)
    })
}

/// Case-insensitive substring test (RFC 3501 §6.4.4: "case-insensitive"): full Unicode
/// lower-casing when both sides are UTF-8, ASCII folding otherwise.
pub(crate) fn contains_ci(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    // Unicode lower-casing only for a non-ASCII needle: an ASCII needle matches UTF-8 text
    // octet for octet (no ASCII octet occurs inside a multi-octet character), so ASCII folding
    // is enough and spares lower-casing every message.
    if !needle.is_ascii() {
        if let (Ok(h), Ok(n)) = (std::str::from_utf8(haystack), std::str::from_utf8(needle)) {
            return h.to_lowercase().contains(&n.to_lowercase());
        }
    }
    // Look for the first octet (either case) before comparing the rest: most positions fail
    // there, and SEARCH TEXT runs this over every octet of the mailbox.
    let (first, rest) = match needle.split_first() {
        Some((f, r)) => (f.to_ascii_lowercase(), r),
        None => return true,
    };
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    haystack
        .iter()
        .take(last_start + 1)
        .enumerate()
        .any(|(i, b)| {
            b.to_ascii_lowercase() == first
                && haystack
                    .get(i + 1..i + needle.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(rest))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_search_ignores_case_in_ascii_and_unicode() {
        assert!(contains_ci(b"Hello World", b"wORLD"));
        assert!(!contains_ci(b"Hello", b"xyz"));
        assert!(contains_ci(
            "Grüße aus MÜNCHEN".as_bytes(),
            "münchen".as_bytes()
        ));
        assert!(contains_ci(b"\xff\xfeabc", b"ABC"));
        // An ASCII needle in UTF-8 text: folded octet by octet.
        assert!(contains_ci("Grüße, MEETING at 10".as_bytes(), b"meeting"));
        assert!(!contains_ci("Grüße".as_bytes(), b"grusse"));
        assert!(contains_ci(b"", b""));
        assert!(
            contains_ci(b"aaab", b"AAB"),
            "a partial match before the real one"
        );
        assert!(contains_ci(b"xyzNEEDLE", b"needle"), "at the very end");
        assert!(
            !contains_ci(b"needl", b"needle"),
            "haystack shorter than the needle"
        );
        assert!(!contains_ci(b"", b"x"));
    }
}
