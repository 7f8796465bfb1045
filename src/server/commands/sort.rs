//! SORT, UID SORT, THREAD and UID THREAD (RFC 5256 §3; SORT=DISPLAY, RFC 5957): a SEARCH
//! (the same keys, limits and RFC 2180 §4.3 policy), then the order or threads of
//! [`crate::server::sort`] and [`crate::server::thread`].

use crate::protocol::types::{
    Code, Data, Response, SearchKey, SortCriterion, SortKey, ThreadAlgorithm,
};
use crate::server::commands::fetch::{selected_view, Touched};
use crate::server::commands::search::{candidates, CHARSETS};
use crate::server::limits;
use crate::server::mailstore::{Flags, MessageData};
use crate::server::policy::{Citation, SearchExpunged};
use crate::server::search_keys::{Bounds, Candidate, Plan};
use crate::server::session::View;
use crate::server::sort::{sort, Sortable};
use crate::server::thread::{ordered_subject, references, Algorithm, Numbering};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};
use std::sync::Arc;

/// The messages a search matched, in sequence order, and whether it met any that another
/// session expunged (for the citation and `[EXPUNGEISSUED]`).
pub(crate) struct Matched {
    pub messages: Vec<(u32, u32, Arc<MessageData>)>,
    pub saw_expunged: bool,
}

impl Matched {
    pub(crate) fn sortable(&self) -> Vec<Sortable<'_>> {
        self.messages
            .iter()
            .map(|(seq, uid, data)| Sortable {
                seq: *seq,
                uid: *uid,
                data,
            })
            .collect()
    }
}

fn check_charset(charset: &str) -> Result<(), Fail> {
    if CHARSETS.iter().any(|c| c.eq_ignore_ascii_case(charset)) {
        return Ok(());
    }
    // RFC 5256 §3: "The US-ASCII and [UTF-8] charsets MUST be implemented"; RFC 3501 §6.4.4:
    // NO with BADCHARSET listing the supported ones.
    Err(
        Fail::no(format!("Unsupported charset {charset}")).with_code(Code::BadCharset(
            CHARSETS.iter().map(|c| c.to_string()).collect(),
        )),
    )
}

impl Server {
    /// RFC 5256 §3: "The SORT command first searches the mailbox for messages that match the
    /// given searching criteria". `extra_header_readers` is how many times the ordering reads
    /// each match's header, counted with the search keys' readers against the limits.
    pub(crate) fn search_matches(
        &self,
        client: ClientId,
        criteria: &[SearchKey],
        extra_header_readers: usize,
    ) -> Result<Matched, Fail> {
        let (mailbox_id, _) = self.selected_mailbox(client)?;
        let policy = self.policies.search_expunged;
        let view = selected_view(&self.sessions, client)?;
        let Some(mailbox) = self.store.get(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let bounds = Bounds {
            max_seq: view.exists(),
            max_uid: view.entries.last().map_or(0, |e| e.uid.0),
        };
        let (plan, mut cost, slots) = Plan::compile(criteria, &bounds);
        let mut has_keywords = slots.buffer();
        if cost.keys > limits::SEARCH_KEYS {
            return Err(limits::exceeded(format!(
                "{} search keys, at most {} allowed",
                cost.keys,
                limits::SEARCH_KEYS
            )));
        }
        let candidates = candidates(criteria, view);
        cost.readers.header = cost.readers.header.saturating_add(extra_header_readers);
        if cost.readers.total() > 1 {
            let octets = limits::octets(view, mailbox, &candidates);
            if !cost.readers.within(octets) {
                return Err(limits::too_much_reading(cost.readers, octets));
            }
        }
        let mut matched = Matched {
            messages: Vec::new(),
            saw_expunged: false,
        };
        let no_flags = Flags::default();
        for i in candidates {
            let Some(entry) = view.entries.get(i) else {
                continue;
            };
            let seq = View::seq_of(i).0;
            let (data, flags, modseq) = match &entry.expunged {
                Some(ghost) => {
                    matched.saw_expunged = true;
                    // The same decision point as SEARCH: SORT and THREAD are "a variant of
                    // SEARCH" (RFC 5256 §3).
                    match policy {
                        // RFC 2180 §4.3: the server MAY leave expunged messages out.
                        SearchExpunged::Omit => continue,
                        SearchExpunged::Include => (&ghost.data, &ghost.flags, ghost.modseq),
                        // Dovecot 2.3 behaviour: flag keys do not match expunged messages.
                        SearchExpunged::IncludeFlagless => (&ghost.data, &no_flags, ghost.modseq),
                    }
                }
                None => match mailbox.message(entry.uid) {
                    Some(m) => (&m.data, &m.flags, m.modseq),
                    None => continue,
                },
            };
            slots.mark(flags, &mut has_keywords);
            let candidate = Candidate {
                seq,
                uid: entry.uid,
                data,
                flags,
                recent: entry.recent,
                modseq,
                keywords: &has_keywords,
            };
            if plan.matches(&candidate, &bounds) {
                matched.messages.push((seq, entry.uid.0, Arc::clone(data)));
            }
        }
        Ok(matched)
    }

    /// The tagged reply of SORT and THREAD, with the citation when expunged messages were met.
    fn sort_done(&self, name: &str, saw_expunged: bool) -> (Done, Option<Citation>) {
        let citation = saw_expunged.then(|| Citation::of(self.policies.search_expunged));
        let mut done = Done::text(format!("{name} completed"));
        if let Some(c) = &citation {
            done = done.cite(c.clone());
        }
        // As SEARCH: the expunged messages were named for their flags and headers, not
        // fetched.
        if let Some((code, _)) = self.expunge_issued(Touched::when(saw_expunged, Touched::Flags)) {
            done = done.with_code(code);
        }
        (done, citation)
    }

    /// The SORT result in this session's view (RFC 5256 §3): the matching messages' sequence
    /// numbers or UIDs in order, and whether messages another session expunged were met. What
    /// SORT answers, and what ESORT and CONTEXT=SORT (RFC 5267) can build on.
    pub(crate) fn sorted(
        &self,
        client: ClientId,
        criteria: &[SortCriterion],
        search: &[SearchKey],
        uid: bool,
    ) -> Result<(Vec<u32>, bool), Fail> {
        let readers = criteria
            .iter()
            .filter(|c| !matches!(c.key, SortKey::Arrival | SortKey::Size))
            .count();
        let matched = self.search_matches(client, search, readers)?;
        let messages = matched.sortable();
        let numbers = sort(&messages, criteria)
            .into_iter()
            .filter_map(|i| messages.get(i))
            .map(|m| if uid { m.uid } else { m.seq })
            .collect();
        Ok((numbers, matched.saw_expunged))
    }

    pub(crate) fn handle_sort(
        &mut self,
        client: ClientId,
        criteria: &[SortCriterion],
        charset: &str,
        search: &[SearchKey],
        uid: bool,
    ) -> CmdResult {
        check_charset(charset)?;
        let (numbers, saw_expunged) = self.sorted(client, criteria, search, uid)?;
        let (done, citation) = self.sort_done(if uid { "UID SORT" } else { "SORT" }, saw_expunged);
        self.send(client, Response::Data(Data::Sort(numbers)), citation);
        Ok(done)
    }

    pub(crate) fn handle_thread(
        &mut self,
        client: ClientId,
        algorithm: &ThreadAlgorithm,
        charset: &str,
        search: &[SearchKey],
        uid: bool,
    ) -> CmdResult {
        let run: Algorithm = match algorithm {
            ThreadAlgorithm::OrderedSubject => ordered_subject,
            ThreadAlgorithm::References => references,
            // RFC 5256 §3 lists the algorithms; one the server does not advertise is an
            // invalid argument.
            ThreadAlgorithm::Other(name) => {
                return Err(Fail::bad(format!(
                "Unknown threading algorithm {name} (ORDEREDSUBJECT and REFERENCES are supported)"
            )))
            }
        };
        check_charset(charset)?;
        // Subject and date; REFERENCES also the three ID fields.
        let readers = match algorithm {
            ThreadAlgorithm::References => 2,
            _ => 1,
        };
        let matched = self.search_matches(client, search, readers)?;
        let messages = matched.sortable();
        let number: Numbering = if uid { |m| m.uid } else { |m| m.seq };
        let threads = run(&messages, number);
        let (done, citation) = self.sort_done(
            if uid { "UID THREAD" } else { "THREAD" },
            matched.saw_expunged,
        );
        self.send(client, Response::Data(Data::Thread(threads)), citation);
        Ok(done)
    }
}
