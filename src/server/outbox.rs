//! The responses queued for the driver, as one batch: every line's octets in one buffer and a
//! small record per line, so queueing a response costs no allocation of its own. A FETCH 1:*
//! of 100k messages is 100k lines; one `Vec` each made the allocator the largest cost of the
//! reply (issue 14). [`Batch::into_outputs`] splits a batch into [`Output`]s for the drivers
//! that want one value per line.

use crate::protocol::types::StatusKind;
use crate::server::fetch_items::{write_flags_line, FlagsFetch};
use crate::server::mailstore::Flags;
use crate::server::policy::Citation;
use crate::server::{ClientId, Output, OutputKind};

/// Lines for the driver, in the order they were produced ([`crate::server::Server::take_batch`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Every line's exact octets (CRLF and any literal included), one after the other.
    pub bytes: Vec<u8>,
    pub lines: Vec<BatchLine>,
}

/// One line of a [`Batch`]: its octets are `bytes[previous line's end..end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLine {
    pub client: ClientId,
    pub end: usize,
    pub kind: OutputKind,
    /// OK / NO / BAD / BYE / PREAUTH for status responses.
    pub status: Option<StatusKind>,
    /// Why the response has this form, when a policy decided it (boxed: most lines have
    /// none, and a line record of 24 bytes keeps a reply of 100k lines small).
    pub citation: Option<Box<Citation>>,
}

impl Batch {
    /// Room for `lines` more lines of about `bytes` octets each: a reply of one line per
    /// message knows its size before it starts.
    pub(crate) fn reserve(&mut self, lines: usize, bytes: usize) {
        self.lines.reserve(lines);
        self.bytes.reserve(lines.saturating_mul(bytes));
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Each line with its octets.
    pub fn iter(&self) -> impl Iterator<Item = (&BatchLine, &[u8])> {
        let mut start = 0;
        self.lines.iter().map(move |line| {
            let bytes = self.bytes.get(start..line.end).unwrap_or_default();
            start = line.end;
            (line, bytes)
        })
    }

    /// One [`Output`] per line.
    pub fn into_outputs(self) -> Vec<Output> {
        let mut out = Vec::with_capacity(self.lines.len());
        let mut start = 0;
        for line in self.lines {
            out.push(Output {
                client: line.client,
                bytes: self.bytes.get(start..line.end).unwrap_or_default().to_vec(),
                kind: line.kind,
                status: line.status,
                citation: line.citation.map(|c| *c),
            });
            start = line.end;
        }
        out
    }

    /// The batch of these outputs, in their order.
    pub fn from_outputs(outputs: Vec<Output>) -> Batch {
        let mut batch = Batch::default();
        for o in outputs {
            batch.bytes.extend_from_slice(&o.bytes);
            batch.end_line(o.client, o.kind, o.status, o.citation);
        }
        batch
    }

    /// Ends the line whose octets were appended to `bytes` since the previous one.
    pub(crate) fn end_line(
        &mut self,
        client: ClientId,
        kind: OutputKind,
        status: Option<StatusKind>,
        citation: Option<Citation>,
    ) {
        self.lines.push(BatchLine {
            client,
            end: self.bytes.len(),
            kind,
            status,
            citation: citation.map(Box::new),
        });
    }

    /// Appends a line of the given octets.
    pub(crate) fn push(&mut self, client: ClientId, bytes: &[u8], kind: OutputKind) {
        self.bytes.extend_from_slice(bytes);
        self.end_line(client, kind, None, None);
    }

    /// Room for `lines` FETCH responses of flags, UID and MODSEQ ([`FlagsFetch`]), appended
    /// through a [`Tail`]: what FETCH 1:* (FLAGS), STORE 1:* and the NOOP after another
    /// session's STORE send, one line a message.
    pub(crate) fn flags_lines(&mut self, lines: usize) -> FlagsLines<'_> {
        // `* 12345 FETCH (FLAGS (\Seen))` CRLF and the like.
        self.reserve(lines, 40);
        FlagsLines {
            tail: Tail::new(&mut self.bytes),
            lines: &mut self.lines,
        }
    }
}

/// A [`FlagsFetch`]'s items with its flags borrowed: the sequence number, the flags and whether
/// `\Recent` is listed, the UID and the MODSEQ.
pub(crate) type FlagsItems<'a> = (u32, Option<(&'a Flags, bool)>, Option<u32>, Option<u64>);

/// Untagged FETCH responses of flags, UID and MODSEQ being appended to a [`Batch`] (its
/// octets through a [`Tail`], cut to what was written when this is dropped).
pub(crate) struct FlagsLines<'a> {
    tail: Tail<'a>,
    lines: &'a mut Vec<BatchLine>,
}

impl FlagsLines<'_> {
    /// One line: the [`FlagsFetch`] of these items (`flags` borrowed).
    pub fn push(
        &mut self,
        client: ClientId,
        citation: Option<Citation>,
        (seq, flags, uid, modseq): FlagsItems<'_>,
    ) {
        write_flags_line(&mut self.tail, seq, flags, uid, modseq);
        self.lines.push(BatchLine {
            client,
            end: self.tail.len(),
            kind: OutputKind::Untagged,
            status: None,
            citation: citation.map(Box::new),
        });
    }

    /// One line of a [`FlagsFetch`].
    pub fn push_fetch(&mut self, client: ClientId, fetch: &FlagsFetch, citation: Option<Citation>) {
        let flags = fetch.flags.as_ref().map(|(f, recent)| (f, *recent));
        self.push(
            client,
            citation,
            (fetch.seq, flags, fetch.uid, fetch.modseq),
        );
    }
}

/// How many octets a [`Window`] offers: a line of `write_flags_line` without its keywords is at
/// most 125 octets, and the piece written last may store up to 15 octets past its end.
pub(crate) const WINDOW: usize = 144;

/// How far ahead a [`Tail`] zeroes the vector at a time, within the capacity it has.
const BULK: usize = 32 * 1024;

/// Octets appended to a `Vec<u8>` through windows of [`WINDOW`] octets at its end, in which a
/// line of known greatest length is written with stores of constant size: no capacity check or
/// call per piece, and no copy of the line (a FETCH 1:* or STORE 1:* writes one a message:
/// issue 14). The vector is grown and zeroed ahead in bulk; when the tail is dropped, it is
/// cut to the octets written.
pub(crate) struct Tail<'a> {
    out: &'a mut Vec<u8>,
    /// The octets written: `out[..len]`. Past them, zeroed octets or leftovers of a window.
    len: usize,
}

impl<'a> Tail<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Tail<'a> {
        let len = out.len();
        Tail { out, len }
    }

    /// The octets written so far, those of the vector before included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The next [`WINDOW`] octets; what is written there is kept by [`Tail::advance`].
    pub fn window(&mut self) -> Window<'_> {
        let end = self.len.saturating_add(WINDOW);
        if self.out.len() < end {
            // Ahead in bulk, within the capacity the reply reserved while it lasts.
            let ahead = self.len.saturating_add(BULK).min(self.out.capacity());
            self.out.resize(end.max(ahead), 0);
        }
        Window {
            // Cannot fail: the vector reaches `end` now. Empty, every write would be dropped.
            buf: self.out.get_mut(self.len..end).unwrap_or_default(),
            at: 0,
        }
    }

    /// Keeps the first `n` octets of the last window.
    pub fn advance(&mut self, n: usize) {
        self.len = self.len.saturating_add(n).min(self.out.len());
    }

    /// The vector cut to the octets written, for a write of any length; what it appends is
    /// kept.
    pub fn append(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.out.truncate(self.len);
        write(self.out);
        self.len = self.out.len();
    }
}

impl Drop for Tail<'_> {
    fn drop(&mut self) {
        self.out.truncate(self.len);
    }
}

/// A [`Tail`]'s window: octets written from its start.
pub(crate) struct Window<'a> {
    buf: &'a mut [u8],
    /// The octets written.
    pub at: usize,
}

impl Window<'_> {
    /// The first `n` octets of `piece`. All 16 are stored, in one store of constant size: the
    /// rest is overwritten by what follows, or left past the end.
    pub fn piece(&mut self, (piece, n): &([u8; 16], usize)) {
        if let Some(to) = self.buf.get_mut(self.at..self.at + 16) {
            to.copy_from_slice(piece);
            self.at += n;
        }
    }

    /// Takes the last octet back (a list's last separator).
    pub fn back(&mut self) {
        self.at = self.at.saturating_sub(1);
    }

    /// `n` in decimal. Numbers above `u32::MAX` (only a MODSEQ can be) are split into parts
    /// of 8 digits: 64-bit division is one instruction in WebAssembly (no multiplication by
    /// the reciprocal, as 32-bit division by a constant has), and a slow one.
    pub fn number(&mut self, n: u64) {
        const E8: u64 = 100_000_000;
        if let Ok(small) = u32::try_from(n) {
            return self.number32(small);
        }
        // n >= 2^32: its low 8 digits, and at least 2 digits above them.
        let (high, low) = (n / E8, (n % E8) as u32);
        match u32::try_from(high) {
            Ok(high) => self.number32(high),
            Err(_) => {
                self.number32((high / E8) as u32);
                self.digits((high % E8) as u32, 8);
            }
        }
        self.digits(low, 8);
    }

    /// `n` in decimal.
    pub fn number32(&mut self, n: u32) {
        let width = n.checked_ilog10().map_or(1, |log| log as usize + 1);
        self.digits(n, width);
    }

    /// The last `width` decimal digits of `n` (with leading zeros), two at a time from the
    /// last.
    fn digits(&mut self, mut n: u32, width: usize) {
        const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839404142434445464748495051525354555657585960\
            6162636465666768697071727374757677787980818283848586878889909192939495969798\
            99";
        let end = self.at + width;
        let Some(to) = self.buf.get_mut(self.at..end) else {
            return;
        };
        let mut at = width;
        while at >= 2 {
            let pair = (n % 100) as usize * 2;
            n /= 100;
            if let (Some(d), Some(p)) = (to.get_mut(at - 2..at), PAIRS.get(pair..pair + 2)) {
                d.copy_from_slice(p);
            }
            at -= 2;
        }
        if let Some(d) = to.first_mut().filter(|_| at == 1) {
            *d = b'0' + (n % 10) as u8;
        }
        self.at = end;
    }
}

/// A [`Window::piece`]: `text` padded to 16 octets, and its length.
#[allow(clippy::indexing_slicing)] // Evaluated at compile time: a bad index fails the build.
pub(crate) const fn piece(text: &[u8]) -> ([u8; 16], usize) {
    let mut out = [0; 16];
    let mut i = 0;
    while i < text.len() {
        out[i] = text[i];
        i += 1;
    }
    (out, text.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn lines_split_back_into_outputs_at_their_ends() {
        let mut b = Batch::default();
        b.push(ClientId(1), b"* OK hi\r\n", OutputKind::Untagged);
        b.push(ClientId(2), b"", OutputKind::Closed);
        b.bytes.extend_from_slice(b"a NO x\r\n");
        b.end_line(ClientId(1), OutputKind::Tagged, Some(StatusKind::No), None);
        let out = b.into_outputs();
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].bytes, b"* OK hi\r\n");
        assert_eq!(
            (out[1].client, out[1].kind),
            (ClientId(2), OutputKind::Closed)
        );
        assert!(out[1].bytes.is_empty());
        assert_eq!(out[2].bytes, b"a NO x\r\n");
        assert_eq!(out[2].status, Some(StatusKind::No));
    }

    #[test]
    fn window_numbers_are_written_in_decimal() {
        let mut values = vec![
            0,
            1,
            9,
            99,
            12_345,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        let mut power = 10u64;
        while let Some(next) = power.checked_mul(10) {
            values.extend([power - 1, power, power + 1]);
            power = next;
        }
        // Parts of 8 digits with zeros to keep.
        values.extend([
            100_000_000 * (1 << 32),
            100_000_000 * (1 << 32) + 7,
            10_000_000_000_000_000 + 1,
        ]);
        for n in values {
            let mut out = b"a".to_vec();
            let mut tail = Tail::new(&mut out);
            let mut w = tail.window();
            w.piece(&piece(b"x"));
            w.number(n);
            if let Ok(small) = u32::try_from(n) {
                w.piece(&piece(b" "));
                w.number32(small);
            }
            let written = w.at;
            tail.advance(written);
            drop(tail);
            let expected = match u32::try_from(n) {
                Ok(_) => format!("ax{n} {n}"),
                Err(_) => format!("ax{n}"),
            };
            assert_eq!(String::from_utf8_lossy(&out), expected);
        }
    }

    /// Lines written through a tail, across many windows and its zeroing ahead, keep exactly
    /// the octets written (the pieces stored past a line's end never show), each line ending
    /// where its record says, after what the batch held before.
    #[test]
    fn flags_lines_are_the_octets_of_their_fetch_responses() {
        use crate::protocol::types::Flag;
        let lists = [
            Flags::default(),
            Flags::from_list(&[Flag::Flagged]),
            Flags::from_list(&[Flag::Answered, Flag::Draft, Flag::Seen]),
            Flags::from_list(&[Flag::Keyword("$Junk".into()), Flag::Deleted]),
        ];
        let mut batch = Batch::default();
        batch.push(ClientId(9), b"* OK before\r\n", OutputKind::Untagged);
        let mut expected = b"* OK before\r\n".to_vec();
        let mut ends = vec![expected.len()];
        let mut lines = batch.flags_lines(10);
        for i in 0..5_000u32 {
            let fetch = FlagsFetch {
                seq: i * 7919 % 100_003,
                flags: (i % 5 != 0).then(|| (lists[i as usize % 4].clone(), i % 3 == 0)),
                uid: (i % 2 == 0).then_some(i),
                modseq: (i % 7 == 0).then_some(u64::from(i) << 33),
            };
            if i % 11 == 0 {
                lines.push_fetch(ClientId(1), &fetch, None);
            } else {
                let flags = fetch.flags.as_ref().map(|(f, r)| (f, *r));
                lines.push(
                    ClientId(1),
                    None,
                    (fetch.seq, flags, fetch.uid, fetch.modseq),
                );
            }
            crate::protocol::encode::encode_response(&fetch.response(), &mut expected);
            ends.push(expected.len());
        }
        drop(lines);
        assert!(expected.len() > 4 * BULK);
        assert_eq!(
            String::from_utf8_lossy(&batch.bytes),
            String::from_utf8_lossy(&expected)
        );
        let got: Vec<usize> = batch.lines.iter().map(|l| l.end).collect();
        assert_eq!(got, ends);
    }
}
