//! STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8), with RFC 2180 §4.2 for messages another
//! session expunged.

use crate::protocol::types::{Data, FetchValue, Flag, Response, SequenceSet, StoreKind};
use crate::server::limits;
use crate::server::policy::{Citation, StoreExpunged};
use crate::server::session::View;
use crate::server::store::Uid;
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

impl Server {
    pub(crate) fn handle_store(
        &mut self,
        client: ClientId,
        set: &SequenceSet,
        kind: StoreKind,
        silent: bool,
        flags: &[Flag],
        uid: bool,
    ) -> CmdResult {
        let (mailbox_id, read_only) = self.selected_mailbox(client)?;
        if read_only {
            return Err(Fail::no(
                "The mailbox is read-only (EXAMINE): flags cannot be changed",
            ));
        }
        if let Some(mailbox) = self.store.get(mailbox_id) {
            limits::check_flags(mailbox, flags)?;
        }
        let indexes = self.resolve(client, set, uid)?;
        let Some(view) = self.sessions.get(&client).and_then(|s| s.state.view()) else {
            return Err(Fail::bad("No mailbox selected"));
        };
        let mut live: Vec<(usize, Uid, bool)> = Vec::new();
        let mut expunged = 0usize;
        for i in indexes {
            if let Some(e) = view.entries.get(i) {
                if e.expunged.is_some() {
                    expunged += 1;
                } else {
                    live.push((i, e.uid, e.recent));
                }
            }
        }
        let policy = self.policies.store_expunged;
        let citation = Citation::of(policy);
        let issued = self.expunge_issued(expunged > 0);
        let with_issued = |fail: Fail| match &issued {
            Some((code, _)) => fail.with_code(code.clone()),
            None => fail,
        };
        // Decide what to do, and with which tagged reply, before changing anything.
        let (apply, outcome): (bool, CmdResult) = if expunged == 0 {
            (
                true,
                Ok(Done::text(if uid {
                    "UID STORE completed"
                } else {
                    "STORE completed"
                })),
            )
        } else if live.is_empty() {
            // RFC 2180 §4.2.2, under both values.
            (
                false,
                Err(with_issued(
                    Fail::no("Messages have been expunged").cite(citation),
                )),
            )
        } else if silent {
            // RFC 2180 §4.2.1, under both values: set the live ones, answer OK.
            let mut done = Done::text("STORE completed").cite(citation);
            if let Some((code, _)) = &issued {
                done = done.with_code(code.clone());
            }
            (true, Ok(done))
        } else {
            let fail =
                with_issued(Fail::no("Some of the messages no longer exist.").cite(citation));
            match policy {
                // RFC 2180 §4.2.3: set and report the live ones, then NO.
                StoreExpunged::PartialNo => (true, Err(fail)),
                // RFC 2180 §4.2.4: set nothing, NO.
                StoreExpunged::AllNo => (false, Err(fail)),
            }
        };
        if !apply {
            return outcome;
        }
        let Some(mailbox) = self.store.get_mut(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let flags = mailbox.canonical_flags(flags);
        let flags = flags.as_slice();
        let mut changed = Vec::new();
        let mut reports = Vec::new();
        for (i, message_uid, recent) in live {
            let Some(m) = mailbox.message_mut(message_uid) else {
                continue;
            };
            let before = m.flags.clone();
            match kind {
                StoreKind::Replace => {
                    let mut next = crate::server::store::Flags::from_list(flags);
                    std::mem::swap(&mut m.flags, &mut next);
                }
                StoreKind::Add => flags.iter().for_each(|f| m.flags.insert(f)),
                StoreKind::Remove => flags.iter().for_each(|f| m.flags.remove(f)),
            }
            if m.flags != before {
                changed.push(message_uid);
            }
            // RFC 3501 §6.4.6: without .SILENT, an untagged FETCH with the new flags; UID STORE
            // includes the UID (RFC 3501 §6.4.8).
            if !silent {
                let mut items = vec![FetchValue::Flags(m.flags.to_list(recent))];
                if uid {
                    items.push(FetchValue::Uid(message_uid.0));
                }
                reports.push(Response::Data(Data::Fetch {
                    seq: View::seq_of(i).0,
                    items,
                }));
            }
        }
        for r in reports {
            self.send(client, r, None);
        }
        self.notify_flags(client, mailbox_id, &changed);
        outcome
    }
}
