//! The responses queued for the driver, as one batch: every line's octets in one buffer and a
//! small record per line, so queueing a response costs no allocation of its own. A FETCH 1:*
//! of 100k messages is 100k lines; one `Vec` each made the allocator the largest cost of the
//! reply (issue 14). [`Batch::into_outputs`] splits a batch into [`Output`]s for the drivers
//! that want one value per line.

use crate::protocol::types::StatusKind;
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
}
