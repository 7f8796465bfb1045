//! SORT, UID SORT, THREAD and UID THREAD (RFC 5256 §3; SORT=DISPLAY, RFC 5957): a SEARCH
//! (the same keys, limits and RFC 2180 §4.3 policy), then the order or threads of
//! [`crate::server::sort`] and [`crate::server::thread`].

use crate::protocol::types::{
    Code, Data, Response, SearchKey, SortCriterion, SortKey, ThreadAlgorithm,
};
use crate::server::commands::fetch::Touched;
use crate::server::commands::search::{Matched, CHARSETS};
use crate::server::policy::Citation;
use crate::server::search_keys::has_modseq;
use crate::server::sort::{sort, Sortable};
use crate::server::thread::{ordered_subject, references, Algorithm, Numbering};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

/// The matches as SORT and THREAD order them.
fn sortable(matched: &Matched) -> Vec<Sortable<'_>> {
    matched
        .hits
        .iter()
        .map(|h| Sortable {
            seq: h.seq,
            uid: h.uid,
            data: &h.data,
        })
        .collect()
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
    /// numbers or UIDs in order, the highest mod-sequence among them (`None` when none matched),
    /// and whether messages another session expunged were met. What SORT answers, and what
    /// ESORT and CONTEXT=SORT (RFC 5267) can build on.
    pub(crate) fn sorted(
        &self,
        client: ClientId,
        criteria: &[SortCriterion],
        search: &[SearchKey],
        uid: bool,
    ) -> Result<(Vec<u32>, Option<u64>, bool), Fail> {
        let readers = criteria
            .iter()
            .filter(|c| !matches!(c.key, SortKey::Arrival | SortKey::Size))
            .count();
        let matched = self.search_matches(client, search, readers)?;
        let messages = sortable(&matched);
        let numbers = sort(&messages, criteria)
            .into_iter()
            .filter_map(|i| messages.get(i))
            .map(|m| if uid { m.uid } else { m.seq })
            .collect();
        let highest = matched.hits.iter().map(|h| h.modseq).max();
        Ok((numbers, highest, matched.saw_expunged))
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
        let (numbers, highest, saw_expunged) = self.sorted(client, criteria, search, uid)?;
        let (done, citation) = self.sort_done(if uid { "UID SORT" } else { "SORT" }, saw_expunged);
        // RFC 7162 §3.1.9: with a MODSEQ search key and a non-empty result, the highest
        // mod-sequence of the messages returned ends the SORT response. (SORT is not among the
        // CONDSTORE enabling commands of §3.1, so unlike SEARCH it does not enable CONDSTORE.)
        let modseq = highest.filter(|_| has_modseq(search));
        self.send(
            client,
            Response::Data(Data::Sort(numbers, modseq)),
            citation,
        );
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
        let messages = sortable(&matched);
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
