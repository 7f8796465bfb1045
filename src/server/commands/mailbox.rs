//! Mailbox-level commands of the authenticated state (RFC 3501 §6.3): CREATE, DELETE, RENAME,
//! SUBSCRIBE, UNSUBSCRIBE, STATUS, APPEND; and the name lookup they share with LIST and LSUB
//! (`list.rs`).

use crate::protocol::types::{
    AppendMessage, Code, Data, Flag, MailboxName, Response, StatusItem, StatusKind, StatusValue,
};
use crate::server::limits;
use crate::server::mailstore::{
    Flags, Mailbox, MailboxId, MessageData, StoreError, Uid, SPECIAL_USES,
};
use crate::server::policy::{Citation, DeleteSelected, RenameSelected};
use crate::server::session::{Doom, Ghost};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

impl Server {
    /// Finds a live mailbox by name. A name that was renamed away carries the NEWNAME hint
    /// when the RENAME asked for it (RFC 2180 §3.4).
    pub(crate) fn lookup(&self, name: &MailboxName) -> Result<MailboxId, Fail> {
        if let Some(id) = self.store.id_of(&name.0) {
            return Ok(id);
        }
        Err(self.missing(name))
    }

    fn missing(&self, name: &MailboxName) -> Fail {
        match self.store.renamed_to(&name.0) {
            // RFC 2180 §3.4: "a server MAY add the [NEWNAME old new] response code".
            Some(new) => Fail::no("Mailbox has been renamed")
                .with_code(Code::NewName {
                    old: name.clone(),
                    new: MailboxName(new.to_string()),
                })
                .cite(Citation::of(RenameSelected::RenameNewname)),
            // RFC 9051 §7.1 NONEXISTENT.
            None => {
                Fail::no(format!("Mailbox {} does not exist", name.0)).with_code(Code::Nonexistent)
            }
        }
    }

    /// Sessions other than `client` that have the mailbox selected.
    pub(crate) fn others_on(&self, client: ClientId, mailbox: MailboxId) -> Vec<ClientId> {
        self.sessions
            .values()
            .filter(|s| s.id != client && !s.closing)
            .filter(|s| s.state.view().is_some_and(|v| v.mailbox == mailbox))
            .map(|s| s.id)
            .collect()
    }

    pub(crate) fn user_of(&self, client: ClientId) -> String {
        self.sessions
            .get(&client)
            .and_then(|s| s.state.user())
            .unwrap_or_default()
            .to_string()
    }

    /// RFC 3501 §6.3.3, with RFC 6154 §3's USE parameter.
    pub(crate) fn handle_create(
        &mut self,
        name: &MailboxName,
        special_use: Option<&[String]>,
    ) -> CmdResult {
        // RFC 3501 §6.3.3: "It is an error to attempt to create INBOX".
        if name.is_inbox() {
            return Err(Fail::no("INBOX always exists").with_code(Code::AlreadyExists));
        }
        // RFC 6154 §3: a use the server cannot give means no mailbox, and a NO with USEATTR.
        let mut uses = Vec::new();
        for attr in special_use.unwrap_or_default() {
            let known = SPECIAL_USES.iter().find(|u| u.eq_ignore_ascii_case(attr));
            let Some(known) = known else {
                return Err(
                    Fail::no(format!("\\{attr} not supported")).with_code(Code::Other {
                        atom: "USEATTR".to_string(),
                        text: None,
                    }),
                );
            };
            if !uses.contains(known) {
                uses.push(*known);
            }
        }
        match self.store.create(&name.0) {
            Ok(id) => {
                // RFC 6154 §3: a use another mailbox has is given to this one too ("Servers
                // MAY allow the creation of a special-use mailbox even if one so designated
                // already exists ... might create multiple mailboxes with the same special
                // use"): the sandbox's users share one store, so each may want their own.
                if let Some(mb) = self.store.get_mut(id) {
                    mb.special_use = uses;
                }
                Ok(Done::text("CREATE completed"))
            }
            // RFC 2180 §3.2: the name of a ghost is not reusable until released.
            Err(StoreError::StillInUse) => Err(Fail::no(format!(
                "Mailbox {} is still in use. Try again later",
                name.0
            ))
            .with_code(Code::InUse)
            .cite(Citation::of(DeleteSelected::Ghost))),
            Err(e) => Err(store_error(e, name)),
        }
    }

    /// RFC 3501 §6.3.4, with RFC 2180 §3 when others have the mailbox selected.
    pub(crate) fn handle_delete(&mut self, client: ClientId, name: &MailboxName) -> CmdResult {
        let id = self.lookup(name)?;
        let others = self.others_on(client, id);
        let own = self.has_selected(client, id);
        let policy = self.policies.delete_selected;
        let citation = Citation::of(policy);
        // Decide, when others have it selected: refuse, or the reply, what the sessions that
        // have it selected are told, and whether the deleted mailbox keeps its name for them.
        let mut done = Done::text("DELETE completed");
        let mut views = Views::Closed;
        if !others.is_empty() {
            match policy {
                DeleteSelected::Refuse => {
                    return Err(
                        Fail::no(format!("Mailbox {} is in use by another user.", name.0))
                            .with_code(Code::InUse)
                            .cite(citation),
                    );
                }
                DeleteSelected::Ghost => {
                    done = Done::text(format!("Mailbox {} is deleted.", name.0)).cite(citation);
                }
                DeleteSelected::Bye => {
                    for &other in &others {
                        self.bye(
                            other,
                            format!("Mailbox {} has been deleted.", name.0),
                            Some(citation.clone()),
                        );
                    }
                    done = done.cite(citation);
                }
                // Dovecot 2.3 behaviour: BYE at each one's next command, the name free now.
                DeleteSelected::ByeNext => {
                    views = Views::Doomed;
                    done = done.cite(citation);
                }
                // Cyrus 3.6 behaviour: every message expunged under them, the name free now.
                DeleteSelected::ExpungeAll => {
                    views = Views::Emptied;
                    done = done.cite(citation);
                }
            }
        }
        if self.store.has_children(&name.0) {
            // RFC 3501 §6.3.4: the messages go, the name stays as \Noselect; sessions that have
            // it selected see the messages expunged.
            if let Some(mb) = self.store.get(id) {
                if !mb.noselect {
                    let uids: Vec<_> = mb.messages.iter().map(|m| m.uid).collect();
                    self.expunge_messages(client, id, &uids);
                }
            }
        }
        // A session that deletes its own selected mailbox leaves it, and is told so with the
        // CLOSED code (RFC 9051 §7.1): it holds no ghost, so the name is free once the other
        // clients let go, as RFC 2180 §3.2's example shows.
        if own && views == Views::Closed {
            self.deselect(client)?;
            self.send_status(
                client,
                None,
                StatusKind::Ok,
                Some(Code::Closed),
                format!("Mailbox {} was deleted; it is no longer selected", name.0),
                None,
            );
        }
        // Other sessions still holding the mailbox keep a ghost until they leave it
        // (RFC 2180 §3.2); sessions sent BYE release theirs as they close.
        let held = views != Views::Emptied
            && self
                .sessions
                .values()
                .any(|s| s.state.view().is_some_and(|v| v.mailbox == id));
        let ghosts = match views {
            Views::Emptied => self.ghosts_of(id),
            Views::Closed | Views::Bye | Views::Doomed => Vec::new(),
        };
        self.store
            .delete(&name.0, held)
            .map_err(|e| store_error(e, name))?;
        match views {
            Views::Closed | Views::Bye => {}
            Views::Doomed => {
                self.doom(&others, own.then_some(client), None, Citation::of(policy));
                self.store.release_name(id);
            }
            Views::Emptied => self.expunge_in_views(client, id, &ghosts),
        }
        Ok(done)
    }

    /// Whether the client has this mailbox selected.
    fn has_selected(&self, client: ClientId, mailbox: MailboxId) -> bool {
        self.sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .is_some_and(|v| v.mailbox == mailbox)
    }

    /// Marks sessions for disconnection (Dovecot 2.3 behaviour): `others` at their next
    /// command that reads the mailbox, `own` right after this command's reply.
    fn doom(
        &mut self,
        others: &[ClientId],
        own: Option<ClientId>,
        renamed_from: Option<&MailboxName>,
        citation: Citation,
    ) {
        for session in self.sessions.values_mut() {
            let after_reply = if Some(session.id) == own {
                true
            } else if others.contains(&session.id) {
                false
            } else {
                continue;
            };
            session.doomed = Some(Doom {
                after_reply,
                text: if after_reply {
                    "Selected mailbox was deleted, have to disconnect.".to_string()
                } else {
                    "IMAP session state is inconsistent, please relogin.".to_string()
                },
                citation: citation.clone(),
                renamed_from: renamed_from.map(|n| n.0.clone()),
            });
        }
    }

    /// What a session keeps of each message of the mailbox once told it is expunged.
    fn ghosts_of(&self, mailbox: MailboxId) -> Vec<(Uid, Ghost)> {
        self.store.get(mailbox).map_or_else(Vec::new, |mb| {
            mb.messages
                .iter()
                .map(|m| {
                    (
                        m.uid,
                        Ghost {
                            data: m.data.clone(),
                            flags: m.flags.clone(),
                            modseq: m.modseq,
                            told: None,
                        },
                    )
                })
                .collect()
        })
    }

    /// Every session that has the mailbox selected, `by` included, sees these messages
    /// expunged, whatever becomes of the mailbox itself (Cyrus 3.6 behaviour).
    fn expunge_in_views(&mut self, by: ClientId, mailbox: MailboxId, ghosts: &[(Uid, Ghost)]) {
        for session in self.sessions.values_mut() {
            let by_self = session.id == by;
            if let Some(view) = session.state.view_mut() {
                if view.mailbox == mailbox {
                    for (uid, ghost) in ghosts {
                        view.mark_expunged(*uid, ghost.clone(), by_self);
                    }
                }
            }
        }
    }

    /// RFC 3501 §6.3.5, with RFC 2180 §3 when others have the mailbox selected.
    pub(crate) fn handle_rename(
        &mut self,
        client: ClientId,
        from: &MailboxName,
        to: &MailboxName,
    ) -> CmdResult {
        let id = self.lookup(from)?;
        let others = self.others_on(client, id);
        let policy = self.policies.rename_selected;
        let citation = (!others.is_empty()).then(|| Citation::of(policy));
        // Decide: refuse, or whether the old name remembers the new one, and what the
        // sessions that have it selected are told.
        let (remember, views) = match policy {
            RenameSelected::Refuse if !others.is_empty() => {
                return Err(
                    Fail::no(format!("Mailbox {} is in use by another user.", from.0))
                        .with_code(Code::InUse)
                        .cite(Citation::of(policy)),
                );
            }
            _ if others.is_empty() => (false, Views::Closed),
            RenameSelected::Refuse | RenameSelected::Rename => (false, Views::Closed),
            RenameSelected::Bye => (false, Views::Bye),
            RenameSelected::RenameNewname => (true, Views::Closed),
            // Dovecot 2.3 behaviour: BYE at each one's next command.
            RenameSelected::ByeNext => (false, Views::Doomed),
            // Cyrus 3.6 behaviour: every message expunged under them.
            RenameSelected::ExpungeAll => (false, Views::Emptied),
        };
        let inbox_uids: Vec<_> = match (from.is_inbox(), self.store.get(id)) {
            (true, Some(mb)) => mb.messages.iter().map(|m| m.uid).collect(),
            _ => Vec::new(),
        };
        let ghosts = match views {
            Views::Emptied => self.ghosts_of(id),
            Views::Closed | Views::Bye | Views::Doomed => Vec::new(),
        };
        self.store
            .rename(&from.0, &to.0, remember)
            .map_err(|e| store_error(e, to))?;
        // RFC 3501 §6.3.5: renaming INBOX moves its messages out; to the sessions that have
        // INBOX selected they are expunged.
        self.expunge_messages(client, id, &inbox_uids);
        if from.is_inbox() {
            if let Some(new) = self.store.id_of(&to.0) {
                self.note_inbox_renamed(new);
            }
        }
        match views {
            Views::Closed => {}
            Views::Bye => {
                for other in others {
                    self.bye(
                        other,
                        format!("Mailbox {} has been renamed to {}.", from.0, to.0),
                        Some(Citation::of(policy)),
                    );
                }
            }
            Views::Doomed => self.doom(&others, None, Some(from), Citation::of(policy)),
            // The sessions keep the old identity, which no longer exists.
            Views::Emptied => {
                self.expunge_in_views(client, id, &ghosts);
                self.store.detach(&to.0);
            }
        }
        let done = Done::text("RENAME completed");
        Ok(match citation {
            Some(c) => done.cite(c),
            None => done,
        })
    }

    /// RFC 3501 §6.3.6: any name may be subscribed, existing or not.
    pub(crate) fn handle_subscribe(&mut self, client: ClientId, name: &MailboxName) -> CmdResult {
        let user = self.user_of(client);
        self.store.subscribe(&user, &name.0);
        Ok(Done::text("SUBSCRIBE completed"))
    }

    /// RFC 3501 §6.3.7.
    pub(crate) fn handle_unsubscribe(&mut self, client: ClientId, name: &MailboxName) -> CmdResult {
        let user = self.user_of(client);
        if self.store.unsubscribe(&user, &name.0) {
            Ok(Done::text("UNSUBSCRIBE completed"))
        } else {
            Err(Fail::no(format!("Not subscribed to {}", name.0)).with_code(Code::Nonexistent))
        }
    }

    /// RFC 3501 §6.3.10.
    pub(crate) fn handle_status(
        &mut self,
        client: ClientId,
        name: &MailboxName,
        items: &[StatusItem],
    ) -> CmdResult {
        self.check_status_items(client, items)?;
        // Dovecot 2.3 behaviour (rename-selected=bye-next): the renamed-away name a doomed
        // session still has selected is answered from that mailbox, with OK [CLIENTBUG]
        // (RFC 3501 §6.3.10: STATUS SHOULD NOT be used on the selected mailbox).
        let doom = self.sessions.get(&client).and_then(|s| {
            let d = s.doomed.as_ref()?;
            let view = s.state.view()?;
            (d.renamed_from.as_deref() == Some(name.0.as_str()))
                .then(|| (view.mailbox, d.citation.clone()))
        });
        let id = match &doom {
            Some((id, _)) => *id,
            None => self.lookup(name)?,
        };
        let Some(mb) = self.store.get(id) else {
            return Err(self.missing(name));
        };
        if mb.noselect {
            return Err(Fail::no(format!("{} has no status (\\Noselect)", name.0))
                .with_code(Code::Nonexistent));
        }
        let values = status_values(mb, items);
        // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
        let enables = items.contains(&StatusItem::HighestModSeq);
        let shown = match doom {
            Some(_) => name.0.clone(),
            None => mb.name.clone(),
        };
        let data = Data::Status {
            mailbox: MailboxName(shown),
            items: values,
        };
        let citation = doom.as_ref().map(|(_, c)| c.clone());
        self.send(client, Response::Data(data), citation.clone());
        if enables {
            self.enable_condstore(client);
        }
        Ok(match citation {
            Some(c) => Done::text("Status on selected mailbox completed")
                .with_code(Code::ClientBug)
                .cite(c),
            None => Done::text("STATUS completed"),
        })
    }

    /// RFC 3501 §6.3.11, answered with APPENDUID (RFC 4315 §3).
    /// APPEND (RFC 3501 §6.3.11), and MULTIAPPEND (RFC 3502) when `messages` holds more than
    /// one: all are checked before any is appended, so a bad one appends none ("If the server
    /// is unable to append any of the messages ... none of the messages are appended", §6.3.11
    /// as RFC 3502 updates it), and APPENDUID names them all (RFC 4315 §3).
    pub(crate) fn handle_append(
        &mut self,
        client: ClientId,
        name: &MailboxName,
        messages: Vec<AppendMessage>,
    ) -> CmdResult {
        let id = match self.lookup(name) {
            Ok(id) => id,
            // RFC 3501 §6.3.11: TRYCREATE when the mailbox does not exist (unless renamed).
            Err(fail) if fail.code.as_deref() == Some(&Code::Nonexistent) => {
                return Err(Fail::no(format!("Mailbox {} does not exist", name.0))
                    .with_code(Code::TryCreate));
            }
            Err(fail) => return Err(fail),
        };
        let several = messages.len() > 1;
        // Which message a refusal is about, when there are several.
        let which = |i: usize, text: String| {
            if several {
                format!("Message {}: {text}; none appended", i + 1)
            } else {
                text
            }
        };
        let mut messages = messages;
        // RFC 4469 §3: a CATENATE message is built first; a bad URL or a message too big
        // refuses the whole command, none appended (RFC 3502 §6.3.11 for MULTIAPPEND). Only
        // the `catenate` feature's parser gives a message parts.
        #[cfg(feature = "catenate")]
        for (i, m) in messages.iter_mut().enumerate() {
            if let Some(parts) = m.catenate.take() {
                m.message = self.catenate(client, &parts).map_err(|mut f| {
                    f.text = which(i, f.text.clone());
                    f
                })?;
            }
        }
        let now = self.now();
        let Some(mb) = self.store.get(id) else {
            return Err(self.missing(name));
        };
        if mb.noselect {
            return Err(
                Fail::no(format!("{} cannot hold messages (\\Noselect)", name.0))
                    .with_code(Code::Cannot),
            );
        }
        for (i, m) in messages.iter_mut().enumerate() {
            // RFC 3516 §4.4: a `literal8` may bring NUL octets; they are kept in base64 bodies,
            // or, where none can hold them, the message is refused with UNKNOWN-CTE.
            if m.message.contains(&0) {
                m.message = crate::server::mime::nul_to_base64(&m.message).ok_or_else(|| {
                    Fail::no(which(
                        i,
                        "NUL octets outside a 7bit, 8bit or binary body part cannot be stored"
                            .into(),
                    ))
                    .with_code(Code::UnknownCte)
                })?;
            }
        }
        let mut all_flags: Vec<Flag> = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if m.message.is_empty() {
                return Err(Fail::no(which(
                    i,
                    "An empty message cannot be appended".into(),
                )));
            }
            crate::server::limits::check_flags(mb, &m.flags).map_err(|mut f| {
                f.text = which(i, f.text);
                f
            })?;
            all_flags.extend(m.flags.iter().cloned());
        }
        // Keywords new to the mailbox, over all the messages together.
        let new = mb.new_keywords(&all_flags);
        if new > 0 && mb.keywords().len().saturating_add(new) > limits::MAILBOX_KEYWORDS {
            return Err(Fail::no(format!(
                "{new} new keywords, but a mailbox holds at most {}; none appended",
                limits::MAILBOX_KEYWORDS
            ))
            .with_code(Code::Limit));
        }
        // UIDs for all of them, or none appended.
        let count = u32::try_from(messages.len()).unwrap_or(u32::MAX);
        if mb.uid_next.checked_add(count).is_none() {
            return Err(Fail::no("The mailbox has run out of UIDs").with_code(Code::Limit));
        }
        // RFC 9208 §4.3.1: room for all of them, or none appended.
        let octets = messages
            .iter()
            .map(|m| u64::try_from(m.message.len()).unwrap_or(u64::MAX))
            .fold(0, u64::saturating_add);
        self.check_quota(client, octets, u64::from(count), "APPEND")?;
        let Some(mb) = self.store.get_mut(id) else {
            return Err(self.missing(name));
        };
        let uid_validity = mb.uid_validity;
        let mut uids = Vec::with_capacity(messages.len());
        for m in messages {
            let data = MessageData::new(m.message, m.date.unwrap_or(now));
            let flags = Flags::from_list(&mb.canonical_flags(&m.flags));
            if let Some(uid) = mb.append(data, flags) {
                uids.push(uid);
            }
        }
        Ok(Done::text("APPEND completed").with_code(Code::AppendUid {
            uid_validity,
            uids: crate::server::fetch_items::uid_set(&uids),
        }))
    }
}

/// Maps a store error to the NO the client sees, with the RFC 9051 §7.1 code.
/// The values of a STATUS response (RFC 3501 §6.3.10), also for LIST-STATUS (RFC 5819 §2).
impl Server {
    /// RFC 9051 §6.3.11 added DELETED and SIZE (Appendix E item 3); RFC 3501 §6.3.10, which a
    /// session that did not enable IMAP4rev2 follows, has neither: BAD for STATUS and for
    /// LIST's `RETURN (STATUS (...))` (RFC 5819 §2 takes STATUS's items) alike.
    pub(crate) fn check_status_items(
        &self,
        client: ClientId,
        items: &[StatusItem],
    ) -> Result<(), Fail> {
        // RFC 9208 §4.1.4, §7: with QUOTA=RES-MESSAGE and QUOTA=RES-STORAGE advertised (the
        // `quota` feature), DELETED and DELETED-STORAGE are STATUS items in any session.
        let rev2_only = |i: &StatusItem| {
            matches!(i, StatusItem::Size)
                || (!cfg!(feature = "quota") && matches!(i, StatusItem::Deleted))
        };
        if !self.rev2_enabled(client) && items.iter().any(rev2_only) {
            return Err(Fail::bad(
                "DELETED and SIZE are IMAP4rev2 STATUS items (RFC 9051 section 6.3.11): ENABLE IMAP4rev2 first",
            ));
        }
        Ok(())
    }
}

pub(crate) fn status_values(mb: &Mailbox, items: &[StatusItem]) -> Vec<StatusValue> {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    items
        .iter()
        .map(|item| match item {
            StatusItem::Messages => StatusValue::Messages(count(mb.messages.len())),
            StatusItem::Recent => StatusValue::Recent(mb.recent_count()),
            StatusItem::UidNext => StatusValue::UidNext(mb.uid_next),
            StatusItem::UidValidity => StatusValue::UidValidity(mb.uid_validity),
            StatusItem::Unseen => StatusValue::Unseen(mb.unseen_count()),
            // RFC 7162 §3.1.7.
            StatusItem::HighestModSeq => StatusValue::HighestModSeq(mb.highest_modseq()),
            // RFC 9051 §6.3.11.
            StatusItem::Deleted => StatusValue::Deleted(mb.deleted_count()),
            StatusItem::Size => StatusValue::Size(mb.size()),
            // RFC 9208 §4.1.4: "the amount of storage space that can be reclaimed by
            // performing EXPUNGE": exactly the octets of the \Deleted messages here.
            #[cfg(feature = "quota")]
            StatusItem::DeletedStorage => StatusValue::DeletedStorage(mb.deleted_size()),
        })
        .collect()
}

pub(crate) fn store_error(e: StoreError, name: &MailboxName) -> Fail {
    match e {
        StoreError::NoSuchMailbox => {
            Fail::no(format!("Mailbox {} does not exist", name.0)).with_code(Code::Nonexistent)
        }
        StoreError::AlreadyExists => {
            Fail::no(format!("Mailbox {} already exists", name.0)).with_code(Code::AlreadyExists)
        }
        StoreError::StillInUse => Fail::no(format!(
            "Mailbox {} is still in use. Try again later",
            name.0
        ))
        .with_code(Code::InUse),
        StoreError::CannotDeleteInbox => {
            Fail::no("INBOX cannot be deleted").with_code(Code::Cannot)
        }
        StoreError::HasChildren => Fail::no(format!(
            "{} has inferior mailboxes and is already \\Noselect",
            name.0
        ))
        .with_code(Code::HasChildren),
        StoreError::BadName(why) => {
            Fail::no(format!("Bad mailbox name: {why}")).with_code(Code::Cannot)
        }
    }
}

/// What DELETE or RENAME does to the sessions that have the mailbox selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Views {
    /// Nothing special: they keep a ghost, or follow the new name; a deleting session that
    /// had it selected is closed.
    Closed,
    /// `* BYE` now (RFC 2180 §3.3).
    Bye,
    /// `* BYE` at their next command that reads the mailbox (Dovecot 2.3).
    Doomed,
    /// Every message expunged, and the mailbox they hold gone (Cyrus 3.6).
    Emptied,
}
