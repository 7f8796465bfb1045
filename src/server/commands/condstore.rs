//! What CONDSTORE and QRESYNC (RFC 7162) add to the commands: enabling them, the QRESYNC
//! parameter of SELECT / EXAMINE (§3.2.5) and the `VANISHED (EARLIER)` answers that it and
//! `UID FETCH ... (CHANGEDSINCE n VANISHED)` (§3.2.6) give. The mod-sequences themselves are
//! kept by the store (`mailstore.rs`).

use crate::protocol::types::{
    Code, Data, FetchValue, QResync, Response, SelectParam, SeqBound, SequenceSet, StatusKind,
};
use crate::server::fetch_items::FetchResponse;
use crate::server::mailstore::Mailbox;
use crate::server::session::{Ranges, View};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

/// The capabilities ENABLE can turn on (RFC 5161 §3.1, RFC 7162 §3.2.3, RFC 9051 §6.3.1).
const ENABLEABLE: &[&str] = &["CONDSTORE", "QRESYNC", "IMAP4rev2"];

impl Server {
    /// RFC 5161 §3.1: ENABLED lists the extensions this command turned on; names the server does
    /// not know, or that need no enabling, are ignored. RFC 7162 §3.2.3: QRESYNC implies
    /// CONDSTORE, and stays on until the connection closes.
    pub(crate) fn handle_enable(&mut self, client: ClientId, caps: &[String]) -> CmdResult {
        let Some(session) = self.sessions.get_mut(&client) else {
            return Err(Fail::bad("No such session"));
        };
        let mut enabled: Vec<String> = Vec::new();
        for cap in caps {
            let Some(name) = ENABLEABLE.iter().find(|n| n.eq_ignore_ascii_case(cap)) else {
                continue;
            };
            let was = session.enabled;
            let on = &mut session.enabled;
            let newly = match *name {
                "QRESYNC" => {
                    on.qresync = true;
                    on.condstore = true;
                    !was.qresync
                }
                // RFC 9051 Appendix A: "an IMAP client that wants to use IMAP4rev2 MUST issue
                // an "ENABLE IMAP4rev2" command".
                "IMAP4rev2" => {
                    on.rev2 = true;
                    !was.rev2
                }
                _ => {
                    on.condstore = true;
                    !was.condstore
                }
            };
            if newly && !enabled.iter().any(|e| e == name) {
                enabled.push((*name).to_string());
            }
        }
        self.send(client, Response::Data(Data::Enabled(enabled)), None);
        Ok(Done::text("ENABLE completed"))
    }

    /// A CONDSTORE enabling command (RFC 7162 §3.1) was given. The first one in a session with
    /// a mailbox selected "MUST cause the server to return HIGHESTMODSEQ" for it.
    pub(crate) fn enable_condstore(&mut self, client: ClientId) {
        let Some(session) = self.sessions.get_mut(&client) else {
            return;
        };
        if session.enabled.condstore {
            return;
        }
        session.enabled.condstore = true;
        let highest = session
            .state
            .view()
            .and_then(|v| self.store.get(v.mailbox))
            .map(Mailbox::highest_modseq);
        if let Some(n) = highest {
            self.send_status(
                client,
                None,
                StatusKind::Ok,
                Some(Code::HighestModSeq(n)),
                "Highest mailbox mod-sequence".to_string(),
                None,
            );
        }
    }

    /// Whether the client enabled QRESYNC (RFC 7162 §3.2.3).
    pub(crate) fn qresync_enabled(&self, client: ClientId) -> bool {
        self.sessions
            .get(&client)
            .is_some_and(|s| s.enabled.qresync)
    }

    /// Whether a CONDSTORE enabling command was given (RFC 7162 §3.1).
    /// The citation for a FETCH response about a flag change whose UID item the
    /// `condstore-uid` decision point decided: a CONDSTORE session that did not enable QRESYNC
    /// (RFC 7162 §3.2.4); `None` where the RFC leaves no choice.
    pub(crate) fn condstore_uid_citation(
        &self,
        client: ClientId,
    ) -> Option<crate::server::policy::Citation> {
        self.sessions
            .get(&client)
            .filter(|s| s.enabled.condstore && !s.enabled.qresync && !s.enabled.rev2)
            .map(|_| crate::server::policy::Citation::of(self.policies.condstore_uid))
    }

    /// Whether the client enabled IMAP4rev2 (RFC 9051 §6.3.1).
    pub(crate) fn rev2_enabled(&self, client: ClientId) -> bool {
        self.sessions.get(&client).is_some_and(|s| s.enabled.rev2)
    }

    pub(crate) fn condstore_enabled(&self, client: ClientId) -> bool {
        self.sessions
            .get(&client)
            .is_some_and(|s| s.enabled.condstore)
    }
}

/// Checks SELECT / EXAMINE parameters before anything is done (RFC 7162 §3.2.5: "Before
/// opening the specified mailbox, the server verifies all arguments for syntactic validity. If
/// any parameter is not syntactically valid, the server returns the tagged BAD response, and
/// the mailbox remains unselected"). Returns the QRESYNC parameter, if any.
pub(crate) fn check_select_params(
    params: &[SelectParam],
    qresync_enabled: bool,
) -> Result<Option<&QResync>, Fail> {
    let Some(q) = params.iter().find_map(|p| match p {
        SelectParam::QResync(q) => Some(q),
        SelectParam::CondStore => None,
    }) else {
        return Ok(None);
    };
    // RFC 7162 §3.2.5: "A server MUST respond with a tagged BAD response if the Quick
    // Resynchronization parameter to the SELECT/EXAMINE command is specified and the client
    // hasn't issued "ENABLE QRESYNC" in the current connection".
    if !qresync_enabled {
        return Err(Fail::bad(
            "QRESYNC parameter without ENABLE QRESYNC first (RFC 7162 §3.2.5)",
        ));
    }
    if let Some((seqs, uids)) = &q.seq_match {
        // RFC 7162 §3.2.5.2: "Both MUST be provided in ascending order", and the Nth number of
        // one goes with the Nth of the other, so they hold as many numbers each.
        let (Some(n), Some(m)) = (ascending_count(seqs), ascending_count(uids)) else {
            return Err(Fail::bad(
                "seq-match-data must list ascending numbers (RFC 7162 §3.2.5.2)",
            ));
        };
        if n != m {
            return Err(Fail::bad(format!(
                "seq-match-data pairs {n} message numbers with {m} UIDs (RFC 7162 §3.2.5.2)"
            )));
        }
    }
    Ok(Some(q))
}

/// How many numbers a set written in strictly ascending order holds, or `None` if it is not
/// written so. O(ranges), whatever the numbers.
fn ascending_count(set: &SequenceSet) -> Option<u64> {
    let mut previous = 0u32;
    let mut count = 0u64;
    for r in &set.0 {
        let (SeqBound::Num(lo), SeqBound::Num(hi)) = (r.start, r.end) else {
            return None;
        };
        if lo > hi || lo <= previous {
            return None;
        }
        previous = hi;
        count += u64::from(hi - lo) + 1;
    }
    Some(count)
}

/// The spans of a set without `*` (the parser refuses it in QRESYNC's sets).
fn spans_of(set: &SequenceSet) -> Ranges {
    Ranges::of(set, 0)
}

/// RFC 7162 §3.2.5.2: the largest UID up to which the client's sequence match data agrees
/// with the mailbox ("If a pair matches, then the client knows of any expunges up to, and
/// including, the message"); pairs are compared in order until one does not match. At most
/// one step per message of the view: the numbers ascend, and a number past the end stops.
fn seq_match_floor(view: &View, seqs: &SequenceSet, uids: &SequenceSet) -> u32 {
    let seqs = spans_of(seqs);
    let uids = spans_of(uids);
    let pairs = seqs
        .spans()
        .iter()
        .flat_map(|&(lo, hi)| lo..=hi)
        .zip(uids.spans().iter().flat_map(|&(lo, hi)| lo..=hi));
    let mut floor = 0;
    for (seq, uid) in pairs {
        let matches = seq
            .checked_sub(1)
            .and_then(|i| view.entries.get(i as usize))
            .is_some_and(|e| e.uid.0 == uid);
        if !matches {
            break;
        }
        floor = uid;
    }
    floor
}

/// The UIDs of `within` expunged since `modseq` (RFC 7162 §3.2.6). When the store has
/// forgotten some of those expunges, every UID of `within` not in the mailbox: "A server that
/// receives a mod-sequence smaller than <minmodseq> ... MUST behave as if it was requested to
/// report all expunged messages from the provided UID set parameter."
pub(crate) fn expunged_since(mailbox: &Mailbox, modseq: u64, within: &Ranges) -> Ranges {
    match mailbox.expunged_since(modseq) {
        Some(spans) => Ranges::from_spans(spans).intersect(within),
        None => within.without(mailbox.messages.iter().map(|m| m.uid.0)),
    }
}

/// `VANISHED (EARLIER) uids`, or nothing when there are none.
pub(crate) fn vanished_earlier(uids: &Ranges) -> Option<Response> {
    uids.to_set().map(|uids| {
        Response::Data(Data::Vanished {
            earlier: true,
            uids,
        })
    })
}

/// What SELECT / EXAMINE with QRESYNC adds after the usual responses (RFC 7162 §3.2.5.1):
/// `VANISHED (EARLIER)` for the known UIDs expunged since the client's mod-sequence, then a
/// FETCH with UID, FLAGS and MODSEQ for each known message changed since (the VANISHED first,
/// §3.2.6). Nothing when the UIDVALIDITY differs: the client then sees that its cache is void
/// (§3.2.5: "the server MUST ignore the remaining parameters and behave as if no dynamic message
/// data changed"). O(messages × log ranges + ranges).
pub(crate) fn qresync_responses(view: &View, mailbox: &Mailbox, q: &QResync) -> Vec<Response> {
    if q.uid_validity != mailbox.uid_validity {
        return Vec::new();
    }
    // RFC 7162 §3.2.5.1: without known UIDs, "1:<maxuid>", maxuid being UIDNEXT - 1.
    let known = match &q.known_uids {
        Some(set) => spans_of(set),
        None => match mailbox.uid_next.checked_sub(1) {
            Some(max) if max > 0 => Ranges::from_spans(vec![(1, max)]),
            _ => Ranges::from_spans(Vec::new()),
        },
    };
    let floor = match &q.seq_match {
        Some((seqs, uids)) => seq_match_floor(view, seqs, uids),
        None => 0,
    };
    let mut out = Vec::new();
    let gone = expunged_since(mailbox, q.mod_seq, &known).above(floor);
    out.extend(vanished_earlier(&gone));
    for (i, entry) in view.entries.iter().enumerate() {
        if !known.contains(entry.uid.0) {
            continue;
        }
        let Some(m) = mailbox.message(entry.uid).filter(|m| m.modseq > q.mod_seq) else {
            continue;
        };
        let mut fetch = FetchResponse::new(View::seq_of(i).0);
        fetch.push(FetchValue::Uid(entry.uid.0));
        fetch.push(FetchValue::Flags(m.flags.to_list(entry.recent)));
        fetch.push(FetchValue::ModSeq(m.modseq));
        out.push(fetch.into_response());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::SeqRange;
    use crate::server::mailstore::{mailbox_with, Uid};

    fn set(spans: &[(u32, u32)]) -> SequenceSet {
        SequenceSet(
            spans
                .iter()
                .map(|&(a, b)| SeqRange {
                    start: SeqBound::Num(a),
                    end: SeqBound::Num(b),
                })
                .collect(),
        )
    }

    #[test]
    fn expunges_are_remembered_with_their_modseq_and_adjacent_ones_share_a_span() {
        let (mut store, id) = mailbox_with(10);
        let mb = store.get_mut(id).unwrap();
        let before = mb.highest_modseq();
        assert_eq!(before, 11, "1 at creation, then one per append");
        mb.remove(&[Uid(3), Uid(4), Uid(5), Uid(8)]);
        assert_eq!(mb.highest_modseq(), 12);
        assert_eq!(mb.expunged_spans(), 2);
        mb.remove(&[Uid(6)]);
        let all = Ranges::from_spans(vec![(1, 20)]);
        assert_eq!(expunged_since(mb, 11, &all).spans(), &[(3, 6), (8, 8)]);
        assert_eq!(expunged_since(mb, 12, &all).spans(), &[(6, 6)]);
        assert_eq!(expunged_since(mb, 13, &all).spans(), &[]);
        let some = Ranges::from_spans(vec![(4, 4), (8, 9)]);
        assert_eq!(expunged_since(mb, 1, &some).spans(), &[(4, 4), (8, 8)]);
    }

    #[test]
    fn a_forgotten_expunge_reports_every_known_uid_not_in_the_mailbox() {
        let (mut store, id) = mailbox_with(3);
        let mb = store.get_mut(id).unwrap();
        // Expunge the last message and append again, more times than the record holds.
        for _ in 0..crate::server::mailstore::EXPUNGED_SPANS + 5 {
            let last = mb.messages.last().unwrap().uid;
            mb.remove(&[last]);
            let date = crate::server::world::datetime_from_unix(0);
            mb.append(
                crate::server::mailstore::MessageData::new(b"x\r\n".to_vec(), date),
                crate::server::mailstore::Flags::default(),
            );
        }
        assert_eq!(
            mb.expunged_spans(),
            crate::server::mailstore::EXPUNGED_SPANS
        );
        let known = Ranges::from_spans(vec![(1, 5)]);
        // Mod-sequence 1 is older than what is remembered: all of 1:5 not present.
        assert_eq!(expunged_since(mb, 1, &known).spans(), &[(3, 5)]);
    }

    #[test]
    fn sequence_match_data_stops_at_the_first_pair_that_differs() {
        let (mut store, id) = mailbox_with(10);
        let mb = store.get_mut(id).unwrap();
        mb.remove(&[Uid(2), Uid(3)]);
        let view = View::open(mb, false);
        // Messages: 1->1, 2->4, 3->5, ...
        assert_eq!(
            seq_match_floor(&view, &set(&[(1, 3)]), &set(&[(1, 1), (4, 5)])),
            5
        );
        assert_eq!(seq_match_floor(&view, &set(&[(1, 3)]), &set(&[(1, 3)])), 1);
        // Numbers past the end stop the walk: a huge set costs what the view has.
        let huge = set(&[(1, u32::MAX)]);
        assert_eq!(seq_match_floor(&view, &huge, &huge), 1);
    }

    #[test]
    fn select_parameters_are_checked_first() {
        let q = |seq_match| {
            vec![SelectParam::QResync(QResync {
                uid_validity: 1,
                mod_seq: 1,
                known_uids: None,
                seq_match,
            })]
        };
        assert!(check_select_params(&q(None), false).is_err());
        assert!(check_select_params(&q(None), true).is_ok());
        let disagree = Some((set(&[(1, 3)]), set(&[(1, 2)])));
        assert!(check_select_params(&q(disagree), true).is_err());
        let descending = Some((set(&[(5, 5), (1, 1)]), set(&[(1, 1), (5, 5)])));
        assert!(check_select_params(&q(descending), true).is_err());
        let huge = Some((set(&[(1, u32::MAX)]), set(&[(1, u32::MAX)])));
        assert!(check_select_params(&q(huge), true).is_ok());
    }
}
