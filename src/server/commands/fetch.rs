//! FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8), with RFC 2180 §4.1 for messages another
//! session expunged; and the selected-state helpers the other handlers share.

use crate::protocol::types::{
    Code, Data, FetchAtt, FetchItems, FetchValue, Flag, Response, SequenceSet,
};
use crate::server::fetch::{nil_value, sets_seen, value, Seen};
use crate::server::policy::{Citation, ExpungeIssuedCode, FetchExpunged};
use crate::server::session::{Index, View};
use crate::server::store::{MailboxId, Uid};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

impl Server {
    /// The selected mailbox and whether it is read-only.
    pub(crate) fn selected_mailbox(&self, client: ClientId) -> Result<(MailboxId, bool), Fail> {
        self.sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .map(|v| (v.mailbox, v.read_only))
            .ok_or_else(|| Fail::bad("No mailbox selected"))
    }

    /// Resolves a set against the session's view (the one seq/UID conversion is in `View`).
    pub(crate) fn resolve(
        &self,
        client: ClientId,
        set: &SequenceSet,
        uid: bool,
    ) -> Result<Vec<Index>, Fail> {
        let view = self
            .sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .ok_or_else(|| Fail::bad("No mailbox selected"))?;
        view.resolve(set, uid).map_err(|e| Fail::bad(e.0))
    }

    /// The UIDs a UID set names among the messages the session knows, sorted.
    pub(crate) fn resolve_uids(
        &self,
        client: ClientId,
        set: &SequenceSet,
    ) -> Result<Vec<Uid>, Fail> {
        let indexes = self.resolve(client, set, true)?;
        let view = self
            .sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .ok_or_else(|| Fail::bad("No mailbox selected"))?;
        Ok(indexes
            .into_iter()
            .filter_map(|i| view.entries.get(i).map(|e| e.uid))
            .collect())
    }

    /// Records that flags changed, for every other session on the mailbox (RFC 3501 §7.4.2:
    /// they are told with an untagged FETCH when they may be).
    pub(crate) fn notify_flags(&mut self, by: ClientId, mailbox: MailboxId, uids: &[Uid]) {
        for session in self.sessions.values_mut() {
            if session.id == by {
                continue;
            }
            if let Some(view) = session.state.view_mut() {
                if view.mailbox == mailbox {
                    view.flags_changed.extend(uids.iter().copied());
                }
            }
        }
    }

    /// The `[EXPUNGEISSUED]` code (RFC 9051 §7.1) for a reply that touched expunged messages,
    /// when the policy asks for it. The one place `expungeissued_code` is read.
    pub(crate) fn expunge_issued(&self, touched: bool) -> Option<(Code, Citation)> {
        match (touched, self.policies.expungeissued_code) {
            (true, ExpungeIssuedCode::On) => {
                Some((Code::ExpungeIssued, Citation::of(ExpungeIssuedCode::On)))
            }
            (_, ExpungeIssuedCode::On) | (_, ExpungeIssuedCode::Off) => None,
        }
    }

    pub(crate) fn handle_fetch(
        &mut self,
        client: ClientId,
        set: &SequenceSet,
        items: &FetchItems,
        uid: bool,
    ) -> CmdResult {
        let (mailbox_id, read_only) = self.selected_mailbox(client)?;
        let indexes = self.resolve(client, set, uid)?;
        let mut atts = items.expand();
        // RFC 3501 §6.4.8: UID FETCH responses always include UID.
        if uid && !atts.contains(&FetchAtt::Uid) {
            atts.push(FetchAtt::Uid);
        }
        self.fetch_within_limits(client, mailbox_id, &indexes, &atts)?;
        let marks_seen = !read_only && atts.iter().any(sets_seen);
        let policy = self.policies.fetch_expunged;
        let mut responses: Vec<(Response, Option<Citation>)> = Vec::new();
        let mut newly_seen: Vec<Uid> = Vec::new();
        let mut expunged: Vec<u32> = Vec::new();
        {
            let Some(view) = self.sessions.get(&client).and_then(|s| s.state.view()) else {
                return Err(Fail::bad("No mailbox selected"));
            };
            let Some(mailbox) = self.store.get_mut(mailbox_id) else {
                return Err(Fail::no("The selected mailbox no longer exists"));
            };
            for i in indexes {
                let Some(entry) = view.entries.get(i) else {
                    continue;
                };
                let seq = View::seq_of(i).0;
                let (items, citation) = match &entry.expunged {
                    Some(ghost) => {
                        expunged.push(seq);
                        match policy {
                            // RFC 2180 §4.1.1: serve the ghost.
                            FetchExpunged::Ghost => {
                                let seen = Seen {
                                    uid: entry.uid,
                                    data: &ghost.data,
                                    flags: ghost.flags.to_list(entry.recent),
                                };
                                let items = atts.iter().map(|a| value(a, &seen)).collect();
                                (items, Some(Citation::of(policy)))
                            }
                            // RFC 2180 §4.1.3: NIL values.
                            FetchExpunged::Nil => {
                                let items = atts.iter().map(|a| nil_value(a, entry.uid)).collect();
                                (items, Some(Citation::of(policy)))
                            }
                            // RFC 2180 §4.1.2, and the silent omission of real servers.
                            FetchExpunged::No | FetchExpunged::Omit => continue,
                        }
                    }
                    None => {
                        let Some(message) = mailbox.message_mut(entry.uid) else {
                            continue;
                        };
                        let mut flag_added = false;
                        if marks_seen && !message.flags.contains(&Flag::Seen) {
                            message.flags.insert(&Flag::Seen);
                            newly_seen.push(entry.uid);
                            flag_added = true;
                        }
                        let seen = Seen {
                            uid: entry.uid,
                            data: &message.data,
                            flags: message.flags.to_list(entry.recent),
                        };
                        let mut items: Vec<FetchValue> =
                            atts.iter().map(|a| value(a, &seen)).collect();
                        // RFC 3501 §6.4.5: when fetching sets \Seen, the new flags SHOULD be
                        // included in the FETCH response.
                        if flag_added && !atts.contains(&FetchAtt::Flags) {
                            items.push(FetchValue::Flags(seen.flags.clone()));
                        }
                        (items, None)
                    }
                };
                responses.push((Response::Data(Data::Fetch { seq, items }), citation));
            }
        }
        // RFC 2180 §4.1.3: when every message asked for was expunged, the NIL policy sends no
        // untagged responses, only a tagged NO.
        let all_nil = policy == FetchExpunged::Nil
            && !expunged.is_empty()
            && responses.iter().all(|(_, c)| c.is_some());
        if !all_nil {
            for (response, citation) in responses {
                self.send(client, response, citation);
            }
        }
        self.notify_flags(client, mailbox_id, &newly_seen);
        let issued = self.expunge_issued(!expunged.is_empty());
        let result = if expunged.is_empty() {
            Ok(Done::text(if uid {
                "UID FETCH completed"
            } else {
                "FETCH completed"
            }))
        } else {
            let c = Citation::of(policy);
            match policy {
                FetchExpunged::Ghost | FetchExpunged::Omit => {
                    Ok(Done::text("FETCH completed").cite(c))
                }
                FetchExpunged::Nil if !all_nil => Ok(Done::text("FETCH completed").cite(c)),
                FetchExpunged::Nil => Err(Fail::no(format!(
                    "Messages {} have been expunged.",
                    describe(&expunged)
                ))
                .cite(c)),
                FetchExpunged::No => {
                    Err(Fail::no("Some of the requested messages no longer exist").cite(c))
                }
            }
        };
        Ok(match (result, issued) {
            (Ok(done), Some((code, _))) => done.with_code(code),
            (Err(fail), Some((code, _))) => return Err(fail.with_code(code)),
            (Ok(done), None) => done,
            (Err(fail), None) => return Err(fail),
        })
    }
}

/// Sequence numbers for people: `4:7`, `4`, `2,5,7`.
pub(crate) fn describe(seqs: &[u32]) -> String {
    let contiguous = seqs.windows(2).all(|w| w[0].checked_add(1) == Some(w[1]));
    match (seqs.first(), seqs.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) if contiguous => format!("{a}:{b}"),
        _ => seqs
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}
