//! Mailbox-level commands of the authenticated state (RFC 3501 §6.3): CREATE, DELETE, RENAME,
//! SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, APPEND; and the name lookup they share.

use crate::protocol::types::{
    Code, Data, DateTime, Flag, ListItem, MailboxName, NameAttribute, Response, StatusItem,
    StatusKind, StatusValue,
};
use crate::server::policy::{Citation, DeleteSelected, RenameSelected};
use crate::server::store::{Flags, MailboxId, MessageData, StoreError, DELIMITER};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};

/// LIST patterns longer than any mailbox name can match nothing; refusing them early keeps the
/// matcher's work bounded.
const MAX_PATTERN: usize = 1024;

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

    fn user_of(&self, client: ClientId) -> String {
        self.sessions
            .get(&client)
            .and_then(|s| s.state.user())
            .unwrap_or_default()
            .to_string()
    }

    /// RFC 3501 §6.3.3.
    pub(crate) fn handle_create(&mut self, name: &MailboxName) -> CmdResult {
        // RFC 3501 §6.3.3: "It is an error to attempt to create INBOX".
        if name.is_inbox() {
            return Err(Fail::no("INBOX always exists").with_code(Code::AlreadyExists));
        }
        match self.store.create(&name.0) {
            Ok(_) => Ok(Done::text("CREATE completed")),
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
        let mut done = Done::text("DELETE completed");
        if !others.is_empty() {
            let policy = self.policies.delete_selected;
            let citation = Citation::of(policy);
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
                    for other in others {
                        self.bye(
                            other,
                            format!("Mailbox {} has been deleted.", name.0),
                            Some(citation.clone()),
                        );
                    }
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
        let own = self
            .sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .is_some_and(|v| v.mailbox == id);
        if own {
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
        let held = self
            .sessions
            .values()
            .any(|s| s.state.view().is_some_and(|v| v.mailbox == id));
        self.store
            .delete(&name.0, held)
            .map_err(|e| store_error(e, name))?;
        Ok(done)
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
        let remember = match policy {
            RenameSelected::Refuse if !others.is_empty() => {
                return Err(
                    Fail::no(format!("Mailbox {} is in use by another user.", from.0))
                        .with_code(Code::InUse)
                        .cite(Citation::of(policy)),
                );
            }
            RenameSelected::Refuse | RenameSelected::Bye | RenameSelected::Rename => false,
            RenameSelected::RenameNewname => true,
        };
        let inbox_uids: Vec<_> = match (from.is_inbox(), self.store.get(id)) {
            (true, Some(mb)) => mb.messages.iter().map(|m| m.uid).collect(),
            _ => Vec::new(),
        };
        self.store
            .rename(&from.0, &to.0, remember)
            .map_err(|e| store_error(e, to))?;
        // RFC 3501 §6.3.5: renaming INBOX moves its messages out; to the sessions that have
        // INBOX selected they are expunged.
        self.expunge_messages(client, id, &inbox_uids);
        if policy == RenameSelected::Bye {
            for other in others {
                self.bye(
                    other,
                    format!("Mailbox {} has been renamed to {}.", from.0, to.0),
                    Some(Citation::of(policy)),
                );
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

    /// LIST (RFC 3501 §6.3.8) and LSUB (§6.3.9). The reference is a "current directory" for the
    /// pattern (RFC 2683 §3.4.9, see [`join_reference`]); `*` matches anything, `%` anything but
    /// the delimiter.
    pub(crate) fn handle_list(
        &mut self,
        client: ClientId,
        reference: &MailboxName,
        pattern: &MailboxName,
        lsub: bool,
    ) -> CmdResult {
        let verb = if lsub { "LSUB" } else { "LIST" };
        if pattern.0.is_empty() && !lsub {
            // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root name.
            let item = ListItem {
                attributes: vec![NameAttribute::Noselect],
                delimiter: Some(DELIMITER),
                mailbox: MailboxName(String::new()),
            };
            self.send(client, Response::Data(Data::List(item)), None);
            return Ok(Done::text("LIST completed"));
        }
        let full = canonical_pattern(&join_reference(&reference.0, &pattern.0));
        if full.len() > MAX_PATTERN {
            return Ok(Done::text(format!(
                "{verb} completed (pattern too long to match)"
            )));
        }
        let mut items = Vec::new();
        if lsub {
            let user = self.user_of(client);
            let mut names: Vec<String> = Vec::new();
            for sub in self.store.subscriptions(&user) {
                if wildcard_match(&full, sub) {
                    names.push(sub.clone());
                } else {
                    // RFC 3501 §6.3.9: with `%`, a parent of a subscribed name that matches is
                    // returned with \Noselect.
                    let mut prefix = String::new();
                    for part in sub.split(DELIMITER) {
                        if !prefix.is_empty() {
                            prefix.push(DELIMITER);
                        }
                        prefix.push_str(part);
                        if prefix.len() < sub.len() && wildcard_match(&full, &prefix) {
                            names.push(prefix.clone());
                        }
                    }
                }
            }
            names.sort();
            names.dedup();
            for name in names {
                let subscribed = self.store.is_subscribed(&user, &name);
                let selectable = self.store.by_name(&name).is_some_and(|m| !m.noselect);
                let attributes = if subscribed && selectable {
                    Vec::new()
                } else {
                    vec![NameAttribute::Noselect]
                };
                items.push(ListItem {
                    attributes,
                    delimiter: Some(DELIMITER),
                    mailbox: MailboxName(name),
                });
            }
        } else {
            for mb in self.store.live() {
                if !wildcard_match(&full, &mb.name) {
                    continue;
                }
                let mut attributes = Vec::new();
                if mb.noselect {
                    attributes.push(NameAttribute::Noselect);
                }
                // RFC 3348 §4 (CHILDREN), as carried into RFC 9051 §7.3.1.
                attributes.push(if self.store.has_children(&mb.name) {
                    NameAttribute::HasChildren
                } else {
                    NameAttribute::HasNoChildren
                });
                items.push(ListItem {
                    attributes,
                    delimiter: Some(DELIMITER),
                    mailbox: MailboxName(mb.name.clone()),
                });
            }
        }
        for item in items {
            let data = if lsub {
                Data::Lsub(item)
            } else {
                Data::List(item)
            };
            self.send(client, Response::Data(data), None);
        }
        Ok(Done::text(format!("{verb} completed")))
    }

    /// RFC 3501 §6.3.10.
    pub(crate) fn handle_status(
        &mut self,
        client: ClientId,
        name: &MailboxName,
        items: &[StatusItem],
    ) -> CmdResult {
        let id = self.lookup(name)?;
        let Some(mb) = self.store.get(id) else {
            return Err(self.missing(name));
        };
        if mb.noselect {
            return Err(Fail::no(format!("{} has no status (\\Noselect)", name.0))
                .with_code(Code::Nonexistent));
        }
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let values = items
            .iter()
            .map(|item| match item {
                StatusItem::Messages => StatusValue::Messages(count(mb.messages.len())),
                StatusItem::Recent => StatusValue::Recent(mb.recent_count()),
                StatusItem::UidNext => StatusValue::UidNext(mb.uid_next),
                StatusItem::UidValidity => StatusValue::UidValidity(mb.uid_validity),
                StatusItem::Unseen => StatusValue::Unseen(mb.unseen_count()),
            })
            .collect();
        let data = Data::Status {
            mailbox: MailboxName(mb.name.clone()),
            items: values,
        };
        self.send(client, Response::Data(data), None);
        Ok(Done::text("STATUS completed"))
    }

    /// RFC 3501 §6.3.11, answered with APPENDUID (RFC 4315 §3).
    pub(crate) fn handle_append(
        &mut self,
        name: &MailboxName,
        flags: &[Flag],
        date: Option<DateTime>,
        message: Vec<u8>,
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
        if message.is_empty() {
            return Err(Fail::no("An empty message cannot be appended"));
        }
        let date = date.unwrap_or_else(|| self.now());
        let Some(mb) = self.store.get_mut(id) else {
            return Err(self.missing(name));
        };
        if mb.noselect {
            return Err(
                Fail::no(format!("{} cannot hold messages (\\Noselect)", name.0))
                    .with_code(Code::Cannot),
            );
        }
        crate::server::limits::check_flags(mb, flags)?;
        let data = MessageData::new(message, date);
        let uid_validity = mb.uid_validity;
        let flags = Flags::from_list(&mb.canonical_flags(flags));
        let Some(uid) = mb.append(data, flags) else {
            return Err(Fail::no("The mailbox has run out of UIDs").with_code(Code::Limit));
        };
        Ok(Done::text("APPEND completed").with_code(Code::AppendUid {
            uid_validity,
            uids: crate::server::fetch::uid_set(&[uid]),
        }))
    }
}

/// Maps a store error to the NO the client sees, with the RFC 9051 §7.1 code.
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

/// RFC 2683 §3.4.9: the reference is prepended to the pattern with one delimiter between them,
/// never two ("LIST ABC DEF" and "LIST ABC/ /DEF" both mean ABC/DEF).
fn join_reference(reference: &str, pattern: &str) -> String {
    if reference.is_empty() {
        return pattern.to_string();
    }
    let r = reference.strip_suffix(DELIMITER).unwrap_or(reference);
    let p = pattern.strip_prefix(DELIMITER).unwrap_or(pattern);
    format!("{r}{DELIMITER}{p}")
}

/// INBOX at the start of a pattern is case-insensitive, as the name is (RFC 3501 §5.1).
fn canonical_pattern(pattern: &str) -> String {
    let bytes = pattern.as_bytes();
    let inbox_prefix = bytes.len() >= 5
        && bytes[..5].eq_ignore_ascii_case(b"INBOX")
        && matches!(bytes.get(5), None | Some(b'/') | Some(b'%') | Some(b'*'));
    if inbox_prefix {
        format!("INBOX{}", &pattern[5..])
    } else {
        pattern.to_string()
    }
}

/// `*` matches any run of characters, `%` any run without the delimiter (RFC 3501 §6.3.8).
/// Dynamic programming over bytes: O(pattern × name), both bounded.
pub(crate) fn wildcard_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let delim = DELIMITER as u8;
    // row[j]: pattern[..i] matches name[..j]. cannot fail: every index below is bounded by
    // the loops (j <= n.len() on rows of n.len() + 1 entries).
    let mut row = vec![false; n.len() + 1];
    row[0] = true;
    for &pc in p {
        let mut next = vec![false; n.len() + 1];
        match pc {
            b'*' | b'%' => {
                let mut reachable = false;
                for j in 0..=n.len() {
                    if row[j] {
                        reachable = true;
                    }
                    next[j] = reachable;
                    if pc == b'%' && n.get(j) == Some(&delim) {
                        reachable = false;
                    }
                }
            }
            c => {
                for j in 0..n.len() {
                    next[j + 1] = row[j] && n[j] == c;
                }
            }
        }
        row = next;
    }
    row[n.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::canonical_name;

    #[test]
    fn star_crosses_the_delimiter_and_percent_does_not() {
        assert!(wildcard_match("*", "a/b/c"));
        assert!(wildcard_match("a/*", "a/b/c"));
        assert!(wildcard_match("%", "abc"));
        assert!(!wildcard_match("%", "a/b"));
        assert!(wildcard_match("a/%", "a/b"));
        assert!(!wildcard_match("a/%", "a/b/c"));
        assert!(wildcard_match("%/%", "a/b"));
        assert!(wildcard_match("a%c", "abbc"));
        assert!(!wildcard_match("a%c", "ab/c"));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "a"));
    }

    #[test]
    fn the_reference_joins_the_pattern_with_one_delimiter() {
        // RFC 2683 §3.4.9's two examples.
        assert_eq!(join_reference("ABC", "DEF"), "ABC/DEF");
        assert_eq!(join_reference("ABC/", "/DEF"), "ABC/DEF");
        assert_eq!(join_reference("", "%"), "%");
        assert_eq!(join_reference("Archive/", "%"), "Archive/%");
    }

    #[test]
    fn inbox_patterns_are_case_insensitive() {
        assert_eq!(canonical_pattern("inbox"), "INBOX");
        assert_eq!(canonical_pattern("Inbox/%"), "INBOX/%");
        assert_eq!(canonical_pattern("inboxes"), "inboxes");
        assert_eq!(canonical_name("inbox"), "INBOX");
    }
}
