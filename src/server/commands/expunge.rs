//! EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1), and the one mechanism every
//! removal goes through (EXPUNGE, CLOSE, MOVE): take the messages out of the store and tell
//! every session that has the mailbox selected.

use crate::protocol::types::{Code, Flag, SequenceSet};
use crate::server::mailstore::{MailboxId, Uid};
use crate::server::policy::{Citation, ExpungeShared};
use crate::server::session::Ghost;
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

impl Server {
    pub(crate) fn handle_expunge(
        &mut self,
        client: ClientId,
        uids: Option<&SequenceSet>,
    ) -> CmdResult {
        let (mailbox, read_only) = self.selected_mailbox(client)?;
        if read_only {
            return Err(Fail::no(
                "The mailbox is read-only (EXAMINE): nothing can be expunged",
            ));
        }
        if let Err(citation) = self.expunge_permitted(client, mailbox) {
            return Err(
                Fail::no("EXPUNGE refused: the mailbox is in use by another client").cite(citation),
            );
        }
        let filter = match uids {
            Some(set) => Some(self.resolve_uids(client, set)?),
            None => None,
        };
        let doomed = self.deleted_uids(mailbox, filter.as_deref());
        self.expunge_messages(client, mailbox, &doomed);
        // The EXPUNGE (or VANISHED) responses are written by `finish`, which flushes the view.
        let done = Done::text(match uids {
            Some(_) => "UID EXPUNGE completed",
            None => "EXPUNGE completed",
        });
        // RFC 7162 §3.2.7, §3.2.9: "If at least one message got expunged and QRESYNC was
        // enabled, the server MUST send the updated per-mailbox modification sequence using the
        // HIGHESTMODSEQ response code ... in the tagged OK response."
        let highest = self.store.get(mailbox).map(|m| m.highest_modseq());
        Ok(match highest {
            Some(n) if !doomed.is_empty() && self.qresync_enabled(client) => {
                done.with_code(Code::HighestModSeq(n))
            }
            _ => done,
        })
    }

    /// RFC 2180 §4.1.4: whether a session may expunge while others have the mailbox selected.
    /// The one place `expunge_shared` is read.
    pub(crate) fn expunge_permitted(
        &self,
        client: ClientId,
        mailbox: MailboxId,
    ) -> Result<(), Citation> {
        if self.others_on(client, mailbox).is_empty() {
            return Ok(());
        }
        match self.policies.expunge_shared {
            ExpungeShared::Allow => Ok(()),
            ExpungeShared::Refuse => Err(Citation::of(ExpungeShared::Refuse)),
        }
    }

    /// The UIDs of live `\Deleted` messages, optionally only those in `among` (sorted).
    pub(crate) fn deleted_uids(&self, mailbox: MailboxId, among: Option<&[Uid]>) -> Vec<Uid> {
        let Some(mb) = self.store.get(mailbox) else {
            return Vec::new();
        };
        mb.messages
            .iter()
            .filter(|m| m.flags.contains(&Flag::Deleted))
            .filter(|m| among.is_none_or(|set| set.binary_search(&m.uid).is_ok()))
            .map(|m| m.uid)
            .collect()
    }

    /// Removes messages (`uids` sorted) and marks them expunged in every view of the mailbox.
    /// Each session is told when RFC 3501 §7.4.1 lets it be; until then it keeps a ghost.
    pub(crate) fn expunge_messages(&mut self, by: ClientId, mailbox: MailboxId, uids: &[Uid]) {
        if uids.is_empty() {
            return;
        }
        let Some(mb) = self.store.get_mut(mailbox) else {
            return;
        };
        // RFC 7162 §3.2.7: the expunge takes a new mod-sequence, remembered with each UID.
        let removed: Vec<(Uid, Ghost)> = mb
            .remove(uids)
            .into_iter()
            .map(|m| {
                (
                    m.uid,
                    Ghost {
                        data: m.data,
                        flags: m.flags,
                        modseq: m.modseq,
                        told: None,
                    },
                )
            })
            .collect();
        for session in self.sessions.values_mut() {
            let by_self = session.id == by;
            if let Some(view) = session.state.view_mut() {
                if view.mailbox == mailbox {
                    for (uid, ghost) in &removed {
                        view.mark_expunged(*uid, ghost.clone(), by_self);
                    }
                }
            }
        }
    }
}
