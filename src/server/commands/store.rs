//! STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8), with RFC 2180 §4.2 for messages another
//! session expunged and UNCHANGEDSINCE (RFC 7162 §3.1.3).

use std::collections::BTreeSet;

use crate::protocol::types::{Code, Flag, SequenceSet, StoreKind};
use crate::server::commands::fetch::{selected_view, Touched};
use crate::server::fetch_items::{write_flags_fetch, FlagsFetch};
use crate::server::limits;
use crate::server::mailstore::{Flags, SystemChange, Uid};
use crate::server::policy::{
    Citation, ModifiedReport, OtherFlagsChanged, StoreExpunged, StoreSilent,
};
use crate::server::session::{SharedFlags, View};
use crate::server::{ClientId, CmdResult, Done, Fail, OutputKind, Server};

/// What a STORE asks to do to each message.
pub(crate) struct Change<'a> {
    pub kind: StoreKind,
    pub silent: bool,
    pub flags: &'a [Flag],
    /// RFC 7162 §3.1.3.
    pub unchanged_since: Option<u64>,
}

impl Server {
    pub(crate) fn handle_store(
        &mut self,
        client: ClientId,
        set: &SequenceSet,
        change: &Change<'_>,
        uid: bool,
    ) -> CmdResult {
        let Change {
            kind,
            silent,
            flags,
            unchanged_since,
        } = *change;
        let (mailbox_id, read_only) = self.selected_mailbox(client)?;
        if read_only {
            return Err(Fail::no(
                "The mailbox is read-only (EXAMINE): flags cannot be changed",
            ));
        }
        let Some(mailbox) = self.store.get(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        limits::check_flags(mailbox, flags)?;
        let indexes = self.resolve(client, set, uid, true)?;
        // RFC 7162 §3.1: STORE with UNCHANGEDSINCE is a CONDSTORE enabling command (its first
        // one sends HIGHESTMODSEQ, as §3.1.3 Example 5 shows); not when it is refused.
        if unchanged_since.is_some() {
            self.enable_condstore(client);
        }
        let condstore = self.condstore_enabled(client);
        let uid_citation = if uid {
            None
        } else {
            self.condstore_uid_citation(client)
        };
        // RFC 7162 §3.2.4, as the condstore-uid decision point reads it.
        let condstore_uid = self
            .sessions
            .get(&client)
            .is_some_and(|s| s.enabled.uid_with_modseq(self.policies.condstore_uid));
        let Some(mailbox) = self.store.get(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        // RFC 3501 §6.4.6: .SILENT "prevents the untagged FETCH"; Cyrus 3.6 behaviour: it
        // does not. `Some`: the citation of the FETCH responses sent anyway.
        let silent_ignored = match self.policies.store_silent {
            StoreSilent::Honoured => None,
            policy @ StoreSilent::Ignored => silent.then(|| Citation::of(policy)),
        };
        let view = selected_view(&self.sessions, client)?;
        let mut live: Vec<(usize, Uid, bool)> = Vec::with_capacity(indexes.len());
        let mut ghosts: Vec<usize> = Vec::new();
        // RFC 7162 §3.1.3: messages whose mod-sequence is above UNCHANGEDSINCE are left alone
        // and listed in `[MODIFIED]`; UNCHANGEDSINCE 0 fails for every message (mod-sequences
        // are positive). The set was merged, so a message named twice is tested once.
        let mut modified: Vec<(usize, Uid, bool)> = Vec::new();
        // RFC 7162 §3.1.12, as other-flags-changed says: `applied_anyway`, the failed messages
        // stored all the same; `strict_decided`, some failed message that value would store.
        let other_flags = self.policies.other_flags_changed;
        let mut applied_anyway: BTreeSet<Uid> = BTreeSet::new();
        let mut strict_decided = false;
        for i in indexes {
            if let Some(e) = view.entries.get(i) {
                if e.expunged.is_some() {
                    ghosts.push(i);
                } else if let Some((limit, m)) =
                    unchanged_since.and_then(|limit| Some((limit, mailbox.message(e.uid)?)))
                {
                    // RFC 7162 §3.1.12: the named flags are as the session was last told them
                    // (its "cached flag state"); not for FLAGS, nor UNCHANGEDSINCE 0 (§3.1.3).
                    let cached = e.told.as_deref().unwrap_or(&m.flags);
                    let other_flags_only = limit > 0
                        && kind != StoreKind::Replace
                        && flags
                            .iter()
                            .all(|f| cached.contains(f) == m.flags.contains(f));
                    if m.modseq > limit && other_flags_only {
                        match other_flags {
                            OtherFlagsChanged::Strict => {
                                strict_decided = true;
                                modified.push((i, e.uid, e.recent));
                            }
                            OtherFlagsChanged::ApplyOtherFlags => {
                                applied_anyway.insert(e.uid);
                                live.push((i, e.uid, e.recent));
                            }
                        }
                    } else if m.modseq > limit {
                        modified.push((i, e.uid, e.recent));
                    } else {
                        live.push((i, e.uid, e.recent));
                    }
                } else {
                    live.push((i, e.uid, e.recent));
                }
            }
        }
        let failed_policy = self.policies.modified_report;
        let modified_code = (!modified.is_empty()).then(|| {
            let numbers: Vec<Uid> = modified
                .iter()
                .map(|&(i, u, _)| if uid { u } else { Uid(View::seq_of(i).0) })
                .collect();
            Code::Modified(crate::server::fetch_items::uid_set(&numbers))
        });
        let policy = self.policies.store_expunged;
        let issued = self.expunge_issued(Touched::when(!ghosts.is_empty(), Touched::Flags));
        let with_issued = |fail: Fail| match &issued {
            Some((code, _)) => fail.with_code(code.clone()),
            None => fail,
        };
        let ok = |text: &str, citation: Citation| {
            let done = Done::text(text).cite(citation);
            match &issued {
                Some((code, _)) => done.with_code(code.clone()),
                None => done,
            }
        };
        // Decide what to do, and with which tagged reply, before changing anything. Each reply
        // cites the paragraph that decided it: §4.2.1 and §4.2.2 apply under both RFC values.
        // `apply`: which messages get the flags; `report`: the citation of the untagged FETCH
        // responses, when a policy decided to send them.
        let (apply, report, outcome): (Apply, Option<Citation>, CmdResult) = if ghosts.is_empty() {
            (
                Apply::Live,
                None,
                Ok(Done::text(if uid {
                    "UID STORE completed"
                } else {
                    "STORE completed"
                })),
            )
        } else {
            match policy {
                // Dovecot 2.3 behaviour: the session's copies of the expunged messages take
                // the flags too, and are reported; OK.
                StoreExpunged::GhostOk => (
                    Apply::LiveAndGhosts,
                    Some(Citation::of(policy)),
                    Ok(ok("STORE completed", Citation::of(policy))),
                ),
                // Cyrus 3.6 behaviour: the live messages only; OK.
                StoreExpunged::PartialOk => (
                    Apply::Live,
                    Some(Citation::of(policy)),
                    Ok(ok("STORE completed", Citation::of(policy))),
                ),
                // RFC 2180 §4.2.1: with .SILENT, set the live ones (if any) and answer OK.
                StoreExpunged::PartialNo | StoreExpunged::AllNo if silent => (
                    Apply::Live,
                    None,
                    Ok(ok(
                        "STORE completed",
                        Citation::at(policy, "RFC 2180 §4.2.1"),
                    )),
                ),
                // RFC 2180 §4.2.2: without .SILENT, only expunged messages: a tagged NO only.
                StoreExpunged::PartialNo | StoreExpunged::AllNo if live.is_empty() => (
                    Apply::Nothing,
                    None,
                    Err(with_issued(
                        Fail::no("Messages have been expunged")
                            .cite(Citation::at(policy, "RFC 2180 §4.2.2")),
                    )),
                ),
                // RFC 2180 §4.2.3: set and report the live ones, then NO.
                StoreExpunged::PartialNo => (
                    Apply::Live,
                    Some(Citation::of(policy)),
                    Err(with_issued(
                        Fail::no("Some of the messages no longer exist.")
                            .cite(Citation::of(policy)),
                    )),
                ),
                // RFC 2180 §4.2.4: set nothing, NO.
                StoreExpunged::AllNo => (
                    Apply::Nothing,
                    None,
                    Err(with_issued(
                        Fail::no("Some of the messages no longer exist.")
                            .cite(Citation::of(policy)),
                    )),
                ),
            }
        };
        // RFC 7162 §3.1.3: "the server MUST return in the tagged response a MODIFIED response
        // code" listing the failed messages; "It can also be used in a NO response" (Example 11).
        // Under other-flags-changed=strict the reply owes its [MODIFIED] to that value when a
        // message it names would have been stored under the other.
        let modified_citation = if strict_decided {
            Citation::of(other_flags)
        } else {
            Citation::of(failed_policy)
        };
        let outcome = match (modified_code, outcome) {
            // RFC 7162 §3.1.12: no [MODIFIED] for the messages stored anyway.
            (None, Ok(done)) if done.citation.is_none() && !applied_anyway.is_empty() => {
                Ok(done.cite(Citation::of(other_flags)))
            }
            (None, outcome) => outcome,
            (Some(code), Ok(_)) => Ok(Done {
                code: Some(code),
                text: "Conditional STORE failed".to_string(),
                citation: Some(modified_citation),
            }),
            (Some(code), Err(fail)) => Err(fail.with_code(code)),
        };
        // The failed messages' current state (the policy's `fetch`), in sequence order.
        let mut reports = Vec::new();
        if failed_policy == ModifiedReport::Fetch {
            if let Some(mailbox) = self.store.get(mailbox_id) {
                for &(i, message_uid, recent) in &modified {
                    let Some(m) = mailbox.message(message_uid) else {
                        continue;
                    };
                    let fetch = FlagsFetch {
                        seq: View::seq_of(i).0,
                        flags: Some((m.flags.clone(), recent)),
                        // RFC 3501 §6.4.8 (UID STORE); RFC 7162 §3.2.4 as condstore-uid reads it.
                        uid: (uid || condstore_uid).then_some(message_uid.0),
                        modseq: Some(m.modseq),
                    };
                    reports.push((i, fetch, Some(Citation::of(failed_policy))));
                }
            }
        }
        // The failed messages' flags are told only where `fetch` sent them; under `code-only`
        // another client's change to them is still owed (Dovecot 2.3 and Cyrus 3.6 send it
        // before the `[MODIFIED]` reply, `extra-rfc7162-3.1.12-*.txt`).
        let told: Vec<Uid> = if failed_policy == ModifiedReport::Fetch {
            modified.iter().map(|&(_, u, _)| u).collect()
        } else {
            Vec::new()
        };
        // Every live message failed UNCHANGEDSINCE: nothing is stored, not even a keyword
        // registered in the mailbox.
        let nothing_left = apply == Apply::Live && live.is_empty() && !modified.is_empty();
        if apply == Apply::Nothing || nothing_left {
            self.announce_keywords(client);
            for (_, fetch, citation) in reports {
                self.send_flags_fetch(client, &fetch, citation);
            }
            self.flags_told(client, &told);
            return outcome;
        }
        let Some(mailbox) = self.store.get_mut(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let flags = mailbox.canonical_flags(flags);
        let flags = flags.as_slice();
        if apply == Apply::LiveAndGhosts {
            // Dovecot 2.3 behaviour: the copies change in this session's view only (the
            // messages are gone from the mailbox), and are reported; for .SILENT, those whose
            // flags changed.
            if let Some(view) = self
                .sessions
                .get_mut(&client)
                .and_then(|s| s.state.view_mut())
            {
                for i in ghosts {
                    let Some(entry) = view.entries.get_mut(i) else {
                        continue;
                    };
                    let recent = entry.recent;
                    let Some(ghost) = entry.expunged.as_mut() else {
                        continue;
                    };
                    let before = ghost.flags.clone();
                    store_flags(&mut ghost.flags, kind, flags);
                    ghost.told = None;
                    if silent && silent_ignored.is_none() && ghost.flags == before {
                        continue;
                    }
                    let fetch = FlagsFetch {
                        seq: View::seq_of(i).0,
                        flags: Some((ghost.flags.clone(), recent)),
                        uid: (uid || condstore_uid).then_some(entry.uid.0),
                        modseq: condstore.then_some(ghost.modseq),
                    };
                    reports.push((i, fetch, report.clone()));
                }
            }
        }
        // The failed messages' and the ghosts' responses (few), merged in sequence order with
        // the live messages' below.
        reports.sort_by_key(|(i, _, _)| *i);
        // RFC 3501 §7.2.6: a keyword this STORE created (`canonical_flags` registered it) is
        // announced before a FETCH carries it.
        self.announce_keywords(client);
        // RFC 3501 §6.4.6: without .SILENT, an untagged FETCH with the new flags; UID STORE
        // includes the UID (RFC 3501 §6.4.8). RFC 7162 §3.1.3: with UNCHANGEDSINCE the FETCH
        // "MUST be sent, even if the .SILENT suffix is specified, and the response MUST include
        // the MODSEQ"; §3.2.4: once CONDSTORE is enabled, UID and MODSEQ.
        let report_live = !silent || unchanged_since.is_some() || silent_ignored.is_some();
        let Some(mailbox) = self.store.get_mut(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let mut view = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut());
        // The responses go straight into the output, one line per message: a STORE 1:* keeps
        // no record of them (issue 14). One citation per line: the STORE's own decision point
        // first, then the UID item's (condstore-uid).
        let outbox = &mut self.outbox;
        outbox.reserve(if report_live { live.len() } else { 0 } + reports.len(), 40);
        let cite = |citation: Option<Citation>| {
            citation
                .or_else(|| report.clone())
                .or_else(|| uid_citation.clone())
        };
        let mut reports = reports.into_iter().peekable();
        // The index of the next of those responses: one comparison a message while none is due.
        let mut next_report = reports.peek().map_or(usize::MAX, |(j, _, _)| *j);
        let mut changed = Vec::with_capacity(live.len());
        let mut shared = SharedFlags::default();
        let system = SystemChange::of(kind, flags);
        // The messages are walked in UID order: each is looked for after the last.
        let mut next = 0;
        for (i, message_uid, recent) in live {
            if next_report < i {
                while let Some((_, fetch, citation)) = reports.next_if(|(j, _, _)| *j < i) {
                    fetch.write(&mut outbox.bytes);
                    outbox.end_line(client, OutputKind::Untagged, None, cite(citation));
                }
                next_report = reports.peek().map_or(usize::MAX, |(j, _, _)| *j);
            }
            let Some(p) = mailbox.position_near(message_uid, next) else {
                continue;
            };
            next = p + 1;
            // RFC 7162 §3.1: a new mod-sequence only when the flags change. `canonical_flags`
            // registered the keywords a STORE can add.
            let before = match system {
                Some(change) => mailbox.change_system_at(p, change),
                None => mailbox.change_flags_at(p, |f| store_flags(f, kind, flags)),
            };
            if let Some(before) = before {
                changed.push((message_uid, shared.share(before)));
            }
            let Some(m) = mailbox.messages.get(p) else {
                continue;
            };
            if !report_live {
                continue;
            }
            // RFC 7162 §3.1.12: a message stored anyway is answered "with a new mod-sequence
            // and flags", .SILENT or not.
            let anyway = !applied_anyway.is_empty() && applied_anyway.contains(&message_uid);
            let with_flags = !silent || silent_ignored.is_some() || anyway;
            if with_flags {
                if let Some(view) = view.as_mut() {
                    view.told_at(i);
                }
            }
            write_flags_fetch(
                View::seq_of(i).0,
                with_flags.then_some((&m.flags, recent)),
                (uid || condstore_uid).then_some(message_uid.0),
                condstore.then_some(m.modseq),
                &mut outbox.bytes,
            );
            let citation = anyway.then(|| Citation::of(other_flags));
            outbox.end_line(
                client,
                OutputKind::Untagged,
                None,
                cite(citation.or_else(|| silent_ignored.clone())),
            );
        }
        for (_, fetch, citation) in reports {
            fetch.write(&mut outbox.bytes);
            outbox.end_line(client, OutputKind::Untagged, None, cite(citation));
        }
        self.flags_told(client, &told);
        self.notify_flags(client, mailbox_id, &changed);
        outcome
    }
}

/// Which messages a STORE changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Apply {
    Nothing,
    Live,
    /// The live messages and this session's copies of the expunged ones.
    LiveAndGhosts,
}

/// `FLAGS`, `+FLAGS` or `-FLAGS` (RFC 3501 §6.4.6) on one message's flags.
fn store_flags(target: &mut Flags, kind: StoreKind, flags: &[Flag]) {
    match kind {
        StoreKind::Replace => *target = Flags::from_list(flags),
        StoreKind::Add => flags.iter().for_each(|f| target.insert(f)),
        StoreKind::Remove => flags.iter().for_each(|f| target.remove(f)),
    }
}
