//! Evaluation of SEARCH keys against one message (RFC 3501 §6.4.4). The keys are first
//! compiled into a [`Plan`] once per command, so per-message work does not grow with the
//! number of ranges in a set.

use crate::protocol::types::{Date, Flag, SearchKey};
use crate::server::limits::Readers;
use crate::server::mime::{decode_rfc2047, split_header, TextShape};
use crate::server::session::Ranges;
use std::collections::HashMap;

use crate::server::mailstore::{fold_hash, Flags, MessageData, Uid};

/// One message as the searching session sees it.
pub(crate) struct Candidate<'a> {
    pub seq: u32,
    pub uid: Uid,
    pub data: &'a MessageData,
    pub flags: &'a Flags,
    pub recent: bool,
    /// RFC 7162 §3.1.5.
    pub modseq: u64,
    /// Which of the plan's keywords the message has ([`KeywordSlots::mark`]).
    pub keywords: &'a [bool],
}

/// What `*` means for this session's view.
pub(crate) struct Bounds {
    pub max_seq: u32,
    pub max_uid: u32,
}

/// SEARCH keys prepared for one command: sequence and UID sets merged into [`Ranges`] with `*`
/// read for this view (O(log ranges) per message instead of O(ranges)), keywords hashed once. Every other key is tested by [`matches`].
pub(crate) enum Plan<'k> {
    Key(&'k SearchKey),
    /// KEYWORD (`true`) or UNKEYWORD (`false`) of the keyword in this slot.
    Keyword(usize, bool),
    Uid(Ranges),
    Seq(Ranges),
    Not(Box<Plan<'k>>),
    Or(Box<Plan<'k>>, Box<Plan<'k>>),
    /// The top level and parentheses: all must match (RFC 3501 §6.4.4).
    And(Vec<Plan<'k>>),
}

/// The distinct keywords a plan names (case-insensitively, RFC 3501 §2.3.2), each in a slot.
#[derive(Debug, Default)]
pub(crate) struct KeywordSlots {
    /// By [`fold_hash`]: the slots and spellings with that hash.
    by_hash: HashMap<u64, Vec<(usize, String)>>,
    count: usize,
}

impl KeywordSlots {
    fn slot(&mut self, k: &str) -> usize {
        let same = self.by_hash.entry(fold_hash(k)).or_default();
        if let Some((slot, _)) = same.iter().find(|(_, name)| name.eq_ignore_ascii_case(k)) {
            return *slot;
        }
        let slot = self.count;
        same.push((slot, k.to_string()));
        self.count += 1;
        slot
    }

    /// A buffer for [`KeywordSlots::mark`].
    pub(crate) fn buffer(&self) -> Vec<bool> {
        vec![false; self.count]
    }

    /// Sets `has[slot]` for each of the plan's keywords among `flags`: one hash lookup per
    /// keyword of the message.
    pub(crate) fn mark(&self, flags: &Flags, has: &mut [bool]) {
        has.fill(false);
        if self.count == 0 {
            return;
        }
        for k in flags.keywords() {
            for (slot, name) in self.by_hash.get(&fold_hash(k)).into_iter().flatten() {
                if name.eq_ignore_ascii_case(k) {
                    if let Some(h) = has.get_mut(*slot) {
                        *h = true;
                    }
                }
            }
        }
    }
}

/// What evaluating a plan on one message may cost, for the bounds in [`crate::server::limits`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cost {
    /// Keys, counting those inside OR, NOT and parentheses.
    pub keys: usize,
    /// Keys that read the message's octets: the header (FROM, HEADER, SENTON, ...) or all of
    /// it (BODY, TEXT).
    pub readers: Readers,
}

impl<'k> Plan<'k> {
    /// Compiles the top-level keys (an implicit AND). The parser bounds the nesting depth, so
    /// recursion is bounded.
    pub(crate) fn compile(keys: &'k [SearchKey], b: &Bounds) -> (Plan<'k>, Cost, KeywordSlots) {
        let mut cost = Cost::default();
        let mut slots = KeywordSlots::default();
        let plan = Plan::And(
            keys.iter()
                .map(|k| Plan::key(k, b, &mut cost, &mut slots))
                .collect(),
        );
        (plan, cost, slots)
    }

    fn key(key: &'k SearchKey, b: &Bounds, cost: &mut Cost, slots: &mut KeywordSlots) -> Plan<'k> {
        use SearchKey::*;
        cost.keys = cost.keys.saturating_add(1);
        match key {
            Uid(set) => Plan::Uid(Ranges::of(set, b.max_uid)),
            SequenceSet(set) => Plan::Seq(Ranges::of(set, b.max_seq)),
            Keyword(k) => Plan::Keyword(slots.slot(k), true),
            Unkeyword(k) => Plan::Keyword(slots.slot(k), false),
            Not(k) => Plan::Not(Box::new(Plan::key(k, b, cost, slots))),
            Or(x, y) => Plan::Or(
                Box::new(Plan::key(x, b, cost, slots)),
                Box::new(Plan::key(y, b, cost, slots)),
            ),
            And(keys) => Plan::And(keys.iter().map(|k| Plan::key(k, b, cost, slots)).collect()),
            Bcc(_) | Cc(_) | From(_) | To(_) | Subject(_) | Header(..) | SentBefore(_)
            | SentOn(_) | SentSince(_) => {
                cost.readers.header = cost.readers.header.saturating_add(1);
                Plan::Key(key)
            }
            Body(_) | Text(_) => {
                cost.readers.whole = cost.readers.whole.saturating_add(1);
                Plan::Key(key)
            }
            All
            | Answered
            | Deleted
            | Draft
            | Flagged
            | Seen
            | Unanswered
            | Undeleted
            | Undraft
            | Unflagged
            | Unseen
            | Recent
            | New
            | Old
            | Before(_)
            | On(_)
            | Since(_)
            | Larger(_)
            | Smaller(_)
            | ModSeq { .. } => Plan::Key(key),
        }
    }

    /// Whether the message matches.
    pub(crate) fn matches(&self, c: &Candidate<'_>, b: &Bounds) -> bool {
        match self {
            Plan::Key(k) => matches(k, c, b),
            Plan::Keyword(slot, present) => {
                c.keywords.get(*slot).copied().unwrap_or(false) == *present
            }
            Plan::Uid(set) => set.contains(c.uid.0),
            Plan::Seq(set) => set.contains(c.seq),
            Plan::Not(p) => !p.matches(c, b),
            Plan::Or(x, y) => x.matches(c, b) || y.matches(c, b),
            Plan::And(all) => all.iter().all(|p| p.matches(c, b)),
        }
    }
}

/// Whether one key matches. Keys with sets or sub-keys are compiled first ([`Plan`]).
pub(crate) fn matches(key: &SearchKey, c: &Candidate<'_>, b: &Bounds) -> bool {
    use SearchKey::*;
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
        Keyword(k) => c.flags.has_keyword(k),
        Unkeyword(k) => !c.flags.has_keyword(k),
        Recent => c.recent,
        // RFC 3501 §6.4.4: NEW is "(RECENT UNSEEN)", OLD is "NOT RECENT".
        New => c.recent && !c.flags.contains(&Flag::Seen),
        Old => !c.recent,
        Bcc(s) => address_contains(c, b"Bcc", s),
        Cc(s) => address_contains(c, b"Cc", s),
        From(s) => address_contains(c, b"From", s),
        To(s) => address_contains(c, b"To", s),
        Subject(s) => header_contains(c, b"subject", true, s),
        // RFC 3501 §6.4.4: HEADER with an empty string matches every message that has the field.
        Header(field, s) => header_contains(c, field, false, s),
        Body(s) => body_contains(c.data, s),
        Text(s) => text_contains(c.data, s),
        // RFC 3501 §6.4.4: date comparisons disregard time and timezone.
        Before(d) => c.data.internal_date.date < *d,
        On(d) => c.data.internal_date.date == *d,
        Since(d) => c.data.internal_date.date >= *d,
        SentBefore(d) => sent(c).is_some_and(|s| s < *d),
        SentOn(d) => sent(c).is_some_and(|s| s == *d),
        SentSince(d) => sent(c).is_some_and(|s| s >= *d),
        Larger(n) => c.data.size() > *n,
        Smaller(n) => c.data.size() < *n,
        // RFC 7162 §3.1.5: "equal to or greater than"; one mod-sequence per message is kept,
        // so the entry name and type are ignored, as the RFC requires of such a server.
        ModSeq { mod_seq, .. } => c.modseq >= *mod_seq,
        // The plan evaluates these itself ([`Plan`]); this is the unprepared form.
        Uid(set) => Ranges::of(set, b.max_uid).contains(c.uid.0),
        SequenceSet(set) => Ranges::of(set, b.max_seq).contains(c.seq),
        Not(k) => !matches(k, c, b),
        Or(x, y) => matches(x, c, b) || matches(y, c, b),
        And(keys) => keys.iter().all(|k| matches(k, c, b)),
    }
}

fn sent(c: &Candidate<'_>) -> Option<Date> {
    c.data.mime().sent_date(&c.data.raw)
}

/// HEADER, and SUBJECT with `collapse` (see `MimeMessage::any_header_value`).
fn header_contains(c: &Candidate<'_>, field: &[u8], collapse: bool, needle: &[u8]) -> bool {
    c.data
        .mime()
        .any_header_value(&c.data.raw, field, collapse, &|v| value_contains(v, needle))
}

/// Whether one field value contains `needle`, as written or with its encoded words decoded (so
/// a UTF-8 search finds "Müller" in `=?utf-8?q?...?=`); an empty needle matches any value, so
/// any message that has the field.
fn value_contains(value: &[u8], needle: &[u8]) -> bool {
    // A value without "=?", which every encoded word starts with (RFC 2047 §2), decodes to
    // itself.
    contains_ci(value, needle)
        || (value.windows(2).any(|w| w == b"=?") && contains_ci(&decode_rfc2047(value), needle))
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

/// BODY (RFC 3501 §6.4.4: "Messages that contain the specified string in the body of the
/// message"), in the decoded body text ([`crate::server::mime::MimeMessage::body_text`]). When
/// that text is the body as written ([`TextShape::AsWritten`]) the octets are searched where
/// they lie: no part tree, no copy.
fn body_contains(data: &MessageData, needle: &[u8]) -> bool {
    let raw = &data.raw;
    match data.text_shape() {
        TextShape::Decoded => contains_ci(&data.mime().body_text(raw), needle),
        TextShape::Empty => needle.is_empty(),
        TextShape::AsWritten => {
            // An ASCII needle matches octet by octet ([`contains_ci`]), so one found nowhere
            // in the message is not in its body: most messages need no header scan.
            if needle.is_ascii() && !contains_ci(raw, needle) {
                return false;
            }
            contains_ci(split_header(raw).1, needle)
        }
    }
}

/// TEXT (RFC 3501 §6.4.4: "Messages that contain the specified string in the header or body
/// of the message"): the header as written, or the body text as for [`body_contains`]; a match
/// may not run from one into the other.
fn text_contains(data: &MessageData, needle: &[u8]) -> bool {
    let raw = &data.raw;
    let shape = data.text_shape();
    // The header ends just after a LF (or is all of the message), so an ASCII needle without
    // LF that is found in the message lies in the header or in the body, not across both:
    // one pass over the octets as stored.
    if shape == TextShape::AsWritten && needle.is_ascii() && !needle.contains(&b'\n') {
        return contains_ci(raw, needle);
    }
    let (header, body) = split_header(raw);
    contains_ci(header, needle)
        || match shape {
            TextShape::Decoded => contains_ci(&data.mime().body_text(raw), needle),
            TextShape::Empty => needle.is_empty(),
            TextShape::AsWritten => contains_ci(body, needle),
        }
}

/// Full Unicode lower-casing (the Unicode default case mapping, as `str::to_lowercase`).
#[cfg(not(target_arch = "wasm32"))]
fn lowercase(s: &str) -> String {
    s.to_lowercase()
}

/// Full Unicode lower-casing in the browser: JavaScript's `toLowerCase` applies the same Unicode
/// default case mapping as `str::to_lowercase`, and leaves Rust's case tables (8.7 KB of the
/// page's gzipped module, measured 2026-12-01) out of the wasm.
#[cfg(target_arch = "wasm32")]
fn lowercase(s: &str) -> String {
    String::from(js_sys::JsString::from(s).to_lower_case())
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
            return lowercase(h).contains(&lowercase(n));
        }
    }
    if needle.len() > QUICK_NEEDLE {
        return contains_folded(haystack, needle);
    }
    contains_paired(haystack, needle)
}

/// ASCII-folded search for a short needle (at most [`QUICK_NEEDLE`] octets, not empty).
/// SEARCH TEXT runs this over every octet of the mailbox, so the rarest octet of the needle in
/// mail text ([`probe`]) is looked for first, in either case, by `memchr2` (16 octets at a
/// time: SSE2 natively, simd128 in the page); a second probe octet rules out most of those
/// places before the needle is compared in full.
fn contains_paired(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    let (first, second) = probe(needle);
    let anchor = needle.get(first).copied().unwrap_or_default();
    let other = needle.get(second).copied().unwrap_or_default();
    // Where the anchor octet may lie: at `first` after some start 0..=last_start.
    let region = haystack
        .get(first..first.saturating_add(last_start).saturating_add(1))
        .unwrap_or_default();
    memchr::memchr2_iter(
        anchor.to_ascii_lowercase(),
        anchor.to_ascii_uppercase(),
        region,
    )
    .any(|start| {
        haystack
            .get(start.saturating_add(second))
            .is_some_and(|b| b.eq_ignore_ascii_case(&other))
            && haystack
                .get(start..start.saturating_add(needle.len()))
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// Two positions of the needle whose octets are the least common in mail text (the first
/// twice for a one-octet needle): white space and line breaks most common, then letters in
/// groups by their frequency in English, digits, and other octets least. Only the speed depends on
/// the choice.
fn probe(needle: &[u8]) -> (usize, usize) {
    // A match, not a search of a frequency list: this runs once per message searched.
    fn commonness(b: u8) -> u8 {
        match b.to_ascii_lowercase() {
            b' ' | b'\t' | b'\r' | b'\n' => 100,
            b'e' | b't' | b'a' | b'o' | b'i' | b'n' => 60,
            b's' | b'r' | b'h' | b'l' => 55,
            b'd' | b'c' | b'u' | b'm' => 50,
            b'f' | b'p' | b'g' | b'w' | b'y' | b'b' => 45,
            b'v' | b'k' => 40,
            b'x' | b'j' | b'q' | b'z' => 35,
            b'0'..=b'9' => 30,
            _ => 10,
        }
    }
    // One pass, no closures: they stayed out of line at opt-level "s", at hundreds of
    // instructions per message searched.
    let (mut first, mut second) = (0usize, 0usize);
    let (mut least, mut next) = (u8::MAX, u8::MAX);
    for (i, &b) in needle.iter().enumerate() {
        let c = commonness(b);
        if c < least {
            (second, next) = (first, least);
            (first, least) = (i, c);
        } else if c < next {
            (second, next) = (i, c);
        }
    }
    if needle.len() < 2 {
        second = first;
    }
    (first, second)
}

/// Needles longer than this are searched by [`contains_folded`]: the quick scan of
/// [`contains_ci`] may compare up to the whole needle at each position, so a long needle in
/// repetitive text (`aaa…ab` in `aaaa…`) would cost octets × needle length, and a client
/// chooses both (APPEND, then a 64 KB SEARCH line).
const QUICK_NEEDLE: usize = 32;

/// Knuth-Morris-Pratt over ASCII-folded octets: O(haystack + needle) whatever the text.
fn contains_folded(haystack: &[u8], needle: &[u8]) -> bool {
    let pattern: Vec<u8> = needle.iter().map(u8::to_ascii_lowercase).collect();
    // border[i]: the length of the longest proper prefix of pattern[..=i] that is also its
    // suffix.
    let mut border = vec![0usize; pattern.len()];
    let mut k = 0usize;
    for (i, &p) in pattern.iter().enumerate().skip(1) {
        while k > 0 && pattern.get(k) != Some(&p) {
            k = border.get(k - 1).copied().unwrap_or(0);
        }
        if pattern.get(k) == Some(&p) {
            k += 1;
        }
        if let Some(b) = border.get_mut(i) {
            *b = k;
        }
    }
    let mut k = 0usize;
    for b in haystack.iter().map(u8::to_ascii_lowercase) {
        while k > 0 && pattern.get(k) != Some(&b) {
            k = border.get(k - 1).copied().unwrap_or(0);
        }
        if pattern.get(k) == Some(&b) {
            k += 1;
            if k == pattern.len() {
                return true;
            }
        }
    }
    false
}

/// Whether any key, at any depth, names message sequence numbers (RFC 7162 §3.2.10.2).
pub(crate) fn has_sequence_set(keys: &[SearchKey]) -> bool {
    keys.iter().any(|k| match k {
        SearchKey::SequenceSet(_) => true,
        SearchKey::Not(k) => has_sequence_set(std::slice::from_ref(k)),
        SearchKey::Or(a, b) => {
            has_sequence_set(std::slice::from_ref(a)) || has_sequence_set(std::slice::from_ref(b))
        }
        SearchKey::And(keys) => has_sequence_set(keys),
        _ => false,
    })
}

/// Whether any key, at any depth, is a MODSEQ key: the SEARCH response then ends with the
/// highest mod-sequence of the messages found (RFC 7162 §3.1.5).
pub(crate) fn has_modseq(keys: &[SearchKey]) -> bool {
    keys.iter().any(|k| match k {
        SearchKey::ModSeq { .. } => true,
        SearchKey::Not(k) => has_modseq(std::slice::from_ref(k)),
        SearchKey::Or(a, b) => {
            has_modseq(std::slice::from_ref(a)) || has_modseq(std::slice::from_ref(b))
        }
        SearchKey::And(keys) => has_modseq(keys),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HEADER and SUBJECT find what they find whether the value is read in place (one plain
    /// line) or copied (folded, with runs of whitespace for SUBJECT, or with encoded words).
    #[test]
    fn header_values_are_found_in_place_or_copied() {
        let raw: &[u8] = b"Subject: Quarterly\t report\r\nSubject: =?utf-8?q?M=C3=BCller?=\r\n\
            X-A: two  spaces\r\nX-B: folded\r\n line\r\n\r\nbody\r\n";
        let m = crate::server::mime::MimeMessage::parse(raw);
        let has = |field: &[u8], collapse: bool, needle: &[u8]| {
            m.any_header_value(raw, field, collapse, &|v| value_contains(v, needle))
        };
        assert!(has(b"subject", true, b"QUARTERLY REPORT"));
        assert!(has(b"subject", true, "müller".as_bytes()));
        assert!(!has(b"subject", true, b"absent"));
        assert!(has(b"x-a", false, b"two  spaces"));
        assert!(!has(b"x-a", false, b"two spaces"));
        assert!(has(b"x-a", true, b"two spaces"));
        assert!(has(b"x-b", false, b"folded line"));
        assert!(has(b"x-b", false, b""));
        assert!(!has(b"x-c", false, b""));
    }

    /// The linear search agrees with a naive one on random text over a small alphabet (many
    /// partial matches), both cases.
    #[test]
    fn long_needles_are_found_as_a_naive_search_finds_them() {
        let naive =
            |h: &[u8], n: &[u8]| h.windows(n.len().max(1)).any(|w| w.eq_ignore_ascii_case(n));
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let letter = |x: u64| b"aAb"[x as usize];
        for _ in 0..2_000 {
            let h: Vec<u8> = (0..next(120)).map(|_| letter(next(3))).collect();
            let n: Vec<u8> = (0..1 + next(8)).map(|_| letter(next(3))).collect();
            assert_eq!(contains_folded(&h, &n), naive(&h, &n), "{h:?} {n:?}");
        }
        let mut long = vec![b'a'; 40];
        long.push(b'B');
        let mut text = vec![b'A'; 100_000];
        assert!(!contains_ci(&text, &long));
        text.extend_from_slice(b"b");
        assert!(contains_ci(&text, &long));
    }

    /// xorshift: the same sequence on every run.
    fn rng(seed: &mut u64, m: usize) -> usize {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        (*seed % m as u64) as usize
    }

    /// A message put together from pieces that exercise what BODY and TEXT read: folded and
    /// oddly written Content-Type and Content-Transfer-Encoding fields, RFC 2047 encoded words,
    /// base64 and quoted-printable bodies, multiparts, message/rfc822, ISO-8859-1, 8-bit
    /// octets, bare LF, and no header or no empty line at all.
    fn generated_message(seed: &mut u64) -> Vec<u8> {
        const FIELDS: &[&[u8]] = &[
            b"Subject: a needle here\r\n",
            b"Subject: =?utf-8?q?M=C3=BCller_needle?=\r\n",
            b"From: Ne Edle <ne@example.org>\r\n",
            b"Content-Type: text/plain; charset=us-ascii\r\n",
            b"Content-Type: TEXT/HTML; charset=\"UTF-8\"\r\n",
            b"Content-Type: text/plain;\r\n charset=iso-8859-1\r\n",
            b"Content-Type: text/plain; charset=latin1\n",
            b"Content-Type: text/plain; charset=koi8-r\r\n",
            b"Content-Type: application/octet-stream\r\n",
            b"Content-Type: image/png; name=needle.png\r\n",
            b"Content-Type: multipart/mixed; boundary=b\r\n",
            b"Content-Type: multipart/mixed; boundary=\"b\"\r\n",
            b"Content-Type: multipart/digest; boundary=b\r\n",
            b"Content-Type: multipart/alternative\r\n",
            b"Content-Type: message/rfc822\r\n",
            b"Content-Type: text\r\n",
            b"Content-Type: (comment) text/plain\r\n",
            b"Content-type : text/plain\r\n",
            b"content-TYPE:\r\n\ttext/plain\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Transfer-Encoding: BASE64\r\n",
            b"Content-Transfer-Encoding:  base64 \r\n",
            b"Content-Transfer-Encoding: quoted-printable\r\n",
            b"Content-Transfer-Encoding: Quoted-Printable\n",
            b"Content-Transfer-Encoding: 8bit\r\n",
            b"Content-Transfer-Encoding: x-uuencode\r\n",
            b"Content-Transfer-Encoding:\r\n base64\r\n",
            b"X-Junk: \xe9t\xe9 needle\r\n",
            b"junk line without colon\r\n",
            b"Content-Junk without colon\r\n",
            b"Content-Type-Not: multipart/mixed; boundary=b\r\n",
            b"\tContent-Type: multipart/mixed; boundary=b\r\n",
            b"Content-Transfer-Encoding : base64\r\n",
            b"Content-Type: Text/Plain;charset=UTF-8; format=flowed \r\n",
            b"Content-Type: text/plain; charset=ISO-8859-1\r\n",
            b"Content-Type: text/plain; charset=utf-8; charset=latin1\r\n",
            b"Content-Type: text/plain; charset=latin-1 ; x=y\r\n",
            b"Content-Type: text/plain; charset=\r\n",
            b"Content-Type: text/plain; =x\r\n",
            b"Content-Type: text/plain; charset=latin1;\r\n",
            b"Content-Type: text/plain charset=latin1\r\n",
            b"Content-Type: text /plain; charset=latin1\r\n",
            b"Content-Type: text/; charset=latin1\r\n",
            b"Content-Type: \x0ctext/plain; charset=latin1\r\n",
            b"Content-Type: text/plain; charset*=iso-8859-1''x\r\n",
            b"Content-Type: text/plain; charset=(c)latin1\r\n",
            b"Content-Type: multipart/mixed; boundary=b; charset=latin1\r\n",
            b"Content-Transfer-Encoding: 7BIT\r\n",
            b" folded continuation\r\n",
        ];
        const BODIES: &[&[u8]] = &[
            b"the needle is here\r\n",
            b"NEEDLE\r\n",
            b"bmVlZGxl\r\n",
            b"bmVl\r\nZGxl\r\n",
            b"ne=\r\nedle =3D =C3=BC\r\n",
            b"M\xfcller needle\n",
            b"M\xc3\xbcller\r\n",
            b"--b\r\n",
            b"--b\r\nContent-Type: text/plain\r\n\r\nneedle in a part\r\n",
            b"--b\r\nContent-Transfer-Encoding: base64\r\n\r\nbmVlZGxl\r\n",
            b"--b--\r\n",
            b"From: inner <needle@example.org>\r\n\r\ninner body\r\n",
            b"\r\n",
            b"\n",
            b"needle",
            b"ne",
            b"edle\r\n",
            b"\xff\xfe\x80",
        ];
        let mut raw = Vec::new();
        for _ in 0..rng(seed, 6) {
            raw.extend_from_slice(FIELDS[rng(seed, FIELDS.len())]);
        }
        match rng(seed, 8) {
            0 => {}
            1 => raw.extend_from_slice(b"\n"),
            _ => raw.extend_from_slice(b"\r\n"),
        }
        for _ in 0..rng(seed, 6) {
            raw.extend_from_slice(BODIES[rng(seed, BODIES.len())]);
        }
        raw
    }

    const NEEDLES: &[&[u8]] = &[
        b"needle",
        b"NEEDLE",
        b"NeEdLe",
        b"ne",
        b"e",
        b"d",
        b"",
        b" ",
        b"\r\n",
        b"\n",
        b"\r\n\r\n",
        b"here\r\n\r\nthe",
        b"a needle here\r\n\r\nthe needle",
        b"needle\r\n\r\nNEEDLE",
        b"needle\r\n\r\n",
        b"\nneedle",
        b"is here",
        b"subject: a",
        b"content-type",
        b"bmVlZGxl",
        b"=3D",
        b"--b",
        b"m\xc3\xbcller",
        b"\xc3\xbc",
        b"\xfc",
        b"\xff\xfe",
        b"m\xfcller needle",
        b"@example.org>",
        b"a needle here needle here needle here needle here!",
    ];

    /// RFC 3501 §6.4.4 BODY and TEXT as they were read before the search without a part tree:
    /// the header as written and the body text the part tree gives.
    fn model(header: &[u8], body_text: &[u8], needle: &[u8]) -> (bool, bool) {
        let body = contains_ci(body_text, needle);
        (body, contains_ci(header, needle) || body)
    }

    /// The search on the octets as stored ([`TextShape`]) finds what the part tree finds, for
    /// every generated message and needle, and the shape says truly what the body text is.
    #[test]
    fn body_and_text_find_what_the_part_tree_finds() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut shapes = [0usize; 3];
        for _ in 0..4_000 {
            let raw = generated_message(&mut seed);
            let data = MessageData::new(raw.clone(), crate::server::world::datetime_from_unix(0));
            let tree = crate::server::mime::MimeMessage::parse(&raw);
            let body_text = tree.body_text(&raw);
            let shape = data.text_shape();
            match shape {
                TextShape::AsWritten => assert_eq!(body_text, tree.text_bytes(&raw)),
                TextShape::Empty => assert_eq!(body_text, b""),
                TextShape::Decoded => {}
            }
            shapes[shape as usize] += 1;
            assert_eq!(data.text_shape(), shape, "kept");
            for needle in NEEDLES {
                let fast = (body_contains(&data, needle), text_contains(&data, needle));
                assert_eq!(
                    fast,
                    model(tree.header_bytes(&raw), &body_text, needle),
                    "{:?} in {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&raw)
                );
            }
        }
        assert!(
            shapes.iter().all(|&n| n > 200),
            "each shape generated: {shapes:?}"
        );
    }

    /// The memchr2 search agrees with a naive ASCII-folded one, wherever the needle lies and
    /// whatever octets it is made of (letters of both cases, digits, white space, 8-bit).
    #[test]
    fn short_needles_are_found_as_a_naive_search_finds_them() {
        let naive = |h: &[u8], n: &[u8]| h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
        let alphabet = b"aAbBzZ09 \r\n.@\xc3\xbc\xff";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let h: Vec<u8> = (0..rng(&mut seed, 80))
                .map(|_| alphabet[rng(&mut seed, alphabet.len())])
                .collect();
            let n: Vec<u8> = (0..1 + rng(&mut seed, 5))
                .map(|_| alphabet[rng(&mut seed, alphabet.len())])
                .collect();
            assert_eq!(contains_paired(&h, &n), naive(&h, &n), "{h:?} {n:?}");
        }
        let n = b"Needle";
        for len in 6..70 {
            for at in 0..=len - n.len() {
                let mut h = vec![b'e'; len];
                h[at..at + n.len()].copy_from_slice(b"nEEDLE");
                assert!(contains_paired(&h, n), "at {at} of {len}");
                h[at + 3] = b'x';
                assert!(!contains_paired(&h, n), "broken at {at} of {len}");
            }
        }
    }

    /// The octet that records a message's [`TextShape`] sits in padding: no memory per message.
    #[test]
    fn text_shape_costs_no_memory() {
        use crate::protocol::types::DateTime;
        use std::sync::OnceLock;
        // MessageData's other fields (mailstore.rs).
        type Without = (
            Box<[u8]>,
            DateTime,
            OnceLock<crate::server::mime::MimeMessage>,
            OnceLock<Box<Box<[u8]>>>,
        );
        assert_eq!(
            std::mem::size_of::<MessageData>(),
            std::mem::size_of::<Without>()
        );
    }

    #[test]
    fn keyword_slots_are_case_insensitive_and_shared() {
        let keys = [
            SearchKey::Keyword("$Work".into()),
            SearchKey::Not(Box::new(SearchKey::Unkeyword("$WORK".into()))),
            SearchKey::Unkeyword("$home".into()),
        ];
        let b = Bounds {
            max_seq: 1,
            max_uid: 1,
        };
        let (plan, cost, slots) = Plan::compile(&keys, &b);
        assert_eq!((cost.keys, slots.count), (4, 2));
        let flags = Flags::from_list(&[Flag::Keyword("$work".into()), Flag::Seen]);
        let mut has = slots.buffer();
        slots.mark(&flags, &mut has);
        assert_eq!(has, vec![true, false]);
        let data = MessageData::new(
            b"x\r\n".to_vec(),
            crate::server::world::datetime_from_unix(0),
        );
        let c = Candidate {
            seq: 1,
            uid: Uid(1),
            data: &data,
            flags: &flags,
            recent: false,
            modseq: 1,
            keywords: &has,
        };
        assert!(plan.matches(&c, &b));
        let home = Flags::from_list(&[Flag::Keyword("$HOME".into())]);
        let mut has_home = slots.buffer();
        slots.mark(&home, &mut has_home);
        let c = Candidate {
            flags: &home,
            keywords: &has_home,
            ..c
        };
        assert!(!plan.matches(&c, &b));
    }

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
