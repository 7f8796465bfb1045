//! The engine: store, sessions, policies and command handlers. Sans-IO: bytes in for a client,
//! bytes out for every client affected. The browser page, the native TCP server and the tests
//! are three thin drivers of this one type, [`Server`]; nothing here knows which one runs it.
//!
//! ```
//! use imap_sandbox::server::{Server, World, Policies};
//!
//! let mut server = Server::new(World::default_world(), Policies::default());
//! let c1 = server.connect();
//! server.receive(c1, b"a1 LOGIN alice alice\r\na2 SELECT INBOX\r\n");
//! let text: String = server
//!     .take_output()
//!     .iter()
//!     .filter(|o| o.client == c1)
//!     .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
//!     .collect();
//! assert!(text.contains("a2 OK [READ-WRITE]"));
//! ```

mod commands;
pub mod control;
mod fetch_items;
pub(crate) mod limits;
pub mod mailstore;
pub mod mime;
mod notify;
pub mod outbox;
pub mod policy;
mod sasl;
mod search_keys;
pub mod session;
pub mod snapshot;
#[cfg(feature = "sort-thread")]
mod sort;
#[cfg(feature = "sort-thread")]
mod thread;
mod vecmap;
pub mod world;

use vecmap::VecMap;

use serde::Serialize;

use crate::protocol::encode::encode_response;
use crate::protocol::framer::{FrameEvent, Framer, Limits};
use crate::protocol::parse::{is_idle_done, parse_command_with};
use crate::protocol::types::{
    Code, Command, CommandBody, Continue, DateTime, Response, StatusKind, StatusResponse, Tag,
};

pub use outbox::{Batch, BatchLine};
pub use policy::{Citation, Policies, PolicyError};
pub use session::{ClientId, Transport};
pub use world::World;

use mailstore::Store;
use session::{Mode, Session, State};

/// What kind of line an [`Output`] is, so drivers can style it without knowing IMAP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OutputKind {
    /// `* ...`
    Untagged,
    /// `tag OK|NO|BAD ...`
    Tagged,
    /// `+ ...`
    Continuation,
    /// The server closed the connection; `bytes` is empty.
    Closed,
    /// After the tagged OK to STARTTLS (RFC 3501 §6.2.1), only on a connection made with
    /// [`Transport::StartTls`]: the driver starts TLS now. What was written before goes in
    /// the clear, everything after encrypted, and whatever the client will send next is TLS.
    /// `bytes` is what the client sent after the STARTTLS line, not yet read as commands: the
    /// start of its TLS handshake, never commands (RFC 9051 §6.2.1 allows treating it so).
    StartTls,
}

/// One response (or the close of a connection) for one client, as [`Server::take_output`]
/// returns them: a driver writes `bytes` to `client`'s connection, in order, and closes it on
/// [`OutputKind::Closed`].
///
/// ```
/// use imap_sandbox::protocol::types::StatusKind;
/// use imap_sandbox::server::{OutputKind, Policies, Server, World};
///
/// let mut server = Server::new(World::default_world(), Policies::default());
/// let c1 = server.connect();
/// server.receive(c1, b"a1 LOGOUT\r\n");
/// let out = server.take_output();
/// let kinds: Vec<OutputKind> = out.iter().map(|o| o.kind).collect();
/// use OutputKind::*;
/// // The greeting, * BYE, the tagged OK, then the close (RFC 3501 §6.1.3).
/// assert_eq!(kinds, [Untagged, Untagged, Tagged, Closed]);
/// assert_eq!(out[1].status, Some(StatusKind::Bye));
/// assert_eq!(out[2].bytes, b"a1 OK LOGOUT completed\r\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub client: ClientId,
    /// The exact octets, CRLF and any literal included.
    pub bytes: Vec<u8>,
    pub kind: OutputKind,
    /// OK / NO / BAD / BYE / PREAUTH for status responses.
    pub status: Option<StatusKind>,
    /// Why the response has this form, when a policy decided it.
    pub citation: Option<Citation>,
}

/// The successful end of a command: the text and code of its tagged OK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Done {
    pub code: Option<Code>,
    pub text: String,
    pub citation: Option<Citation>,
}

/// The unsuccessful end of a command: a tagged NO or BAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fail {
    pub kind: StatusKind,
    /// Boxed: codes can be large, and `Fail` travels in every handler's `Result`.
    pub code: Option<Box<Code>>,
    pub text: String,
    pub citation: Option<Citation>,
}

pub(crate) type CmdResult = Result<Done, Fail>;

impl Done {
    pub fn text(text: impl Into<String>) -> Done {
        Done {
            code: None,
            text: text.into(),
            citation: None,
        }
    }

    pub fn with_code(mut self, code: Code) -> Done {
        self.code = Some(code);
        self
    }

    pub fn cite(mut self, citation: Citation) -> Done {
        self.citation = Some(citation);
        self
    }
}

impl Fail {
    pub fn no(text: impl Into<String>) -> Fail {
        Fail {
            kind: StatusKind::No,
            code: None,
            text: text.into(),
            citation: None,
        }
    }

    pub fn bad(text: impl Into<String>) -> Fail {
        Fail {
            kind: StatusKind::Bad,
            code: None,
            text: text.into(),
            citation: None,
        }
    }

    pub fn with_code(mut self, code: Code) -> Fail {
        self.code = Some(Box::new(code));
        self
    }

    pub fn cite(mut self, citation: Citation) -> Fail {
        self.citation = Some(citation);
        self
    }
}

/// A source of the current time in seconds since 1970, for INTERNALDATE of APPEND without a
/// date. The browser has no `SystemTime`, so each driver provides its own.
pub type Clock = Box<dyn Fn() -> i64 + Send>;

/// A user who may log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub password: String,
}

/// The in-memory IMAP server: one store, any number of connected clients.
///
/// Sans-IO: [`Server::connect`] a client, [`Server::receive`] the octets it sent (any
/// chunking: half a line, several commands, a literal split anywhere), and
/// [`Server::take_output`] what the server wrote to each client. A synchronizing literal
/// (`{n}`) is answered with a `+` continuation before its octets are awaited (RFC 3501 §7.5);
/// changes made by one client reach the others as untagged responses when RFC 3501 §7.4.1
/// allows. Nothing here does I/O, so the same code runs in tests, in wasm and behind
/// [`crate::native::tcp::TcpServer`].
///
/// ```
/// use imap_sandbox::server::{ClientId, Output, Policies, Server, World};
///
/// fn text(out: &[Output], client: ClientId) -> String {
///     out.iter()
///         .filter(|o| o.client == client)
///         .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
///         .collect()
/// }
///
/// let mut server = Server::new(World::default_world(), Policies::default());
/// let (c1, c2) = (server.connect(), server.connect());
/// server.receive(c1, b"a1 LOGIN alice alice\r\na2 SELECT FOO\r\n");
/// server.receive(c2, b"b1 LOGIN bob bob\r\nb2 SELECT FOO\r\n");
/// server.take_output();
///
/// // A synchronizing literal: the server invites its octets with `+`.
/// server.receive(c1, b"a3 APPEND FOO {22}\r\n");
/// assert!(text(&server.take_output(), c1).starts_with("+ "));
/// server.receive(c1, b"Subject: hi\r\n\r\nHello\r\n\r\n");
/// let out = server.take_output();
/// assert!(text(&out, c1).contains("a3 OK [APPENDUID"));
/// assert_eq!(text(&out, c2), ""); // c2 has no command in progress: nothing yet
///
/// server.receive(c2, b"b3 NOOP\r\n");
/// assert!(text(&server.take_output(), c2).starts_with("* 8 EXISTS\r\n"));
/// ```
pub struct Server {
    store: Store,
    users: Vec<User>,
    sessions: VecMap<ClientId, Session>,
    policies: Policies,
    limits: Limits,
    next_client: u32,
    /// Responses are encoded straight into it: no allocation per response (issue 14).
    outbox: Batch,
    clock: Clock,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("sessions", &self.sessions.len())
            .field("policies", &self.policies)
            .finish_non_exhaustive()
    }
}

/// The capabilities advertised, exactly what works (RFC 3501 §7.2.1).
pub const CAPABILITIES: &[&str] = &[
    "IMAP4rev1",
    // RFC 9051 Appendix A: both advertised; a client turns IMAP4rev2 on with ENABLE.
    "IMAP4rev2",
    "LITERAL+",
    "SASL-IR",
    "AUTH=PLAIN",
    "IDLE",
    "UIDPLUS",
    "MOVE",
    "UNSELECT",
    "NAMESPACE",
    "ENABLE",
    "ID",
    "CHILDREN",
    // RFC 7162 §3.1.1, §3.2.2 (QRESYNC implies CONDSTORE; both are advertised, as §3.2.2
    // asks for clients that know only CONDSTORE).
    "CONDSTORE",
    "QRESYNC",
    // RFC 5256 §1, RFC 5957 §5 (only with the `sort-thread` feature: see capabilities()).
    "SORT",
    "SORT=DISPLAY",
    "THREAD=ORDEREDSUBJECT",
    "THREAD=REFERENCES",
    // RFC 5267 §3.1, §4.1: SORT RETURN (...), and with UPDATE live; only in builds with SORT
    // (an element left out by `cfg` leaves the page's list as it was).
    #[cfg(feature = "sort-thread")]
    "ESORT",
    #[cfg(feature = "sort-thread")]
    "CONTEXT=SORT",
    // RFC 5465 §3.
    "NOTIFY",
    // RFC 4731 §4.
    "ESEARCH",
    // RFC 5182 §3.
    "SEARCHRES",
    // RFC 5267 §4.1: SEARCH RETURN (UPDATE) and CANCELUPDATE.
    "CONTEXT=SEARCH",
    // RFC 3502 §3.
    "MULTIAPPEND",
    // RFC 5258 §3, RFC 5819 §2, RFC 6154 §2 and §3 (CREATE's USE parameter).
    "LIST-EXTENDED",
    "LIST-STATUS",
    "SPECIAL-USE",
    "CREATE-SPECIAL-USE",
    // RFC 3516 §4.1.
    "BINARY",
    // RFC 4469 §2 (only with the `catenate` feature).
    #[cfg(feature = "catenate")]
    "CATENATE",
    // RFC 9208 §1, §3.1.1, §5.1, §5.2 (only with the `quota` feature).
    #[cfg(feature = "quota")]
    "QUOTA",
    #[cfg(feature = "quota")]
    "QUOTA=RES-STORAGE",
    #[cfg(feature = "quota")]
    "QUOTA=RES-MESSAGE",
    #[cfg(feature = "quota")]
    "QUOTASET",
];

/// RFC 3501 §9: `text = 1*TEXT-CHAR`, and `TEXT-CHAR` is 7-bit: the human-readable text of an
/// IMAP4rev1 session's responses is ASCII. Only after ENABLE IMAP4rev2 may it carry UTF-8 (RFC
/// 9051 Appendix E item 24, §9 `resp-text`). The server's own texts cite RFC sections with `§`,
/// written out here as "section"; any other non-ASCII character (from a client's input echoed
/// in a text) becomes `?`.
fn ascii_text(response: &mut Response) {
    let text = match response {
        Response::Status(s) => &mut s.text,
        Response::Continue(Continue::Text { text, .. }) => text,
        Response::Continue(_) | Response::Data(_) => return,
    };
    if text.is_ascii() {
        return;
    }
    *text = text
        .chars()
        .map(|c| match c {
            '§' => "section ".to_string(),
            c if c.is_ascii() => c.to_string(),
            _ => "?".to_string(),
        })
        .collect();
}

pub(crate) fn capabilities() -> Vec<String> {
    CAPABILITIES
        .iter()
        // A build without the `sort-thread` feature (the page's) has no SORT or THREAD, so it
        // does not advertise them (RFC 3501 §7.2.1: the capabilities the server supports).
        .filter(|c| {
            cfg!(feature = "sort-thread") || !(c.starts_with("SORT") || c.starts_with("THREAD="))
        })
        .map(|c| c.to_string())
        .collect()
}

impl Server {
    /// A server over `world` with the given policies. The clock defaults to the system clock
    /// natively and to a fixed date in wasm (the page sets its own with [`Server::set_clock`]).
    pub fn new(world: World, policies: Policies) -> Server {
        Server {
            store: world.store,
            users: world.users,
            sessions: VecMap::new(),
            policies,
            limits: Limits::default(),
            next_client: 1,
            outbox: Batch::default(),
            clock: default_clock(),
        }
    }

    /// Replaces the clock (seconds since 1970, UTC).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Replaces the framing limits for connections made from now on.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The policies in force.
    pub fn policies(&self) -> &Policies {
        &self.policies
    }

    /// Changes policies; takes effect with the next command.
    pub fn policies_mut(&mut self) -> &mut Policies {
        &mut self.policies
    }

    /// The mailboxes and messages, for inspection (tests, snapshots).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Connects a new client and queues its greeting (RFC 3501 §7.1.1). The connection is
    /// [`Transport::Plain`]: no STARTTLS is offered.
    pub fn connect(&mut self) -> ClientId {
        self.connect_with(Transport::Plain)
    }

    /// Connects a new client over `transport` and queues its greeting, whose capabilities say
    /// what that transport allows (STARTTLS, LOGINDISABLED).
    ///
    /// ```
    /// use imap_sandbox::server::{OutputKind, Policies, Server, Transport, World};
    ///
    /// let mut server = Server::new(World::default_world(), Policies::default());
    /// let c1 = server.connect_with(Transport::StartTls { require_tls: true });
    /// let greeting = server.take_output().remove(0).bytes;
    /// assert!(String::from_utf8_lossy(&greeting).contains(" STARTTLS LOGINDISABLED]"));
    /// server.receive(c1, b"a1 STARTTLS\r\n");
    /// let out = server.take_output();
    /// assert_eq!(out[0].bytes, b"a1 OK Begin TLS negotiation now\r\n");
    /// // Now the driver runs the TLS handshake, then feeds the decrypted bytes.
    /// assert_eq!(out[1].kind, OutputKind::StartTls);
    /// ```
    pub fn connect_with(&mut self, transport: Transport) -> ClientId {
        let id = ClientId(self.next_client);
        self.next_client = self.next_client.wrapping_add(1).max(1);
        self.sessions.insert(
            id,
            Session {
                id,
                state: State::NotAuthenticated,
                mode: Mode::Command,
                framer: Framer::new(self.limits),
                closing: false,
                doomed: None,
                transport,
                starting_tls: false,
                enabled: session::Enabled::default(),
                notify: None,
            },
        );
        let greeting = StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::Capability(self.capabilities_of(id))),
            text: "imap-sandbox ready".to_string(),
        };
        self.send(id, Response::Status(greeting), None);
        id
    }

    /// Whether the client is connected (it may have been sent BYE and closed).
    pub fn is_connected(&self, client: ClientId) -> bool {
        self.sessions.contains_key(&client)
    }

    /// The connected clients.
    pub fn clients(&self) -> Vec<ClientId> {
        self.sessions.keys().copied().collect()
    }

    /// The connection was severed: a logout without LOGOUT. Nothing is expunged
    /// (RFC 2683 §3.1.2; RFC 3501 §6.1.3 only expunges on CLOSE).
    pub fn disconnect(&mut self, client: ClientId) {
        if let Some(mut session) = self.sessions.remove(&client) {
            let old = std::mem::replace(&mut session.state, State::Logout);
            self.leave_mailbox(old);
        }
        self.flush_idlers();
    }

    /// Sends every client `* BYE` (RFC 3501 §7.1.5) and closes it.
    pub fn shutdown(&mut self, text: &str) {
        for id in self.clients() {
            self.bye(id, text.to_string(), None);
        }
        self.close_finished();
    }

    /// Takes every output produced so far, in order.
    pub fn take_output(&mut self) -> Vec<Output> {
        self.take_batch().into_outputs()
    }

    /// [`Server::take_output`] as one [`Batch`]: the lines' octets in one buffer, without a
    /// copy or an allocation per line (the form the page's wasm API uses).
    pub fn take_batch(&mut self) -> Batch {
        std::mem::take(&mut self.outbox)
    }

    /// Feeds bytes received from a client. Responses for it, and for any other client the
    /// input affects, are queued for [`Server::take_output`].
    pub fn receive(&mut self, client: ClientId, bytes: &[u8]) {
        match self.sessions.get_mut(&client) {
            Some(session) if !session.closing => session.framer.push(bytes),
            _ => return,
        }
        loop {
            let event = match self.sessions.get_mut(&client) {
                Some(session) if !session.closing => session.framer.next_event(),
                _ => None,
            };
            let Some(event) = event else { break };
            match event {
                FrameEvent::Line(line) => {
                    self.handle_line(client, line);
                    self.start_tls_if_asked(client);
                }
                // RFC 3501 §7.5: the continuation request invites the literal's octets.
                FrameEvent::NeedContinuation => self.send(
                    client,
                    Response::Continue(Continue::Text {
                        code: None,
                        text: "Ready for literal data".to_string(),
                    }),
                    None,
                ),
                FrameEvent::Rejected { tag, reason } => {
                    let tag = tag.map(Tag);
                    self.send_status(client, tag, StatusKind::Bad, None, reason, None);
                }
            }
            self.flush_idlers();
            self.push_context_updates();
        }
        self.close_finished();
    }

    /// After a successful STARTTLS's tagged OK: tells the driver to start TLS, handing it the
    /// input that followed the STARTTLS line. RFC 9051 §6.2.1 (the STARTTLS command-injection
    /// rule): data after the STARTTLS CRLF is either the start of the TLS handshake or thrown
    /// away, never a command; here it is the former (the friendlier choice the RFC names), so a
    /// client that pipelined clear text fails its handshake and nothing it sent is run.
    fn start_tls_if_asked(&mut self, client: ClientId) {
        let Some(session) = self.sessions.get_mut(&client) else {
            return;
        };
        if !std::mem::take(&mut session.starting_tls) {
            return;
        }
        let leftover = session.framer.take_input();
        session.framer = Framer::new(self.limits);
        self.outbox.push(client, &leftover, OutputKind::StartTls);
    }

    /// The capabilities `client` is told of (RFC 3501 §7.2.1): the server's, plus what its
    /// transport offers before login.
    pub(crate) fn capabilities_of(&self, client: ClientId) -> Vec<String> {
        let mut caps = capabilities();
        let Some(session) = self.sessions.get(&client) else {
            return caps;
        };
        // RFC 3501 §6.2.1: STARTTLS is a not-authenticated command, offered only where the
        // driver can switch to TLS; RFC 9051 §6.2.1: not after TLS has started.
        if let (Transport::StartTls { require_tls }, State::NotAuthenticated) =
            (session.transport, &session.state)
        {
            caps.push("STARTTLS".to_string());
            if require_tls {
                // RFC 3501 §11.1 (3)(a): LOGINDISABLED, and no plaintext-password SASL
                // mechanism advertised.
                caps.retain(|c| !c.starts_with("AUTH="));
                caps.push("LOGINDISABLED".to_string());
            }
        }
        caps
    }

    fn handle_line(&mut self, client: ClientId, line: Vec<u8>) {
        let mode = match self.sessions.get(&client) {
            Some(s) => s.mode.clone(),
            None => return,
        };
        match mode {
            Mode::Idle(tag) => {
                self.set_mode(client, Mode::Command);
                if is_idle_done(&line) {
                    // RFC 2177 §3: DONE ends the IDLE; the tagged OK completes the command.
                    self.finish(client, tag, Ok(Done::text("IDLE terminated")), true);
                } else {
                    self.finish(
                        client,
                        tag,
                        Err(Fail::bad("Expected DONE to end IDLE (RFC 2177)")),
                        true,
                    );
                }
            }
            Mode::SaslPlain(tag) => {
                self.set_mode(client, Mode::Command);
                let result = self.sasl_plain_response(client, &line);
                self.finish(client, tag, result, false);
            }
            Mode::Command => match parse_command_with(&line, &self.limits) {
                Ok(command) => self.execute(client, command),
                Err(err) => {
                    self.send_status(client, err.tag, StatusKind::Bad, None, err.text, None);
                }
            },
        }
    }

    fn set_mode(&mut self, client: ClientId, mode: Mode) {
        if let Some(s) = self.sessions.get_mut(&client) {
            s.mode = mode;
        }
    }

    fn execute(&mut self, client: ClientId, command: Command) {
        let Command { tag, body } = command;
        let Some(state) = self.sessions.get(&client).map(|s| &s.state) else {
            return;
        };
        if let Err(fail) = commands::check_state(&body, state) {
            self.finish(client, tag, Err(fail), false);
            return;
        }
        // RFC 3501 §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms
        // may carry them: the client then knows which messages are meant).
        let allow_expunge = !matches!(
            body,
            CommandBody::Fetch { uid: false, .. }
                | CommandBody::Store { uid: false, .. }
                | CommandBody::Search { uid: false, .. }
                // RFC 5256 §3: "Untagged EXPUNGE responses are not permitted while the server
                // is responding to a SORT command, but are permitted during a UID SORT"; the
                // same for THREAD.
                | CommandBody::Sort { uid: false, .. }
                | CommandBody::Thread { uid: false, .. }
        );
        // RFC 7162 §3.2.10.2: "the VANISHED response MUST NOT be sent during a UID SEARCH
        // command that contains message numbers in the search criteria".
        let allow_expunge = allow_expunge
            && !match &body {
                CommandBody::Search {
                    uid: true,
                    criteria,
                    ..
                } => {
                    search_keys::has_sequence_set(criteria)
                        && self
                            .sessions
                            .get(&client)
                            .is_some_and(|s| s.enabled.qresync)
                }
                _ => false,
            };
        let (synced, tell) = self.expunge_timing(client, &body, allow_expunge);
        let doom = self.sessions.get(&client).and_then(|s| s.doomed.clone());
        let reckoning = match &doom {
            Some(d) if !d.after_reply => reckoning(&body),
            _ => Reckoning::NotYet,
        };
        if let (Some(doom), Reckoning::Refuse) = (&doom, reckoning) {
            // Dovecot 2.3 behaviour: a command that would change the mailbox is refused, then
            // the session is disconnected.
            self.send_status(
                client,
                Some(tag),
                StatusKind::No,
                None,
                "Mailbox was deleted under us".to_string(),
                Some(doom.citation.clone()),
            );
            self.bye(client, doom.text.clone(), Some(doom.citation.clone()));
            return;
        }
        // RFC 5465 §3.1: what NOTIFY held back (notify-timing=next-command) comes first; the
        // command's own changes are then recorded without being told (§5).
        self.deliver_notifications(client, false);
        // `None`: IDLE and AUTHENTICATE answer later.
        let result = self.dispatch(client, &tag, body);
        // expunge-timing=sync-commands: a selected mailbox renamed or deleted away, by this
        // command too, is told wherever RFC 3501 §7.4.1 allows.
        let allow_expunge = synced || (allow_expunge && self.selected_vanished(client));
        self.deliver_notifications(client, true);
        if let Some(result) = result {
            match (doom, reckoning) {
                // Dovecot 2.3 behaviour: the command's data, then BYE instead of its reply.
                (Some(doom), Reckoning::AfterData) => {
                    self.bye(client, doom.text, Some(doom.citation));
                }
                _ if !tell => self.reply(client, tag, result),
                _ => self.finish(client, tag, result, allow_expunge),
            }
        }
        // A session that deleted its own selected mailbox is disconnected after the reply.
        if let Some(doom) = self
            .sessions
            .get(&client)
            .and_then(|s| s.doomed.clone())
            .filter(|d| d.after_reply)
        {
            self.bye(client, doom.text, Some(doom.citation));
        }
    }

    /// Which of a session's pending changes a command tells it, as expunge-timing says:
    /// `(allow_expunge, tell)`, from RFC 3501 §7.4.1's `allow_expunge`; `tell == false`: none.
    /// Under `sync-commands`, see also [`Server::selected_vanished`].
    fn expunge_timing(
        &self,
        client: ClientId,
        body: &CommandBody,
        allow_expunge: bool,
    ) -> (bool, bool) {
        match self.policies.expunge_timing {
            // RFC 3501 §7.4.1: any command but those it names.
            policy::ExpungeTiming::AnyCommand => (allow_expunge, true),
            // Cyrus 3.6 behaviour: the expunges only with the commands that synchronise the
            // view; STATUS of another mailbox tells nothing at all.
            policy::ExpungeTiming::SyncCommands => {
                let view = self.sessions.get(&client).and_then(|s| s.state.view());
                let Some(selected) = view.map(|v| v.mailbox) else {
                    return (allow_expunge, true);
                };
                let tell = match body {
                    CommandBody::Status { mailbox, .. } => {
                        self.store.id_of(&mailbox.0) == Some(selected)
                    }
                    _ => true,
                };
                let sync = matches!(
                    body,
                    CommandBody::Noop
                        | CommandBody::Check
                        | CommandBody::Expunge
                        | CommandBody::UidExpunge { .. }
                        | CommandBody::Append { .. }
                        | CommandBody::Move { .. }
                        | CommandBody::Fetch { uid: true, .. }
                        | CommandBody::Store { uid: true, .. }
                        | CommandBody::Copy { uid: true, .. }
                );
                (allow_expunge && sync, tell)
            }
        }
    }

    /// Whether the session's selected mailbox no longer exists under its name: renamed or
    /// deleted away (rename-selected, delete-selected `expunge-all`).
    fn selected_vanished(&self, client: ClientId) -> bool {
        self.sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .is_some_and(|v| self.store.get(v.mailbox).is_none_or(|m| m.deleted))
    }

    /// Ends a command: pending changes first (RFC 3501 §7), then the tagged response.
    fn finish(&mut self, client: ClientId, tag: Tag, result: CmdResult, allow_expunge: bool) {
        self.flush_session(client, allow_expunge);
        self.reply(client, tag, result);
    }

    /// The tagged response, with nothing told before it.
    fn reply(&mut self, client: ClientId, tag: Tag, result: CmdResult) {
        // A command answered from a deleted mailbox's ghost owes its form to RFC 2180 §3.2.
        let on_ghost = self
            .sessions
            .get(&client)
            .and_then(|s| s.state.view())
            .and_then(|v| self.store.get(v.mailbox))
            .is_some_and(|m| m.deleted && m.holds_name);
        let ghost = on_ghost.then(|| Citation::of(policy::DeleteSelected::Ghost));
        let result = match result {
            Ok(done) if done.citation.is_none() => Ok(Done {
                citation: ghost,
                ..done
            }),
            Err(fail) if fail.citation.is_none() => Err(Fail {
                citation: ghost,
                ..fail
            }),
            other => other,
        };
        match result {
            Ok(done) => self.send_status(
                client,
                Some(tag),
                StatusKind::Ok,
                done.code,
                done.text,
                done.citation,
            ),
            Err(fail) => self.send_status(
                client,
                Some(tag),
                fail.kind,
                fail.code.map(|c| *c),
                fail.text,
                fail.citation,
            ),
        }
    }

    /// Delivers a session's pending changes to it.
    fn flush_session(&mut self, client: ClientId, allow_expunge: bool) {
        let Some(session) = self.sessions.get_mut(&client) else {
            return;
        };
        if session.closing {
            return;
        }
        let enabled = session.enabled;
        let Some(view) = session.state.view_mut() else {
            return;
        };
        view.enabled = enabled;
        // RFC 5267 §4.3.4: REMOVEFROM in sequence numbers comes before the EXPUNGE.
        let mut responses = if allow_expunge {
            commands::search::context_removals(view)
        } else {
            Vec::new()
        };
        let mailbox = self.store.get_mut(view.mailbox);
        responses.extend(view.flush(mailbox, allow_expunge));
        // RFC 5267 §4.3.3: ADDTO in sequence numbers comes after the EXISTS.
        let changes = match self.store.get(view.mailbox) {
            Some(mailbox) => commands::search::context_changes(view, mailbox),
            None => Vec::new(),
        };
        for r in responses {
            self.send(client, r, None);
        }
        // The flag changes come last of what the view had to tell (`View::flush_flags`),
        // written straight into the output. A FETCH about a flag change: its UID item is
        // condstore-uid's (RFC 7162 §3.2.4).
        let uid_citation = self.condstore_uid_citation(client);
        let condstore_uid = self.policies.condstore_uid;
        if let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        {
            if let Some(mailbox) = self.store.get(view.mailbox) {
                let outbox = &mut self.outbox;
                outbox.reserve(view.flag_changes(), 40);
                view.flush_flags(mailbox, condstore_uid, |seq, flags, uid, modseq| {
                    fetch_items::write_flags_fetch(seq, flags, uid, modseq, &mut outbox.bytes);
                    outbox.end_line(client, OutputKind::Untagged, None, uid_citation.clone());
                });
            }
        }
        for r in changes {
            self.send(client, r, None);
        }
    }

    /// Tells a session of keywords its mailbox gained, before a handler sends it a FETCH
    /// response that may carry one (RFC 3501 §7.2.6; see [`session::View::announce_keywords`]).
    pub(crate) fn announce_keywords(&mut self, client: ClientId) {
        let Some(view) = self
            .sessions
            .get_mut(&client)
            .and_then(|s| s.state.view_mut())
        else {
            return;
        };
        let Some(mailbox) = self.store.get(view.mailbox) else {
            return;
        };
        for r in view.announce_keywords(mailbox) {
            self.send(client, r, None);
        }
    }

    /// RFC 2177 §3: a session in IDLE is told of changes as they happen.
    fn flush_idlers(&mut self) {
        self.flush_notifiers();
        let idlers: Vec<ClientId> = self
            .sessions
            .values()
            .filter(|s| matches!(s.mode, Mode::Idle(_)) && !s.closing)
            .map(|s| s.id)
            .collect();
        for id in idlers {
            self.flush_session(id, true);
        }
    }

    /// Removes sessions that were sent BYE.
    fn close_finished(&mut self) {
        let closing: Vec<ClientId> = self
            .sessions
            .values()
            .filter(|s| s.closing)
            .map(|s| s.id)
            .collect();
        for id in closing {
            if let Some(mut session) = self.sessions.remove(&id) {
                let old = std::mem::replace(&mut session.state, State::Logout);
                self.leave_mailbox(old);
            }
            self.outbox.push(id, &[], OutputKind::Closed);
        }
    }

    /// Called whenever a session leaves its selected mailbox: a deleted mailbox's ghost is
    /// dropped when its last session leaves (RFC 2180 §3.2).
    pub(crate) fn leave_mailbox(&mut self, old: State) {
        if let State::Selected { view, .. } = old {
            let still_used = self
                .sessions
                .values()
                .any(|s| s.state.view().is_some_and(|v| v.mailbox == view.mailbox));
            if !still_used {
                self.store.release(view.mailbox);
            }
        }
    }

    /// Sends `* BYE` to a client and closes it once the current input is processed.
    pub(crate) fn bye(&mut self, client: ClientId, text: String, citation: Option<Citation>) {
        self.send_status(client, None, StatusKind::Bye, None, text, citation);
        if let Some(s) = self.sessions.get_mut(&client) {
            s.closing = true;
        }
    }

    /// Queues one response for a client.
    pub(crate) fn send(
        &mut self,
        client: ClientId,
        mut response: Response,
        citation: Option<Citation>,
    ) {
        // RFC 9051 §5.1: an IMAP4rev2 session is told mailbox names in UTF-8.
        if self.rev2_enabled(client) {
            commands::rev2::names_to_utf8(&mut response);
        } else {
            ascii_text(&mut response);
        }
        encode_response(&response, &mut self.outbox.bytes);
        let (kind, status) = match &response {
            Response::Status(s) if s.tag.is_some() => (OutputKind::Tagged, Some(s.kind)),
            Response::Status(s) => (OutputKind::Untagged, Some(s.kind)),
            Response::Data(_) => (OutputKind::Untagged, None),
            Response::Continue(_) => (OutputKind::Continuation, None),
        };
        self.outbox.end_line(client, kind, status, citation);
    }

    /// Queues a FETCH response of flags, UID and MODSEQ ([`fetch_items::FlagsFetch`]): what
    /// [`Server::send`] does with the same response, without building it.
    pub(crate) fn send_flags_fetch(
        &mut self,
        client: ClientId,
        fetch: &fetch_items::FlagsFetch,
        citation: Option<Citation>,
    ) {
        fetch.write(&mut self.outbox.bytes);
        self.outbox
            .end_line(client, OutputKind::Untagged, None, citation);
    }

    pub(crate) fn send_status(
        &mut self,
        client: ClientId,
        tag: Option<Tag>,
        kind: StatusKind,
        code: Option<Code>,
        text: String,
        citation: Option<Citation>,
    ) {
        let response = Response::Status(StatusResponse {
            tag,
            kind,
            code,
            text,
        });
        self.send(client, response, citation);
    }

    pub(crate) fn now(&self) -> DateTime {
        world::datetime_from_unix((self.clock)())
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn default_clock() -> Clock {
    Box::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    })
}

#[cfg(target_arch = "wasm32")]
fn default_clock() -> Clock {
    // The wasm driver installs the browser's clock.
    Box::new(|| world::SANDBOX_EPOCH)
}

/// What a session whose selected mailbox was deleted or renamed under it (`bye-next`) meets at
/// a command: Dovecot 2.3 notices when the command reads the mailbox
/// (`tests/servers/transcripts/dovecot-2.3.19.1/rfc2180-3.2-delete-ghost.txt`: STORE;
/// `extra-delete-selected-elsewhere.txt`: FETCH; `rfc2180-3.3-delete-bye.txt`: NOOP;
/// `rfc2180-3.4-rename-plain.txt`: STATUS and LIST answered as usual, then FETCH).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reckoning {
    /// Answered as usual.
    NotYet,
    /// Tagged NO, then BYE (seen for STORE; EXPUNGE, COPY and MOVE change a mailbox too, and
    /// are not carried out).
    Refuse,
    /// The command's data, then BYE instead of the tagged reply (seen for FETCH and NOOP;
    /// SEARCH and CHECK only read too).
    AfterData,
}

fn reckoning(body: &CommandBody) -> Reckoning {
    match body {
        CommandBody::Store { .. }
        | CommandBody::Expunge
        | CommandBody::UidExpunge { .. }
        | CommandBody::Copy { .. }
        | CommandBody::Move { .. } => Reckoning::Refuse,
        CommandBody::Noop
        | CommandBody::Check
        | CommandBody::Fetch { .. }
        | CommandBody::Search { .. }
        | CommandBody::Sort { .. }
        | CommandBody::Thread { .. } => Reckoning::AfterData,
        _ => Reckoning::NotYet,
    }
}

#[cfg(test)]
mod capability_tests {
    /// SORT and THREAD are advertised exactly when the build has them (feature `sort-thread`,
    /// off in the page's build), and the order of the others does not change.
    #[test]
    fn sort_and_thread_are_advertised_with_the_feature() {
        let caps = super::capabilities();
        for c in [
            "SORT",
            "SORT=DISPLAY",
            "THREAD=ORDEREDSUBJECT",
            "THREAD=REFERENCES",
            "ESORT",
            "CONTEXT=SORT",
        ] {
            assert_eq!(
                caps.iter().any(|x| x == c),
                cfg!(feature = "sort-thread"),
                "{c}"
            );
        }
        let featured =
            |c: &str| c.starts_with("SORT") || c.starts_with("THREAD=") || c == "CATENATE";
        let featured = |c: &str| featured(c) || c.starts_with("QUOTA");
        let others: Vec<&str> = super::CAPABILITIES
            .iter()
            .copied()
            .filter(|c| !featured(c))
            .collect();
        let kept: Vec<&str> = caps
            .iter()
            .map(String::as_str)
            .filter(|c| !featured(c))
            .collect();
        assert_eq!(kept, others);
    }

    /// CATENATE and the QUOTA capabilities likewise (features `catenate`, `quota`).
    #[test]
    fn catenate_and_quota_are_advertised_with_their_features() {
        let caps = super::capabilities();
        let has = |c: &str| caps.iter().any(|x| x == c);
        assert_eq!(has("CATENATE"), cfg!(feature = "catenate"));
        for c in [
            "QUOTA",
            "QUOTA=RES-STORAGE",
            "QUOTA=RES-MESSAGE",
            "QUOTASET",
        ] {
            assert_eq!(has(c), cfg!(feature = "quota"), "{c}");
        }
    }
}
