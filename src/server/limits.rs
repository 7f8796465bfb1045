//! Per-command work bounds: what keeps one command line (at most 64 KB, `framer::Limits`) from
//! costing O(line length × messages) and stalling every other session of the single-threaded
//! engine. A command over a bound is refused before it does any work with a tagged
//! `NO [LIMIT]` (RFC 9051 §7.1: "The operation ran up against an implementation limit of some
//! kind"). RFC 2683 §3.2.1.5 asks servers to bound what one command may hold; the values are
//! this server's policy and are listed in README's Limits table.
//!
//! Sequence and UID sets need no bound: they are merged before use
//! ([`Ranges`](crate::server::session::Ranges)).

use crate::protocol::types::{Code, FetchAtt, SectionText};
use crate::server::session::{Index, View};
use crate::server::store::{Mailbox, MailboxId};
use crate::server::{ClientId, Fail, Server};

/// SEARCH keys per command, counting every key inside OR, NOT and parentheses. Real clients
/// send tens; 1,000 keys on 20,000 messages is 20 million cheap tests.
pub const SEARCH_KEYS: usize = 1_000;

/// Items per FETCH after macros are expanded (there are a dozen kinds; the rest are sections).
pub const FETCH_ITEMS: usize = 64;

/// Header field names in all the `HEADER.FIELDS` / `HEADER.FIELDS.NOT` lists of one FETCH:
/// each is compared with every header line of every message fetched.
pub const FETCH_HEADER_NAMES: usize = 256;

/// Flags in one STORE list: each is applied to every message of the set.
pub const STORE_FLAGS: usize = 64;

/// Message octets one command may read through its keys or items (SEARCH's header and text
/// keys, FETCH's sections, ENVELOPE and BODYSTRUCTURE), counted as keys × the octets of the
/// messages they apply to: this much, or one pass over those messages if that is more, so a
/// single `TEXT` key or `BODY[]` item is never refused whatever the mailbox's size.
pub const READ_OCTETS: u64 = 64 * 1024 * 1024;

/// Whether `readers` keys or items, each reading up to `octets` message octets, stay within
/// [`READ_OCTETS`].
pub fn read_ok(readers: usize, octets: u64) -> bool {
    let readers = u64::try_from(readers).unwrap_or(u64::MAX);
    readers.saturating_mul(octets) <= READ_OCTETS.max(octets)
}

/// The tagged reply to a command over a bound.
pub fn exceeded(what: impl std::fmt::Display) -> Fail {
    Fail::no(format!("Too much work for one command: {what}")).with_code(Code::Limit)
}

/// The octets of the messages at these view indexes (a ghost's for one expunged elsewhere).
pub fn octets(view: &View, mailbox: &Mailbox, indexes: &[Index]) -> u64 {
    indexes
        .iter()
        .filter_map(|&i| view.entries.get(i))
        .map(|e| match &e.expunged {
            Some(ghost) => u64::from(ghost.data.size()),
            None => mailbox
                .message(e.uid)
                .map_or(0, |m| u64::from(m.data.size())),
        })
        .sum()
}

/// Checks a FETCH's items (macros expanded) against [`FETCH_ITEMS`], [`FETCH_HEADER_NAMES`]
/// and [`READ_OCTETS`]; `octets` is what the messages fetched hold.
pub fn check_fetch(atts: &[FetchAtt], octets: impl FnOnce() -> u64) -> Result<(), Fail> {
    if atts.len() > FETCH_ITEMS {
        return Err(exceeded(format!(
            "{} fetch items, at most {FETCH_ITEMS} allowed",
            atts.len()
        )));
    }
    let mut names = 0usize;
    let mut readers = 0usize;
    for att in atts {
        match att {
            FetchAtt::Flags | FetchAtt::InternalDate | FetchAtt::Rfc822Size | FetchAtt::Uid => {}
            FetchAtt::Envelope
            | FetchAtt::Rfc822
            | FetchAtt::Rfc822Header
            | FetchAtt::Rfc822Text
            | FetchAtt::Body
            | FetchAtt::BodyStructure => readers += 1,
            FetchAtt::BodySection { section, .. } => {
                readers += 1;
                if let Some(SectionText::HeaderFields(n) | SectionText::HeaderFieldsNot(n)) =
                    &section.text
                {
                    names = names.saturating_add(n.len());
                }
            }
        }
    }
    if names > FETCH_HEADER_NAMES {
        return Err(exceeded(format!(
            "{names} header field names, at most {FETCH_HEADER_NAMES} allowed"
        )));
    }
    if readers > 1 {
        let octets = octets();
        if !read_ok(readers, octets) {
            return Err(exceeded(format!(
                "{readers} fetch items over {octets} octets of messages"
            )));
        }
    }
    Ok(())
}

impl Server {
    /// [`check_fetch`] for a FETCH of these view indexes by `client`.
    pub(crate) fn fetch_within_limits(
        &self,
        client: ClientId,
        mailbox: MailboxId,
        indexes: &[Index],
        atts: &[FetchAtt],
    ) -> Result<(), Fail> {
        check_fetch(atts, || {
            let view = self.sessions.get(&client).and_then(|s| s.state.view());
            match (view, self.store.get(mailbox)) {
                (Some(view), Some(mailbox)) => octets(view, mailbox, indexes),
                _ => 0,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_reader_is_always_allowed_more_share_the_octet_budget() {
        assert!(read_ok(1, u64::MAX));
        assert!(read_ok(64, READ_OCTETS / 64));
        assert!(!read_ok(65, READ_OCTETS / 64));
        assert!(!read_ok(2, READ_OCTETS));
        assert!(read_ok(usize::MAX, 0));
    }
}
