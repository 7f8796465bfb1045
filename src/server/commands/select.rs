//! SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2), CLOSE (§6.4.2), UNSELECT (RFC 3691).

use crate::protocol::types::{
    Code, Data, Flag, ListItem, MailboxName, NameAttribute, Response, SelectParam, StatusKind,
};
use crate::server::commands::condstore::{check_select_params, qresync_responses};
use crate::server::commands::fetch::selected_view;
use crate::server::policy::{Citation, SelectShared};
use crate::server::session::{flag_responses, State, View};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

impl Server {
    pub(crate) fn handle_select(
        &mut self,
        client: ClientId,
        name: &MailboxName,
        params: &[SelectParam],
        read_only: bool,
    ) -> CmdResult {
        let qresync = check_select_params(params, self.qresync_enabled(client))?.cloned();
        let was_selected = self
            .sessions
            .get(&client)
            .is_some_and(|s| s.state.view().is_some());
        // RFC 3501 §6.3.1: selecting deselects the current mailbox first, even if the new
        // SELECT fails; no expunge happens.
        let user = self.deselect(client)?;
        // RFC 7162 §3.2.11: "A server that advertises "QRESYNC" or "CONDSTORE" ... must return
        // the CLOSED response code" when SELECT / EXAMINE closes the selected mailbox.
        if was_selected {
            self.untagged_ok(client, Code::Closed, "Previous mailbox closed".to_string());
        }
        // RFC 7162 §3.1: the CONDSTORE parameter is a CONDSTORE enabling command, and QRESYNC
        // implies it (§3.2.3). Nothing is selected now, so no HIGHESTMODSEQ is due here.
        if !params.is_empty() {
            self.enable_condstore(client);
        }
        let id = self.lookup(name)?;
        if self.store.get(id).is_some_and(|m| m.noselect) {
            return Err(
                Fail::no(format!("{} cannot be selected (\\Noselect)", name.0))
                    .with_code(Code::Nonexistent),
            );
        }
        let others = self.others_on(client, id);
        let mut citation = None;
        if !others.is_empty() {
            let policy = self.policies.select_shared;
            match policy {
                SelectShared::Allow => {}
                // RFC 2683 §3.1.1; the INUSE code is RFC 9051 §7.1's.
                SelectShared::Refuse => {
                    return Err(Fail::no(format!(
                        "Mailbox {} is in use by another client",
                        name.0
                    ))
                    .with_code(Code::InUse)
                    .cite(Citation::of(policy)));
                }
                // RFC 2683 §3.1.1: the first client is forced off.
                SelectShared::KickFirst => {
                    for other in others {
                        self.bye(
                            other,
                            format!("Mailbox {} was selected by another client", name.0),
                            Some(Citation::of(policy)),
                        );
                    }
                    citation = Some(Citation::of(policy));
                }
            }
        }
        let enabled = self
            .sessions
            .get(&client)
            .map(|s| s.enabled)
            .unwrap_or_default();
        // RFC 9051 §6.3.2: an IMAP4rev2 SELECT returns a LIST of the mailbox whose attributes
        // are accurate: those LIST gives it (RFC 9051 §7.3.1, CHILDREN).
        let list = enabled
            .rev2
            .then(|| rev2_list_item(&self.store, id))
            .flatten();
        let Some(mailbox) = self.store.get_mut(id) else {
            return Err(Fail::no("Mailbox vanished").with_code(Code::ServerBug));
        };
        let rev2 = enabled.rev2;
        let view = View::open_for(mailbox, read_only, enabled);
        let uid_validity = mailbox.uid_validity;
        let uid_next = mailbox.uid_next;
        let mailbox_highest = mailbox.highest_modseq();
        let first_unseen = mailbox
            .messages
            .iter()
            .position(|m| !m.flags.contains(&Flag::Seen));
        let flags = flag_responses(mailbox, read_only);
        // RFC 3501 §6.3.1: the responses in the order of its example: EXISTS, RECENT,
        // OK [UNSEEN], OK [UIDVALIDITY], OK [UIDNEXT], FLAGS, OK [PERMANENTFLAGS].
        self.send(client, Response::Data(Data::Exists(view.exists())), None);
        // RFC 9051 Appendix E items 11, 12: IMAP4rev2 removed `[UNSEEN]` and RECENT. Appendix A:
        // removed responses go to IMAP4rev1 clients only, RECENT excepted, which a server
        // "can also send" (§6.3.2): this one sends an IMAP4rev2 session none (issue 12).
        if !rev2 {
            self.send(client, Response::Data(Data::Recent(view.recent())), None);
        }
        if let Some(i) = first_unseen.filter(|_| !rev2) {
            let seq = View::seq_of(i).0;
            self.untagged_ok(
                client,
                Code::Unseen(seq),
                format!("Message {seq} is first unseen"),
            );
        }
        self.untagged_ok(
            client,
            Code::UidValidity(uid_validity),
            "UIDs valid".to_string(),
        );
        self.untagged_ok(
            client,
            Code::UidNext(uid_next),
            "Predicted next UID".to_string(),
        );
        for r in flags {
            self.send(client, r, None);
        }
        if let Some(item) = list {
            self.send(client, Response::Data(Data::List(item)), None);
        }
        // RFC 7162 §3.1.2.1: once CONDSTORE is enabled, SELECT and EXAMINE give HIGHESTMODSEQ
        // (after PERMANENTFLAGS, as §3.1.8's example shows).
        if self.condstore_enabled(client) {
            self.untagged_ok(
                client,
                Code::HighestModSeq(mailbox_highest),
                "Highest".to_string(),
            );
        }
        // RFC 7162 §3.2.5.1: then what changed since the client's mod-sequence.
        let resync = match (&qresync, self.store.get(id)) {
            (Some(q), Some(mailbox)) => qresync_responses(&view, mailbox, q),
            _ => Vec::new(),
        };
        for r in resync {
            self.send(client, r, None);
        }
        if let Some(s) = self.sessions.get_mut(&client) {
            s.state = State::Selected { user, view };
        }
        let (code, verb) = if read_only {
            (Code::ReadOnly, "EXAMINE")
        } else {
            (Code::ReadWrite, "SELECT")
        };
        let done = Done::text(format!("{verb} completed")).with_code(code);
        Ok(match citation {
            Some(c) => done.cite(c),
            None => done,
        })
    }

    fn untagged_ok(&mut self, client: ClientId, code: Code, text: String) {
        self.send_status(client, None, StatusKind::Ok, Some(code), text, None);
    }

    /// Leaves the selected mailbox, if any, without expunging; returns the user.
    pub(crate) fn deselect(&mut self, client: ClientId) -> Result<String, Fail> {
        let Some(session) = self.sessions.get_mut(&client) else {
            return Err(Fail::bad("No such session"));
        };
        let user = session
            .state
            .user()
            .map(str::to_string)
            .ok_or_else(|| Fail::bad("Not authenticated"))?;
        let old = std::mem::replace(
            &mut session.state,
            State::Authenticated { user: user.clone() },
        );
        self.leave_mailbox(old);
        Ok(user)
    }

    /// RFC 3501 §6.4.2: CLOSE expunges silently (no untagged EXPUNGE) when the mailbox is
    /// read-write, then returns to the authenticated state.
    pub(crate) fn handle_close(&mut self, client: ClientId) -> CmdResult {
        let view = selected_view(&self.sessions, client)?;
        let (mailbox, read_only) = (view.mailbox, view.read_only);
        let mut done = Done::text("CLOSE completed");
        if !read_only {
            match self.expunge_permitted(client, mailbox) {
                Ok(()) => {
                    let uids = self.deleted_uids(mailbox, None);
                    self.expunge_messages(client, mailbox, &uids);
                }
                // RFC 2180 §4.1.4: the mailbox is closed but nothing is expunged.
                Err(citation) => {
                    done = Done::text(
                        "CLOSE completed; nothing expunged: the mailbox is in use by another client",
                    )
                    .cite(citation);
                }
            }
        }
        self.deselect(client)?;
        Ok(done)
    }

    /// RFC 3691 §3: like CLOSE without the expunge.
    pub(crate) fn handle_unselect(&mut self, client: ClientId) -> CmdResult {
        self.deselect(client)?;
        Ok(Done::text("UNSELECT completed"))
    }
}

/// The LIST response an IMAP4rev2 SELECT / EXAMINE returns for `id` (RFC 9051 §6.3.2), with
/// the attributes LIST gives it; `None` for a mailbox that is gone.
fn rev2_list_item(
    store: &crate::server::mailstore::Store,
    id: crate::server::mailstore::MailboxId,
) -> Option<ListItem> {
    let mb = store.get(id)?;
    // RFC 3348 §4 (CHILDREN), as carried into RFC 9051 §7.3.1; a selectable mailbox.
    let children = if store.has_children(&mb.name) {
        NameAttribute::HasChildren
    } else {
        NameAttribute::HasNoChildren
    };
    Some(ListItem {
        attributes: vec![children],
        delimiter: Some(crate::server::mailstore::DELIMITER),
        mailbox: MailboxName(mb.name.clone()),
    })
}
