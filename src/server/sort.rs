//! Ordering messages for SORT (RFC 5256 §3, RFC 5957) and THREAD: the base subject of
//! RFC 5256 §2.1, the sent date of §2.2, the sort keys and the comparator. Pure functions over
//! message data, reused by ESORT and CONTEXT=SORT (RFC 5267; [`Sorted`] keeps a live result
//! in order): it knows no sessions and writes no responses.

use crate::protocol::types::{Address, Envelope, SortCriterion, SortKey};
use crate::server::mailstore::{MessageData, Uid};
use crate::server::mime::{self, decode_rfc2047};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One message matched by the search criteria, in sequence-number order.
pub(crate) struct Sortable<'a> {
    pub seq: u32,
    pub uid: u32,
    pub data: &'a MessageData,
}

/// The order of `messages` under `criteria`: indexes into `messages`. RFC 5256 §3: "there is an
/// implicit sort criterion of "sequence number"", and REVERSE does not reverse it; `messages`
/// is in sequence order and the sort is stable, which gives both.
pub(crate) fn sort(messages: &[Sortable<'_>], criteria: &[SortCriterion]) -> Vec<usize> {
    sort_with_values(messages, criteria).0
}

/// [`sort`], and each message's values under `criteria` (indexed as `messages`), which a live
/// SORT result keeps (CONTEXT=SORT, [`Sorted`]).
pub(crate) fn sort_with_values(
    messages: &[Sortable<'_>],
    criteria: &[SortCriterion],
) -> (Vec<usize>, Vec<SortValues>) {
    // Each key computed once per message, not once per comparison.
    let keys: Vec<SortValues> = messages
        .iter()
        .map(|m| SortValues::of(m.data, criteria))
        .collect();
    let mut order: Vec<usize> = (0..messages.len()).collect();
    sort_indexes(&mut order, &|a, b| match (keys.get(a), keys.get(b)) {
        (Some(ka), Some(kb)) => compare(ka, kb, criteria),
        _ => Ordering::Equal,
    });
    (order, keys)
}

/// A message's values under the sort criteria, one per criterion: what SORT compares, and what
/// a live SORT result keeps of each of its messages, so that a message joining it is placed
/// without reading the others again (RFC 5267 Appendix B: "UPDATE contexts created with SORT
/// or UID SORT will almost certainly require some form of results caching").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortValues(Vec<Value>);

impl SortValues {
    pub(crate) fn of(data: &MessageData, criteria: &[SortCriterion]) -> SortValues {
        let addresses = criteria.iter().any(|c| {
            matches!(
                c.key,
                SortKey::Cc
                    | SortKey::From
                    | SortKey::To
                    | SortKey::DisplayFrom
                    | SortKey::DisplayTo
            )
        });
        // The envelope (for the address keys) once per message, not once per key, read from
        // the octets the message keeps for FETCH ENVELOPE (built the first time either needs
        // them), not parsed again for every SORT.
        let envelope = addresses.then(|| mime::read_envelope(data.envelope().as_bytes()));
        SortValues(
            criteria
                .iter()
                .map(|c| value(data, envelope.as_ref(), c.key))
                .collect(),
        )
    }
}

/// How two messages' values compare under `criteria`, before the implicit sequence-number
/// criterion (RFC 5256 §3).
pub(crate) fn compare(a: &SortValues, b: &SortValues, criteria: &[SortCriterion]) -> Ordering {
    for ((x, y), c) in a.0.iter().zip(&b.0).zip(criteria) {
        let o = x.cmp(y);
        if o != Ordering::Equal {
            // RFC 5256 §3 REVERSE: "the effect of that criterion but in reverse".
            return if c.reverse { o.reverse() } else { o };
        }
    }
    Ordering::Equal
}

/// One run of a live SORT result's update: the context position (from 1) where it applies and
/// the numbers of its messages in the requested order (RFC 5267 §4.3.3, §4.3.4).
pub(crate) type Run = (u32, Vec<u32>);

/// A SORT result kept up to date (CONTEXT=SORT, RFC 5267 §4.3): its messages in the requested
/// order, each with its values. Two messages never change places (their values are of message
/// data, which does not change, and ties go by UID, which is mailbox order: RFC 5256 §3's
/// implicit sequence-number criterion), so an update only takes messages out and puts new ones
/// in, and neither moves the rest.
#[derive(Debug, Clone)]
pub struct Sorted {
    criteria: Vec<SortCriterion>,
    order: Vec<(Uid, SortValues)>,
}

impl Sorted {
    /// `order`: the result in the requested order, each message with its values.
    pub(crate) fn new(criteria: &[SortCriterion], order: Vec<(Uid, SortValues)>) -> Sorted {
        Sorted {
            criteria: criteria.to_vec(),
            order,
        }
    }

    /// Takes the messages of `gone` (each UID with the number the client knows it by) out, in
    /// runs of neighbours. RFC 5267 §4.3.4: "the first result in the set will occupy the given
    /// context position before removal", and "each pair is processed in the order that it
    /// appears": a run's position counts the messages kept before it, the earlier runs being
    /// gone by then.
    pub(crate) fn remove(&mut self, gone: &BTreeMap<Uid, u32>) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        let mut kept = 0usize;
        let mut open = false;
        for (uid, _) in &self.order {
            match gone.get(uid) {
                Some(&n) => match runs.last_mut() {
                    Some((_, numbers)) if open => numbers.push(n),
                    _ => {
                        runs.push((position(kept), vec![n]));
                        open = true;
                    }
                },
                None => {
                    kept = kept.saturating_add(1);
                    open = false;
                }
            }
        }
        self.order.retain(|(uid, _)| !gone.contains_key(uid));
        runs
    }

    /// Puts `added` (UID, the client's number for it, the data) in its places, in runs of
    /// neighbours. RFC 5267 §4.3.3: "the first result in the set will occupy the new context
    /// position after insertion": the runs are found in the merged order, front to back, so
    /// each position holds once the runs before it are in.
    pub(crate) fn insert(&mut self, added: Vec<(Uid, u32, &MessageData)>) -> Vec<Run> {
        let criteria = &self.criteria;
        let mut added: Vec<(Uid, u32, SortValues)> = added
            .into_iter()
            .map(|(uid, n, data)| (uid, n, SortValues::of(data, criteria)))
            .collect();
        let before = |a: (&Uid, &SortValues), b: (&Uid, &SortValues)| {
            compare(a.1, b.1, criteria).then(a.0.cmp(b.0)) == Ordering::Less
        };
        added.sort_by(|a, b| compare(&a.2, &b.2, criteria).then(a.0.cmp(&b.0)));
        let old = std::mem::take(&mut self.order);
        let mut merged = Vec::with_capacity(old.len().saturating_add(added.len()));
        let mut old = old.into_iter().peekable();
        let mut runs: Vec<Run> = Vec::new();
        let mut open = false;
        for (uid, n, values) in added {
            while let Some((u, v)) = old.peek() {
                if !before((u, v), (&uid, &values)) {
                    break;
                }
                open = false;
                merged.extend(old.next());
            }
            match runs.last_mut() {
                Some((_, numbers)) if open => numbers.push(n),
                _ => {
                    runs.push((position(merged.len()), vec![n]));
                    open = true;
                }
            }
            merged.push((uid, values));
        }
        merged.extend(old);
        self.order = merged;
        runs
    }
}

/// The context position of the place after `before` results (positions count from 1).
fn position(before: usize) -> u32 {
    u32::try_from(before.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Sorts `items` stably by `cmp`. Every ordering of SORT and THREAD goes through here, so the
/// standard library's stable sort is instantiated once (through `dyn`), not once per closure:
/// that keeps the page's wasm module smaller.
pub(crate) fn sort_indexes(items: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    items.sort_by(|&a, &b| cmp(a, b));
}

/// A message's value under one sort key. Strings are stored already case-mapped, so that
/// comparing them is comparing octets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Number(i64),
    Text(String),
}

fn value(data: &MessageData, envelope: Option<&Envelope>, key: SortKey) -> Value {
    let list = |field: fn(&Envelope) -> &[Address]| envelope.map_or(&[][..], field);
    match key {
        // RFC 5256 §3 ARRIVAL: "Internal date and time of the message".
        SortKey::Arrival => Value::Number(internal_time(data)),
        SortKey::Date => Value::Number(sent_time(data)),
        SortKey::Size => Value::Number(i64::from(data.size())),
        SortKey::Subject => Value::Text(collation_subject(&subject(data)).0),
        // RFC 5256 §3 CC / FROM / TO: "[IMAP] addr-mailbox of the first ... address"; an
        // absent header "is treated as the empty string".
        SortKey::Cc => Value::Text(first_mailbox(list(|e| &e.cc))),
        SortKey::From => Value::Text(first_mailbox(list(|e| &e.from))),
        SortKey::To => Value::Text(first_mailbox(list(|e| &e.to))),
        SortKey::DisplayFrom => Value::Text(display(list(|e| &e.from))),
        SortKey::DisplayTo => Value::Text(display(list(|e| &e.to))),
    }
}

fn first_mailbox(list: &[Address]) -> String {
    let mailbox = list.first().and_then(|a| a.mailbox.as_deref());
    casemap(mailbox.unwrap_or_default())
}

/// RFC 5957 §3, §4: the DISPLAY sort value of the first address of the envelope field.
fn display(list: &[Address]) -> String {
    let Some(a) = list.first() else {
        return String::new();
    };
    // "If the address structure's addr-name is non-NIL, ... decode any [RFC2047] encoded-words
    // ... If the resulting octet string is not the empty string, use it".
    if let Some(name) = &a.name {
        let decoded = decode_rfc2047(name);
        if !decoded.is_empty() {
            return casemap(&decoded);
        }
    }
    match (&a.mailbox, &a.host) {
        // "addr-mailbox@addr-host".
        (Some(m), Some(h)) => {
            let mut s = m.clone();
            s.push(b'@');
            s.extend_from_slice(h);
            casemap(&s)
        }
        (Some(m), None) => casemap(m),
        _ => String::new(),
    }
}

/// The Subject field as written, unfolded with folds as spaces (RFC 5256 §2.1 (1): "Convert
/// all tabs and continuations to space"); empty when there is none.
pub(crate) fn subject(data: &MessageData) -> Vec<u8> {
    data.mime()
        .header_values(&data.raw, b"subject")
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// INTERNALDATE as seconds since 1970 UTC.
fn internal_time(data: &MessageData) -> i64 {
    let d = &data.internal_date;
    let days =
        crate::server::mime::days_from_civil(i64::from(d.date.year), d.date.month, d.date.day);
    days * 86_400 + i64::from(d.hour) * 3_600 + i64::from(d.minute) * 60 + i64::from(d.second)
        - i64::from(d.zone_minutes) * 60
}

/// The sent date of RFC 5256 §2.2, seconds since 1970 UTC: "If the sent date cannot be
/// determined (a Date: header is missing or cannot be parsed), the INTERNALDATE for that
/// message is used".
pub(crate) fn sent_time(data: &MessageData) -> i64 {
    data.mime()
        .sent_time(&data.raw)
        .unwrap_or_else(|| internal_time(data))
}

/// The i;unicode-casemap collation's key (RFC 5256 §7, RFC 5051 §2): strings compare as the
/// octets of their case-mapped form. Each character is mapped to its titlecase ("the
/// titlecase property"; ASCII letters to upper case, as in i;ascii-casemap), then decomposed
/// (NFKD). The decomposition here covers U+00A0 to U+024F (Latin-1 Supplement, Latin
/// Extended-A and -B: the accented letters of European languages), not the rest of Unicode:
/// the engine carries no full normalisation tables, so other precomposed characters (Greek,
/// Cyrillic, Vietnamese) sort as written.
pub(crate) fn casemap(s: &[u8]) -> String {
    let text = String::from_utf8_lossy(s);
    if text.is_ascii() {
        return text.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let t = titlecase(c);
        match LATIN_NFKD.binary_search_by_key(&t, |&(k, _)| k) {
            Ok(i) => out.push_str(LATIN_NFKD.get(i).map_or("", |&(_, d)| d)),
            Err(_) => out.push(t),
        }
    }
    out
}

/// The simple (one character) titlecase mapping: the upper case where that is one character,
/// except the four digraph letters whose titlecase differs from their upper case (UnicodeData
/// U+01C4 to U+01CC, U+01F1 to U+01F3). A character with a longer upper case (`ß`) stays.
fn titlecase(c: char) -> char {
    match c {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        _ => {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        }
    }
}

/// NFKD of the characters U+00A0 to U+024F that decompose (Unicode Character Database,
/// `Decomposition_Mapping`, applied recursively), sorted by character. Left out: the digraph
/// letters U+01C4 to U+01CC and U+01F1 to U+01F3, which dovecot 2.3.19.1 does not decompose
/// either (`tests/dovecot/sort_reference.py`); the rest agrees with it.
const LATIN_NFKD: &[(char, &str)] = &[
    ('\u{a0}', " "),
    ('\u{a8}', " \u{308}"),
    ('\u{aa}', "a"),
    ('\u{af}', " \u{304}"),
    ('\u{b2}', "2"),
    ('\u{b3}', "3"),
    ('\u{b4}', " \u{301}"),
    ('\u{b5}', "\u{3bc}"),
    ('\u{b8}', " \u{327}"),
    ('\u{b9}', "1"),
    ('\u{ba}', "o"),
    ('\u{bc}', "1\u{2044}4"),
    ('\u{bd}', "1\u{2044}2"),
    ('\u{be}', "3\u{2044}4"),
    ('\u{c0}', "A\u{300}"),
    ('\u{c1}', "A\u{301}"),
    ('\u{c2}', "A\u{302}"),
    ('\u{c3}', "A\u{303}"),
    ('\u{c4}', "A\u{308}"),
    ('\u{c5}', "A\u{30a}"),
    ('\u{c7}', "C\u{327}"),
    ('\u{c8}', "E\u{300}"),
    ('\u{c9}', "E\u{301}"),
    ('\u{ca}', "E\u{302}"),
    ('\u{cb}', "E\u{308}"),
    ('\u{cc}', "I\u{300}"),
    ('\u{cd}', "I\u{301}"),
    ('\u{ce}', "I\u{302}"),
    ('\u{cf}', "I\u{308}"),
    ('\u{d1}', "N\u{303}"),
    ('\u{d2}', "O\u{300}"),
    ('\u{d3}', "O\u{301}"),
    ('\u{d4}', "O\u{302}"),
    ('\u{d5}', "O\u{303}"),
    ('\u{d6}', "O\u{308}"),
    ('\u{d9}', "U\u{300}"),
    ('\u{da}', "U\u{301}"),
    ('\u{db}', "U\u{302}"),
    ('\u{dc}', "U\u{308}"),
    ('\u{dd}', "Y\u{301}"),
    ('\u{e0}', "a\u{300}"),
    ('\u{e1}', "a\u{301}"),
    ('\u{e2}', "a\u{302}"),
    ('\u{e3}', "a\u{303}"),
    ('\u{e4}', "a\u{308}"),
    ('\u{e5}', "a\u{30a}"),
    ('\u{e7}', "c\u{327}"),
    ('\u{e8}', "e\u{300}"),
    ('\u{e9}', "e\u{301}"),
    ('\u{ea}', "e\u{302}"),
    ('\u{eb}', "e\u{308}"),
    ('\u{ec}', "i\u{300}"),
    ('\u{ed}', "i\u{301}"),
    ('\u{ee}', "i\u{302}"),
    ('\u{ef}', "i\u{308}"),
    ('\u{f1}', "n\u{303}"),
    ('\u{f2}', "o\u{300}"),
    ('\u{f3}', "o\u{301}"),
    ('\u{f4}', "o\u{302}"),
    ('\u{f5}', "o\u{303}"),
    ('\u{f6}', "o\u{308}"),
    ('\u{f9}', "u\u{300}"),
    ('\u{fa}', "u\u{301}"),
    ('\u{fb}', "u\u{302}"),
    ('\u{fc}', "u\u{308}"),
    ('\u{fd}', "y\u{301}"),
    ('\u{ff}', "y\u{308}"),
    ('\u{100}', "A\u{304}"),
    ('\u{101}', "a\u{304}"),
    ('\u{102}', "A\u{306}"),
    ('\u{103}', "a\u{306}"),
    ('\u{104}', "A\u{328}"),
    ('\u{105}', "a\u{328}"),
    ('\u{106}', "C\u{301}"),
    ('\u{107}', "c\u{301}"),
    ('\u{108}', "C\u{302}"),
    ('\u{109}', "c\u{302}"),
    ('\u{10a}', "C\u{307}"),
    ('\u{10b}', "c\u{307}"),
    ('\u{10c}', "C\u{30c}"),
    ('\u{10d}', "c\u{30c}"),
    ('\u{10e}', "D\u{30c}"),
    ('\u{10f}', "d\u{30c}"),
    ('\u{112}', "E\u{304}"),
    ('\u{113}', "e\u{304}"),
    ('\u{114}', "E\u{306}"),
    ('\u{115}', "e\u{306}"),
    ('\u{116}', "E\u{307}"),
    ('\u{117}', "e\u{307}"),
    ('\u{118}', "E\u{328}"),
    ('\u{119}', "e\u{328}"),
    ('\u{11a}', "E\u{30c}"),
    ('\u{11b}', "e\u{30c}"),
    ('\u{11c}', "G\u{302}"),
    ('\u{11d}', "g\u{302}"),
    ('\u{11e}', "G\u{306}"),
    ('\u{11f}', "g\u{306}"),
    ('\u{120}', "G\u{307}"),
    ('\u{121}', "g\u{307}"),
    ('\u{122}', "G\u{327}"),
    ('\u{123}', "g\u{327}"),
    ('\u{124}', "H\u{302}"),
    ('\u{125}', "h\u{302}"),
    ('\u{128}', "I\u{303}"),
    ('\u{129}', "i\u{303}"),
    ('\u{12a}', "I\u{304}"),
    ('\u{12b}', "i\u{304}"),
    ('\u{12c}', "I\u{306}"),
    ('\u{12d}', "i\u{306}"),
    ('\u{12e}', "I\u{328}"),
    ('\u{12f}', "i\u{328}"),
    ('\u{130}', "I\u{307}"),
    ('\u{132}', "IJ"),
    ('\u{133}', "ij"),
    ('\u{134}', "J\u{302}"),
    ('\u{135}', "j\u{302}"),
    ('\u{136}', "K\u{327}"),
    ('\u{137}', "k\u{327}"),
    ('\u{139}', "L\u{301}"),
    ('\u{13a}', "l\u{301}"),
    ('\u{13b}', "L\u{327}"),
    ('\u{13c}', "l\u{327}"),
    ('\u{13d}', "L\u{30c}"),
    ('\u{13e}', "l\u{30c}"),
    ('\u{13f}', "L\u{b7}"),
    ('\u{140}', "l\u{b7}"),
    ('\u{143}', "N\u{301}"),
    ('\u{144}', "n\u{301}"),
    ('\u{145}', "N\u{327}"),
    ('\u{146}', "n\u{327}"),
    ('\u{147}', "N\u{30c}"),
    ('\u{148}', "n\u{30c}"),
    ('\u{149}', "\u{2bc}n"),
    ('\u{14c}', "O\u{304}"),
    ('\u{14d}', "o\u{304}"),
    ('\u{14e}', "O\u{306}"),
    ('\u{14f}', "o\u{306}"),
    ('\u{150}', "O\u{30b}"),
    ('\u{151}', "o\u{30b}"),
    ('\u{154}', "R\u{301}"),
    ('\u{155}', "r\u{301}"),
    ('\u{156}', "R\u{327}"),
    ('\u{157}', "r\u{327}"),
    ('\u{158}', "R\u{30c}"),
    ('\u{159}', "r\u{30c}"),
    ('\u{15a}', "S\u{301}"),
    ('\u{15b}', "s\u{301}"),
    ('\u{15c}', "S\u{302}"),
    ('\u{15d}', "s\u{302}"),
    ('\u{15e}', "S\u{327}"),
    ('\u{15f}', "s\u{327}"),
    ('\u{160}', "S\u{30c}"),
    ('\u{161}', "s\u{30c}"),
    ('\u{162}', "T\u{327}"),
    ('\u{163}', "t\u{327}"),
    ('\u{164}', "T\u{30c}"),
    ('\u{165}', "t\u{30c}"),
    ('\u{168}', "U\u{303}"),
    ('\u{169}', "u\u{303}"),
    ('\u{16a}', "U\u{304}"),
    ('\u{16b}', "u\u{304}"),
    ('\u{16c}', "U\u{306}"),
    ('\u{16d}', "u\u{306}"),
    ('\u{16e}', "U\u{30a}"),
    ('\u{16f}', "u\u{30a}"),
    ('\u{170}', "U\u{30b}"),
    ('\u{171}', "u\u{30b}"),
    ('\u{172}', "U\u{328}"),
    ('\u{173}', "u\u{328}"),
    ('\u{174}', "W\u{302}"),
    ('\u{175}', "w\u{302}"),
    ('\u{176}', "Y\u{302}"),
    ('\u{177}', "y\u{302}"),
    ('\u{178}', "Y\u{308}"),
    ('\u{179}', "Z\u{301}"),
    ('\u{17a}', "z\u{301}"),
    ('\u{17b}', "Z\u{307}"),
    ('\u{17c}', "z\u{307}"),
    ('\u{17d}', "Z\u{30c}"),
    ('\u{17e}', "z\u{30c}"),
    ('\u{17f}', "s"),
    ('\u{1a0}', "O\u{31b}"),
    ('\u{1a1}', "o\u{31b}"),
    ('\u{1af}', "U\u{31b}"),
    ('\u{1b0}', "u\u{31b}"),
    ('\u{1cd}', "A\u{30c}"),
    ('\u{1ce}', "a\u{30c}"),
    ('\u{1cf}', "I\u{30c}"),
    ('\u{1d0}', "i\u{30c}"),
    ('\u{1d1}', "O\u{30c}"),
    ('\u{1d2}', "o\u{30c}"),
    ('\u{1d3}', "U\u{30c}"),
    ('\u{1d4}', "u\u{30c}"),
    ('\u{1d5}', "U\u{308}\u{304}"),
    ('\u{1d6}', "u\u{308}\u{304}"),
    ('\u{1d7}', "U\u{308}\u{301}"),
    ('\u{1d8}', "u\u{308}\u{301}"),
    ('\u{1d9}', "U\u{308}\u{30c}"),
    ('\u{1da}', "u\u{308}\u{30c}"),
    ('\u{1db}', "U\u{308}\u{300}"),
    ('\u{1dc}', "u\u{308}\u{300}"),
    ('\u{1de}', "A\u{308}\u{304}"),
    ('\u{1df}', "a\u{308}\u{304}"),
    ('\u{1e0}', "A\u{307}\u{304}"),
    ('\u{1e1}', "a\u{307}\u{304}"),
    ('\u{1e2}', "\u{c6}\u{304}"),
    ('\u{1e3}', "\u{e6}\u{304}"),
    ('\u{1e6}', "G\u{30c}"),
    ('\u{1e7}', "g\u{30c}"),
    ('\u{1e8}', "K\u{30c}"),
    ('\u{1e9}', "k\u{30c}"),
    ('\u{1ea}', "O\u{328}"),
    ('\u{1eb}', "o\u{328}"),
    ('\u{1ec}', "O\u{328}\u{304}"),
    ('\u{1ed}', "o\u{328}\u{304}"),
    ('\u{1ee}', "\u{1b7}\u{30c}"),
    ('\u{1ef}', "\u{292}\u{30c}"),
    ('\u{1f0}', "j\u{30c}"),
    ('\u{1f4}', "G\u{301}"),
    ('\u{1f5}', "g\u{301}"),
    ('\u{1f8}', "N\u{300}"),
    ('\u{1f9}', "n\u{300}"),
    ('\u{1fa}', "A\u{30a}\u{301}"),
    ('\u{1fb}', "a\u{30a}\u{301}"),
    ('\u{1fc}', "\u{c6}\u{301}"),
    ('\u{1fd}', "\u{e6}\u{301}"),
    ('\u{1fe}', "\u{d8}\u{301}"),
    ('\u{1ff}', "\u{f8}\u{301}"),
    ('\u{200}', "A\u{30f}"),
    ('\u{201}', "a\u{30f}"),
    ('\u{202}', "A\u{311}"),
    ('\u{203}', "a\u{311}"),
    ('\u{204}', "E\u{30f}"),
    ('\u{205}', "e\u{30f}"),
    ('\u{206}', "E\u{311}"),
    ('\u{207}', "e\u{311}"),
    ('\u{208}', "I\u{30f}"),
    ('\u{209}', "i\u{30f}"),
    ('\u{20a}', "I\u{311}"),
    ('\u{20b}', "i\u{311}"),
    ('\u{20c}', "O\u{30f}"),
    ('\u{20d}', "o\u{30f}"),
    ('\u{20e}', "O\u{311}"),
    ('\u{20f}', "o\u{311}"),
    ('\u{210}', "R\u{30f}"),
    ('\u{211}', "r\u{30f}"),
    ('\u{212}', "R\u{311}"),
    ('\u{213}', "r\u{311}"),
    ('\u{214}', "U\u{30f}"),
    ('\u{215}', "u\u{30f}"),
    ('\u{216}', "U\u{311}"),
    ('\u{217}', "u\u{311}"),
    ('\u{218}', "S\u{326}"),
    ('\u{219}', "s\u{326}"),
    ('\u{21a}', "T\u{326}"),
    ('\u{21b}', "t\u{326}"),
    ('\u{21e}', "H\u{30c}"),
    ('\u{21f}', "h\u{30c}"),
    ('\u{226}', "A\u{307}"),
    ('\u{227}', "a\u{307}"),
    ('\u{228}', "E\u{327}"),
    ('\u{229}', "e\u{327}"),
    ('\u{22a}', "O\u{308}\u{304}"),
    ('\u{22b}', "o\u{308}\u{304}"),
    ('\u{22c}', "O\u{303}\u{304}"),
    ('\u{22d}', "o\u{303}\u{304}"),
    ('\u{22e}', "O\u{307}"),
    ('\u{22f}', "o\u{307}"),
    ('\u{230}', "O\u{307}\u{304}"),
    ('\u{231}', "o\u{307}\u{304}"),
    ('\u{232}', "Y\u{304}"),
    ('\u{233}', "y\u{304}"),
];

/// The base subject of RFC 5256 §2.1 as SORT and THREAD compare it, and whether extracting it
/// removed a `subj-refwd`, a "(fwd)" `subj-trailer` or a `subj-fwd-hdr` and `subj-fwd-trl`
/// (which makes the message "a reply or forward" for THREAD=REFERENCES, RFC 5256 §3). Step (1)
/// converts the encoded words to UTF-8; the result is case-mapped ([`casemap`]) before the
/// other steps, as dovecot 2.3.19.1 does it: a no-break space (decomposed to a space) at the
/// start or end is then removed like any space.
pub(crate) fn collation_subject(subject: &[u8]) -> (String, bool) {
    let mapped = casemap(&decode_rfc2047(subject));
    let (base, reply) = extract(mapped.as_bytes());
    (String::from_utf8_lossy(&base).into_owned(), reply)
}

/// Steps (1) to (7) of RFC 5256 §2.1 on a subject whose encoded words are decoded: the base
/// subject, case as given, and whether it is a reply or forward.
fn extract(decoded: &[u8]) -> (Vec<u8>, bool) {
    // (1) Tabs and line breaks to space; runs of spaces to one.
    let mut s: Vec<u8> = Vec::with_capacity(decoded.len());
    for &b in decoded {
        let b = if matches!(b, b'\t' | b'\r' | b'\n') {
            b' '
        } else {
            b
        };
        if !(b == b' ' && s.last() == Some(&b' ')) {
            s.push(b);
        }
    }
    let mut reply = false;
    let mut start = 0usize;
    let mut end = s.len();
    loop {
        // (2) Remove trailing `subj-trailer = "(fwd)" / WSP`, until none is left.
        loop {
            let text = s.get(start..end).unwrap_or_default();
            if text.last() == Some(&b' ') {
                end -= 1;
            } else if text.len() >= 5
                && text
                    .get(text.len() - 5..)
                    .is_some_and(|t| t.eq_ignore_ascii_case(b"(fwd)"))
            {
                end -= 5;
                reply = true;
            } else {
                break;
            }
        }
        // (5) Repeat (3) and (4) until no matches remain.
        loop {
            let text = s.get(start..end).unwrap_or_default();
            // (3) Remove prefix text matching `subj-leader = (*subj-blob subj-refwd) / WSP`.
            if text.first() == Some(&b' ') {
                start += 1;
                continue;
            }
            if let Some(n) = leader(text) {
                start += n;
                reply = true;
                continue;
            }
            // (4) A leading `subj-blob`, if removing it leaves a non-empty subj-base.
            if let Some(n) = blob(text) {
                if n < text.len() {
                    start += n;
                    continue;
                }
            }
            break;
        }
        // (6) `subj-fwd-hdr = "[fwd:"` ... `subj-fwd-trl = "]"`: remove both, repeat from (2).
        let text = s.get(start..end).unwrap_or_default();
        let fwd_hdr = text
            .get(..5)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"[fwd:"));
        if fwd_hdr && text.len() > 5 && text.last() == Some(&b']') {
            start += 5;
            end -= 1;
            reply = true;
            continue;
        }
        // (7) The rest is the base subject.
        return (text.to_vec(), reply);
    }
}

/// The length of a `subj-blob = "[" *BLOBCHAR "]" *WSP` at the start of `s` (RFC 5256 §5).
fn blob(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'[') {
        return None;
    }
    let close = s.iter().skip(1).position(|&b| b == b'[' || b == b']')? + 1;
    if s.get(close) != Some(&b']') {
        return None;
    }
    let mut n = close + 1;
    while matches!(s.get(n), Some(b' ' | b'\t')) {
        n += 1;
    }
    Some(n)
}

/// The length of `*subj-blob subj-refwd` at the start of `s`, where
/// `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"` (RFC 5256 §5).
fn leader(s: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    while let Some(b) = blob(s.get(n..)?) {
        n += b;
    }
    let rest = s.get(n..)?;
    let word = if rest
        .get(..3)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"fwd"))
    {
        3
    } else if rest
        .get(..2)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"re") || w.eq_ignore_ascii_case(b"fw"))
    {
        2
    } else {
        return None;
    };
    n += word;
    while matches!(s.get(n), Some(b' ' | b'\t')) {
        n += 1;
    }
    if let Some(b) = s.get(n..).and_then(blob) {
        n += b;
    }
    (s.get(n) == Some(&b':')).then_some(n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::world::datetime_from_unix;

    /// RFC 5267 §4.3.3, §4.3.4: runs of neighbours, positions counted after the runs before
    /// are applied, ties by UID (RFC 5256 §3), REVERSE not reversing the tie.
    #[test]
    fn a_live_sort_removes_and_inserts_in_runs_at_positions() {
        let criteria = [SortCriterion {
            reverse: true,
            key: SortKey::Subject,
        }];
        let message = |subject: &str| {
            MessageData::new(
                format!("Subject: {subject}\r\n\r\nx\r\n").into_bytes(),
                datetime_from_unix(0),
            )
        };
        let data: Vec<_> = ["e", "d", "c", "b", "a", "c"].map(message).into();
        // UIDs 1..=6; in reverse subject order: e(1) d(2) c(3) c(6) b(4) a(5).
        let values = |i: usize| SortValues::of(&data[i], &criteria);
        let mut live = Sorted::new(
            &criteria,
            [0, 1, 2, 5, 3, 4]
                .iter()
                .map(|&i| (Uid(i as u32 + 1), values(i)))
                .collect(),
        );
        // d, c(3) and a leave: d and c(3) neighbours at 2; then a is 4th of e c(6) b a.
        let gone = BTreeMap::from([(Uid(2), 20), (Uid(3), 30), (Uid(5), 50)]);
        assert_eq!(live.remove(&gone), vec![(2, vec![20, 30]), (4, vec![50])]);
        // e c(6) b: d and c(3) come back at 2 (c(3) before c(6): equal values, lower UID),
        // then a at 6, the end of e d c(3) c(6) b a.
        let back = vec![
            (Uid(5), 5, &*data[4]),
            (Uid(3), 3, &*data[2]),
            (Uid(2), 2, &*data[1]),
        ];
        assert_eq!(live.insert(back), vec![(2, vec![2, 3]), (6, vec![5])]);
        let uids: Vec<u32> = live.order.iter().map(|(u, _)| u.0).collect();
        assert_eq!(uids, vec![1, 2, 3, 6, 4, 5]);
        assert_eq!(live.insert(Vec::new()), vec![]);
        assert_eq!(live.remove(&BTreeMap::new()), vec![]);
    }

    fn base(s: &str) -> (String, bool) {
        let (b, r) = extract(&decode_rfc2047(s.as_bytes()));
        (String::from_utf8(b).unwrap(), r)
    }

    /// RFC 5256 §2.1 steps, case by case.
    #[test]
    fn base_subject_extraction() {
        for (subject, want, reply) in [
            ("", "", false),
            ("test", "test", false),
            ("  test  ", "test", false),
            ("Re: test", "test", true),
            ("RE: Re: re: test", "test", true),
            ("Re:test", "test", true),
            ("Re : test", "test", true),
            ("Fw: test", "test", true),
            ("FWD: test", "test", true),
            ("Re[2]: test", "test", true),
            ("Re [2]: test", "test", true),
            ("[list] Re: test", "test", true),
            ("[list][other] Re: test", "test", true),
            ("Re: [list] test", "test", true),
            ("[list] test", "test", false),
            // (4): not when nothing would be left.
            ("[list]", "[list]", false),
            ("Re: [list]", "[list]", true),
            ("[a] [b]", "[b]", false),
            // (2) trailers, repeatedly.
            ("test (fwd)", "test", true),
            ("test (FWD) (fwd)  ", "test", true),
            ("test(fwd)", "test", true),
            // (6) and back to (2).
            ("[Fwd: test]", "test", true),
            ("[fwd: Re: test (fwd)]", "test", true),
            ("Re: [fwd: [list] Re: test] (fwd)", "test", true),
            ("[fwd: test", "[fwd: test", false),
            // (1) whitespace and encoded words.
            ("Re:\ttwo   spaces", "two spaces", true),
            ("=?utf-8?q?Re=3A_M=C3=BCnchen?=", "München", true),
            ("=?iso-8859-1?q?=5Bl=5D?= =?utf-8?q?Fwd=3A?= x", "x", true),
            // Not leaders: no colon, or a word that merely starts with re/fw.
            ("Re test", "Re test", false),
            ("Request: a", "Request: a", false),
            ("Fwx: a", "Fwx: a", false),
            ("[unclosed Re: x", "[unclosed Re: x", false),
        ] {
            assert_eq!(base(subject), (want.to_string(), reply), "{subject:?}");
        }
    }

    #[test]
    fn collation_subjects_are_case_mapped_before_extraction() {
        assert_eq!(
            collation_subject("\u{a0}Re: caf\u{e9}\u{a0}".as_bytes()),
            ("CAFE\u{301}".to_string(), true)
        );
        assert_eq!(
            collation_subject(b"=?utf-8?b?UmU6IFvDnF0gc3RyYcOfZQ==?="),
            ("STRAßE".to_string(), true)
        );
    }

    #[test]
    fn casemap_folds_ascii_and_unicode() {
        assert_eq!(casemap(b"Hello [x]"), "HELLO [X]");
        // Titlecase, then NFKD: ü is U+0055 U+0308; ß has no one-character upper case.
        assert_eq!(casemap("grüße".as_bytes()), "GRU\u{308}ßE");
        assert_eq!(casemap("Ǆ ǆ".as_bytes()), "\u{1c5} \u{1c5}");
        // Decomposed after the titlecase: ª becomes a lower-case a.
        assert_eq!(casemap("ª ² ĳ".as_bytes()), "a 2 IJ");
        assert_eq!(casemap("Øre".as_bytes()), "ØRE");
        assert!(casemap("café".as_bytes()) < casemap(b"cafz"));
        assert!(LATIN_NFKD.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(casemap(b"") < casemap(b"a"), "the empty string first");
    }

    fn msg(raw: &str, unix: i64) -> std::sync::Arc<MessageData> {
        MessageData::new(
            raw.replace('\n', "\r\n").into_bytes(),
            datetime_from_unix(unix),
        )
    }

    #[test]
    fn sort_keys_reverse_and_sequence_tie_break() {
        let data = [
            msg(
                "Subject: Re: b\nFrom: Zed <z@x>\nDate: 2 Jan 2001 00:00 +0000\n\nx",
                50,
            ),
            msg("Subject: a\nFrom: y@x\nTo: \"Ann\" <b@x>\n\nxx", 40),
            msg(
                "Subject: B\nFrom: <y@x>\nDate: 1 Jan 2001 23:00 -0200\n\nxxx",
                30,
            ),
            msg("Subject: [fwd: A]\nTo: c@x\n\n", 20),
        ];
        let ms: Vec<Sortable<'_>> = data
            .iter()
            .enumerate()
            .map(|(i, d)| Sortable {
                seq: i as u32 + 1,
                uid: i as u32 + 1,
                data: d,
            })
            .collect();
        let run = |spec: &[(bool, SortKey)]| -> Vec<u32> {
            let c: Vec<SortCriterion> = spec
                .iter()
                .map(|&(reverse, key)| SortCriterion { reverse, key })
                .collect();
            sort(&ms, &c).into_iter().map(|i| ms[i].seq).collect()
        };
        use SortKey::*;
        assert_eq!(run(&[(false, Subject)]), vec![2, 4, 1, 3]);
        // REVERSE reverses the key, not the implicit sequence-number tie-break.
        assert_eq!(run(&[(true, Subject)]), vec![1, 3, 2, 4]);
        assert_eq!(run(&[(false, Arrival)]), vec![4, 3, 2, 1]);
        // 1 Jan 23:00 -0200 is 2 Jan 01:00 UTC, after message 1; 2 and 4 have no Date: their
        // internal dates (1970) come first.
        assert_eq!(run(&[(false, Date)]), vec![4, 2, 1, 3]);
        assert_eq!(run(&[(false, Size)]), vec![4, 2, 3, 1]);
        assert_eq!(run(&[(true, Size)]), vec![1, 3, 2, 4]);
        // FROM compares the local part only; no From: is the empty string, first.
        assert_eq!(run(&[(false, From)]), vec![4, 2, 3, 1]);
        assert_eq!(run(&[(false, To)]), vec![1, 3, 2, 4]);
        // DISPLAYFROM: the display name, else mailbox@host.
        assert_eq!(run(&[(false, DisplayFrom)]), vec![4, 2, 3, 1]);
        assert_eq!(run(&[(false, DisplayTo)]), vec![1, 3, 2, 4]);
        assert_eq!(run(&[(false, Subject), (true, Date)]), vec![2, 4, 3, 1]);
        assert_eq!(run(&[(false, Cc)]), vec![1, 2, 3, 4]);
    }
}
