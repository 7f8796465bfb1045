//! COPY (RFC 3501 §6.4.7) and MOVE (RFC 6851), UID forms included, answered with COPYUID
//! (RFC 4315 §3), with RFC 2180 §4.4 for messages another session expunged.

use crate::protocol::types::{Code, MailboxName, SequenceSet, StatusKind};
use crate::server::commands::fetch::{selected_view, Touched};
use crate::server::fetch_items::uid_set;
use crate::server::mailstore::{Flags, MessageData, Uid};
use crate::server::policy::{Citation, CopyExpunged};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};
use std::sync::Arc;

impl Server {
    pub(crate) fn handle_copy(
        &mut self,
        client: ClientId,
        set: &SequenceSet,
        target: &MailboxName,
        uid: bool,
        is_move: bool,
    ) -> CmdResult {
        let verb = if is_move { "MOVE" } else { "COPY" };
        let (source_id, read_only) = self.selected_mailbox(client)?;
        if is_move && read_only {
            return Err(Fail::no(
                "The mailbox is read-only (EXAMINE): messages cannot be moved",
            ));
        }
        let indexes = self.resolve(client, set, uid, false)?;
        let target_id = match self.lookup(target) {
            Ok(id) => id,
            // RFC 3501 §6.4.7: TRYCREATE when the destination does not exist.
            Err(fail) if fail.code.as_deref() == Some(&Code::Nonexistent) => {
                return Err(Fail::no(format!("Mailbox {} does not exist", target.0))
                    .with_code(Code::TryCreate));
            }
            Err(fail) => return Err(fail),
        };
        // The messages the numbers meant when the command began (RFC 2180 §4.4.2).
        let mut picked: Vec<(Uid, Arc<MessageData>, Flags, bool)> = Vec::new();
        {
            let view = selected_view(&self.sessions, client)?;
            let Some(source) = self.store.get(source_id) else {
                return Err(Fail::no("The selected mailbox no longer exists"));
            };
            for i in indexes {
                let Some(e) = view.entries.get(i) else {
                    continue;
                };
                match &e.expunged {
                    Some(g) => picked.push((e.uid, g.data.clone(), g.flags.clone(), true)),
                    None => {
                        if let Some(m) = source.message(e.uid) {
                            picked.push((e.uid, m.data.clone(), m.flags.clone(), false));
                        }
                    }
                }
            }
        }
        let any_expunged = picked.iter().any(|p| p.3);
        let mut citation = None;
        // What happens to the expunged messages among those picked.
        let mut expunged_as = Expunged::Copied;
        if any_expunged {
            let policy = self.policies.copy_expunged;
            match policy {
                // RFC 2180 §4.4.1: nothing is copied.
                CopyExpunged::Refuse => {
                    let mut fail = Fail::no(format!(
                        "{verb} rejected, because some of the requested messages were expunged"
                    ))
                    .cite(Citation::of(policy));
                    if let Some((code, _)) = self.expunge_issued(Touched::Content) {
                        fail = fail.with_code(code);
                    }
                    return Err(fail);
                }
                // RFC 2180 §4.4.2: expunged messages are copied as they were.
                CopyExpunged::Allow => citation = Some(Citation::of(policy)),
                // Cyrus 3.6 behaviour: not copied, but a UID spent and named in COPYUID.
                CopyExpunged::SkipListed => {
                    citation = Some(Citation::of(policy));
                    expunged_as = Expunged::Listed;
                }
                // Courier 5.0 behaviour: not copied, not named.
                CopyExpunged::Skip => {
                    citation = Some(Citation::of(policy));
                    expunged_as = Expunged::Skipped;
                }
            }
        }
        if is_move {
            if let Err(c) = self.expunge_permitted(client, source_id) {
                return Err(Fail::no(
                    "MOVE refused: the source mailbox is in use by another client",
                )
                .cite(c));
            }
        }
        // RFC 9208 §4.3.1: OVERQUOTA when the copies would not fit, nothing copied. A MOVE
        // counts as the COPY it begins with (RFC 6851 §3.3: as COPY, then the expunge), so
        // it needs the room of its copies while they exist beside the originals.
        let (octets, count) = picked
            .iter()
            .filter(|p| !p.3 || expunged_as == Expunged::Copied)
            .fold((0u64, 0u64), |(o, n), p| {
                (o.saturating_add(u64::from(p.1.size())), n.saturating_add(1))
            });
        self.check_quota(client, octets, count, verb)?;
        let Some(dest) = self.store.get_mut(target_id) else {
            return Err(
                Fail::no(format!("Mailbox {} does not exist", target.0)).with_code(Code::TryCreate)
            );
        };
        if dest.noselect {
            return Err(
                Fail::no(format!("{} cannot hold messages (\\Noselect)", target.0))
                    .with_code(Code::Cannot),
            );
        }
        // RFC 2180 §4.4: a failed COPY leaves the destination as it was, so check room first.
        let room = u32::MAX - dest.uid_next;
        if u32::try_from(picked.len()).map_or(true, |n| n > room) {
            return Err(Fail::no("The destination has run out of UIDs").with_code(Code::Limit));
        }
        let uid_validity = dest.uid_validity;
        let mut source_uids = Vec::new();
        let mut dest_uids = Vec::new();
        let mut moved_live = Vec::new();
        for (src_uid, data, flags, expunged) in picked {
            let new_uid = match (expunged, expunged_as) {
                (false, _) | (true, Expunged::Copied) => dest.append(data, flags),
                (true, Expunged::Listed) => {
                    let spent = Uid(dest.uid_next);
                    dest.uid_next.checked_add(1).map(|next| {
                        dest.uid_next = next;
                        spent
                    })
                }
                (true, Expunged::Skipped) => None,
            };
            if let Some(new_uid) = new_uid {
                source_uids.push(src_uid);
                dest_uids.push(new_uid);
                if !expunged {
                    moved_live.push(src_uid);
                }
            }
        }
        let code = (!source_uids.is_empty()).then(|| Code::CopyUid {
            uid_validity,
            source: uid_set(&source_uids),
            destination: uid_set(&dest_uids),
        });
        let mut done = Done::text(format!("{verb} completed"));
        if let Some(c) = citation {
            done = done.cite(c);
        }
        if is_move {
            // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGE responses.
            if let Some(code) = code {
                self.send_status(
                    client,
                    None,
                    StatusKind::Ok,
                    Some(code),
                    "Moved".to_string(),
                    None,
                );
            }
            self.expunge_messages(client, source_id, &moved_live);
            // RFC 6851 §4.4: "If at least one message was moved, the server MUST send the
            // updated per-mailbox modification sequence using the HIGHESTMODSEQ response code
            // ... in the tagged or untagged OK response"; sent, as after EXPUNGE (RFC 7162
            // §3.2.7), to a client that enabled QRESYNC.
            let highest = self.store.get(source_id).map(|m| m.highest_modseq());
            if let (Some(n), false, true) =
                (highest, moved_live.is_empty(), self.qresync_enabled(client))
            {
                done = done.with_code(Code::HighestModSeq(n));
            }
        } else if let Some(code) = code {
            done = done.with_code(code);
        }
        if let Some((code, _)) = self.expunge_issued(Touched::when(any_expunged, Touched::Content))
        {
            match done.code.take() {
                None => done = done.with_code(code),
                // The tagged OK carries EXPUNGEISSUED; HIGHESTMODSEQ goes in an untagged OK
                // (RFC 6851 §4.4 allows either).
                Some(highest @ Code::HighestModSeq(_)) => {
                    done = done.with_code(code);
                    self.send_status(
                        client,
                        None,
                        StatusKind::Ok,
                        Some(highest),
                        "Highest".to_string(),
                        None,
                    );
                }
                Some(other) => done.code = Some(other),
            }
        }
        Ok(done)
    }
}

/// What a COPY does with a message another session expunged, once the policy allowed the COPY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expunged {
    /// Copied as it was (RFC 2180 §4.4.2).
    Copied,
    /// Not copied, but a UID spent on it and named in COPYUID (Cyrus 3.6).
    Listed,
    /// Not copied, not named (Courier 5.0).
    Skipped,
}
