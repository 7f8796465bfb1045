//! STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8), with RFC 2180 §4.2 for messages another
//! session expunged.

use crate::protocol::types::{FetchValue, Flag, SequenceSet, StoreKind};
use crate::server::commands::fetch::selected_view;
use crate::server::fetch_items::FetchResponse;
use crate::server::limits;
use crate::server::mailstore::Uid;
use crate::server::policy::{Citation, StoreExpunged};
use crate::server::session::View;
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
        let view = selected_view(&self.sessions, client)?;
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
        let issued = self.expunge_issued(expunged > 0);
        let with_issued = |fail: Fail| match &issued {
            Some((code, _)) => fail.with_code(code.clone()),
            None => fail,
        };
        // Decide what to do, and with which tagged reply, before changing anything. Each reply
        // cites the paragraph that decided it: §4.2.1 and §4.2.2 apply under both values.
        // `report`: the citation of the untagged FETCH responses, when a policy decided to send
        // them.
        let (apply, report, outcome): (bool, Option<Citation>, CmdResult) = if expunged == 0 {
            (
                true,
                None,
                Ok(Done::text(if uid {
                    "UID STORE completed"
                } else {
                    "STORE completed"
                })),
            )
        } else if silent {
            // RFC 2180 §4.2.1: with .SILENT, set the live ones (if any) and answer OK.
            let mut done =
                Done::text("STORE completed").cite(Citation::at(policy, "RFC 2180 §4.2.1"));
            if let Some((code, _)) = &issued {
                done = done.with_code(code.clone());
            }
            (true, None, Ok(done))
        } else if live.is_empty() {
            // RFC 2180 §4.2.2: without .SILENT, only expunged messages: a tagged NO only.
            (
                false,
                None,
                Err(with_issued(
                    Fail::no("Messages have been expunged")
                        .cite(Citation::at(policy, "RFC 2180 §4.2.2")),
                )),
            )
        } else {
            let fail = with_issued(
                Fail::no("Some of the messages no longer exist.").cite(Citation::of(policy)),
            );
            match policy {
                // RFC 2180 §4.2.3: set and report the live ones, then NO.
                StoreExpunged::PartialNo => (true, Some(Citation::of(policy)), Err(fail)),
                // RFC 2180 §4.2.4: set nothing, NO.
                StoreExpunged::AllNo => (false, None, Err(fail)),
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
        let mut told = Vec::new();
        for (i, message_uid, recent) in live {
            let Some(m) = mailbox.message_mut(message_uid) else {
                continue;
            };
            let before = m.flags.clone();
            match kind {
                StoreKind::Replace => {
                    let mut next = crate::server::mailstore::Flags::from_list(flags);
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
                let mut fetch = FetchResponse::new(View::seq_of(i).0);
                fetch.push(FetchValue::Flags(m.flags.to_list(recent)));
                if uid {
                    fetch.push(FetchValue::Uid(message_uid.0));
                }
                reports.push(fetch);
                told.push(message_uid);
            }
        }
        // RFC 3501 §7.2.6: a keyword this STORE created is announced before a FETCH carries it.
        self.announce_keywords(client);
        for fetch in reports {
            self.send(client, fetch.into_response(), report.clone());
        }
        self.flags_told(client, &told);
        self.notify_flags(client, mailbox_id, &changed);
        outcome
    }
}
