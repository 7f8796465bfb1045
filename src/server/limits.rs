//! Per-command work bounds: what keeps one command line (at most 64 KB, `framer::Limits`) from
//! costing O(line length × messages) and stalling every other session of the single-threaded
//! engine. A command over a bound is refused before it does any work with a tagged
//! `NO [LIMIT]` (RFC 9051 §7.1: "The operation ran up against an implementation limit of some
//! kind"). RFC 2683 §3.2.1.5 asks servers to bound what one command may hold; the values are
//! this server's policy, chosen so every command on 20,000 messages answers in well under a
//! second (BENCHMARKS.md, "Hostile lines"), and are listed in README's Limits table.
//!
//! Sequence and UID sets need no bound: they are merged before use
//! ([`Ranges`](crate::server::session::Ranges)).

use crate::protocol::types::{Code, FetchAtt, Flag, SectionText};
use crate::server::mailstore::{Mailbox, MailboxId};
use crate::server::session::{Index, View};
use crate::server::{ClientId, Fail, Server};

/// SEARCH keys per command, counting every key inside OR, NOT and parentheses. Real clients
/// send tens; 256 keys on 20,000 messages is 5 million cheap tests.
pub const SEARCH_KEYS: usize = 256;

/// Ranges `$` may stand for in one command, summed over its uses (RFC 5182 §2.1): the saved
/// result is written into the command once per `$`, so 256 `$` keys on a result of 10,000
/// ranges would be 2.5 million ranges to build and test. One `$` on any saved result of up
/// to this many ranges (half a million messages) is always allowed.
pub const LAST_RESULT_RANGES: usize = 1 << 18;

/// Searches with RETURN (UPDATE) one session may keep (RFC 5267 §4.3.1: at least one MUST be
/// provided, more SHOULD), live SORTs (CONTEXT=SORT) included. Each is looked at again, for
/// the messages that changed, every time its session is told of changes.
pub const SEARCH_CONTEXTS: usize = 8;

/// Items per FETCH after macros are expanded (there are a dozen kinds; the rest are sections).
pub const FETCH_ITEMS: usize = 64;

/// Header field names in all the `HEADER.FIELDS` / `HEADER.FIELDS.NOT` lists of one FETCH:
/// each is compared with every header line of every message fetched.
pub const FETCH_HEADER_NAMES: usize = 64;

/// Octets of section specifiers (part numbers and header field names) in one FETCH: each is
/// echoed in the response for every message (RFC 3501 §7.4.2 `BODY[section]`).
pub const FETCH_SECTION_OCTETS: usize = 1_024;

/// Flags in one STORE or APPEND list: each is tested against every keyword of every message
/// of the set.
pub const STORE_FLAGS: usize = 16;

/// Keywords a mailbox may define (its three defaults included): every message's keywords are
/// among them, so they bound what STORE, COPY and FETCH FLAGS do per message. A STORE or
/// APPEND that would define more is refused, and PERMANENTFLAGS then leaves out `\*` (RFC 3501
/// §7.1: `\*` says new keywords may be created). COPY and MOVE bring the source's keywords
/// along regardless, so they lose no flags.
pub const MAILBOX_KEYWORDS: usize = 64;

/// Octets of all the patterns of one extended LIST (RFC 5258 §3): each pattern is matched
/// against every mailbox name, so this bounds the matching to four times what one longest
/// pattern costs.
pub const LIST_PATTERN_OCTETS: usize = 4_096;

/// Message octets one command may read through its keys or items (SEARCH's header and text
/// keys, FETCH's sections, ENVELOPE and BODYSTRUCTURE): a header key or item counts the
/// header octets of the messages it applies to, any other the whole messages. This much, or
/// one pass over those messages if that is more, so a single `TEXT` key or `BODY[]` item is
/// never refused whatever the mailbox's size.
pub const READ_OCTETS: u64 = 48 * 1024 * 1024;

/// Mailbox names in one NOTIFY SET (all its SUBTREE and MAILBOXES lists): each is compared
/// with every mailbox name at each delivery. More is refused with `NO [NOTIFICATIONOVERFLOW]`
/// (RFC 5465 §3.1: "If the notification would be prohibitively expensive for the server ...
/// the server MAY refuse the command with a tagged NO [NOTIFICATIONOVERFLOW] response").
pub const NOTIFY_MAILBOX_NAMES: usize = 100;

/// STATUS and LIST notifications one delivery may send a session. More, and the session gets
/// `* OK [NOTIFICATIONOVERFLOW]` and its NOTIFY becomes NONE (RFC 5465 §5.8), rather than a
/// flood it would have to resynchronise from anyway.
pub const NOTIFY_BURST: usize = 200;

/// The octets of the messages a command applies to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Octets {
    pub whole: u64,
    /// The header blocks only (parses the MIME structure, which the keys need anyway).
    pub header: u64,
}

/// How many keys or items read whole messages and how many only their headers.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Readers {
    pub whole: usize,
    pub header: usize,
}

impl Readers {
    pub fn total(&self) -> usize {
        self.whole.saturating_add(self.header)
    }

    /// Whether reading `octets` this many times stays within [`READ_OCTETS`].
    pub fn within(&self, octets: Octets) -> bool {
        let times = |n: usize, o: u64| u64::try_from(n).unwrap_or(u64::MAX).saturating_mul(o);
        let read =
            times(self.whole, octets.whole).saturating_add(times(self.header, octets.header));
        read <= READ_OCTETS.max(octets.whole)
    }
}

/// The octets of the messages at these view indexes (a ghost's for one expunged elsewhere).
pub fn octets(view: &View, mailbox: &Mailbox, indexes: &[Index]) -> Octets {
    let mut sum = Octets::default();
    for e in indexes.iter().filter_map(|&i| view.entries.get(i)) {
        let data = match &e.expunged {
            Some(ghost) => Some(&ghost.data),
            None => mailbox.message(e.uid).map(|m| &m.data),
        };
        if let Some(d) = data {
            sum.whole = sum.whole.saturating_add(u64::from(d.size()));
            let header = d.mime().header_bytes(&d.raw).len();
            sum.header = sum
                .header
                .saturating_add(u64::try_from(header).unwrap_or(u64::MAX));
        }
    }
    sum
}

/// The tagged reply to a command over a bound.
pub fn exceeded(what: impl std::fmt::Display) -> Fail {
    Fail::no(format!("Too much work for one command: {what}")).with_code(Code::Limit)
}

/// The reply to keys or items that would read too much; `readers.within(octets)` was false.
pub fn too_much_reading(readers: Readers, octets: Octets) -> Fail {
    exceeded(format!(
        "{} keys or items reading {} octets of messages ({} of headers), at most {READ_OCTETS} \
         or one pass",
        readers.total(),
        octets.whole,
        octets.header
    ))
}

/// Checks a STORE or APPEND flag list against [`STORE_FLAGS`] and [`MAILBOX_KEYWORDS`].
pub fn check_flags(mailbox: &Mailbox, flags: &[Flag]) -> Result<(), Fail> {
    if flags.len() > STORE_FLAGS {
        return Err(exceeded(format!(
            "{} flags, at most {STORE_FLAGS} allowed",
            flags.len()
        )));
    }
    let new = mailbox.new_keywords(flags);
    if new > 0 && mailbox.keywords().len().saturating_add(new) > MAILBOX_KEYWORDS {
        return Err(exceeded(format!(
            "{new} new keywords, but a mailbox holds at most {MAILBOX_KEYWORDS}"
        )));
    }
    Ok(())
}

/// Checks a FETCH's items (macros expanded) against [`FETCH_ITEMS`], [`FETCH_HEADER_NAMES`],
/// [`FETCH_SECTION_OCTETS`] and [`READ_OCTETS`]; `octets` is what the messages fetched hold.
pub fn check_fetch(atts: &[FetchAtt], octets: impl FnOnce() -> Octets) -> Result<(), Fail> {
    if atts.len() > FETCH_ITEMS {
        return Err(exceeded(format!(
            "{} fetch items, at most {FETCH_ITEMS} allowed",
            atts.len()
        )));
    }
    let mut names = 0usize;
    let mut echoed = 0usize;
    let mut readers = Readers::default();
    for att in atts {
        match att {
            FetchAtt::Flags
            | FetchAtt::InternalDate
            | FetchAtt::Rfc822Size
            | FetchAtt::Uid
            | FetchAtt::ModSeq => {}
            FetchAtt::Envelope | FetchAtt::Rfc822Header => readers.header += 1,
            FetchAtt::Rfc822 | FetchAtt::Rfc822Text | FetchAtt::Body | FetchAtt::BodyStructure => {
                readers.whole += 1
            }
            FetchAtt::BodySection { section, .. } => {
                let digits: usize = section.part.iter().map(|p| p.to_string().len() + 1).sum();
                echoed = echoed.saturating_add(digits);
                match &section.text {
                    Some(SectionText::HeaderFields(n) | SectionText::HeaderFieldsNot(n))
                        if section.part.is_empty() =>
                    {
                        readers.header += 1;
                        names = names.saturating_add(n.len());
                        let octets: usize = n.iter().map(|name| name.len() + 1).sum();
                        echoed = echoed.saturating_add(octets);
                    }
                    Some(SectionText::Header) if section.part.is_empty() => readers.header += 1,
                    Some(SectionText::HeaderFields(n) | SectionText::HeaderFieldsNot(n)) => {
                        readers.whole += 1;
                        names = names.saturating_add(n.len());
                        let octets: usize = n.iter().map(|name| name.len() + 1).sum();
                        echoed = echoed.saturating_add(octets);
                    }
                    _ => readers.whole += 1,
                }
            }
            // RFC 3516 §4.2: decoding reads the part once, like a BODY[section].
            FetchAtt::Binary { part, .. } | FetchAtt::BinarySize { part } => {
                let digits: usize = part.iter().map(|p| p.to_string().len() + 1).sum();
                echoed = echoed.saturating_add(digits);
                readers.whole += 1;
            }
        }
    }
    if names > FETCH_HEADER_NAMES {
        return Err(exceeded(format!(
            "{names} header field names, at most {FETCH_HEADER_NAMES} allowed"
        )));
    }
    if echoed > FETCH_SECTION_OCTETS {
        return Err(exceeded(format!(
            "{echoed} octets of section specifiers, at most {FETCH_SECTION_OCTETS} allowed"
        )));
    }
    if readers.total() > 1 {
        let octets = octets();
        if !readers.within(octets) {
            return Err(too_much_reading(readers, octets));
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
                _ => Octets::default(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_is_always_allowed_more_share_the_octet_budget() {
        let whole = |n: u64| Octets {
            whole: n,
            header: n / 10,
        };
        let r = |whole, header| Readers { whole, header };
        assert!(r(1, 0).within(whole(u64::MAX)));
        assert!(r(16, 0).within(whole(READ_OCTETS / 16)));
        assert!(!r(17, 0).within(whole(READ_OCTETS / 16)));
        assert!(!r(2, 0).within(whole(READ_OCTETS)));
        // Header readers count header octets: ten of them cost one whole pass here.
        assert!(r(1, 10).within(whole(READ_OCTETS / 2)));
        assert!(!r(1, 11).within(whole(READ_OCTETS / 2)));
        assert!(r(usize::MAX, usize::MAX).within(Octets::default()));
    }
}
