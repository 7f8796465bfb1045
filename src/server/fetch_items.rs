//! The values of FETCH items for one message (RFC 3501 §6.4.5, §7.4.2), from a live message or
//! a ghost, and the NIL forms RFC 2180 §4.1.3 gives for expunged messages; and
//! [`FetchResponse`], the one builder of a FETCH response, which names each item at most once.

use std::collections::HashSet;
use std::sync::Arc;

use crate::protocol::types::{
    BasicFields, BodyStructure, Data, Date, DateTime, FetchAtt, FetchValue, Flag, Response,
    Section, SectionText, SeqBound, SeqRange, SequenceSet, SpecificFields,
};
use crate::server::mailstore::{Flags, MessageData, Uid};
use crate::server::mime::without_extension;

/// A message as one session sees it at this moment.
pub(crate) struct Seen<'a> {
    pub uid: Uid,
    pub data: &'a MessageData,
    pub flags: Vec<Flag>,
    /// RFC 7162 §3.1.4.2.
    pub modseq: u64,
}

/// The name a FETCH data item has in a response (RFC 3501 §7.4.2 `msg-att`): what tells two
/// items apart. `BODY[...]` and `BODY.PEEK[...]` are both answered as `BODY[...]`, and a partial
/// is answered with its origin only (`BODY[]<0>`), so those are the same item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemName<'a> {
    /// An item without a section, as one bit of [`FetchResponse::plain`].
    Plain(u16),
    /// `BODY[section]<origin>`.
    Section(&'a Section, Option<u32>),
    /// `BINARY[part]<origin>` (RFC 3516 §4.3; `BINARY.PEEK` is answered as `BINARY`).
    Binary(&'a [u32], Option<u32>),
    /// `BINARY.SIZE[part]`.
    BinarySize(&'a [u32]),
}

impl ItemName<'_> {
    fn of_att(att: &FetchAtt) -> ItemName<'_> {
        ItemName::Plain(match att {
            FetchAtt::Flags => 1,
            FetchAtt::InternalDate => 1 << 1,
            FetchAtt::Rfc822Size => 1 << 2,
            FetchAtt::Envelope => 1 << 3,
            FetchAtt::Body => 1 << 4,
            FetchAtt::BodyStructure => 1 << 5,
            FetchAtt::Uid => 1 << 6,
            FetchAtt::Rfc822 => 1 << 7,
            FetchAtt::Rfc822Header => 1 << 8,
            FetchAtt::Rfc822Text => 1 << 9,
            FetchAtt::ModSeq => 1 << 10,
            FetchAtt::BodySection {
                section, partial, ..
            } => return ItemName::Section(section, partial.map(|(origin, _)| origin)),
            FetchAtt::Binary { part, partial, .. } => {
                return ItemName::Binary(part, partial.map(|(origin, _)| origin))
            }
            FetchAtt::BinarySize { part } => return ItemName::BinarySize(part),
        })
    }

    fn of_value(value: &FetchValue) -> ItemName<'_> {
        ItemName::of_att(match value {
            FetchValue::Flags(_) => &FetchAtt::Flags,
            FetchValue::InternalDate(_) => &FetchAtt::InternalDate,
            FetchValue::Rfc822Size(_) => &FetchAtt::Rfc822Size,
            FetchValue::Envelope(_) | FetchValue::EncodedEnvelope(_) => &FetchAtt::Envelope,
            FetchValue::Body(_) => &FetchAtt::Body,
            FetchValue::BodyStructure(_) => &FetchAtt::BodyStructure,
            FetchValue::Uid(_) => &FetchAtt::Uid,
            FetchValue::Rfc822(_) => &FetchAtt::Rfc822,
            FetchValue::Rfc822Header(_) => &FetchAtt::Rfc822Header,
            FetchValue::Rfc822Text(_) => &FetchAtt::Rfc822Text,
            FetchValue::ModSeq(_) => &FetchAtt::ModSeq,
            FetchValue::BodySection {
                section, origin, ..
            } => return ItemName::Section(section, *origin),
            FetchValue::Binary { part, origin, .. } => return ItemName::Binary(part, *origin),
            FetchValue::BinarySize { part, .. } => return ItemName::BinarySize(part),
        })
    }
}

/// One FETCH response being built (RFC 3501 §7.4.2). It owns its set of data items: an item
/// whose name is already there is dropped, so no path (a UID command's implicit UID meeting an
/// explicit one, a macro's member named again, the flags a fetch sets, an item asked for twice)
/// can name an item twice. Items keep the order they were first added in.
#[derive(Debug)]
pub(crate) struct FetchResponse {
    seq: u32,
    items: Vec<FetchValue>,
    /// The items without a section that are present, one bit per [`ItemName::Plain`].
    plain: u16,
    /// The `BODY[section]<origin>` items present: a set, so a long list of sections costs
    /// linear time, not quadratic.
    sections: HashSet<(Section, Option<u32>)>,
    /// The `BINARY[part]<origin>` (`Some`) and `BINARY.SIZE[part]` (`None`) items present.
    binaries: HashSet<(Vec<u32>, Option<Option<u32>>)>,
}

impl FetchResponse {
    pub fn new(seq: u32) -> FetchResponse {
        FetchResponse {
            seq,
            items: Vec::new(),
            plain: 0,
            sections: HashSet::new(),
            binaries: HashSet::new(),
        }
    }

    /// Records that the response has an item of this name; false if it had one already.
    fn claim(&mut self, name: ItemName<'_>) -> bool {
        match name {
            ItemName::Plain(bit) if self.plain & bit != 0 => false,
            ItemName::Plain(bit) => {
                self.plain |= bit;
                true
            }
            ItemName::Section(section, origin) => self.sections.insert((section.clone(), origin)),
            ItemName::Binary(part, origin) => self.binaries.insert((part.to_vec(), Some(origin))),
            ItemName::BinarySize(part) => self.binaries.insert((part.to_vec(), None)),
        }
    }

    /// Adds `value` unless the response already has an item of its name; says whether it was
    /// added.
    pub fn push(&mut self, value: FetchValue) -> bool {
        let added = self.claim(ItemName::of_value(&value));
        if added {
            self.items.push(value);
        }
        added
    }

    /// Adds the value of `att`, computed by `value` only when the response has no item of that
    /// name yet.
    pub fn push_att(&mut self, att: &FetchAtt, value: impl FnOnce(&FetchAtt) -> FetchValue) {
        if self.claim(ItemName::of_att(att)) {
            self.items.push(value(att));
        }
    }

    /// Whether the response tells the client the message's flags.
    pub fn has_flags(&self) -> bool {
        matches!(ItemName::of_att(&FetchAtt::Flags), ItemName::Plain(bit) if self.plain & bit != 0)
    }

    pub fn into_response(self) -> Response {
        Response::Data(Data::Fetch {
            seq: self.seq,
            items: self.items,
        })
    }
}

/// A FETCH response of FLAGS, UID and MODSEQ only, each optional, in that order: what STORE
/// answers (RFC 3501 §6.4.6), what a session is told of another's flag change (RFC 3501
/// §7.4.2), and FETCH (FLAGS) itself. [`FlagsFetch::write`] encodes it straight into the
/// output, without building the response, its flag list or its keywords' strings: a FETCH 1:*
/// or STORE 1:* is one of these per message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagsFetch {
    pub seq: u32,
    /// The flags, and whether `\Recent` is listed too.
    pub flags: Option<(Flags, bool)>,
    pub uid: Option<u32>,
    pub modseq: Option<u64>,
}

impl FlagsFetch {
    /// The octets `encode_response` gives for the [`FetchResponse`] of the same items (a test
    /// holds them equal), CRLF included.
    pub fn write(&self, out: &mut Vec<u8>) {
        let flags = self.flags.as_ref().map(|(f, recent)| (f, *recent));
        write_flags_fetch(self.seq, flags, self.uid, self.modseq, out);
    }

    /// The same response as a [`FetchResponse`].
    #[cfg(test)]
    fn response(&self) -> Response {
        let mut fetch = FetchResponse::new(self.seq);
        if let Some((flags, recent)) = &self.flags {
            fetch.push(FetchValue::Flags(flags.to_list(*recent)));
        }
        if let Some(uid) = self.uid {
            fetch.push(FetchValue::Uid(uid));
        }
        if let Some(modseq) = self.modseq {
            fetch.push(FetchValue::ModSeq(modseq));
        }
        fetch.into_response()
    }
}

/// [`FlagsFetch::write`] of borrowed flags. A FETCH 1:* or STORE 1:* is one of these a
/// message, so the line is put together on the stack and copied into `out` once (twice when
/// it lists keywords, which are written straight into `out`): no capacity check or call per
/// piece, and each fixed part one copy of known length (issue 14).
pub(crate) fn write_flags_fetch(
    seq: u32,
    flags: Option<(&Flags, bool)>,
    uid: Option<u32>,
    modseq: Option<u64>,
    out: &mut Vec<u8>,
) {
    use crate::protocol::encode::write_atom;
    let mut line = LineBuf::default();
    line.put(b"* ");
    line.number(u64::from(seq));
    line.put(b" FETCH (");
    let mut space = false;
    if let Some((flags, recent)) = flags {
        line.put(b"FLAGS (");
        // Each flag followed by a space, the last space then taken back.
        let open = line.len;
        flags.write_system(&mut |name| line.put(name));
        if recent {
            line.put(b"\\Recent ");
        }
        if flags.has_keywords() {
            out.extend_from_slice(line.bytes());
            line.len = 0;
            for keyword in flags.keywords() {
                write_atom(keyword, out);
                out.push(b' ');
            }
            out.pop();
        } else if line.len > open {
            line.len -= 1;
        }
        line.put(b")");
        space = true;
    }
    if let Some(uid) = uid {
        if space {
            line.put(b" ");
        }
        line.put(b"UID ");
        line.number(u64::from(uid));
        space = true;
    }
    if let Some(modseq) = modseq {
        if space {
            line.put(b" ");
        }
        line.put(b"MODSEQ (");
        line.number(modseq);
        line.put(b")");
    }
    line.put(b")\r\n");
    out.extend_from_slice(line.bytes());
}

/// A [`write_flags_fetch`] line without its keywords: at most `* ` 4294967295 ` FETCH (FLAGS (`
/// five system flags and `\Recent`, each with its space, `) UID ` 4294967295 ` MODSEQ (`
/// 18446744073709551615 `))` CRLF, 125 octets (the test writes the longest).
struct LineBuf {
    buf: [u8; 128],
    len: usize,
}

impl Default for LineBuf {
    fn default() -> Self {
        LineBuf {
            buf: [0; 128],
            len: 0,
        }
    }
}

impl LineBuf {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(to) = self.buf.get_mut(self.len..end) {
            to.copy_from_slice(bytes);
            self.len = end;
        }
    }

    /// `n` in decimal, written in place from its last digit, two at a time (a STORE or FETCH
    /// of every message writes one or more numbers a line: issue 14).
    fn number(&mut self, mut n: u64) {
        const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839404142434445464748495051525354555657585960\
            6162636465666768697071727374757677787980818283848586878889909192939495969798\
            99";
        let width = n.checked_ilog10().map_or(1, |log| log as usize + 1);
        let start = self.len;
        let mut at = start + width;
        let Some(to) = self.buf.get_mut(start..at) else {
            return;
        };
        self.len = at;
        at = width;
        while n >= 100 {
            // Below 100: a pair of the table. In 32 bits when the number fits: 64-bit division
            // is one slow instruction in WebAssembly, where 32-bit division by a constant is a
            // multiplication.
            let (rest, pair) = match u32::try_from(n) {
                Ok(small) => (u64::from(small / 100), small % 100),
                Err(_) => (n / 100, (n % 100) as u32),
            };
            let pair = pair as usize * 2;
            n = rest;
            if let (Some(d), Some(p)) = (to.get_mut(at - 2..at), PAIRS.get(pair..pair + 2)) {
                d.copy_from_slice(p);
            }
            at -= 2;
        }
        if n >= 10 {
            let pair = n as usize * 2;
            if let (Some(d), Some(p)) = (to.get_mut(..2), PAIRS.get(pair..pair + 2)) {
                d.copy_from_slice(p);
            }
        } else if let Some(d) = to.first_mut() {
            // Below 10.
            *d = b'0' + n as u8;
        }
    }

    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// Whether fetching this item sets `\Seen` (RFC 3501 §6.4.5: BODY[...] and RFC822 and
/// RFC822.TEXT do; BODY.PEEK[...] and RFC822.HEADER do not; RFC 3516 §4.2: BINARY[...] does,
/// BINARY.PEEK[...] does not).
pub(crate) fn sets_seen(att: &FetchAtt) -> bool {
    matches!(
        att,
        FetchAtt::BodySection { peek: false, .. }
            | FetchAtt::Binary { peek: false, .. }
            | FetchAtt::Rfc822
            | FetchAtt::Rfc822Text
    )
}

/// `<origin.count>` of `data` (RFC 3501 §6.4.5): the octets from origin on, at most count of
/// them; an origin past the end gives an empty string.
fn cut(data: Vec<u8>, partial: Option<(u32, u32)>) -> Vec<u8> {
    let Some((origin, count)) = partial else {
        return data;
    };
    let start = (origin as usize).min(data.len());
    let end = start.saturating_add(count as usize).min(data.len());
    data.get(start..end).map(<[u8]>::to_vec).unwrap_or_default()
}

/// The decoded data of `BINARY[part]`: empty for a part that does not exist, as for
/// `BODY[section]`; the FETCH handler refused an unknown encoding before asking.
fn binary_data(m: &Seen<'_>, part: &[u32]) -> Vec<u8> {
    match m.data.mime().binary(&m.data.raw, part) {
        Some(Ok(data)) => data,
        Some(Err(_)) | None => Vec::new(),
    }
}

/// The value of one item.
pub(crate) fn value(att: &FetchAtt, m: &Seen<'_>) -> FetchValue {
    let raw = &m.data.raw;
    match att {
        FetchAtt::Envelope => FetchValue::EncodedEnvelope(m.data.envelope()),
        FetchAtt::Flags => FetchValue::Flags(m.flags.clone()),
        FetchAtt::ModSeq => FetchValue::ModSeq(m.modseq),
        FetchAtt::InternalDate => FetchValue::InternalDate(m.data.internal_date),
        FetchAtt::Rfc822 => FetchValue::Rfc822(Some(raw.to_vec())),
        FetchAtt::Rfc822Header => FetchValue::Rfc822Header(section_data(m, &header())),
        FetchAtt::Rfc822Size => FetchValue::Rfc822Size(m.data.size()),
        FetchAtt::Rfc822Text => FetchValue::Rfc822Text(section_data(m, &text())),
        FetchAtt::Body => FetchValue::Body(Box::new(without_extension(
            &m.data.mime().body_structure(raw),
        ))),
        FetchAtt::BodyStructure => {
            FetchValue::BodyStructure(Box::new(m.data.mime().body_structure(raw)))
        }
        FetchAtt::Uid => FetchValue::Uid(m.uid.0),
        FetchAtt::BodySection {
            section, partial, ..
        } => {
            // RFC 3501 §6.4.5: "<origin.octets>"; the response names only the origin (§7.4.2).
            FetchValue::BodySection {
                section: section.clone(),
                origin: partial.map(|(o, _)| o),
                data: section_data(m, section).map(|d| cut(d, *partial)),
            }
        }
        // RFC 3516 §4.2: the partial counts octets of the DECODED data. §4.3: "the server
        // SHOULD return the data in a <string> instead of a <literal8>" when it holds no NUL:
        // followed, so `literal8: false` and the encoder writes `~{n}` only for NUL. (Dovecot
        // 2.3.19.1 sends `~{n}` for every part it decoded; not a decision point yet.)
        FetchAtt::Binary { part, partial, .. } => FetchValue::Binary {
            part: part.clone(),
            origin: partial.map(|(o, _)| o),
            data: Some(cut(binary_data(m, part), *partial)),
            literal8: false,
        },
        // RFC 3516 §4.3: "MUST match the size of the <nstring> or <literal8> that will be
        // returned by the corresponding FETCH BINARY request".
        FetchAtt::BinarySize { part } => FetchValue::BinarySize {
            part: part.clone(),
            size: u32::try_from(binary_data(m, part).len()).unwrap_or(u32::MAX),
        },
    }
}

fn header() -> Section {
    Section {
        part: Vec::new(),
        text: Some(SectionText::Header),
    }
}

fn text() -> Section {
    Section {
        part: Vec::new(),
        text: Some(SectionText::Text),
    }
}

/// A section that does not exist is an empty string, as dovecot answers (RFC 3501 does not
/// say; NIL would break clients that expect a string).
fn section_data(m: &Seen<'_>, section: &Section) -> Option<Vec<u8>> {
    Some(
        m.data
            .mime()
            .section(&m.data.raw, section)
            .unwrap_or_default(),
    )
}

/// The NIL form of an item for an expunged message (RFC 2180 §4.1.3). MODSEQ has no NIL form
/// (RFC 7162 §7 `permsg-modsequence` is a number): the message's last one is given.
pub(crate) fn nil_value(att: &FetchAtt, uid: Uid, modseq: u64) -> FetchValue {
    let empty = || Some(Vec::new());
    match att {
        FetchAtt::Envelope => FetchValue::Envelope(Arc::default()),
        FetchAtt::Flags => FetchValue::Flags(Vec::new()),
        // RFC 2180 §4.1.3: INTERNALDATE "00-Jan-0000 00:00:00 +0000".
        FetchAtt::InternalDate => FetchValue::InternalDate(DateTime {
            date: Date {
                year: 0,
                month: 1,
                day: 0,
            },
            hour: 0,
            minute: 0,
            second: 0,
            zone_minutes: 0,
        }),
        FetchAtt::Rfc822 => FetchValue::Rfc822(empty()),
        FetchAtt::Rfc822Header => FetchValue::Rfc822Header(empty()),
        FetchAtt::Rfc822Size => FetchValue::Rfc822Size(0),
        FetchAtt::Rfc822Text => FetchValue::Rfc822Text(empty()),
        FetchAtt::Body => FetchValue::Body(Box::new(nil_body())),
        FetchAtt::BodyStructure => FetchValue::BodyStructure(Box::new(nil_body())),
        FetchAtt::Uid => FetchValue::Uid(uid.0),
        FetchAtt::ModSeq => FetchValue::ModSeq(modseq),
        FetchAtt::BodySection {
            section, partial, ..
        } => FetchValue::BodySection {
            section: section.clone(),
            origin: partial.map(|(o, _)| o),
            data: empty(),
        },
        // RFC 2180 §4.1.3's NIL forms extended to BINARY: an empty string, size 0.
        FetchAtt::Binary { part, partial, .. } => FetchValue::Binary {
            part: part.clone(),
            origin: partial.map(|(o, _)| o),
            data: empty(),
            literal8: false,
        },
        FetchAtt::BinarySize { part } => FetchValue::BinarySize {
            part: part.clone(),
            size: 0,
        },
    }
}

/// Dovecot 2.3's form of an item for an expunged message (Dovecot 2.3 behaviour,
/// `tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-4.1.3-fetch-nil.txt`,
/// `extra-fetch-expunged-items.txt`): FLAGS and UID from the session's view, BODY and
/// BODYSTRUCTURE from what it still knows of the message (Dovecot's cache), ENVELOPE all NIL,
/// INTERNALDATE the Unix epoch, RFC822.SIZE 0, and NIL for every kind of content.
pub(crate) fn nil_ok_value(att: &FetchAtt, ghost: &Seen<'_>) -> FetchValue {
    match att {
        FetchAtt::Flags
        | FetchAtt::Uid
        | FetchAtt::ModSeq
        | FetchAtt::Body
        | FetchAtt::BodyStructure => value(att, ghost),
        FetchAtt::Envelope => FetchValue::Envelope(Arc::default()),
        FetchAtt::InternalDate => FetchValue::InternalDate(DateTime {
            date: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            hour: 0,
            minute: 0,
            second: 0,
            zone_minutes: 0,
        }),
        FetchAtt::Rfc822 => FetchValue::Rfc822(None),
        FetchAtt::Rfc822Header => FetchValue::Rfc822Header(None),
        FetchAtt::Rfc822Size => FetchValue::Rfc822Size(0),
        FetchAtt::Rfc822Text => FetchValue::Rfc822Text(None),
        FetchAtt::BodySection {
            section, partial, ..
        } => FetchValue::BodySection {
            section: section.clone(),
            origin: partial.map(|(o, _)| o),
            data: None,
        },
        // As BODY[...]: NIL content, size 0.
        FetchAtt::Binary { part, partial, .. } => FetchValue::Binary {
            part: part.clone(),
            origin: partial.map(|(o, _)| o),
            data: None,
            literal8: false,
        },
        FetchAtt::BinarySize { part } => FetchValue::BinarySize {
            part: part.clone(),
            size: 0,
        },
    }
}

/// RFC 2180 §4.1.3: `("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)`.
fn nil_body() -> BodyStructure {
    BodyStructure::Single {
        basic: BasicFields {
            media_type: b"TEXT".to_vec(),
            subtype: b"PLAIN".to_vec(),
            params: Vec::new(),
            id: None,
            description: None,
            encoding: b"7BIT".to_vec(),
            size: 0,
        },
        specific: SpecificFields::Text { lines: 0 },
        extension: None,
    }
}

/// A compact set for UIDs (sorted or not): runs become ranges (RFC 4315 §3 `uid-set`).
pub fn uid_set(uids: &[Uid]) -> SequenceSet {
    let mut ranges: Vec<SeqRange> = Vec::new();
    for &Uid(u) in uids {
        if let Some(last) = ranges.last_mut() {
            if let SeqBound::Num(end) = last.end {
                if end.checked_add(1) == Some(u) {
                    last.end = SeqBound::Num(u);
                    continue;
                }
            }
        }
        ranges.push(SeqRange {
            start: SeqBound::Num(u),
            end: SeqBound::Num(u),
        });
    }
    SequenceSet(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::Envelope;

    #[test]
    fn line_numbers_are_written_in_decimal() {
        let mut values = vec![
            0,
            1,
            9,
            99,
            12_345,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ];
        let mut power = 10u64;
        while let Some(next) = power.checked_mul(10) {
            values.extend([power - 1, power, power + 1]);
            power = next;
        }
        for n in values {
            let mut line = LineBuf::default();
            line.put(b"x");
            line.number(n);
            assert_eq!(line.bytes(), format!("x{n}").as_bytes(), "{n}");
        }
    }

    #[test]
    fn flags_fetch_writes_the_octets_of_its_fetch_response() {
        use crate::protocol::encode::encode_response;
        use crate::server::mailstore::Flags;
        let lists: Vec<Vec<Flag>> = vec![
            vec![],
            vec![Flag::Seen],
            vec![
                Flag::Draft,
                Flag::Seen,
                Flag::Deleted,
                Flag::Flagged,
                Flag::Answered,
            ],
            vec![Flag::Keyword("$Forwarded".into()), Flag::Flagged],
            vec![Flag::Keyword("a".into()), Flag::Keyword("B\r\nc".into())],
            vec![Flag::Keyword("k".into()), Flag::Seen, Flag::Draft],
        ];
        for list in &lists {
            for flags in [None, Some(false), Some(true)] {
                for uid in [None, Some(7), Some(u32::MAX)] {
                    for modseq in [None, Some(1), Some(u64::MAX)] {
                        for seq in [1, 9, 10, 99, 100_000, 4_294_967_295] {
                            let fetch = FlagsFetch {
                                seq,
                                flags: flags.map(|recent| (Flags::from_list(list), recent)),
                                uid,
                                modseq,
                            };
                            let (mut direct, mut built) = (Vec::new(), Vec::new());
                            fetch.write(&mut direct);
                            encode_response(&fetch.response(), &mut built);
                            assert_eq!(
                                String::from_utf8_lossy(&direct),
                                String::from_utf8_lossy(&built)
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn uid_sets_collapse_runs() {
        let set = uid_set(&[Uid(1), Uid(2), Uid(3), Uid(7), Uid(9), Uid(10)]);
        let n = SeqBound::Num;
        assert_eq!(
            set.0,
            vec![
                SeqRange {
                    start: n(1),
                    end: n(3)
                },
                SeqRange {
                    start: n(7),
                    end: n(7)
                },
                SeqRange {
                    start: n(9),
                    end: n(10)
                },
            ]
        );
    }

    fn section(part: &[u32]) -> Section {
        Section {
            part: part.to_vec(),
            text: None,
        }
    }

    fn body(part: &[u32], origin: Option<u32>, data: &[u8]) -> FetchValue {
        FetchValue::BodySection {
            section: section(part),
            origin,
            data: Some(data.to_vec()),
        }
    }

    #[test]
    fn a_fetch_response_names_each_item_once_in_first_order_rfc3501_7_4_2() {
        let mut fetch = FetchResponse::new(3);
        assert!(fetch.push(FetchValue::Uid(7)));
        assert!(fetch.push(FetchValue::Flags(vec![Flag::Seen])));
        assert!(!fetch.push(FetchValue::Uid(7)));
        assert!(!fetch.push(FetchValue::Flags(Vec::new())));
        assert!(fetch.push(body(&[1], None, b"a")));
        assert!(fetch.push(body(&[1], Some(0), b"b")));
        assert!(fetch.push(body(&[2], None, b"c")));
        // BODY[1] again, and BODY[1]<0> again with another count: same names, dropped.
        assert!(!fetch.push(body(&[1], None, b"x")));
        assert!(!fetch.push(body(&[1], Some(0), b"y")));
        // BODY.PEEK[2] is answered as BODY[2]: not computed again.
        let peek = FetchAtt::BodySection {
            peek: true,
            section: section(&[2]),
            partial: None,
        };
        fetch.push_att(&peek, |_| panic!("BODY[2] is already there"));
        fetch.push_att(&FetchAtt::Uid, |_| panic!("UID is already there"));
        fetch.push_att(&FetchAtt::Rfc822Size, |_| FetchValue::Rfc822Size(9));
        assert!(fetch.has_flags());
        let Response::Data(Data::Fetch { seq, items }) = fetch.into_response() else {
            panic!("not a FETCH response");
        };
        assert_eq!(seq, 3);
        assert_eq!(
            items,
            vec![
                FetchValue::Uid(7),
                FetchValue::Flags(vec![Flag::Seen]),
                body(&[1], None, b"a"),
                body(&[1], Some(0), b"b"),
                body(&[2], None, b"c"),
                FetchValue::Rfc822Size(9),
            ]
        );
        assert!(!FetchResponse::new(1).has_flags());
    }

    #[test]
    fn binary_items_are_named_once_rfc3516_4_3() {
        let binary = |part: Vec<u32>, origin| FetchValue::Binary {
            part,
            origin,
            data: Some(b"x".to_vec()),
            literal8: false,
        };
        let mut fetch = FetchResponse::new(1);
        assert!(fetch.push(binary(vec![1], None)));
        assert!(fetch.push(binary(vec![1], Some(0))));
        assert!(fetch.push(FetchValue::BinarySize {
            part: vec![1],
            size: 1
        }));
        assert!(fetch.push(body(&[1], None, b"x")));
        assert!(!fetch.push(binary(vec![1], None)));
        assert!(!fetch.push(FetchValue::BinarySize {
            part: vec![1],
            size: 1
        }));
        // BINARY.PEEK[1] is answered as BINARY[1].
        let peek = FetchAtt::Binary {
            peek: true,
            part: vec![1],
            partial: None,
        };
        fetch.push_att(&peek, |_| panic!("BINARY[1] is already there"));
        assert!(fetch.push(binary(vec![2], None)));
    }

    #[test]
    fn nil_forms_follow_rfc_2180_section_4_1_3() {
        assert_eq!(
            nil_value(&FetchAtt::Envelope, Uid(1), 1),
            FetchValue::Envelope(Arc::<Envelope>::default())
        );
        assert_eq!(
            nil_value(&FetchAtt::Rfc822Size, Uid(1), 1),
            FetchValue::Rfc822Size(0)
        );
        assert_eq!(nil_value(&FetchAtt::Uid, Uid(4), 1), FetchValue::Uid(4));
    }
}
