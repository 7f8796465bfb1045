//! FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8), with RFC 2180 §4.1 for messages another
//! session expunged; and the selected-state helpers the other handlers share.

use crate::protocol::types::{
    Code, FetchAtt, FetchItems, FetchModifiers, FetchValue, Flag, SequenceSet,
};
use crate::server::commands::condstore::{expunged_since, vanished_earlier};
use crate::server::fetch_items::{
    nil_ok_value, nil_value, sets_seen, value, write_flags_fetch, FetchResponse, Seen,
};
use crate::server::mailstore::{Flags, MailboxId, Uid};
use crate::server::policy::{Citation, ExpungeIssuedCode, FetchExpunged, SeqOutOfRange};
use crate::server::session::Ranges;
use crate::server::session::{Index, Session, SharedFlags, View};
use crate::server::{ClientId, CmdResult, Done, Fail, Server};
use std::sync::Arc;

/// The client's selected view, or BAD when it has none. A function of the sessions alone, so
/// that a handler can hold the view and the store at once.
pub(crate) fn selected_view(
    sessions: &crate::server::vecmap::VecMap<ClientId, Session>,
    client: ClientId,
) -> Result<&View, Fail> {
    sessions
        .get(&client)
        .and_then(|s| s.state.view())
        .ok_or_else(|| Fail::bad("No mailbox selected"))
}

/// What a command did with messages another session expunged, for `[EXPUNGEISSUED]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Touched {
    /// It named none.
    Nothing,
    /// It asked for their content: a FETCH of any item but FLAGS and UID, a COPY, a MOVE.
    Content,
    /// It named them only for flags: STORE, SEARCH, a FETCH of FLAGS or UID alone.
    Flags,
}

impl Touched {
    /// `kind` when `any` expunged message was named, else `Nothing`.
    pub(crate) fn when(any: bool, kind: Touched) -> Touched {
        if any {
            kind
        } else {
            Touched::Nothing
        }
    }
}

/// How a FETCH answers a message another session expunged (RFC 2180 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expunged {
    /// With the data it had (§4.1.1).
    Ghost,
    /// With NIL values (§4.1.3).
    Nil,
    /// With NIL content but the flags, UID and structure the session knew (Dovecot 2.3).
    NilOk,
    /// Not at all (§4.1.2, §4.1.3 when nothing else was asked for, and silent omission).
    Skip,
}

impl Server {
    /// The selected mailbox and whether it is read-only.
    pub(crate) fn selected_mailbox(&self, client: ClientId) -> Result<(MailboxId, bool), Fail> {
        selected_view(&self.sessions, client).map(|v| (v.mailbox, v.read_only))
    }

    /// Resolves a set against the session's view (the one seq/UID conversion is in `View`).
    /// A sequence number beyond the mailbox is as seq-out-of-range says; under `ignore`, a
    /// set that names no message left is a NO unless `empty_ok` (STORE).
    pub(crate) fn resolve(
        &self,
        client: ClientId,
        set: &SequenceSet,
        uid: bool,
        empty_ok: bool,
    ) -> Result<Vec<Index>, Fail> {
        let view = selected_view(&self.sessions, client)?;
        match (view.resolve(set, uid), self.policies.seq_out_of_range) {
            (Ok(indexes), _) => Ok(indexes),
            // RFC 3501 §9 seq-number: "should respond with a tagged BAD response".
            (Err(e), SeqOutOfRange::Bad) => Err(Fail::bad(e.0)),
            // Cyrus 3.6 behaviour: the numbers beyond are dropped.
            (Err(_), policy @ SeqOutOfRange::Ignore) => {
                let indexes = view.resolve_within(set);
                if indexes.is_empty() && !empty_ok {
                    return Err(Fail::no("No matching messages").cite(Citation::of(policy)));
                }
                Ok(indexes)
            }
        }
    }

    /// The UIDs a UID set names among the messages the session knows, sorted.
    pub(crate) fn resolve_uids(
        &self,
        client: ClientId,
        set: &SequenceSet,
    ) -> Result<Vec<Uid>, Fail> {
        let indexes = self.resolve(client, set, true, true)?;
        let view = selected_view(&self.sessions, client)?;
        Ok(indexes
            .into_iter()
            .filter_map(|i| view.entries.get(i).map(|e| e.uid))
            .collect())
    }

    /// Records that flags changed, for every other session on the mailbox (RFC 3501 §7.4.2:
    /// they are told with an untagged FETCH when they may be); `changes`: each message with
    /// its flags before the change.
    pub(crate) fn notify_flags(
        &mut self,
        by: ClientId,
        mailbox: MailboxId,
        changes: &[(Uid, Arc<Flags>)],
    ) {
        for session in self.sessions.values_mut() {
            if session.id == by {
                continue;
            }
            if let Some(view) = session.state.view_mut() {
                if view.mailbox == mailbox {
                    view.flags_changed_from_all(changes);
                }
            }
        }
    }

    /// The client was just sent these messages' current flags in a FETCH response: a change
    /// another session made to them needs no second FETCH (RFC 3501 §7.4.2).
    pub(crate) fn flags_told(&mut self, client: ClientId, uids: &[Uid]) {
        if let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        {
            let mut next = 0;
            // The entries walked in the order of `uids`.
            for &uid in uids {
                if let Some(i) = view.index_near(uid, next) {
                    next = i + 1;
                    view.told_at(i);
                }
            }
        }
    }

    /// The `[EXPUNGEISSUED]` code (RFC 9051 §7.1) for a reply that touched expunged messages,
    /// when the policy asks for it. The one place `expungeissued_code` is read.
    pub(crate) fn expunge_issued(&self, touched: Touched) -> Option<(Code, Citation)> {
        let policy = self.policies.expungeissued_code;
        let on = match (touched, policy) {
            (Touched::Nothing, _) | (_, ExpungeIssuedCode::Off) => false,
            (_, ExpungeIssuedCode::On) => true,
            // Dovecot 2.3 behaviour: only where content was asked for.
            (Touched::Content, ExpungeIssuedCode::Content) => true,
            (Touched::Flags, ExpungeIssuedCode::Content) => false,
        };
        on.then(|| (Code::ExpungeIssued, Citation::of(policy)))
    }

    pub(crate) fn handle_fetch(
        &mut self,
        client: ClientId,
        set: &SequenceSet,
        items: &FetchItems,
        uid: bool,
        modifiers: FetchModifiers,
    ) -> CmdResult {
        let (mailbox_id, read_only) = self.selected_mailbox(client)?;
        if modifiers.vanished {
            // RFC 7162 §3.2.6: BAD for VANISHED in FETCH, without ENABLE QRESYNC, or without
            // CHANGEDSINCE.
            if !uid {
                return Err(Fail::bad(
                    "VANISHED is a UID FETCH modifier only (RFC 7162 §3.2.6)",
                ));
            }
            if !self.qresync_enabled(client) {
                return Err(Fail::bad(
                    "VANISHED without ENABLE QRESYNC first (RFC 7162 §3.2.6)",
                ));
            }
            if modifiers.changed_since.is_none() {
                return Err(Fail::bad("VANISHED needs CHANGEDSINCE (RFC 7162 §3.2.6)"));
            }
        }
        let mut indexes = self.resolve(client, set, uid, false)?;
        let mut atts = items.expand();
        // RFC 3501 §6.4.8: UID FETCH responses always include UID (once: the response
        // builder drops it when the client named it too).
        if uid {
            atts.push(FetchAtt::Uid);
        }
        // RFC 7162 §3.1.4.1: CHANGEDSINCE "implicitly adds the MODSEQ FETCH message data item".
        if modifiers.changed_since.is_some() {
            atts.push(FetchAtt::ModSeq);
        }
        // RFC 7162 §3.1: MODSEQ or CHANGEDSINCE make this a CONDSTORE enabling command; its
        // first one sends HIGHESTMODSEQ (before the FETCH responses).
        if atts.contains(&FetchAtt::ModSeq) {
            self.enable_condstore(client);
        }
        let condstore = self.condstore_enabled(client);
        // RFC 7162 §3.2.4, as the condstore-uid decision point reads it.
        let condstore_uid = self
            .sessions
            .get(&client)
            .is_some_and(|s| s.enabled.uid_with_modseq(self.policies.condstore_uid));
        let seen_uid_citation = self.condstore_uid_citation(client);
        let mut earlier = None;
        if let Some(since) = modifiers.changed_since {
            let view = selected_view(&self.sessions, client)?;
            let Some(mailbox) = self.store.get(mailbox_id) else {
                return Err(Fail::no("The selected mailbox no longer exists"));
            };
            // RFC 7162 §3.2.6: the UIDs of the set expunged since, as VANISHED (EARLIER),
            // before any FETCH response. `*` is the last UID the mailbox gave out.
            if modifiers.vanished {
                let star = mailbox.uid_next.saturating_sub(1);
                earlier = vanished_earlier(&expunged_since(mailbox, since, &Ranges::of(set, star)));
            }
            // RFC 7162 §3.1.4.1: only messages whose mod-sequence is above CHANGEDSINCE.
            indexes.retain(|&i| {
                view.entries.get(i).is_some_and(|e| match &e.expunged {
                    Some(ghost) => ghost.modseq > since,
                    None => mailbox.message(e.uid).is_some_and(|m| m.modseq > since),
                })
            });
        }
        if let Some(r) = earlier {
            self.send(client, r, None);
        }
        self.fetch_within_limits(client, mailbox_id, &indexes, &atts)?;
        let policy = self.policies.fetch_expunged;
        let citation = Citation::of(policy);
        let touched = if atts
            .iter()
            .all(|a| matches!(a, FetchAtt::Flags | FetchAtt::Uid))
        {
            Touched::Flags
        } else {
            Touched::Content
        };

        // Decide what to answer, and with which tagged reply, before sending or changing
        // anything: the only place `fetch_expunged` is read.
        let (expunged_as, marks_seen, outcome) = {
            let view = selected_view(&self.sessions, client)?;
            let Some(mailbox) = self.store.get(mailbox_id) else {
                return Err(Fail::no("The selected mailbox no longer exists"));
            };
            let mut expunged: Vec<u32> = Vec::new();
            let mut live = 0usize;
            let mut next = 0;
            for &i in &indexes {
                match view.entries.get(i) {
                    Some(e) if e.expunged.is_some() => expunged.push(View::seq_of(i).0),
                    Some(e) => {
                        if let Some(p) = mailbox.position_near(e.uid, next) {
                            next = p + 1;
                            live += 1;
                        }
                    }
                    None => {}
                }
            }
            let ok = |text: &str| Ok(Done::text(text).cite(citation.clone()));
            let (expunged_as, outcome): (Expunged, CmdResult) = match policy {
                _ if expunged.is_empty() => (
                    Expunged::Skip,
                    Ok(Done::text(if uid {
                        "UID FETCH completed"
                    } else {
                        "FETCH completed"
                    })),
                ),
                // RFC 2180 §4.1.1: serve the ghost.
                FetchExpunged::Ghost => (Expunged::Ghost, ok("FETCH completed")),
                // Dovecot 2.3 behaviour: NIL content, OK even when all were expunged.
                FetchExpunged::NilOk => (Expunged::NilOk, ok("FETCH completed")),
                // The silent omission of real servers.
                FetchExpunged::Omit => (Expunged::Skip, ok("FETCH completed")),
                // RFC 2180 §4.1.3: NIL values next to the live messages' data.
                FetchExpunged::Nil if live > 0 => (Expunged::Nil, ok("FETCH completed")),
                // RFC 2180 §4.1.3: when every message asked for was expunged, no untagged
                // responses, only a tagged NO.
                FetchExpunged::Nil => (
                    Expunged::Skip,
                    Err(Fail::no(format!(
                        "Messages {} have been expunged.",
                        describe(&expunged)
                    ))
                    .cite(citation.clone())),
                ),
                // RFC 2180 §4.1.2: the live messages' data, then NO.
                FetchExpunged::No => (
                    Expunged::Skip,
                    Err(Fail::no("Some of the requested messages no longer exist")
                        .cite(citation.clone())),
                ),
            };
            let outcome = match (
                outcome,
                self.expunge_issued(Touched::when(!expunged.is_empty(), touched)),
            ) {
                (Ok(done), Some((code, _))) => Ok(done.with_code(code)),
                (Err(fail), Some((code, _))) => Err(fail.with_code(code)),
                (outcome, None) => outcome,
            };
            // RFC 3501 §6.4.5: BODY[...], RFC822 and RFC822.TEXT set \Seen; not in a
            // read-only mailbox (RFC 3501 §6.3.2).
            let marks_seen = !read_only && atts.iter().any(sets_seen);
            (expunged_as, marks_seen, outcome)
        };
        self.binary_decodable(
            client,
            mailbox_id,
            &indexes,
            &atts,
            expunged_as == Expunged::Ghost,
        )?;

        // Apply: keywords first, then one response per message, then the flag changes.
        // RFC 3501 §7.2.6: a FETCH response may only carry keywords the client was sent in
        // FLAGS.
        self.announce_keywords(client);
        if expunged_as == Expunged::Skip && !marks_seen {
            if let Some(shape) = flags_only(&atts) {
                return self.fetch_flags_only(client, mailbox_id, &indexes, shape, outcome);
            }
        }
        let mut responses: Vec<(FetchResponse, Option<Citation>)> = Vec::new();
        let mut newly_seen: Vec<(Uid, Arc<Flags>)> = Vec::new();
        let mut shared = SharedFlags::default();
        let mut told: Vec<Uid> = Vec::new();
        let mut ghosts_seen: Vec<Index> = Vec::new();
        {
            let view = selected_view(&self.sessions, client)?;
            let Some(mailbox) = self.store.get_mut(mailbox_id) else {
                return Err(Fail::no("The selected mailbox no longer exists"));
            };
            for i in indexes {
                let Some(entry) = view.entries.get(i) else {
                    continue;
                };
                let mut fetch = FetchResponse::new(View::seq_of(i).0);
                match (&entry.expunged, expunged_as) {
                    (Some(_), Expunged::Skip) => continue,
                    (Some(ghost), Expunged::Ghost) => {
                        // RFC 2180 §4.1.1 serves the ghost as the message it was, so a non-PEEK
                        // body fetch sets \Seen on it, as Cyrus 3.6 does
                        // (`tests/servers/transcripts/cyrus-3.6.1-4+deb12u5/`
                        // `rfc2180-4.1.3-fetch-nil.txt`).
                        let (flags, flag_added) = ghost_flags(ghost, marks_seen);
                        if flag_added {
                            ghosts_seen.push(i);
                        }
                        let seen = Seen {
                            uid: entry.uid,
                            data: &ghost.data,
                            flags: flags.to_list(entry.recent),
                            modseq: ghost.modseq,
                        };
                        for att in &atts {
                            fetch.push_att(att, |a| value(a, &seen));
                        }
                        // RFC 3501 §6.4.5: the new flags SHOULD be in the FETCH response.
                        if flag_added {
                            fetch.push(FetchValue::Flags(seen.flags.clone()));
                        }
                        responses.push((fetch, Some(citation.clone())));
                    }
                    (Some(ghost), Expunged::NilOk) => {
                        // Dovecot 2.3 behaviour: a non-PEEK body fetch sets \Seen on the
                        // session's copy, and the new flags come first.
                        let (flags, flag_added) = ghost_flags(ghost, marks_seen);
                        if flag_added {
                            ghosts_seen.push(i);
                        }
                        let seen = Seen {
                            uid: entry.uid,
                            data: &ghost.data,
                            flags: flags.to_list(entry.recent),
                            modseq: ghost.modseq,
                        };
                        if flag_added {
                            fetch.push_att(&FetchAtt::Flags, |a| value(a, &seen));
                        }
                        for att in &atts {
                            fetch.push_att(att, |a| nil_ok_value(a, &seen));
                        }
                        responses.push((fetch, Some(citation.clone())));
                    }
                    (Some(ghost), Expunged::Nil) => {
                        for att in &atts {
                            fetch.push_att(att, |a| nil_value(a, entry.uid, ghost.modseq));
                        }
                        responses.push((fetch, Some(citation.clone())));
                    }
                    (None, _) => {
                        let Some(before) = mailbox.message(entry.uid).map(|m| m.flags.clone())
                        else {
                            continue;
                        };
                        let flag_added = marks_seen && !before.contains(&Flag::Seen);
                        if flag_added {
                            let mut after = before.clone();
                            after.insert(&Flag::Seen);
                            // RFC 7162 §3.1: the flag change takes a new mod-sequence.
                            mailbox.set_flags(entry.uid, after);
                            newly_seen.push((entry.uid, shared.share(before)));
                        }
                        let Some(message) = mailbox.message(entry.uid) else {
                            continue;
                        };
                        let seen = Seen {
                            uid: entry.uid,
                            data: &message.data,
                            flags: message.flags.to_list(entry.recent),
                            modseq: message.modseq,
                        };
                        for att in &atts {
                            fetch.push_att(att, |a| value(a, &seen));
                        }
                        // RFC 3501 §6.4.5: when fetching sets \Seen, the new flags SHOULD be
                        // included in the FETCH response; RFC 7162 §3.2.4: with CONDSTORE
                        // enabled, UID and MODSEQ too.
                        if flag_added {
                            fetch.push(FetchValue::Flags(seen.flags.clone()));
                            if condstore_uid {
                                fetch.push(FetchValue::Uid(entry.uid.0));
                            }
                            if condstore {
                                fetch.push(FetchValue::ModSeq(seen.modseq));
                            }
                        }
                        if fetch.has_flags() {
                            told.push(entry.uid);
                        }
                        let citation = if flag_added && !uid {
                            seen_uid_citation.clone()
                        } else {
                            None
                        };
                        responses.push((fetch, citation));
                    }
                }
            }
        }
        if let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        {
            for i in ghosts_seen {
                if let Some(ghost) = view.entries.get_mut(i).and_then(|e| e.expunged.as_mut()) {
                    ghost.flags.insert(&Flag::Seen);
                    ghost.told = None;
                }
            }
        }
        for (fetch, citation) in responses {
            self.send(client, fetch.into_response(), citation);
        }
        self.flags_told(client, &told);
        self.notify_flags(client, mailbox_id, &newly_seen);
        outcome
    }
}

impl Server {
    /// RFC 3516 §4.3: BINARY or BINARY.SIZE of a part whose Content-Transfer-Encoding the
    /// server cannot decode fails the request with `NO [UNKNOWN-CTE]`; checked for every
    /// message (the live ones, and the ghosts when the FETCH serves them, RFC 2180 §4.1.1)
    /// before anything is sent or `\Seen` is set, so the FETCH fails whole. One header lookup
    /// per message and item.
    fn binary_decodable(
        &self,
        client: ClientId,
        mailbox: MailboxId,
        indexes: &[Index],
        atts: &[FetchAtt],
        serve_ghosts: bool,
    ) -> Result<(), Fail> {
        let parts: Vec<&[u32]> = atts
            .iter()
            .filter_map(|a| match a {
                FetchAtt::Binary { part, .. } | FetchAtt::BinarySize { part } => {
                    Some(part.as_slice())
                }
                _ => None,
            })
            .collect();
        if parts.is_empty() {
            return Ok(());
        }
        let view = selected_view(&self.sessions, client)?;
        let Some(mailbox) = self.store.get(mailbox) else {
            return Ok(());
        };
        for &i in indexes {
            let Some(entry) = view.entries.get(i) else {
                continue;
            };
            let data = match &entry.expunged {
                Some(ghost) if serve_ghosts => &ghost.data,
                Some(_) => continue,
                None => match mailbox.message(entry.uid) {
                    Some(m) => &m.data,
                    None => continue,
                },
            };
            let mime = data.mime();
            if parts
                .iter()
                .any(|part| mime.binary_unknown_cte(&data.raw, part))
            {
                return Err(Fail::no(format!(
                    "Message {}: unknown Content-Transfer-Encoding",
                    View::seq_of(i).0
                ))
                .with_code(Code::UnknownCte));
            }
        }
        Ok(())
    }
}

/// The items of a FETCH response that has FLAGS, UID and MODSEQ only, in that order: FLAGS and
/// UID items asked for, MODSEQ.
type FlagsShape = (bool, bool, bool);

/// The [`FlagsShape`] of these items, when their response is a [`FlagsFetch`]: FLAGS, UID and
/// MODSEQ in that order, each at most once after the first (as [`FetchResponse`] keeps them).
fn flags_only(atts: &[FetchAtt]) -> Option<FlagsShape> {
    let mut rank = 0;
    let mut shape = (false, false, false);
    for att in atts {
        let (r, seen) = match att {
            FetchAtt::Flags => (1, &mut shape.0),
            FetchAtt::Uid => (2, &mut shape.1),
            FetchAtt::ModSeq => (3, &mut shape.2),
            _ => return None,
        };
        if !*seen {
            if r < rank {
                return None;
            }
            *seen = true;
            rank = r;
        }
    }
    Some(shape)
}

impl Server {
    /// FETCH of FLAGS, UID and MODSEQ only ([`flags_only`]) where no expunged message is
    /// answered and none is marked `\Seen`: what the general path of `handle_fetch` sends in
    /// that case (the scenarios and the engine tests hold them equal), one [`FlagsFetch`] per
    /// message written straight into the output, the messages found by walking the mailbox
    /// in UID order instead of a search each.
    fn fetch_flags_only(
        &mut self,
        client: ClientId,
        mailbox_id: MailboxId,
        indexes: &[Index],
        (flags, uid, modseq): FlagsShape,
        outcome: CmdResult,
    ) -> CmdResult {
        let view = selected_view(&self.sessions, client)?;
        let Some(mailbox) = self.store.get(mailbox_id) else {
            return Err(Fail::no("The selected mailbox no longer exists"));
        };
        let mut told: Vec<Uid> = Vec::with_capacity(if flags { indexes.len() } else { 0 });
        // `* 12345 FETCH (FLAGS (\Seen))` CRLF and the like.
        self.outbox.reserve(indexes.len(), 40);
        let mut next = 0;
        for &i in indexes {
            let Some(entry) = view.entries.get(i) else {
                continue;
            };
            if entry.expunged.is_some() {
                continue;
            }
            let Some(p) = mailbox.position_near(entry.uid, next) else {
                continue;
            };
            next = p + 1;
            let Some(m) = mailbox.messages.get(p) else {
                continue;
            };
            write_flags_fetch(
                View::seq_of(i).0,
                flags.then_some((&m.flags, entry.recent)),
                uid.then_some(entry.uid.0),
                modseq.then_some(m.modseq),
                &mut self.outbox.bytes,
            );
            self.outbox
                .end_line(client, crate::server::OutputKind::Untagged, None, None);
            if flags {
                told.push(entry.uid);
            }
        }
        self.flags_told(client, &told);
        outcome
    }
}

/// Sequence numbers for people: `4:7`, `4`, `2,5,7`.
pub(crate) fn describe(seqs: &[u32]) -> String {
    let contiguous = seqs
        .iter()
        .zip(seqs.iter().skip(1))
        .all(|(a, b)| a.checked_add(1) == Some(*b));
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

/// An expunged message's flags as a FETCH served from its ghost leaves them in this session's
/// copy, and whether \Seen was added: a non-PEEK body fetch sets it (RFC 3501 §6.4.5).
fn ghost_flags(ghost: &crate::server::session::Ghost, marks_seen: bool) -> (Flags, bool) {
    let mut flags = ghost.flags.clone();
    let added = marks_seen && !flags.contains(&Flag::Seen);
    if added {
        flags.insert(&Flag::Seen);
    }
    (flags, added)
}
