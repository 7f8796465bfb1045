//! A driver for randomized multi-session runs of the engine, shared by `tests/random_sessions.rs`
//! and the `engine` fuzz target (which includes this file by path). It drives three clients of
//! one [`Server`], checks every response against the grammar, and keeps a model of how many
//! copies of each message (by Message-ID) the live mailboxes hold, so that a message lost or
//! duplicated by a command is caught at the step that did it (issue 6, "Robustness").
//!
//! The invariants checked:
//! - every output parses back with `parse_response` and uses exactly its own octets
//!   (RFC 3501 §9: nothing invalid is sent);
//! - after a NOOP answered OK, a client's view of its mailbox holds exactly the store's UIDs, in
//!   ascending order (RFC 3501 §2.3.1.1, §7.4.1: once told everything, it sees what is there);
//! - every mailbox's UIDs are strictly ascending and below UIDNEXT (RFC 3501 §2.3.1.1);
//! - the number of copies of each message changes only as the command that ran says it may:
//!   APPEND adds one, COPY adds one per source UID in COPYUID (RFC 4315 §3), MOVE keeps the total
//!   (RFC 6851 §3), EXPUNGE / CLOSE / UID EXPUNGE remove exactly the `\Deleted` messages they
//!   cover (RFC 3501 §6.4.2, §6.4.3; RFC 4315 §2.1), DELETE removes the mailbox's messages
//!   (RFC 3501 §6.3.4); nothing else changes any count;
//! - mod-sequences (RFC 7162 §3.1): a mailbox's HIGHESTMODSEQ never goes down and goes up with
//!   every change; a message that arrived or whose flags changed has a mod-sequence above the
//!   previous HIGHESTMODSEQ, one whose flags did not change keeps its own, an expunge raises
//!   HIGHESTMODSEQ (§3.2.7), and no message's mod-sequence is above HIGHESTMODSEQ;
//! - what each client was told converges to the store: the message count it can compute from
//!   EXISTS, EXPUNGE and VANISHED (RFC 7162 §3.2.10.2: VANISHED without EARLIER decrements it,
//!   VANISHED (EARLIER) does not) equals the store's after a NOOP answered OK, for sessions that
//!   enabled QRESYNC and for those that did not.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use imap_sandbox::protocol::parse::{parse_command, parse_response};
use imap_sandbox::protocol::types::{
    Code, CommandBody, Data, Flag, Response, SeqBound, SequenceSet,
};
use imap_sandbox::server::mailstore::{Flags, Mailbox, MessageData};
use imap_sandbox::server::{ClientId, Output, OutputKind, Policies, Server, World};

/// Mailbox names the random commands use: the world's, and some that come and go.
pub const MAILBOXES: &[&str] = &[
    "INBOX", "FOO", "FRED", "Trash", "Archive", "X1", "X1/sub", "X2", "inbox",
];

/// Sequence and UID sets the random commands use, `0`-free (a `0` is a hostile input, tested
/// in `tests/hostile.rs`).
pub const SETS: &[&str] = &["1", "2", "1:3", "2,4", "*", "1:*", "3:5", "5:2", "4:*", "7"];

/// The SEARCH keys the random commands use.
pub const SEARCHES: &[&str] = &[
    "ALL",
    "DELETED",
    "UNSEEN",
    "FLAGGED NOT SEEN",
    "OR DELETED SEEN",
    "SUBJECT random",
    "UID 1:*",
    "LARGER 100",
    "TEXT shared",
    "SINCE 1-Jan-2024",
];

/// The three sessions of one server, and the model.
pub struct Harness {
    pub server: Server,
    /// `None`: the client is disconnected and reconnects at its next command.
    clients: [Option<ClientId>; 3],
    /// The tag of an IDLE in progress, per client.
    idling: [Option<String>; 3],
    /// Raw bytes were sent on this connection since its last command answered under its own
    /// tag: what they left in the framer (half a line, an open literal) may be joined to the
    /// next command, which then runs under another tag or not at all.
    after_raw: [bool; 3],
    next_tag: u64,
    next_message: u64,
    /// Copies of each message in the live mailboxes, as the commands so far say there must be.
    /// Keyed by the message's [`Ids`] number.
    expected: BTreeMap<u32, i64>,
    /// Every message ever seen, by (UIDVALIDITY, UID), which name it for good (RFC 3501
    /// §2.3.1.1): COPY of a message another session expunged still finds it (RFC 2180 §4.4.2).
    known: BTreeMap<(u32, u32), u32>,
    /// The largest UID in the commanding session's view, before the command.
    view_max_uid: Option<u32>,
    /// What happened, for failure messages (the last steps only).
    pub log: Vec<String>,
    ids: Ids,
    /// Per mailbox (by identity): HIGHESTMODSEQ and each message's flags and mod-sequence, as
    /// last checked.
    modseqs: ModSeqs,
    /// The message count each client can compute from what it was told (EXISTS, EXPUNGE,
    /// VANISHED); `None` until an EXISTS.
    counts: [Option<i64>; 3],
    /// The UIDVALIDITY of the mailbox each client last selected, from `* OK [UIDVALIDITY n]`
    /// (RFC 3501 §6.3.1): it names the mailbox for good (RFC 3501 §2.3.1.1; the store gives
    /// each new mailbox a new one), where the name does not: a deleted mailbox a session still
    /// has selected may share its name with a new one (RFC 2180 §3.2; delete-selected=bye-next
    /// and expunge-all free the name at once).
    selected_uv: [Option<u32>; 3],
    /// VANISHED responses without EARLIER seen, to show the runs exercised them.
    pub vanished_seen: u64,
}

/// The Message-ID of each message data seen, as a small number, so that the model neither
/// scans every header again after each command nor compares Message-IDs byte by byte when it
/// counts copies (the fuzz target's runs spent a third of their time there). Keyed by address;
/// the `Arc` kept with it stops the address from being reused by another message while the
/// harness lives. Equal Message-IDs get the same number.
#[derive(Default)]
struct Ids {
    by_address: HashMap<*const MessageData, (Arc<MessageData>, u32)>,
    by_name: HashMap<Vec<u8>, u32>,
    names: Vec<Vec<u8>>,
}

impl Ids {
    fn of(&mut self, data: &Arc<MessageData>) -> u32 {
        if let Some((_, n)) = self.by_address.get(&Arc::as_ptr(data)) {
            return *n;
        }
        let n = self.number(message_id(&data.raw));
        self.by_address
            .insert(Arc::as_ptr(data), (Arc::clone(data), n));
        n
    }

    /// The number of a Message-ID.
    fn number(&mut self, name: Vec<u8>) -> u32 {
        if let Some(&n) = self.by_name.get(&name) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.by_name.insert(name.clone(), n);
        self.names.push(name);
        n
    }

    fn name(&self, n: u32) -> String {
        self.names.get(n as usize).map_or_else(
            || format!("#{n}"),
            |m| String::from_utf8_lossy(m).to_string(),
        )
    }
}

/// A broken invariant, with the recent history.
pub type Outcome = Result<(), String>;

impl Harness {
    /// A server over the default world with `policies`, a fixed clock, and three connected
    /// clients.
    pub fn new(policies: Policies) -> Harness {
        Harness::over(World::default_world(), policies)
    }

    /// The same over `world`: the fuzz target builds the default world once and hands each
    /// run a clone, which shares the messages (`Arc`) instead of parsing them again.
    pub fn over(world: World, policies: Policies) -> Harness {
        let mut server = Server::new(world, policies);
        server.set_clock(Box::new(|| imap_sandbox::server::world::SANDBOX_EPOCH));
        let mut h = Harness {
            server,
            clients: [None; 3],
            idling: [None, None, None],
            after_raw: [false; 3],
            next_tag: 0,
            next_message: 0,
            expected: BTreeMap::new(),
            known: BTreeMap::new(),
            view_max_uid: None,
            log: Vec::new(),
            ids: Ids::default(),
            modseqs: BTreeMap::new(),
            counts: [None; 3],
            selected_uv: [None; 3],
            vanished_seen: 0,
        };
        h.expected = copies(&h.server, &mut h.ids);
        h.modseqs = modseq_snapshot(&h.server);
        h
    }

    fn note(&mut self, entry: String) {
        if self.log.len() >= 60 {
            self.log.remove(0);
        }
        self.log.push(entry);
    }

    /// A failure message with the recent history.
    pub fn failure(&self, what: &str) -> String {
        format!("{what}\nrecent steps:\n  {}", self.log.join("\n  "))
    }

    fn client(&mut self, i: usize) -> ClientId {
        let i = i % 3;
        if let Some(id) = self.clients[i] {
            if self.server.is_connected(id) {
                return id;
            }
        }
        let id = self.server.connect();
        self.clients[i] = Some(id);
        self.idling[i] = None;
        self.after_raw[i] = false;
        self.counts[i] = None;
        self.selected_uv[i] = None;
        id
    }

    /// Feeds raw bytes to client `i`; checks that every output is valid and notes closes.
    pub fn send_raw(&mut self, i: usize, bytes: &[u8]) -> Result<Vec<Output>, String> {
        let id = self.client(i);
        self.server.receive(id, bytes);
        let out = self.server.take_output();
        for o in &out {
            self.note(format!(
                "S{}: {}",
                self.clients
                    .iter()
                    .position(|c| *c == Some(o.client))
                    .map_or(0, |p| p + 1),
                String::from_utf8_lossy(&o.bytes).trim_end()
            ));
            if o.kind == OutputKind::Closed {
                continue;
            }
            match parse_response(&o.bytes) {
                Ok((response, used)) if used == o.bytes.len() => {
                    let Some(n) = self.clients.iter().position(|c| *c == Some(o.client)) else {
                        continue;
                    };
                    if let Response::Status(s) = &response {
                        if let (None, Some(Code::UidValidity(v))) = (&s.tag, &s.code) {
                            self.selected_uv[n] = Some(*v);
                        }
                    }
                    let count = &mut self.counts[n];
                    match response {
                        Response::Data(Data::Exists(e)) => *count = Some(i64::from(e)),
                        Response::Data(Data::Expunge(_)) => *count = count.map(|c| c - 1),
                        // RFC 7162 §3.2.10.2: "each UID listed in a VANISHED response results
                        // in the client decrementing the message count by one".
                        Response::Data(Data::Vanished {
                            earlier: false,
                            uids,
                        }) => {
                            self.vanished_seen += 1;
                            let listed: i64 = uids
                                .0
                                .iter()
                                .map(|r| match (r.start, r.end) {
                                    (SeqBound::Num(a), SeqBound::Num(b)) => {
                                        i64::from(a.max(b)) - i64::from(a.min(b)) + 1
                                    }
                                    _ => 1,
                                })
                                .sum();
                            *count = count.map(|c| c - listed);
                        }
                        _ => {}
                    }
                }
                Ok((_, used)) => {
                    return Err(self.failure(&format!(
                        "response uses {used} of its {} octets: {:?}",
                        o.bytes.len(),
                        String::from_utf8_lossy(&o.bytes)
                    )))
                }
                Err(e) => {
                    return Err(self.failure(&format!(
                        "invalid response ({e:?}): {:?}",
                        String::from_utf8_lossy(&o.bytes)
                    )))
                }
            }
        }
        self.check_modseqs()?;
        Ok(out)
    }

    /// RFC 7162 §3.1, §3.2.7: mod-sequences only go up, and every change takes a new one.
    fn check_modseqs(&mut self) -> Outcome {
        let now = modseq_snapshot(&self.server);
        let mut problems = Vec::new();
        for (id, (highest, messages)) in &now {
            if let Some((m, _)) = messages.iter().find(|(_, (_, ms))| ms > highest) {
                problems.push(format!(
                    "message {m} has a mod-sequence above HIGHESTMODSEQ {highest}"
                ));
            }
            let Some((before, old)) = self.modseqs.get(id) else {
                continue;
            };
            if highest < before {
                problems.push(format!(
                    "HIGHESTMODSEQ went down from {before} to {highest}"
                ));
            }
            let mut changed = false;
            for (uid, (flags, ms)) in messages {
                match old.get(uid) {
                    None => {
                        changed = true;
                        if ms <= before {
                            problems
                                .push(format!("new UID {uid} has mod-sequence {ms} <= {before}"));
                        }
                    }
                    Some((f, m)) if f != flags => {
                        changed = true;
                        if ms <= before {
                            problems.push(format!(
                                "UID {uid}'s flags changed but its mod-sequence {ms} <= {before}"
                            ));
                        }
                    }
                    Some((_, m)) if m != ms => {
                        problems.push(format!("UID {uid}'s mod-sequence changed from {m} to {ms} without a flag change"));
                    }
                    Some(_) => {}
                }
            }
            changed |= old.keys().any(|uid| !messages.contains_key(uid));
            if changed && highest <= before {
                problems.push(format!(
                    "the mailbox changed but HIGHESTMODSEQ stayed {highest}"
                ));
            }
        }
        self.modseqs = now;
        if problems.is_empty() {
            return Ok(());
        }
        Err(self.failure(&format!("mod-sequences: {}", problems.join("; "))))
    }

    /// Ends an IDLE in progress on client `i` with DONE (RFC 2177 §3).
    fn end_idle(&mut self, i: usize) -> Outcome {
        if self.idling[i % 3].take().is_some() {
            self.note(format!("C{}: DONE", i % 3 + 1));
            self.send_raw(i, b"DONE\r\n")?;
        }
        Ok(())
    }

    /// A unique message for APPEND, identified by its Message-ID.
    pub fn new_message(&mut self) -> Vec<u8> {
        self.next_message += 1;
        format!(
            "Message-ID: <random-{}@test.invalid>\r\nSubject: random {}\r\nFrom: a@b.c\r\n\r\nbody {}\r\n",
            self.next_message, self.next_message, self.next_message
        )
        .into_bytes()
    }

    /// Sends one command (without tag and CRLF; the harness adds them) from client `i` and
    /// checks the message-count model against the store.
    pub fn command(&mut self, i: usize, command: &[u8]) -> Outcome {
        self.end_idle(i)?;
        self.next_tag += 1;
        let tag = format!("t{}", self.next_tag);
        let mut line = format!("{tag} ").into_bytes();
        line.extend_from_slice(command);
        line.extend_from_slice(b"\r\n");
        self.note(format!(
            "C{}: {}",
            i % 3 + 1,
            String::from_utf8_lossy(&line).trim_end()
        ));
        let body = parse_command(&line).ok().map(|c| c.body);
        let id = self.client(i);
        let (ghost, read_only) = self.selected(id);
        self.view_max_uid = self
            .server
            .client_snapshot(id, usize::MAX)
            .and_then(|c| c.view.iter().map(|e| e.uid).max());
        // RFC 2180 §4.1.4: with expunge-shared=refuse, CLOSE of a mailbox others have
        // selected leaves the \Deleted messages in place.
        // Others on the same mailbox, not on another of the same name (a deleted one they
        // still have selected): the engine compares identities.
        let on =
            |c: ClientId| selected_mailbox(&self.server, c, self.uv_of(c)).map(|m| m.uid_validity);
        let shared = on(id).is_some_and(|mine| {
            self.server
                .clients()
                .into_iter()
                .any(|c| c != id && on(c) == Some(mine))
        });
        let keeps_deleted =
            shared && self.server.policies().get("expunge-shared") == Some("refuse");
        for mb in self.server.store().all() {
            for m in &mb.messages {
                self.known
                    .entry((mb.uid_validity, m.uid.0))
                    .or_insert_with(|| self.ids.of(&m.data));
            }
        }
        // The selected mailbox before the command: UID -> (Message-ID, \Deleted).
        let selected_mb = selected_mailbox(&self.server, id, self.uv_of(id));
        let uid_validity = selected_mb.map_or(0, |mb| mb.uid_validity);
        let selected_msgs: BTreeMap<u32, (u32, bool)> = selected_mb
            .map(|mb| {
                mb.messages
                    .iter()
                    .map(|m| {
                        let deleted = m.flags.contains(&Flag::Deleted);
                        (m.uid.0, (self.ids.of(&m.data), deleted))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let delete_target: Vec<u32> = match &body {
            Some(CommandBody::Delete { mailbox }) => self
                .server
                .store()
                .by_name(&mailbox.0)
                .map(|mb| mb.messages.iter().map(|m| self.ids.of(&m.data)).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let out = self.send_raw(i, &line)?;
        if matches!(body, Some(CommandBody::Idle)) && self.state(i) == ("selected", "idle")
            || self.state(i) == ("authenticated", "idle")
        {
            self.idling[i % 3] = Some(tag.clone());
        }
        if self.after_raw[i % 3] {
            // What ran is unknown (the line may have been joined to the raw bytes before it,
            // and whatever those bytes held may have finished with it): follow the store, as
            // after raw bytes. Known again once a command is answered under its own tag.
            let own = format!("{tag} ");
            self.after_raw[i % 3] = !out
                .iter()
                .any(|o| o.client == id && o.bytes.starts_with(own.as_bytes()));
            self.expected = copies(&self.server, &mut self.ids);
            return Ok(());
        }
        let ok = out
            .iter()
            .any(|o| o.client == id && o.bytes.starts_with(format!("{tag} OK").as_bytes()));
        // The change this command may make to the number of copies of each message.
        let mut delta: Vec<(u32, i64)> = Vec::new();
        // `*` in a UID set is the largest UID the session knows of (RFC 3501 §9 `seq-number`):
        // the engine reads it from the session's view, which may still hold a message another
        // session expunged (RFC 2180 §4.1).
        let max_uid = self.view_max_uid.unwrap_or(0);
        // copy-expunged=skip-listed (Cyrus 3.6): COPYUID names an expunged source, but it is
        // not copied.
        let skips_expunged = self.server.policies().get("copy-expunged") == Some("skip-listed");
        match (&body, ok) {
            (Some(CommandBody::Append { message, more, .. }), true) => {
                delta.push((self.ids.number(message_id(message)), 1));
                // RFC 3502: a MULTIAPPEND that succeeded appended every message.
                for m in more {
                    delta.push((self.ids.number(message_id(&m.message)), 1));
                }
            }
            (Some(CommandBody::Copy { .. }), true) => {
                for uid in copyuid_sources(&out, id, max_uid) {
                    if skips_expunged && !selected_msgs.contains_key(&uid) {
                        continue;
                    }
                    if let Some(mid) = self.known.get(&(uid_validity, uid)) {
                        delta.push((*mid, 1));
                    }
                }
            }
            // RFC 6851 §3: MOVE keeps the number of copies, except that a message another
            // session already expunged is only copied (RFC 2180 §4.4.2), and so is one moved
            // out of a deleted mailbox's ghost (RFC 2180 §3.2), whose messages are no longer
            // counted.
            (Some(CommandBody::Move { .. }), _) => {
                for uid in copyuid_sources(&out, id, max_uid) {
                    if skips_expunged && !selected_msgs.contains_key(&uid) {
                        continue;
                    }
                    let live = !ghost && selected_msgs.contains_key(&uid);
                    if let (false, Some(mid)) = (live, self.known.get(&(uid_validity, uid))) {
                        delta.push((*mid, 1));
                    }
                }
            }
            // A ghost (RFC 2180 §3.2) is no longer counted: expunging there changes nothing.
            (Some(CommandBody::Expunge | CommandBody::Close), true)
                if !read_only && !ghost && !keeps_deleted =>
            {
                for (mid, deleted) in selected_msgs.values() {
                    if *deleted {
                        delta.push((*mid, -1));
                    }
                }
            }
            // The UIDs are resolved in the session's view (RFC 3501 §6.4.8): a message that
            // arrived after the session last heard of new ones is not in it, and stays.
            (Some(CommandBody::UidExpunge { set }), true) if !ghost => {
                for (uid, (mid, deleted)) in &selected_msgs {
                    if *deleted && *uid <= max_uid && contains(set, *uid, max_uid) {
                        delta.push((*mid, -1));
                    }
                }
            }
            (Some(CommandBody::Delete { .. }), true) => {
                // RFC 3501 §6.3.4: the mailbox's messages go with it (a parent with children
                // becomes \Noselect, and loses its messages too).
                for mid in delete_target {
                    delta.push((mid, -1));
                }
            }
            _ => {}
        }
        for (mid, d) in delta {
            *self.expected.entry(mid).or_default() += d;
        }
        self.expected.retain(|_, n| *n != 0);
        self.check_copies()
    }

    /// The store holds exactly the copies the model expects.
    fn check_copies(&mut self) -> Outcome {
        let actual = copies(&self.server, &mut self.ids);
        if actual == self.expected {
            return Ok(());
        }
        let mut diff = Vec::new();
        let keys: std::collections::BTreeSet<&u32> =
            actual.keys().chain(self.expected.keys()).collect();
        for mid in keys {
            let a = actual.get(mid).copied().unwrap_or(0);
            let e = self.expected.get(mid).copied().unwrap_or(0);
            if a != e {
                diff.push(format!("{}: store {a}, expected {e}", self.ids.name(*mid)));
            }
        }
        let msg = self.failure(&format!("messages lost or duplicated: {}", diff.join("; ")));
        // Follow the store from here on, so that one defect is reported once.
        self.expected = actual;
        Err(msg)
    }

    /// Client `i` sends raw bytes: the model cannot tell which commands ran, so it follows the
    /// store afterwards (every other invariant still holds).
    pub fn raw(&mut self, i: usize, bytes: &[u8]) -> Outcome {
        self.end_idle(i)?;
        self.note(format!(
            "C{} raw: {:?}",
            i % 3 + 1,
            String::from_utf8_lossy(bytes)
        ));
        self.send_raw(i, bytes)?;
        self.after_raw[i % 3] = true;
        let idle = self.state(i).1 == "idle";
        self.idling[i % 3] = idle.then(String::new);
        self.expected = copies(&self.server, &mut self.ids);
        Ok(())
    }

    /// Client `i` drops its connection without LOGOUT (RFC 2683 §3.1.2: nothing is expunged).
    pub fn disconnect(&mut self, i: usize) -> Outcome {
        if let Some(id) = self.clients[i % 3].take() {
            self.note(format!("C{} disconnects", i % 3 + 1));
            self.server.disconnect(id);
            self.idling[i % 3] = None;
            let _ = self.server.take_output();
        }
        self.check_copies()
    }

    /// Changes one decision point by name (between commands, as the page does).
    pub fn set_policy(&mut self, point: &str, value: &str) {
        self.note(format!("policy {point}={value}"));
        // Names come from `Policies::table`, so they are valid.
        let _ = self.server.policies_mut().set(point, value);
    }

    /// NOOP from every client (RFC 3501 §6.1.2: it reports what changed), then: each client
    /// that answered OK sees exactly the store's UIDs of its mailbox, ascending; every mailbox's
    /// UIDs ascend and stay below UIDNEXT. Returns how many clients were checked.
    pub fn sync_and_check(&mut self) -> Result<usize, String> {
        let mut checked = 0;
        for i in 0..3 {
            self.end_idle(i)?;
            // A client in the middle of AUTHENTICATE gets `*` (RFC 3501 §6.2.2: cancel).
            if self.state(i).1 == "authenticate" {
                self.send_raw(i, b"*\r\n")?;
            }
            self.next_tag += 1;
            let tag = format!("n{}", self.next_tag);
            let out = self.send_raw(i, format!("{tag} NOOP\r\n").as_bytes())?;
            let id = self.client(i);
            let ok = out
                .iter()
                .any(|o| o.client == id && o.bytes.starts_with(format!("{tag} OK").as_bytes()));
            if !ok {
                continue;
            }
            let Some(client) = self.server.client_snapshot(id, usize::MAX) else {
                continue;
            };
            let Some(name) = &client.selected else {
                checked += 1;
                continue;
            };
            let view: Vec<u32> = client.view.iter().map(|e| e.uid).collect();
            // What the client was told adds up to what it has (EXPUNGE or VANISHED alike).
            if let Some(told) = self.counts[i] {
                if told != view.len() as i64 {
                    return Err(self.failure(&format!(
                        "C{} was told of {told} messages, its view holds {}",
                        i + 1,
                        view.len()
                    )));
                }
            }
            if client.view.iter().any(|e| e.ghost) || client.pending_new != 0 {
                return Err(self.failure(&format!(
                    "C{} was not told everything by NOOP: {client:?}",
                    i + 1
                )));
            }
            // The mailbox the view belongs to: live, or the ghost of a deleted one.
            let store = self.server.store();
            let matches = store
                .all()
                .filter(|m| &m.name == name)
                .any(|m| m.messages.iter().map(|x| x.uid.0).collect::<Vec<_>>() == view);
            if !matches {
                return Err(self.failure(&format!(
                    "C{}'s view of {name} {view:?} differs from the store {:?}",
                    i + 1,
                    store
                        .all()
                        .filter(|m| &m.name == name)
                        .map(|m| m.messages.iter().map(|x| x.uid.0).collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                )));
            }
            checked += 1;
        }
        for mb in self.server.store().all() {
            let ascending = mb.messages.windows(2).all(|w| w[0].uid < w[1].uid);
            let below = mb.messages.iter().all(|m| m.uid.0 < mb.uid_next);
            if !ascending || !below {
                return Err(self.failure(&format!(
                    "{}: UIDs {:?} not ascending below UIDNEXT {}",
                    mb.name,
                    mb.messages.iter().map(|m| m.uid.0).collect::<Vec<_>>(),
                    mb.uid_next
                )));
            }
        }
        self.check_copies()?;
        Ok(checked)
    }

    /// Whether the mailbox client `id` has selected is the ghost of a deleted one (RFC 2180
    /// §3.2), and whether it is read-only.
    fn selected(&self, id: ClientId) -> (bool, bool) {
        let ghost = selected_mailbox(&self.server, id, self.uv_of(id)).is_some_and(|m| m.deleted);
        let read_only = self
            .server
            .client_snapshot(id, 0)
            .is_some_and(|c| c.selected.is_some() && c.read_only);
        (ghost, read_only)
    }

    /// The UIDVALIDITY client `id` was told at its last SELECT or EXAMINE.
    fn uv_of(&self, id: ClientId) -> Option<u32> {
        let n = self.clients.iter().position(|c| *c == Some(id))?;
        self.selected_uv[n]
    }

    /// Client `i`'s state and mode, as the snapshot names them ("not authenticated",
    /// "authenticated", "selected"; "command", "idle", "authenticate").
    pub fn state(&self, i: usize) -> (&'static str, &'static str) {
        let Some(id) = self.clients[i % 3] else {
            return ("not authenticated", "command");
        };
        self.server
            .client_snapshot(id, 0)
            .map_or(("not authenticated", "command"), |c| (c.state, c.mode))
    }

    /// Messages appended so far.
    pub fn appended(&self) -> u64 {
        self.next_message
    }
}

/// The mailbox client `id` has selected, live or deleted: the one with the UIDVALIDITY `uv` it
/// was told at SELECT, or, not knowing it, the live one of that name, else a deleted one.
fn selected_mailbox(server: &Server, id: ClientId, uv: Option<u32>) -> Option<&Mailbox> {
    let name = server.client_snapshot(id, 0)?.selected?;
    let store = server.store();
    if let Some(mb) = uv.and_then(|v| store.all().find(|m| m.name == name && m.uid_validity == v)) {
        return Some(mb);
    }
    store
        .by_name(&name)
        .or_else(|| store.all().find(|m| m.deleted && m.name == name))
}

/// Mailbox identity -> (HIGHESTMODSEQ, UID -> (flags, mod-sequence)).
type ModSeqs = BTreeMap<u64, (u64, BTreeMap<u32, (Flags, u64)>)>;

/// Each mailbox's HIGHESTMODSEQ and its messages' flags and mod-sequences, by mailbox identity.
fn modseq_snapshot(server: &Server) -> ModSeqs {
    server
        .store()
        .all()
        .map(|mb| {
            let messages = mb
                .messages
                .iter()
                .map(|m| (m.uid.0, (m.flags.clone(), m.modseq)))
                .collect();
            (mb.id.0, (mb.highest_modseq(), messages))
        })
        .collect()
}

/// The Message-ID header's value, or the whole message when it has none.
pub fn message_id(raw: &[u8]) -> Vec<u8> {
    const NAME: &[u8] = b"message-id:";
    for line in raw.split(|&b| b == b'\n') {
        // The header ends at the first empty line (RFC 5322 §2.1); the body is not searched,
        // which keeps this cheap on every command of a fuzz run.
        if line == b"\r" || line.is_empty() {
            break;
        }
        if line.len() > NAME.len() && line[..NAME.len()].eq_ignore_ascii_case(NAME) {
            return line[NAME.len()..].trim_ascii().to_vec();
        }
    }
    raw.to_vec()
}

fn copies(server: &Server, ids: &mut Ids) -> BTreeMap<u32, i64> {
    let mut n: BTreeMap<u32, i64> = BTreeMap::new();
    for mb in server.store().live() {
        count_into(mb, &mut n, ids);
    }
    n
}

fn count_into(mb: &Mailbox, n: &mut BTreeMap<u32, i64>, ids: &mut Ids) {
    for m in &mb.messages {
        *n.entry(ids.of(&m.data)).or_default() += 1;
    }
}

/// Whether `set` (a UID set, RFC 3501 §9) contains `uid`, `*` being `max`.
fn contains(set: &SequenceSet, uid: u32, max: u32) -> bool {
    let v = |b: SeqBound| match b {
        SeqBound::Num(n) => n,
        SeqBound::Star => max,
    };
    set.0.iter().any(|r| {
        let (a, b) = (v(r.start), v(r.end));
        (a.min(b)..=a.max(b)).contains(&uid)
    })
}

/// The source UIDs of the COPYUID code (RFC 4315 §3) in the responses to `id`.
fn copyuid_sources(out: &[Output], id: ClientId, max: u32) -> Vec<u32> {
    let mut uids = Vec::new();
    for o in out.iter().filter(|o| o.client == id) {
        let Ok((Response::Status(s), _)) = parse_response(&o.bytes) else {
            continue;
        };
        if let Some(Code::CopyUid { source, .. }) = s.code {
            for r in &source.0 {
                let v = |b: SeqBound| match b {
                    SeqBound::Num(n) => n,
                    SeqBound::Star => max,
                };
                let (a, b) = (v(r.start), v(r.end));
                uids.extend(a.min(b)..=a.max(b));
            }
        }
    }
    uids
}
