//! SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8), with RFC 2180 §4.3 for messages another
//! session expunged.

use crate::protocol::types::{
    Code, CommandBody, Data, Response, SearchKey, SearchReturnData, SearchReturnOpt, SequenceSet,
    StatusKind, Tag,
};
use crate::server::commands::fetch::{selected_view, Touched};
use crate::server::limits;
use crate::server::mailstore::Flags;
use crate::server::policy::{Citation, SearchExpunged};
use crate::server::search_keys::{has_modseq, Bounds, Candidate, Plan};
use crate::server::session::{Ranges, View};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

/// Charsets the server searches in (RFC 3501 §6.4.4: US-ASCII MUST be supported).
const CHARSETS: &[&str] = &["US-ASCII", "UTF-8"];

/// The view indexes a search must look at. The top-level keys are ANDed (RFC 3501 §6.4.4), so
/// a sequence-set or UID key there bounds the candidates and `UID SEARCH UID 900:* ...` does not
/// scan the whole mailbox. Every key is still evaluated on each candidate.
fn candidates(criteria: &[SearchKey], view: &View) -> Vec<usize> {
    let mut bound: Option<Vec<usize>> = None;
    for key in criteria {
        let narrowed = match key {
            SearchKey::Uid(set) => view.resolve(set, true).ok(),
            // A number past the end is no error in SEARCH, just no match: then no narrowing.
            SearchKey::SequenceSet(set) => view.resolve(set, false).ok(),
            _ => None,
        };
        if let Some(these) = narrowed {
            bound = Some(match bound {
                Some(previous) => intersect(&previous, &these),
                None => these,
            });
        }
    }
    bound.unwrap_or_else(|| (0..view.entries.len()).collect())
}

/// The indexes in both ascending lists, in one pass over each (so a thousand `1:*` keys cost
/// a thousand passes, not a thousand binary searches per message).
fn intersect(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&i), Some(&&j)) = (x.peek(), y.peek()) {
        match i.cmp(&j) {
            std::cmp::Ordering::Less => {
                x.next();
            }
            std::cmp::Ordering::Greater => {
                y.next();
            }
            std::cmp::Ordering::Equal => {
                out.push(i);
                x.next();
                y.next();
            }
        }
    }
    out
}

impl Server {
    /// Puts the saved search result where a command says `$` (RFC 5182 §2.1), in the number
    /// space the command uses there: UIDs in UID commands and in the UID search key, sequence
    /// numbers elsewhere. Nothing saved, or nothing selected: the empty set, which matches no
    /// message and is no error (§2.1, Example 6). Refused with `NO [LIMIT]` when the uses of `$`
    /// times its ranges exceed [`limits::LAST_RESULT_RANGES`].
    pub(crate) fn put_last_result(
        &self,
        client: ClientId,
        body: &mut CommandBody,
    ) -> Result<(), Fail> {
        let Ok(view) = selected_view(&self.sessions, client) else {
            return Ok(());
        };
        let uses = std::cell::Cell::new(0usize);
        let count = |set: &mut SequenceSet, _: bool| {
            uses.set(uses.get() + usize::from(set.is_last_result()));
        };
        each_set(body, &count);
        let ranges = uses.get().saturating_mul(view.saved.spans().len());
        if ranges > limits::LAST_RESULT_RANGES {
            return Err(limits::exceeded(format!(
                "$ used {} times for {} ranges each, at most {} ranges in all",
                uses.get(),
                view.saved.spans().len(),
                limits::LAST_RESULT_RANGES
            )));
        }
        let put = |set: &mut SequenceSet, uid: bool| {
            if set.is_last_result() {
                *set = view.last_result(uid);
            }
        };
        each_set(body, &put);
        Ok(())
    }

    pub(crate) fn handle_search(
        &mut self,
        client: ClientId,
        tag: &Tag,
        charset: Option<&str>,
        criteria: &[SearchKey],
        uid: bool,
        ret: Option<Vec<SearchReturnOpt>>,
    ) -> CmdResult {
        let save = ret
            .as_ref()
            .is_some_and(|opts| opts.contains(&SearchReturnOpt::Save));
        let result = self.search(client, tag, charset, criteria, uid, ret);
        // RFC 5182 §2.1: "A SEARCH command with the SAVE result option that caused the server
        // to return the NO tagged response sets the value of the search result variable to
        // the empty sequence"; a BAD leaves it alone.
        if let (true, Err(fail)) = (save, &result) {
            if fail.kind == StatusKind::No {
                self.save_result(client, Ranges::from_spans(Vec::new()));
            }
        }
        result
    }

    /// Sets `$` of the session's view (RFC 5182 §2.1).
    fn save_result(&mut self, client: ClientId, uids: Ranges) {
        if let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        {
            view.saved = uids;
        }
    }

    fn search(
        &mut self,
        client: ClientId,
        tag: &Tag,
        charset: Option<&str>,
        criteria: &[SearchKey],
        uid: bool,
        ret: Option<Vec<SearchReturnOpt>>,
    ) -> CmdResult {
        if let Some(cs) = charset {
            if !CHARSETS.iter().any(|c| c.eq_ignore_ascii_case(cs)) {
                // RFC 3501 §6.4.4: NO with BADCHARSET listing the supported charsets.
                return Err(Fail::no(format!("Unsupported charset {cs}")).with_code(
                    Code::BadCharset(CHARSETS.iter().map(|c| c.to_string()).collect()),
                ));
            }
        }
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
        // Sets merged and `*` read once for the command, not per message.
        let (plan, cost, slots) = Plan::compile(criteria, &bounds);
        let mut has_keywords = slots.buffer();
        if cost.keys > limits::SEARCH_KEYS {
            return Err(limits::exceeded(format!(
                "{} search keys, at most {} allowed",
                cost.keys,
                limits::SEARCH_KEYS
            )));
        }
        let candidates = candidates(criteria, view);
        // Header and text keys read each candidate's octets (an upper bound: OR and AND may
        // stop earlier).
        if cost.readers.total() > 1 {
            let octets = limits::octets(view, mailbox, &candidates);
            if !cost.readers.within(octets) {
                return Err(limits::too_much_reading(cost.readers, octets));
            }
        }
        // Each hit with its mod-sequence: ESEARCH MIN/MAX report their own (RFC 4731 §3.2).
        let mut hits: Vec<(u32, u64)> = Vec::new();
        // The UIDs found, for SAVE (RFC 5182 §2.1); `$` holds UIDs whatever the command.
        let mut hit_uids: Vec<u32> = Vec::new();
        let mut saw_expunged = false;
        let no_flags = Flags::default();
        for i in candidates {
            let Some(entry) = view.entries.get(i) else {
                continue;
            };
            let seq = View::seq_of(i).0;
            let (data, flags, modseq) = match &entry.expunged {
                Some(ghost) => {
                    saw_expunged = true;
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
                hits.push((if uid { entry.uid.0 } else { seq }, modseq));
                hit_uids.push(entry.uid.0);
            }
        }
        let citation = saw_expunged.then(|| Citation::of(policy));
        // RFC 7162 §3.1.5: with a MODSEQ key and a non-empty result, the highest mod-sequence
        // of the messages returned ends the response; §3.1: it is a CONDSTORE enabling command.
        let modseq_key = has_modseq(criteria);
        if modseq_key {
            self.enable_condstore(client);
        }
        if let Some(opts) = &ret {
            if opts.contains(&SearchReturnOpt::Save) {
                self.save_result(client, saved(opts, &hit_uids));
            }
        }
        let answer = match &ret {
            None => {
                let highest = hits.iter().map(|&(_, m)| m).max();
                let numbers = hits.iter().map(|&(n, _)| n).collect();
                Some(Data::Search(numbers, highest.filter(|_| modseq_key)))
            }
            Some(opts) => esearch(tag, uid, opts, &hits, modseq_key),
        };
        if let Some(data) = answer {
            self.send(client, Response::Data(data), citation.clone());
        }
        let mut done = Done::text(if uid {
            "UID SEARCH completed"
        } else {
            "SEARCH completed"
        });
        if let Some(c) = citation {
            done = done.cite(c);
        }
        if let Some((code, _)) = self.expunge_issued(Touched::when(saw_expunged, Touched::Flags)) {
            done = done.with_code(code);
        }
        Ok(done)
    }
}

/// Calls `put` on every sequence set of `body` with whether it is read as UIDs there.
fn each_set(body: &mut CommandBody, put: &dyn Fn(&mut SequenceSet, bool)) {
    match body {
        CommandBody::Fetch { set, uid, .. }
        | CommandBody::Store { set, uid, .. }
        | CommandBody::Copy { set, uid, .. }
        | CommandBody::Move { set, uid, .. } => put(set, *uid),
        // RFC 9051 §9 `uid-expunge = "EXPUNGE" SP sequence-set`: `$` there too.
        CommandBody::UidExpunge { set } => put(set, true),
        CommandBody::Search { criteria, .. } => {
            // RFC 5182 §2.2 Example 3: `UID SEARCH $` and `UID SEARCH UID $` are the same:
            // as a key, `$` is the saved messages, written in the key's own numbers.
            fn keys(criteria: &mut [SearchKey], put: &dyn Fn(&mut SequenceSet, bool)) {
                for key in criteria {
                    match key {
                        SearchKey::SequenceSet(set) => put(set, false),
                        SearchKey::Uid(set) => put(set, true),
                        SearchKey::Not(k) => keys(std::slice::from_mut(k.as_mut()), put),
                        SearchKey::Or(a, b) => {
                            keys(std::slice::from_mut(a.as_mut()), put);
                            keys(std::slice::from_mut(b.as_mut()), put);
                        }
                        SearchKey::And(inner) => keys(inner, put),
                        _ => {}
                    }
                }
            }
            keys(criteria, put);
        }
        _ => {}
    }
}

/// What SAVE keeps of the UIDs found (ascending), RFC 5182 §2.4: with MIN and/or MAX and
/// neither ALL nor COUNT, only the messages those return; otherwise all found.
fn saved(opts: &[SearchReturnOpt], uids: &[u32]) -> Ranges {
    use SearchReturnOpt::*;
    let has = |o: SearchReturnOpt| opts.contains(&o);
    let picked: Vec<u32> = if (has(Min) || has(Max)) && !has(All) && !has(Count) {
        let min = uids.first().filter(|_| has(Min));
        let max = uids.last().filter(|_| has(Max));
        min.into_iter().chain(max).copied().collect()
    } else {
        uids.to_vec()
    };
    Ranges::from_spans(picked.into_iter().map(|u| (u, u)).collect())
}

/// The ESEARCH response for `RETURN (opts)` (RFC 4731 §3.1), or `None` when only SAVE was
/// asked for (RFC 5182 §2.2 Example 1: no untagged response). `hits` ascend.
fn esearch(
    tag: &Tag,
    uid: bool,
    opts: &[SearchReturnOpt],
    hits: &[(u32, u64)],
    modseq_key: bool,
) -> Option<Data> {
    use SearchReturnOpt::*;
    // RFC 4731 §3.1: "If the list of result options is empty, ... This is equivalent to
    // "(ALL)"."
    let want = |o: SearchReturnOpt| opts.contains(&o) || (o == All && opts.is_empty());
    if !opts.is_empty() && opts.iter().all(|&o| o == Save) {
        return None;
    }
    let (first, last) = (hits.first(), hits.last());
    let mut data = Vec::new();
    // RFC 4731 §3.1: with no matches, MIN, MAX and ALL are left out; COUNT is always there.
    if let (true, Some(&(n, _))) = (want(Min), first) {
        data.push(SearchReturnData::Min(n));
    }
    if let (true, Some(&(n, _))) = (want(Max), last) {
        data.push(SearchReturnData::Max(n));
    }
    if want(All) {
        let spans = hits.iter().map(|&(n, _)| (n, n)).collect();
        // RFC 4731 §3.1: "the messages are always returned using the sequence-set syntax".
        if let Some(set) = Ranges::from_spans(spans).to_set() {
            data.push(SearchReturnData::All(set));
        }
    }
    if want(Count) {
        let count = u32::try_from(hits.len()).unwrap_or(u32::MAX);
        data.push(SearchReturnData::Count(count));
    }
    // RFC 4731 §3.2 (RFC 7162 §3.1.10): MODSEQ when the search had a MODSEQ key and found
    // something. A lone MIN or MAX reports that message's; MIN and MAX without ALL or COUNT the
    // higher of the two; otherwise the highest of all found.
    if modseq_key && !hits.is_empty() {
        let modseq = if want(All) || want(Count) {
            hits.iter().map(|&(_, m)| m).max()
        } else {
            let ends = [first.filter(|_| want(Min)), last.filter(|_| want(Max))];
            ends.into_iter().flatten().map(|&(_, m)| m).max()
        };
        if let Some(m) = modseq {
            data.push(SearchReturnData::ModSeq(m));
        }
    }
    Some(Data::ESearch {
        tag: Some(tag.0.clone()),
        uid,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{SeqBound, SeqRange, SequenceSet};
    use crate::server::mailstore::mailbox_with;

    fn view_of(n: usize) -> View {
        let (mut store, id) = mailbox_with(n);
        View::open(store.get_mut(id).unwrap(), false)
    }

    fn set(a: u32, b: SeqBound) -> SequenceSet {
        SequenceSet(vec![SeqRange {
            start: SeqBound::Num(a),
            end: b,
        }])
    }

    #[test]
    fn uid_and_sequence_keys_bound_the_candidates() {
        let view = view_of(10);
        assert_eq!(candidates(&[SearchKey::All], &view).len(), 10);
        let uid = SearchKey::Uid(set(8, SeqBound::Star));
        assert_eq!(
            candidates(&[uid.clone(), SearchKey::Seen], &view),
            vec![7, 8, 9]
        );
        let seq = SearchKey::SequenceSet(set(1, SeqBound::Num(8)));
        assert_eq!(candidates(&[seq, uid], &view), vec![7]);
        // Out of range: no narrowing, the key itself then matches nothing.
        let wide = SearchKey::SequenceSet(set(5, SeqBound::Num(99)));
        assert_eq!(candidates(&[wide], &view).len(), 10);
        // Inside OR or NOT a key does not narrow.
        let or = SearchKey::Or(
            Box::new(SearchKey::Uid(set(1, SeqBound::Num(1)))),
            Box::new(SearchKey::All),
        );
        assert_eq!(candidates(&[or], &view).len(), 10);
    }

    #[test]
    fn intersection_of_ascending_lists() {
        assert_eq!(intersect(&[1, 3, 5, 7], &[0, 3, 4, 7, 9]), vec![3, 7]);
        assert_eq!(intersect(&[], &[1]), Vec::<usize>::new());
        assert_eq!(intersect(&[2, 4], &[2, 4]), vec![2, 4]);
    }
}
