//! Ordering messages for SORT (RFC 5256 §3, RFC 5957) and THREAD: the base subject of
//! RFC 5256 §2.1, the sent date of §2.2, the sort keys and the comparator. Pure functions over
//! message data, so a later ESORT / CONTEXT=SORT (RFC 5267) can reuse [`sort`]: it knows no
//! sessions and writes no responses.

use crate::protocol::types::{Address, Envelope, SortCriterion, SortKey};
use crate::server::mailstore::MessageData;
use crate::server::mime::decode_rfc2047;
use std::cmp::Ordering;

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
    // Each key computed once per message, not once per comparison; the envelope (for the
    // address keys) once per message, not once per key.
    let addresses = criteria.iter().any(|c| {
        matches!(
            c.key,
            SortKey::Cc | SortKey::From | SortKey::To | SortKey::DisplayFrom | SortKey::DisplayTo
        )
    });
    let keys: Vec<Vec<Value>> = messages
        .iter()
        .map(|m| {
            let envelope = addresses.then(|| m.data.mime().envelope(&m.data.raw));
            criteria
                .iter()
                .map(|c| value(m.data, envelope.as_ref(), c.key))
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by(|&a, &b| {
        let (Some(ka), Some(kb)) = (keys.get(a), keys.get(b)) else {
            return Ordering::Equal;
        };
        for ((x, y), c) in ka.iter().zip(kb).zip(criteria) {
            let o = x.cmp(y);
            if o != Ordering::Equal {
                // RFC 5256 §3 REVERSE: "the effect of that criterion but in reverse".
                return if c.reverse { o.reverse() } else { o };
            }
        }
        Ordering::Equal
    });
    order
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
        SortKey::Subject => Value::Text(casemap(&base_subject(&subject(data)).0)),
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

/// The i;unicode-casemap collation's key (RFC 5256 §7, RFC 5051): strings compare as the
/// octets of their case-mapped form. ASCII is upper-cased as in i;ascii-casemap; other
/// characters take their Unicode upper case. The NFKD decomposition of RFC 5051 §2 is not
/// applied (the engine carries no normalisation tables), so precomposed and decomposed
/// accents sort apart.
pub(crate) fn casemap(s: &[u8]) -> String {
    let text = String::from_utf8_lossy(s);
    if text.is_ascii() {
        return text.to_ascii_uppercase();
    }
    text.chars().flat_map(char::to_uppercase).collect()
}

/// The base subject of RFC 5256 §2.1, and whether extracting it removed a `subj-refwd`, a
/// "(fwd)" `subj-trailer` or a `subj-fwd-hdr` and `subj-fwd-trl` (which makes the message "a
/// reply or forward" for THREAD=REFERENCES, RFC 5256 §3).
pub(crate) fn base_subject(subject: &[u8]) -> (Vec<u8>, bool) {
    // (1) Encoded words to UTF-8; tabs and line breaks to space; runs of spaces to one.
    let decoded = decode_rfc2047(subject);
    let mut s: Vec<u8> = Vec::with_capacity(decoded.len());
    for b in decoded {
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

    fn base(s: &str) -> (String, bool) {
        let (b, r) = base_subject(s.as_bytes());
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
    fn casemap_folds_ascii_and_unicode() {
        assert_eq!(casemap(b"Hello [x]"), "HELLO [X]");
        assert_eq!(casemap("grüße".as_bytes()), "GRÜSSE");
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
