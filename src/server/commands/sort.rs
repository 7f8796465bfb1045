//! SORT, UID SORT, THREAD and UID THREAD (RFC 5256 §3; SORT=DISPLAY, RFC 5957): a SEARCH
//! (the same keys, limits and RFC 2180 §4.3 policy), then the order or threads of
//! [`crate::server::sort`] and [`crate::server::thread`]. The extended SORT (ESORT, RFC 5267
//! §3) and live SORT results (CONTEXT=SORT, §4) share SEARCH's return options and live
//! contexts ([`crate::server::commands::search`]); only the order, and the positions it gives
//! updates, are theirs.

use crate::protocol::types::{
    Code, Data, Response, SearchKey, SearchReturnData, SearchReturnOpt, SeqBound, SeqRange,
    SequenceSet, SortCriterion, SortKey, StatusKind, Tag, ThreadAlgorithm,
};
use crate::server::commands::fetch::{selected_view, Touched};
use crate::server::commands::search::{
    check_return_opts, esearch, in_uids, saved, update_response, Hit, Matched, CHARSETS,
};
use crate::server::mailstore::{Mailbox, Uid};
use crate::server::policy::Citation;
use crate::server::search_keys::has_modseq;
use crate::server::session::{Entry, Ranges, SearchContext, View};
use crate::server::sort::{sort, sort_with_values, Run, SortValues, Sortable, Sorted};
use crate::server::thread::{ordered_subject, references, Algorithm, Numbering};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};
use std::collections::BTreeMap;

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

/// How many sort keys read each message's header (all but ARRIVAL and SIZE), counted against
/// the read limit with the search keys.
fn header_readers(criteria: &[SortCriterion]) -> usize {
    criteria
        .iter()
        .filter(|c| !matches!(c.key, SortKey::Arrival | SortKey::Size))
        .count()
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
    /// and whether messages another session expunged were met: what SORT answers (ESORT keeps
    /// more of each message, see `esort`).
    pub(crate) fn sorted(
        &self,
        client: ClientId,
        criteria: &[SortCriterion],
        search: &[SearchKey],
        uid: bool,
    ) -> Result<(Vec<u32>, Option<u64>, bool), Fail> {
        let matched = self.search_matches(client, search, header_readers(criteria))?;
        let messages = sortable(&matched);
        let numbers = sort(&messages, criteria)
            .into_iter()
            .filter_map(|i| messages.get(i))
            .map(|m| if uid { m.uid } else { m.seq })
            .collect();
        let highest = matched.hits.iter().map(|h| h.modseq).max();
        Ok((numbers, highest, matched.saw_expunged))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_sort(
        &mut self,
        client: ClientId,
        tag: &Tag,
        criteria: &[SortCriterion],
        charset: &str,
        search: &[SearchKey],
        uid: bool,
        ret: Option<Vec<SearchReturnOpt>>,
    ) -> CmdResult {
        if let Some(opts) = ret {
            let result = self.esort(client, tag, criteria, charset, search, uid, &opts);
            // RFC 5182 §2.1 (SAVE in "any command based on SEARCH, e.g., SORT", §1): a NO
            // empties `$`, a BAD leaves it, as for SEARCH.
            if let (true, Err(fail)) = (opts.contains(&SearchReturnOpt::Save), &result) {
                if fail.kind == StatusKind::No {
                    self.save_result(client, Ranges::from_spans(Vec::new()));
                }
            }
            return result;
        }
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

    /// The extended SORT (ESORT, RFC 5267 §3): `SORT RETURN (...)` answered with one ESEARCH
    /// in the requested order, "otherwise identical in its behaviour to the extended SEARCH
    /// command" (§3), so the return options are SEARCH's and so are their checks, and UPDATE
    /// keeps the result live through the same contexts as SEARCH's (CONTEXT=SORT, §4).
    #[allow(clippy::too_many_arguments)]
    fn esort(
        &mut self,
        client: ClientId,
        tag: &Tag,
        criteria: &[SortCriterion],
        charset: &str,
        search: &[SearchKey],
        uid: bool,
        opts: &[SearchReturnOpt],
    ) -> CmdResult {
        let ret = Some(opts);
        let (update, fetch) = check_return_opts!(self, client, tag, ret);
        // RFC 5267 §4.2: CONTEXT is a hint that "Servers MAY ignore"; ignored, as for SEARCH:
        // no result is kept between commands but a live one (§4.5: either way the answers are
        // the same).
        check_charset(charset)?;
        let readers = header_readers(criteria);
        let matched = self.search_matches(client, search, readers)?;
        let messages = sortable(&matched);
        let (order, values) = sort_with_values(&messages, criteria);
        let hits: Vec<&Hit> = order.iter().filter_map(|&i| matched.hits.get(i)).collect();
        // In the requested order: RFC 5267 §3.1 MIN is "the lowest sorted message", MAX "the
        // highest sorted message"; each with its mod-sequence (RFC 7162 §3.1.10).
        let found: Vec<(u32, u64)> = hits
            .iter()
            .map(|h| (if uid { h.uid } else { h.seq }, h.modseq))
            .collect();
        let uids: Vec<u32> = hits.iter().map(|h| h.uid).collect();
        if opts.contains(&SearchReturnOpt::Save) {
            // RFC 5182 §2.4: with MIN or MAX alone, only those messages.
            self.save_result(client, saved(opts, &uids));
        }
        let context = if update {
            let (mailbox_id, _) = self.selected_mailbox(client)?;
            let view = selected_view(&self.sessions, client)?;
            let Some(mailbox) = self.store.get(mailbox_id) else {
                return Err(Fail::no("The selected mailbox no longer exists"));
            };
            let mut values: Vec<Option<SortValues>> = values.into_iter().map(Some).collect();
            let kept = order
                .iter()
                .filter_map(|&i| {
                    let hit = matched.hits.get(i)?;
                    Some((Uid(hit.uid), values.get_mut(i)?.take()?))
                })
                .collect();
            Some(SearchContext {
                tag: tag.0.clone(),
                uid,
                criteria: in_uids(search, view),
                result: uids.iter().map(|&u| Uid(u)).collect(),
                checked: mailbox.highest_modseq(),
                // RFC 5267 §4.3.1 lets a server refuse sorted contexts more readily than SEARCH
                // ones ("sorted contexts require a higher implementation cost"); this one applies
                // SEARCH's rules (`keep_context`), counting a SORT whose keys read headers as a
                // reading context: each update reads the headers of the messages that join.
                reads: matched.reads || readers > 0,
                fetch,
                last_uid: view.last_uid,
                sorted: Some(Sorted::new(criteria, kept)),
            })
        } else {
            None
        };
        let (done, citation) =
            self.sort_done(if uid { "UID SORT" } else { "SORT" }, matched.saw_expunged);
        let numbers: Vec<u32> = found.iter().map(|&(n, _)| n).collect();
        if let Some(data) = esearch(tag, uid, opts, &found, has_modseq(search)) {
            let data = in_requested_order(data, &numbers);
            self.send(client, Response::Data(data), citation);
        }
        if let Some(context) = context {
            self.keep_context(client, context);
        }
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

/// ESORT's ALL and PARTIAL in the requested order (RFC 5267 §3.1 ALL: "all message
/// numbers/UIDs which match the search criteria, in the requested sort order, using a
/// sequence-set"; §4.4 PARTIAL: results counted in that order). [`esearch`] writes both in
/// mailbox order, as SEARCH wants; its MIN, MAX, COUNT and MODSEQ already follow the order
/// `numbers` came in.
fn in_requested_order(data: Data, numbers: &[u32]) -> Data {
    let Data::ESearch { tag, uid, data } = data else {
        return data;
    };
    let data = data
        .into_iter()
        .map(|item| match item {
            SearchReturnData::All(set) => {
                SearchReturnData::All(in_order_set(numbers).unwrap_or(set))
            }
            SearchReturnData::Partial { range: (a, b), .. } => {
                let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
                let part = numbers
                    .get(lo.saturating_sub(1)..hi.min(numbers.len()))
                    .unwrap_or_default();
                SearchReturnData::Partial {
                    range: (a, b),
                    results: in_order_set(part),
                }
            }
            other => other,
        })
        .collect();
    Data::ESearch { tag, uid, data }
}

/// Numbers as a sequence set in the order given: each run of consecutive ascending numbers is
/// one range `lo:hi`, never `hi:lo` (RFC 5267 §3.2: ranges "MUST be ordered in increasing
/// numerical order after expansion", and "servers SHOULD present ranges only when the first
/// seq-number is lower than the second"), so the set expands, in order, to exactly `numbers`
/// (§3.3: "the initial three results are not represented as the range 23765:23763"). `None`
/// when empty.
pub(crate) fn in_order_set(numbers: &[u32]) -> Option<SequenceSet> {
    let mut ranges: Vec<SeqRange> = Vec::new();
    for &n in numbers {
        match ranges.last_mut() {
            Some(SeqRange {
                end: SeqBound::Num(hi),
                ..
            }) if hi.checked_add(1) == Some(n) => *hi = n,
            _ => ranges.push(SeqRange {
                start: SeqBound::Num(n),
                end: SeqBound::Num(n),
            }),
        }
    }
    (!ranges.is_empty()).then_some(SequenceSet(ranges))
}

/// The runs of a live SORT's update as ADDTO / REMOVEFROM pairs. RFC 5267 §4.3.3 and §4.3.4
/// allow context position 0 only "where the searching command is a SEARCH or UID SEARCH
/// command": a SORT's always name where in the requested order the run goes or was.
fn pairs(runs: Vec<Run>) -> Vec<(u32, SequenceSet)> {
    runs.into_iter()
        .filter_map(|(position, numbers)| Some((position, in_order_set(&numbers)?)))
        .collect()
}

/// REMOVEFROM for the messages of a live SORT that the session is about to be told were
/// expunged, in the numbers it still knows them by (RFC 5267 §4.3.4): what
/// [`context_removals`](super::search::context_removals) does for a live SEARCH.
pub(crate) fn sorted_removals(context: &mut SearchContext, entries: &[Entry]) -> Option<Response> {
    let mut gone = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.expunged.is_some() && context.result.remove(&entry.uid) {
            let number = if context.uid {
                entry.uid.0
            } else {
                View::seq_of(i).0
            };
            gone.insert(entry.uid, number);
        }
    }
    let runs = context.sorted.as_mut()?.remove(&gone);
    let pairs = pairs(runs);
    (!pairs.is_empty()).then(|| update_response(context, vec![SearchReturnData::RemoveFrom(pairs)]))
}

/// REMOVEFROM then ADDTO for a live SORT, from the messages that left and joined its result
/// (UID and the client's number for each; [`context_changes`](super::search::context_changes)
/// found them as for a live SEARCH). RFC 5267 §4.3.2: "servers MUST generate ADDTO and
/// REMOVEFROM responses such that the results are maintained in the requested order".
pub(crate) fn sorted_changes(
    sorted: &mut Sorted,
    removed: &[(Uid, u32)],
    added: &[(Uid, u32)],
    mailbox: &Mailbox,
) -> Vec<SearchReturnData> {
    let mut data = Vec::new();
    let gone: BTreeMap<Uid, u32> = removed.iter().copied().collect();
    let removals = pairs(sorted.remove(&gone));
    if !removals.is_empty() {
        data.push(SearchReturnData::RemoveFrom(removals));
    }
    let joining = added
        .iter()
        .filter_map(|&(uid, n)| Some((uid, n, &*mailbox.message(uid)?.data)))
        .collect();
    let additions = pairs(sorted.insert(joining));
    if !additions.is_empty() {
        data.push(SearchReturnData::AddTo(additions));
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5267 §3.2, §3.3: only ascending runs become ranges, and the set expands, in order,
    /// to exactly the numbers given.
    #[test]
    fn a_set_in_the_requested_order() {
        let written = |numbers: &[u32]| {
            let mut out = Vec::new();
            if let Some(set) = in_order_set(numbers) {
                crate::protocol::encode::write_sequence_set(&set, &mut out);
            }
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            written(&[23765, 23764, 23763, 23761]),
            "23765,23764,23763,23761"
        );
        assert_eq!(written(&[5, 6, 7, 1, 2, 3, 4]), "5:7,1:4");
        assert_eq!(written(&[2, 1, 3]), "2,1,3");
        assert_eq!(written(&[u32::MAX, 1]), "4294967295,1");
        assert_eq!(written(&[]), "");
        assert!(in_order_set(&[]).is_none());
    }
}
