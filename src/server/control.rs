//! The control API for tests: arrange and inspect the world without speaking IMAP, as a test
//! harness around a client library needs (users, mailboxes, a message delivered "from
//! outside", flags set or messages expunged "by another client", a reset). Every change goes
//! through the same store and per-session queues as a command from a client would, so the
//! connected sessions hear of it exactly as RFC 3501 §7.4.1 lets them: on their next command,
//! or at once in IDLE (RFC 2177 §3).
//!
//! Policies are set with [`Server::policies_mut`]; the store is inspected with [`Server::store`]
//! and [`Server::snapshot`]. On the TCP server the same calls run on the engine thread through
//! [`crate::native::tcp::Control`] (native only).
//!
//! ```
//! use imap_sandbox::protocol::types::Flag;
//! use imap_sandbox::server::{Policies, Server, World};
//!
//! let mut server = Server::new(World::empty(), Policies::default());
//! server.add_user("tester", "secret");
//! server.create_mailbox("Lists/rust").unwrap();
//! let c1 = server.connect();
//! server.receive(c1, b"a1 LOGIN tester secret\r\na2 SELECT Lists/rust\r\n");
//! server.take_output();
//!
//! // A message arrives from outside: the session is told on its next command.
//! let uid = server
//!     .deliver("Lists/rust", b"Subject: hi\r\n\r\nhello\r\n", &[Flag::Flagged])
//!     .unwrap();
//! server.receive(c1, b"a3 NOOP\r\n");
//! let text: String = server
//!     .take_output()
//!     .iter()
//!     .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
//!     .collect();
//! assert!(text.starts_with("* 1 EXISTS\r\n* 1 RECENT\r\n"), "{text}");
//!
//! // Another client marks it seen, then expunges it.
//! server.set_flags("Lists/rust", uid, FlagChange::Add, &[Flag::Seen]).unwrap();
//! server.expunge("Lists/rust", &[uid]).unwrap();
//! server.receive(c1, b"a4 NOOP\r\n");
//! let text: String = server
//!     .take_output()
//!     .iter()
//!     .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
//!     .collect();
//! assert!(text.contains("* 1 EXPUNGE\r\n"), "{text}");
//! # use imap_sandbox::server::control::FlagChange;
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::protocol::types::Flag;
use crate::server::mailstore::{Flags, MessageData, StoreError, Uid};
use crate::server::snapshot::Snapshot;
use crate::server::{ClientId, Policies, Server, User, World};

/// The sender of changes made through this API: no session has id 0 (ids start at 1), so
/// every session hears of them as of another client's.
const OUTSIDE: ClientId = ClientId(0);

/// What a control call could not do, in words for a test's failure message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError(pub String);

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ControlError {}

/// How [`Server::set_flags`] changes a message's flags, as STORE's `+FLAGS`, `-FLAGS` and
/// `FLAGS` do (RFC 3501 §6.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagChange {
    Add,
    Remove,
    Replace,
}

/// One control call with its arguments, as a front end reads it from its caller (the wasm
/// `Sandbox.control`): `{"verb": "deliver", "mailbox": "INBOX", "raw": "..."}`. The verbs and
/// field names are those of the native HTTP endpoint (`serve --control`), less its `export`
/// and its world objects for `reset`, which need the native world file.
///
/// ```
/// # // serde_json is a native dev-dependency only; `wasm-pack test` builds doctests for wasm too.
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use imap_sandbox::server::control::Verb;
/// use imap_sandbox::server::{Policies, Server, World};
///
/// let mut server = Server::new(World::default_world(), Policies::default());
/// let verb: Verb = serde_json::from_str(
///     r#"{"verb": "deliver", "mailbox": "INBOX", "raw": "Subject: x\r\n\r\nhi\r\n", "flags": ["\\Seen"]}"#,
/// ).unwrap();
/// assert_eq!(server.control(verb).unwrap().uid, Some(7));
/// # }
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "verb", rename_all = "snake_case")]
pub enum Verb {
    /// [`Server::add_user`].
    AddUser { name: String, password: String },
    /// [`Server::create_mailbox`].
    CreateMailbox { mailbox: String },
    /// [`Server::deliver`]; `flags` as IMAP writes them (`\Seen`, `$Label1`).
    Deliver {
        mailbox: String,
        raw: Raw,
        #[serde(default)]
        flags: Vec<String>,
    },
    /// [`Server::set_flags`].
    SetFlags {
        mailbox: String,
        uid: u32,
        change: FlagChangeName,
        #[serde(default)]
        flags: Vec<String>,
    },
    /// [`Server::expunge`].
    Expunge { mailbox: String, uids: Vec<u32> },
    /// One decision point ([`Policies::set`]).
    SetPolicy { point: String, value: String },
    /// Every decision point from a preset ([`Policies::preset`]).
    Preset { name: String },
    /// [`Server::reset`] to the default or the empty world.
    Reset { world: WorldName },
    /// [`Server::snapshot`], at most `max_messages` (default 100) messages per list.
    Snapshot { max_messages: Option<usize> },
}

/// A message's octets: a string (its UTF-8), or bytes (a `Uint8Array` in JavaScript, an array
/// of numbers in JSON).
#[derive(Debug, Clone)]
pub struct Raw(pub Vec<u8>);

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        struct Octets;
        impl<'de> serde::de::Visitor<'de> for Octets {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message as a string or as bytes")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw(v.as_bytes().to_vec()))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Raw, E> {
                Ok(Raw(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut octets = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    octets.push(b);
                }
                Ok(Raw(octets))
            }
        }
        d.deserialize_any(Octets)
    }
}

/// [`FlagChange`] by name.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagChangeName {
    Add,
    Remove,
    Replace,
}

/// The worlds `reset` can start from without a world file.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorldName {
    Default,
    Empty,
}

/// What a [`Verb`] answers: the fields its verb fills, the others absent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Answer {
    /// `deliver`: the new message's UID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    /// `expunge`: how many messages were expunged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expunged: Option<usize>,
    /// `snapshot`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

/// Flag names as IMAP writes them (RFC 3501 §9 `flag`), read by the one parser of the
/// protocol; `\Recent` refused. World files and the control verbs both read flags with it.
pub fn parse_flags(names: &[String]) -> Result<Vec<Flag>, ControlError> {
    names
        .iter()
        .map(|name| match crate::protocol::parse::flag(name.as_bytes()) {
            // RFC 3501 §2.3.2: \Recent is the server's to set.
            Ok((&[], Flag::Recent)) => Err(ControlError(
                "\\Recent cannot be stored (RFC 3501 §2.3.2)".to_string(),
            )),
            Ok((&[], f)) => Ok(f),
            _ => Err(ControlError(format!(
                "{name:?} is not a flag (RFC 3501 §9 flag)"
            ))),
        })
        .collect()
}

impl Server {
    /// Runs one control verb: the same calls as this module's methods, by name.
    pub fn control(&mut self, verb: Verb) -> Result<Answer, ControlError> {
        let mut answer = Answer::default();
        match verb {
            Verb::AddUser { name, password } => {
                if name.is_empty() {
                    return Err(ControlError("\"name\" is empty".into()));
                }
                self.add_user(&name, &password);
            }
            Verb::CreateMailbox { mailbox } => self.create_mailbox(&mailbox)?,
            Verb::Deliver {
                mailbox,
                raw,
                flags,
            } => answer.uid = Some(self.deliver(&mailbox, &raw.0, &parse_flags(&flags)?)?),
            Verb::SetFlags {
                mailbox,
                uid,
                change,
                flags,
            } => {
                let change = match change {
                    FlagChangeName::Add => FlagChange::Add,
                    FlagChangeName::Remove => FlagChange::Remove,
                    FlagChangeName::Replace => FlagChange::Replace,
                };
                self.set_flags(&mailbox, uid, change, &parse_flags(&flags)?)?;
            }
            Verb::Expunge { mailbox, uids } => {
                answer.expunged = Some(self.expunge(&mailbox, &uids)?);
            }
            Verb::SetPolicy { point, value } => self
                .policies_mut()
                .set(&point, &value)
                .map_err(|e| ControlError(e.0))?,
            Verb::Preset { name } => {
                *self.policies_mut() = Policies::preset(&name).map_err(|e| ControlError(e.0))?;
            }
            Verb::Reset { world } => self.reset(match world {
                WorldName::Default => World::default_world(),
                WorldName::Empty => World::empty(),
            }),
            Verb::Snapshot { max_messages } => {
                answer.snapshot = Some(self.snapshot(max_messages.unwrap_or(100)));
            }
        }
        Ok(answer)
    }

    /// The users who may log in.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Adds a user who may log in, or changes the password of one that exists.
    pub fn add_user(&mut self, name: &str, password: &str) {
        self.users.retain(|u| u.name != name);
        self.users.push(User {
            name: name.to_string(),
            password: password.to_string(),
        });
    }

    /// Creates a mailbox (and its missing parents, RFC 3501 §6.3.3), as CREATE would. `name`
    /// is the wire name (modified UTF-7 for non-ASCII, RFC 3501 §5.1.3).
    pub fn create_mailbox(&mut self, name: &str) -> Result<(), ControlError> {
        self.store.create(name).map_err(|e| store_error(e, name))?;
        // RFC 5465 §5.4: sessions that asked NOTIFY for MailboxName hear of it at once.
        self.flush_idlers();
        Ok(())
    }

    /// Delivers a message "from outside" (an MTA, or another client's APPEND): the next UID,
    /// `\Recent` for the first session told of it (RFC 3501 §2.3.2), INTERNALDATE now. Returns
    /// its UID.
    pub fn deliver(
        &mut self,
        mailbox: &str,
        raw: &[u8],
        flags: &[Flag],
    ) -> Result<u32, ControlError> {
        if raw.is_empty() {
            return Err(ControlError("an empty message cannot be delivered".into()));
        }
        check_flags(flags)?;
        let date = self.now();
        let mb = self.live_mailbox(mailbox)?;
        if mb.noselect {
            return Err(ControlError(format!(
                "{mailbox} cannot hold messages (\\Noselect)"
            )));
        }
        crate::server::limits::check_flags(mb, flags).map_err(|f| ControlError(f.text))?;
        let flags = Flags::from_list(&mb.canonical_flags(flags));
        let uid = mb
            .append(MessageData::new(raw.to_vec(), date), flags)
            .ok_or_else(|| ControlError(format!("{mailbox} has run out of UIDs")))?;
        // RFC 2177 §3: sessions in IDLE hear of it at once; the others on their next command.
        self.flush_idlers();
        Ok(uid.0)
    }

    /// Changes one message's flags as another client's `UID STORE` would: sessions with the
    /// mailbox selected are sent its new flags when RFC 3501 §7.4.1 lets them.
    pub fn set_flags(
        &mut self,
        mailbox: &str,
        uid: u32,
        change: FlagChange,
        flags: &[Flag],
    ) -> Result<(), ControlError> {
        check_flags(flags)?;
        let mb = self.live_mailbox(mailbox)?;
        crate::server::limits::check_flags(mb, flags).map_err(|f| ControlError(f.text))?;
        let flags = mb.canonical_flags(flags);
        let id = mb.id;
        let message = mb
            .message_mut(Uid(uid))
            .ok_or_else(|| ControlError(format!("{mailbox} has no message with UID {uid}")))?;
        let before = message.flags.clone();
        match change {
            FlagChange::Add => flags.iter().for_each(|f| message.flags.insert(f)),
            FlagChange::Remove => flags.iter().for_each(|f| message.flags.remove(f)),
            FlagChange::Replace => message.flags = Flags::from_list(&flags),
        }
        if message.flags != before {
            let new = message.flags.clone();
            if let Some(mb) = self.store.get_mut(id) {
                mb.register_keywords(&new);
            }
            self.notify_flags(OUTSIDE, id, &[(Uid(uid), std::sync::Arc::new(before))]);
            self.flush_idlers();
        }
        Ok(())
    }

    /// Expunges messages as another client's `UID EXPUNGE` would, whether or not they are
    /// `\Deleted`: each session is told when RFC 3501 §7.4.1 lets it be and until then keeps
    /// them as the expunge policies say. UIDs that do not exist are skipped; returns how many
    /// were expunged. Under `expunge-shared=refuse` (RFC 2180 §4.1.4) it is refused, as that
    /// client's command would be, while a session has the mailbox selected.
    pub fn expunge(&mut self, mailbox: &str, uids: &[u32]) -> Result<usize, ControlError> {
        let mb = self.live_mailbox(mailbox)?;
        let id = mb.id;
        if let Err(c) = self.expunge_permitted(OUTSIDE, id) {
            return Err(ControlError(format!(
                "{mailbox} is selected by a session, and {}={} refuses an expunge then ({})",
                c.point, c.value, c.rfc
            )));
        }
        let Some(mb) = self.store.get(id) else {
            return Err(ControlError(format!("no mailbox {mailbox}")));
        };
        let mut present: Vec<Uid> = uids
            .iter()
            .map(|&u| Uid(u))
            .filter(|&u| mb.message(u).is_some())
            .collect();
        present.sort_unstable();
        present.dedup();
        self.expunge_messages(OUTSIDE, id, &present);
        self.flush_idlers();
        Ok(present.len())
    }

    /// Sets a user's quota limits (RFC 9208 §5.1 STORAGE in KiB, §5.2 MESSAGE), as SETQUOTA
    /// `""` by that user would; all `None` removes them. What is stored already stays, even
    /// over the new limits: only APPEND, COPY and MOVE that would add over them are refused
    /// with `NO [OVERQUOTA]`; [`Server::deliver`] ("from outside") is not held to them. Only
    /// a build with the `quota` feature (the default) enforces them; the page's build keeps
    /// them without effect.
    ///
    /// ```
    /// use imap_sandbox::server::mailstore::QuotaLimits;
    /// use imap_sandbox::server::{Policies, Server, World};
    ///
    /// let mut server = Server::new(World::default_world(), Policies::default());
    /// let limits = QuotaLimits { storage_kib: Some(1), messages: None };
    /// server.set_quota("alice", limits);
    /// assert_eq!(server.quota("alice"), limits);
    /// let c1 = server.connect();
    /// server.receive(c1, b"a1 LOGIN alice alice\r\na2 APPEND Drafts {5}\r\nhello\r\n");
    /// let out: String = server
    ///     .take_output()
    ///     .iter()
    ///     .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
    ///     .collect();
    /// assert!(out.contains("a2 NO [OVERQUOTA]"), "{out}"); // the default world is larger
    /// ```
    pub fn set_quota(&mut self, user: &str, limits: crate::server::mailstore::QuotaLimits) {
        self.store.set_quota(user, limits);
    }

    /// A user's quota limits (all `None` when none are set).
    pub fn quota(&self, user: &str) -> crate::server::mailstore::QuotaLimits {
        self.store.quota(user)
    }

    /// Replaces the world (store and users) with `world`: [`World::default_world`] or
    /// [`World::empty`], or one of a test's own. Every connected client is first sent
    /// `* BYE` and closed (RFC 3501 §7.1.5), since no session can survive its mailboxes
    /// vanishing. Policies and limits stay.
    pub fn reset(&mut self, world: World) {
        self.shutdown("imap-sandbox is resetting its world");
        self.store = world.store;
        self.users = world.users;
    }

    /// The live (not deleted) mailbox called `name`.
    fn live_mailbox(
        &mut self,
        name: &str,
    ) -> Result<&mut crate::server::mailstore::Mailbox, ControlError> {
        let id = self
            .store
            .id_of(name)
            .ok_or_else(|| ControlError(format!("no mailbox {name}")))?;
        self.store
            .get_mut(id)
            .filter(|m| !m.deleted)
            .ok_or_else(|| ControlError(format!("no mailbox {name}")))
    }
}

/// `\Recent` is the server's alone (RFC 3501 §2.3.2); a keyword is an atom (RFC 3501 §9).
fn check_flags(flags: &[Flag]) -> Result<(), ControlError> {
    for flag in flags {
        match flag {
            Flag::Recent => {
                return Err(ControlError(
                    "\\Recent cannot be set (RFC 3501 §2.3.2)".into(),
                ))
            }
            Flag::Keyword(k) | Flag::Extension(k) if !is_atom(k) => {
                return Err(ControlError(format!(
                    "{k:?} is not an atom (RFC 3501 §9 flag-keyword)"
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// RFC 3501 §9: `atom = 1*ATOM-CHAR`, any CHAR but atom-specials.
fn is_atom(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b))
}

fn store_error(e: StoreError, name: &str) -> ControlError {
    ControlError(match e {
        StoreError::NoSuchMailbox => format!("no mailbox {name}"),
        StoreError::AlreadyExists => format!("{name} already exists"),
        StoreError::StillInUse => format!("{name} is a deleted mailbox still selected somewhere"),
        StoreError::CannotDeleteInbox => "INBOX cannot be deleted".to_string(),
        StoreError::HasChildren => format!("{name} has inferior mailboxes"),
        StoreError::BadName(why) => format!("bad mailbox name {name:?}: {why}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{OutputKind, Policies};

    fn said(server: &mut Server, client: ClientId) -> String {
        server
            .take_output()
            .iter()
            .filter(|o| o.client == client && o.kind != OutputKind::Closed)
            .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
            .collect()
    }

    fn selected(mailbox: &str) -> (Server, ClientId) {
        let mut s = Server::new(World::default_world(), Policies::default());
        let c = s.connect();
        s.receive(
            c,
            format!("a1 LOGIN alice alice\r\na2 SELECT {mailbox}\r\n").as_bytes(),
        );
        s.take_output();
        (s, c)
    }

    #[test]
    fn a_delivered_message_reaches_an_idle_session_at_once() {
        let (mut s, c) = selected("INBOX");
        s.receive(c, b"i IDLE\r\n");
        s.take_output();
        let uid = s
            .deliver("INBOX", b"Subject: x\r\n\r\nbody\r\n", &[])
            .unwrap();
        let text = said(&mut s, c);
        assert!(text.starts_with("* 7 EXISTS\r\n* 1 RECENT\r\n"), "{text}");
        assert_eq!(uid, 7);
        assert_eq!(s.store().by_name("INBOX").unwrap().messages.len(), 7);
    }

    #[test]
    fn flags_set_from_outside_are_reported_on_the_next_command() {
        let (mut s, c) = selected("FOO");
        s.set_flags(
            "FOO",
            2,
            FlagChange::Add,
            &[Flag::Keyword("$Label1".into())],
        )
        .unwrap();
        assert_eq!(said(&mut s, c), "");
        s.receive(c, b"a3 NOOP\r\n");
        let text = said(&mut s, c);
        assert!(text.contains("* 2 FETCH (FLAGS ($Label1"), "{text}");
        assert!(
            text.contains("* FLAGS ("),
            "a new keyword is announced: {text}"
        );
        // No change, nothing to report.
        s.set_flags(
            "FOO",
            2,
            FlagChange::Add,
            &[Flag::Keyword("$Label1".into())],
        )
        .unwrap();
        s.receive(c, b"a4 NOOP\r\n");
        assert_eq!(said(&mut s, c), "a4 OK NOOP completed\r\n");
    }

    /// RFC 3501 §7.4.1: no EXPUNGE during FETCH; it comes with the next NOOP.
    #[test]
    fn an_expunge_from_outside_waits_for_a_command_that_may_carry_it() {
        let (mut s, c) = selected("FOO");
        assert_eq!(s.expunge("FOO", &[3, 3, 99]).unwrap(), 1);
        s.receive(c, b"a3 FETCH 1 FLAGS\r\n");
        assert!(!said(&mut s, c).contains("EXPUNGE"));
        s.receive(c, b"a4 NOOP\r\n");
        assert!(said(&mut s, c).starts_with("* 3 EXPUNGE\r\n"));
    }

    /// RFC 2180 §4.1.4 under expunge-shared=refuse: an expunge from outside is refused while a
    /// session has the mailbox selected (nothing is lost), and allowed once none has.
    #[test]
    fn an_expunge_from_outside_follows_expunge_shared_refuse() {
        let (mut s, c) = selected("FOO");
        s.policies_mut()
            .set_assignment("expunge-shared=refuse")
            .unwrap();
        let e = s.expunge("FOO", &[3]).unwrap_err().0;
        assert!(
            e.contains("expunge-shared=refuse") && e.contains("4.1.4"),
            "{e}"
        );
        s.receive(c, b"a3 NOOP\r\n");
        assert_eq!(said(&mut s, c), "a3 OK NOOP completed\r\n");
        s.receive(c, b"a4 CLOSE\r\n");
        s.take_output();
        assert_eq!(s.expunge("FOO", &[3]).unwrap(), 1);
    }

    #[test]
    fn bad_arguments_are_errors_not_panics() {
        let mut s = Server::new(World::default_world(), Policies::default());
        fn err<T: std::fmt::Debug>(r: Result<T, ControlError>) -> String {
            r.unwrap_err().0
        }
        assert_eq!(err(s.deliver("NOPE", b"x", &[])), "no mailbox NOPE");
        assert!(err(s.deliver("INBOX", b"", &[])).contains("empty"));
        assert!(err(s.deliver("INBOX", b"x", &[Flag::Recent])).contains("\\Recent"));
        assert!(err(s.deliver("INBOX", b"x", &[Flag::Keyword("a b".into())])).contains("atom"));
        assert!(err(s.set_flags("INBOX", 999, FlagChange::Add, &[])).contains("UID 999"));
        assert!(err(s.create_mailbox("INBOX")).contains("already exists"));
        assert!(err(s.expunge("NOPE", &[1])).contains("no mailbox"));
    }

    #[test]
    fn reset_says_bye_and_replaces_store_and_users() {
        let (mut s, c) = selected("INBOX");
        s.add_user("dave", "pw");
        s.reset(World::empty().with_user("erin", "pw"));
        let out = s.take_output();
        assert!(String::from_utf8_lossy(&out[0].bytes).starts_with("* BYE"));
        assert_eq!(out[1].kind, OutputKind::Closed);
        assert!(!s.is_connected(c));
        assert_eq!(s.store().live().count(), 1);
        let c2 = s.connect();
        s.receive(c2, b"a LOGIN alice alice\r\nb LOGIN erin pw\r\n");
        let text = said(&mut s, c2);
        assert!(text.contains("a NO"), "{text}");
        assert!(text.contains("b OK"), "{text}");
    }

    /// The verbs by name, read from JSON as a front end reads them from its caller.
    #[cfg(not(target_arch = "wasm32"))]
    fn run(s: &mut Server, json: &str) -> Result<Answer, String> {
        let verb: Verb = serde_json::from_str(json).map_err(|e| e.to_string())?;
        s.control(verb).map_err(|e| e.0)
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn each_verb_runs_by_name() {
        let (mut s, c) = selected("INBOX");
        run(
            &mut s,
            r#"{"verb": "add_user", "name": "dave", "password": "pw"}"#,
        )
        .unwrap();
        assert!(s.users().iter().any(|u| u.name == "dave"));
        run(
            &mut s,
            r#"{"verb": "create_mailbox", "mailbox": "Lists/rust"}"#,
        )
        .unwrap();
        assert!(s.store().by_name("Lists/rust").is_some());
        let a = run(
            &mut s,
            r#"{"verb": "deliver", "mailbox": "INBOX", "raw": [72, 105], "flags": ["$Label1"]}"#,
        )
        .unwrap();
        assert_eq!(a.uid, Some(7));
        let m = s.store().by_name("INBOX").unwrap().message(Uid(7)).unwrap();
        assert_eq!(&*m.data.raw, b"Hi");
        run(
            &mut s,
            r#"{"verb": "set_flags", "mailbox": "INBOX", "uid": 7, "change": "add", "flags": ["\\Flagged"]}"#,
        )
        .unwrap();
        s.receive(c, b"a3 NOOP\r\n");
        let text = said(&mut s, c);
        assert!(text.contains("* 7 EXISTS\r\n"), "{text}");
        assert!(text.contains("* 7 FETCH (FLAGS ("), "{text}");
        assert!(text.contains("\\Flagged"), "{text}");
        let a = run(
            &mut s,
            r#"{"verb": "expunge", "mailbox": "INBOX", "uids": [7, 99]}"#,
        )
        .unwrap();
        assert_eq!(a.expunged, Some(1));
        run(
            &mut s,
            r#"{"verb": "set_policy", "point": "fetch-expunged", "value": "nil"}"#,
        )
        .unwrap();
        run(&mut s, r#"{"verb": "preset", "name": "default"}"#).unwrap();
        let a = run(&mut s, r#"{"verb": "snapshot", "max_messages": 2}"#).unwrap();
        assert!(a.snapshot.is_some() && a.uid.is_none());
        run(&mut s, r#"{"verb": "reset", "world": "empty"}"#).unwrap();
        assert!(!s.is_connected(c));
        assert_eq!(s.store().live().count(), 1);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn unknown_verbs_and_bad_arguments_say_what_is_wrong() {
        let mut s = Server::new(World::default_world(), Policies::default());
        let err = |s: &mut Server, json: &str| run(s, json).unwrap_err();
        let e = err(&mut s, r#"{"verb": "fly"}"#);
        assert!(
            e.contains("unknown variant `fly`") && e.contains("add_user"),
            "{e}"
        );
        assert!(err(&mut s, r#"{"mailbox": "INBOX"}"#).contains("missing field `verb`"));
        let e = err(&mut s, r#"{"verb": "deliver", "mailbox": "INBOX"}"#);
        assert!(e.contains("missing field `raw`"), "{e}");
        let e = err(
            &mut s,
            r#"{"verb": "deliver", "mailbox": "INBOX", "raw": 5}"#,
        );
        assert!(e.contains("a message as a string or as bytes"), "{e}");
        let e = err(
            &mut s,
            r#"{"verb": "deliver", "mailbox": "INBOX", "raw": "x", "flags": ["a b"]}"#,
        );
        assert!(e.contains("not a flag"), "{e}");
        let e = err(
            &mut s,
            r#"{"verb": "deliver", "mailbox": "INBOX", "raw": "x", "flags": ["\\Recent"]}"#,
        );
        assert!(e.contains("RFC 3501 §2.3.2"), "{e}");
        let e = err(
            &mut s,
            r#"{"verb": "set_flags", "mailbox": "INBOX", "uid": 1, "change": "swap"}"#,
        );
        assert!(
            e.contains("unknown variant `swap`") && e.contains("replace"),
            "{e}"
        );
        let e = err(
            &mut s,
            r#"{"verb": "expunge", "mailbox": "INBOX", "uids": [-1]}"#,
        );
        assert!(e.contains("invalid value"), "{e}");
        assert!(err(&mut s, r#"{"verb": "reset", "world": "other"}"#).contains("`empty`"));
        assert!(err(&mut s, r#"{"verb": "preset", "name": "nope"}"#).contains("default"));
        assert!(err(
            &mut s,
            r#"{"verb": "add_user", "name": "", "password": "p"}"#
        )
        .contains("empty"));
        assert!(
            err(&mut s, r#"{"verb": "create_mailbox", "mailbox": "INBOX"}"#)
                .contains("already exists")
        );
        // Nothing was changed by a refused call.
        assert_eq!(s.store().by_name("INBOX").unwrap().messages.len(), 6);
    }
}
