//! `imap-sandbox serve`: the engine on a TCP socket. One thread owns the engine and takes events
//! (a connection, bytes read, a closed socket) from one bounded queue, in arrival order; each
//! connection has a reader thread that feeds the queue and a writer thread that drains its own
//! queue to the socket. No lock: a queue is fair where a contended mutex lets some clients
//! starve, and a full queue makes readers wait (back-pressure). A closed socket is a logout
//! without LOGOUT and expunges nothing (RFC 2683 §3.1.2).
//!
//! With [`Options::tls`], a second listener speaks implicit TLS (RFC 8314 §3.3) and the plain
//! one offers STARTTLS (RFC 3501 §6.2.1). TLS lives in the connection's threads: the reader
//! decrypts (and runs the handshake, so a slow or failed handshake holds only its own thread),
//! the writer encrypts, and the engine thread only learns "this client is now on TLS" from
//! [`OutputKind::StartTls`]. A STARTTLS reader waits for the engine's verdict on any chunk that
//! may complete a STARTTLS line before it reads again, so no clear text read after the command
//! can reach the engine (RFC 9051 §6.2.1).
//!
//! ```no_run
//! use imap_sandbox::native::tcp::{Options, TcpServer};
//! use imap_sandbox::server::{Policies, Server, World};
//!
//! let engine = Server::new(World::default_world(), Policies::default());
//! let server = TcpServer::bind("127.0.0.1:0", engine, Options::default()).unwrap();
//! let addr = server.local_addr().unwrap();
//! let stopper = server.stopper();
//! let running = std::thread::spawn(move || server.run());
//! // ... connect IMAP clients to `addr` ...
//! # let _ = addr;
//! stopper.stop(); // every client gets `* BYE`
//! running.join().unwrap();
//! ```

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection};

use crate::server::{ClientId, Output, OutputKind, Server, Transport};

/// One connection's TLS state, shared by its reader (decrypts, handshakes) and writer (encrypts).
type Tls = Arc<Mutex<ServerConnection>>;

/// What a writer thread is asked to do.
enum Write_ {
    Bytes(Vec<u8>),
    /// Encrypt everything from now on; tell `written` once what came before is written.
    StartTls(Tls, Option<Sender<()>>),
    Close,
}

/// The engine's answer to a reader that asked whether its input started TLS.
struct Upgrade {
    tls: Tls,
    /// What the client sent after the STARTTLS line: the start of its handshake.
    leftover: Vec<u8>,
    /// Answers once the writer has sent the tagged OK: until then the reader must not write
    /// a TLS byte (a ServerHello, an alert) to the socket, or it would come before the OK.
    written: Receiver<()>,
}

/// What the engine thread is told.
enum Event {
    /// A new connection; the engine answers with its client id.
    Connect {
        writer: Sender<Write_>,
        transport: Transport,
        reply: Sender<ClientId>,
    },
    /// Bytes read from a client. With `verdict`, the reader waits to learn whether they ended
    /// with a STARTTLS that the engine accepted.
    Input(ClientId, Vec<u8>, Option<Sender<Option<Upgrade>>>),
    /// The client's socket closed or failed.
    Closed(ClientId),
    /// A control-API call ([`Control`]).
    Control(Job),
    /// Send every client BYE, close them, then tell `done`.
    Stop { done: Sender<()> },
}

/// A call run on the engine thread, between two clients' events.
type Job = Box<dyn FnOnce(&mut Server) + Send>;

/// How many events may wait for the engine before readers have to wait too.
const QUEUE: usize = 4096;

/// How long a write to one client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a TLS handshake may wait for the client's next bytes before the connection is
/// dropped. Only that connection's reader waits.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Options of the TCP server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print every response's policy citation to stderr.
    pub trace: bool,
    /// TLS: an implicit-TLS listener, and STARTTLS on the plain one.
    pub tls: Option<TlsOptions>,
}

/// The TLS side of [`Options`].
#[derive(Debug, Clone)]
pub struct TlsOptions {
    /// The certificate and key (see [`crate::native::tls::TlsIdentity`]).
    pub config: Arc<ServerConfig>,
    /// Where implicit TLS listens (RFC 8314 §3.3; IMAPS is port 993, the sandbox's default
    /// 127.0.0.1:1993).
    pub listen: String,
    /// Advertise LOGINDISABLED and refuse LOGIN and AUTHENTICATE on the plain port until
    /// STARTTLS (RFC 3501 §6.2.3, §11.1).
    pub require_tls: bool,
}

/// A bound server: the listeners and the engine thread's queue.
pub struct TcpServer {
    listener: TcpListener,
    /// The implicit-TLS listener and its configuration.
    tls_listener: Option<(TcpListener, Arc<ServerConfig>)>,
    /// The transport of plain connections: STARTTLS offered when TLS is configured.
    plain: Transport,
    events: SyncSender<Event>,
    engine: JoinHandle<()>,
    stopping: Arc<AtomicBool>,
}

impl TcpServer {
    /// Binds the listener(s) (use port 0 for any free port) and starts the engine thread.
    pub fn bind(addr: &str, engine: Server, options: Options) -> std::io::Result<TcpServer> {
        let listener = listen(addr)?;
        let tls_listener = match &options.tls {
            Some(tls) => Some((listen(&tls.listen)?, tls.config.clone())),
            None => None,
        };
        let plain = match &options.tls {
            Some(tls) => Transport::StartTls {
                require_tls: tls.require_tls,
            },
            None => Transport::Plain,
        };
        let (events, queue) = sync_channel(QUEUE);
        let config = options.tls.map(|t| t.config);
        let engine = thread::spawn(move || engine_loop(engine, queue, options.trace, config));
        Ok(TcpServer {
            listener,
            tls_listener,
            plain,
            events,
            engine,
            stopping: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The plain listener's address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The implicit-TLS listener's address, when TLS is on.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_listener
            .as_ref()
            .and_then(|(l, _)| l.local_addr().ok())
    }

    /// A handle that stops the server: every client is sent `* BYE` and closed.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            events: self.events.clone(),
            stopping: self.stopping.clone(),
            addrs: [self.listener.local_addr().ok(), self.tls_addr()]
                .into_iter()
                .flatten()
                .collect(),
        }
    }

    /// A handle that runs control-API calls on the engine (see [`Control`]).
    pub fn control(&self) -> Control {
        Control {
            events: self.events.clone(),
        }
    }

    /// Accepts connections until stopped, then waits until every client has been sent what
    /// was queued for it (at most [`WRITE_TIMEOUT`] for a client that stopped reading).
    pub fn run(self) {
        let implicit = self.tls_listener.map(|(listener, config)| {
            let events = self.events.clone();
            let stopping = self.stopping.clone();
            thread::spawn(move || {
                accept_loop(&listener, &events, &stopping, Link::Implicit(config))
            })
        });
        let mut writer_threads = accept_loop(
            &self.listener,
            &self.events,
            &self.stopping,
            Link::Clear(self.plain),
        );
        if let Some(t) = implicit {
            writer_threads.extend(t.join().unwrap_or_default());
        }
        drop(self.events);
        for t in writer_threads {
            let _ = t.join();
        }
        // The engine thread ends when every reader has gone; it is not waited for, since a
        // client that never closes would hold `run` forever.
        drop(self.engine);
    }
}

/// How a listener's connections start.
#[derive(Clone)]
enum Link {
    /// In the clear, with this transport (STARTTLS offered or not).
    Clear(Transport),
    /// Implicit TLS (RFC 8314 §3.3): the handshake comes first, before the greeting.
    Implicit(Arc<ServerConfig>),
}

/// Accepts until stopped; returns the writer threads still running.
fn accept_loop(
    listener: &TcpListener,
    events: &SyncSender<Event>,
    stopping: &AtomicBool,
    link: Link,
) -> Vec<JoinHandle<()>> {
    let mut writer_threads: Vec<JoinHandle<()>> = Vec::new();
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of descriptors (EMFILE) or a similar passing failure: the connection stays
            // queued, so back off instead of spinning on it.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let _ = stream.set_nodelay(true);
        // A client that stops reading must not hold its writer (and shutdown) forever.
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let Ok(write_half) = stream.try_clone() else {
            continue;
        };
        let (writer, to_write) = channel::<Write_>();
        writer_threads.retain(|t| !t.is_finished());
        writer_threads.push(thread::spawn(move || write_loop(write_half, to_write)));
        let events = events.clone();
        let link = link.clone();
        thread::spawn(move || read_loop(stream, writer, events, link));
    }
    writer_threads
}

/// Connections the kernel may hold for `accept`. std listens with a backlog of 128; a burst of
/// more clients than that overflows it, and with SYN cookies (Linux's default) a client whose
/// handshake completed while the queue was full believes it is connected, the server never
/// hears of it, and it waits for a greeting that never comes. Hundreds of clients at once are
/// the point of the load tests.
const BACKLOG: i32 = 4096;

/// Binds and listens with [`BACKLOG`], trying each address `addr` resolves to, as
/// [`TcpListener::bind`] does (which also sets `SO_REUSEADDR` on Unix, so a restarted server can
/// bind while old connections linger in TIME_WAIT).
fn listen(addr: &str) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let mut last = std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "the address resolved to nothing",
    );
    for addr in addr.to_socket_addrs()? {
        let attempt = || -> std::io::Result<TcpListener> {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            #[cfg(unix)]
            socket.set_reuse_address(true)?;
            socket.bind(&addr.into())?;
            socket.listen(BACKLOG)?;
            Ok(socket.into())
        };
        match attempt() {
            Ok(listener) => return Ok(listener),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The engine thread: events in arrival order, outputs routed to the writers.
fn engine_loop(
    mut engine: Server,
    queue: Receiver<Event>,
    trace: bool,
    tls: Option<Arc<ServerConfig>>,
) {
    let mut writers: HashMap<ClientId, Sender<Write_>> = HashMap::new();
    for event in queue {
        let mut verdict = None;
        let mut from = None;
        match event {
            Event::Connect {
                writer,
                transport,
                reply,
            } => {
                let id = engine.connect_with(transport);
                writers.insert(id, writer);
                let _ = reply.send(id);
            }
            Event::Input(id, bytes, asks) => {
                engine.receive(id, &bytes);
                verdict = asks;
                from = Some(id);
            }
            Event::Closed(id) => {
                // RFC 2683 §3.1.2: a severed connection is a logout; nothing is expunged.
                engine.disconnect(id);
                if let Some(w) = writers.remove(&id) {
                    let _ = w.send(Write_::Close);
                }
            }
            Event::Control(job) => job(&mut engine),
            Event::Stop { done } => {
                engine.shutdown("imap-sandbox is shutting down");
                route(&mut writers, engine.take_output(), trace, tls.as_ref());
                let _ = done.send(());
                continue;
            }
        }
        let mut upgrades = route(&mut writers, engine.take_output(), trace, tls.as_ref());
        if let (Some(verdict), Some(id)) = (verdict, from) {
            let _ = verdict.send(upgrades.remove(&id));
        }
        // A STARTTLS whose reader did not stop to wait (cannot happen: only the client's own
        // input starts TLS, and its reader asks whenever that input may): the reader would read
        // the handshake as commands, so the connection is dropped instead.
        for id in upgrades.into_keys() {
            engine.disconnect(id);
            if let Some(w) = writers.remove(&id) {
                let _ = w.send(Write_::Close);
            }
        }
    }
}

/// Whether a reader must wait for the engine's verdict: `chunk`, after `tail` (the end of the
/// unfinished line before it), completes a line that may be a STARTTLS command.
fn may_start_tls(tail: &[u8], chunk: &[u8]) -> bool {
    const WORD: &[u8] = b"starttls";
    let Some(last_lf) = chunk.iter().rposition(|&b| b == b'\n') else {
        return false;
    };
    let completed = chunk.get(..last_lf).unwrap_or_default();
    let has_word = |bytes: &[u8]| {
        bytes
            .windows(WORD.len())
            .any(|w| w.eq_ignore_ascii_case(WORD))
    };
    // The word inside this chunk, or across its start (the tail is short: no copy of the chunk).
    let start = completed.iter().take(WORD.len().saturating_sub(1));
    let across: Vec<u8> = tail.iter().chain(start).copied().collect();
    has_word(completed) || has_word(&across)
}

/// The end of the unfinished line after `chunk`, enough to find a STARTTLS split across reads.
fn line_tail(tail: &mut Vec<u8>, chunk: &[u8]) {
    const KEEP: usize = 32;
    match chunk.iter().rposition(|&b| b == b'\n') {
        Some(lf) => {
            tail.clear();
            tail.extend_from_slice(chunk.get(lf.saturating_add(1)..).unwrap_or_default());
        }
        None => tail.extend_from_slice(chunk),
    }
    let excess = tail.len().saturating_sub(KEEP);
    tail.drain(..excess);
}

fn read_loop(stream: TcpStream, writer: Sender<Write_>, events: SyncSender<Event>, link: Link) {
    let mut buf = vec![0u8; 64 * 1024];
    let (transport, mut tls, first) = match link {
        Link::Clear(transport) => (transport, None, Vec::new()),
        Link::Implicit(config) => {
            // RFC 8314 §3.3: the TLS handshake first; the engine hears of the client (and
            // greets it) only once it is done, so a failed handshake costs it nothing.
            let Some((tls, first)) = handshake(&stream, config, &mut buf) else {
                let _ = writer.send(Write_::Close);
                return;
            };
            let _ = writer.send(Write_::StartTls(tls.clone(), None));
            (Transport::Tls, Some(tls), first)
        }
    };
    let (reply, id) = channel();
    let connect = Event::Connect {
        writer,
        transport,
        reply,
    };
    if events.send(connect).is_err() {
        return;
    }
    let Ok(id) = id.recv() else { return };
    if !first.is_empty() && events.send(Event::Input(id, first, None)).is_err() {
        return;
    }
    let starttls = matches!(transport, Transport::StartTls { .. });
    let mut tail = Vec::new();
    loop {
        let n = match (&mut &stream).read(&mut buf) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let Some(bytes) = buf.get(..n).filter(|_| n > 0) else {
            let _ = events.send(Event::Closed(id));
            return;
        };
        // Empty: nothing for the engine yet (a handshake in progress, no STARTTLS after all).
        let events_now = match &tls {
            Some(tls) => from_tls(id, tls_receive(tls, &stream, bytes)),
            None if starttls && may_start_tls(&tail, bytes) => {
                let (asks, answer) = channel();
                if events
                    .send(Event::Input(id, bytes.to_vec(), Some(asks)))
                    .is_err()
                {
                    return;
                }
                line_tail(&mut tail, bytes);
                match answer.recv() {
                    Ok(Some(upgrade)) => {
                        // RFC 3501 §6.2.1: the negotiation begins after the OK's CRLF; what the
                        // client sent after STARTTLS is its first handshake bytes (RFC 9051
                        // §6.2.1). No answer to them before the OK is on the wire.
                        if upgrade.written.recv().is_err() {
                            let _ = events.send(Event::Closed(id));
                            return;
                        }
                        let _ = stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT));
                        let received = tls_receive(&upgrade.tls, &stream, &upgrade.leftover);
                        tls = Some(upgrade.tls);
                        from_tls(id, received)
                    }
                    Ok(None) => Vec::new(),
                    Err(_) => return,
                }
            }
            None => {
                if starttls {
                    line_tail(&mut tail, bytes);
                }
                vec![Event::Input(id, bytes.to_vec(), None)]
            }
        };
        // The handshake's read timeout ends with the handshake.
        if let Some(tls) = &tls {
            if tls.lock().is_ok_and(|t| !t.is_handshaking()) {
                let _ = stream.set_read_timeout(None);
            }
        }
        for event in events_now {
            let closed = matches!(event, Event::Closed(_));
            if events.send(event).is_err() || closed {
                return;
            }
        }
    }
}

/// The events for what [`tls_receive`] returned: the decrypted bytes, then the close if the
/// client sent close_notify (what came before it still counts, as before a plain close) or
/// TLS failed.
fn from_tls(id: ClientId, received: Option<(Vec<u8>, bool)>) -> Vec<Event> {
    let Some((plain, closed)) = received else {
        return vec![Event::Closed(id)];
    };
    let mut out = Vec::new();
    if !plain.is_empty() {
        out.push(Event::Input(id, plain, None));
    }
    if closed {
        out.push(Event::Closed(id));
    }
    out
}

/// Runs an implicit-TLS handshake on the reader's thread, at most [`HANDSHAKE_TIMEOUT`] between
/// the client's reads. Returns the connection and any application data that came with the
/// handshake's last flight, or `None` when it failed or the client went away.
fn handshake(
    stream: &TcpStream,
    config: Arc<ServerConfig>,
    buf: &mut [u8],
) -> Option<(Tls, Vec<u8>)> {
    let tls: Tls = Arc::new(Mutex::new(ServerConnection::new(config).ok()?));
    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT)).ok()?;
    let mut first = Vec::new();
    while tls.lock().ok()?.is_handshaking() {
        let n = match (&mut &*stream).read(buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => n,
        };
        let (plain, closed) = tls_receive(&tls, stream, buf.get(..n)?)?;
        if closed {
            return None;
        }
        first.extend(plain);
    }
    stream.set_read_timeout(None).ok()?;
    Some((tls, first))
}

/// Feeds bytes read from the socket to TLS and sends what TLS has to say (handshake messages,
/// alerts). Returns the decrypted bytes and whether the client closed TLS (close_notify), or
/// `None` when the connection failed (a bad handshake or record: the alert is sent).
fn tls_receive(tls: &Tls, stream: &TcpStream, mut input: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut conn = tls.lock().ok()?;
    let mut plain = Vec::new();
    let mut closed = false;
    let mut failed = false;
    while !input.is_empty() && !failed {
        if conn.read_tls(&mut input).is_err() {
            failed = true;
            break;
        }
        match conn.process_new_packets() {
            Ok(state) => {
                let mut more = vec![0u8; state.plaintext_bytes_to_read()];
                if conn.reader().read_exact(&mut more).is_err() {
                    failed = true;
                }
                plain.extend(more);
                closed |= state.peer_has_closed();
            }
            Err(_) => failed = true,
        }
    }
    while conn.wants_write() {
        if conn.write_tls(&mut &*stream).is_err() {
            return None;
        }
    }
    (!failed).then_some((plain, closed))
}

fn write_loop(mut socket: TcpStream, to_write: Receiver<Write_>) {
    let mut tls: Option<Tls> = None;
    for msg in to_write {
        match msg {
            Write_::Bytes(b) => {
                let written = match &tls {
                    None => socket.write_all(&b).is_ok(),
                    Some(tls) => tls_send(tls, &socket, Some(&b)),
                };
                if !written {
                    break;
                }
            }
            Write_::StartTls(t, written) => {
                tls = Some(t);
                if let Some(written) = written {
                    let _ = written.send(());
                }
            }
            Write_::Close => break,
        }
    }
    if let Some(tls) = &tls {
        if let Ok(mut conn) = tls.lock() {
            conn.send_close_notify();
        }
        tls_send(tls, &socket, None);
    }
    let _ = socket.flush();
    // Also ends the reader, whose next read then returns 0.
    let _ = socket.shutdown(Shutdown::Both);
}

/// Encrypts `bytes` (if any) and writes every pending TLS record. False when the socket failed.
fn tls_send(tls: &Tls, socket: &TcpStream, bytes: Option<&[u8]>) -> bool {
    let Ok(mut conn) = tls.lock() else {
        return false;
    };
    if let Some(bytes) = bytes {
        if conn.writer().write_all(bytes).is_err() {
            return false;
        }
    }
    while conn.wants_write() {
        if conn.write_tls(&mut &*socket).is_err() {
            return false;
        }
    }
    true
}

/// Sends each output to its client's writer; closes the ones the engine closed. Returns the
/// clients the engine told to start TLS, with what their readers need to do it.
fn route(
    writers: &mut HashMap<ClientId, Sender<Write_>>,
    out: Vec<Output>,
    trace: bool,
    tls: Option<&Arc<ServerConfig>>,
) -> HashMap<ClientId, Upgrade> {
    let mut upgrades = HashMap::new();
    for o in out {
        if trace {
            if let Some(c) = &o.citation {
                eprintln!(
                    "[C{}] {} -- {}={} ({})",
                    o.client.0,
                    String::from_utf8_lossy(&o.bytes).trim_end(),
                    c.point,
                    c.value,
                    c.rfc
                );
            }
        }
        match o.kind {
            OutputKind::Closed => {
                if let Some(tx) = writers.remove(&o.client) {
                    let _ = tx.send(Write_::Close);
                }
            }
            OutputKind::StartTls => {
                let conn = tls.and_then(|config| ServerConnection::new(config.clone()).ok());
                match (conn, writers.get(&o.client)) {
                    (Some(conn), Some(tx)) => {
                        let conn: Tls = Arc::new(Mutex::new(conn));
                        // After the tagged OK, already queued in the clear.
                        let (ack, written) = channel();
                        let _ = tx.send(Write_::StartTls(conn.clone(), Some(ack)));
                        let upgrade = Upgrade {
                            tls: conn,
                            leftover: o.bytes,
                            written,
                        };
                        upgrades.insert(o.client, upgrade);
                    }
                    // No TLS to start: the engine offers STARTTLS only when told it could.
                    (None, Some(_)) => {
                        if let Some(tx) = writers.remove(&o.client) {
                            let _ = tx.send(Write_::Close);
                        }
                    }
                    (_, None) => {}
                }
            }
            OutputKind::Untagged | OutputKind::Tagged | OutputKind::Continuation => {
                if let Some(tx) = writers.get(&o.client) {
                    let _ = tx.send(Write_::Bytes(o.bytes));
                }
            }
        }
    }
    upgrades
}

/// The control API ([`crate::server::control`]) of a running [`TcpServer`]: each call runs on
/// the engine thread between two clients' events, so it is seen by every session exactly as
/// the same call on a [`Server`] would be, and what it makes the engine send (an IDLE
/// session's EXISTS, the BYE of a reset) goes out at once.
///
/// ```
/// use imap_sandbox::native::tcp::{Options, TcpServer};
/// use imap_sandbox::server::{Policies, Server, World};
/// use std::io::{BufRead, BufReader, Write};
///
/// let engine = Server::new(World::empty(), Policies::default());
/// let server = TcpServer::bind("127.0.0.1:0", engine, Options::default()).unwrap();
/// let (addr, control, stopper) = (server.local_addr().unwrap(), server.control(), server.stopper());
/// let running = std::thread::spawn(move || server.run());
///
/// control.with_server(|s| s.add_user("tester", "pw")).unwrap();
/// let mut client = std::net::TcpStream::connect(addr).unwrap();
/// client.write_all(b"a LOGIN tester pw\r\nb SELECT INBOX\r\nc IDLE\r\n").unwrap();
/// let mut lines = BufReader::new(client.try_clone().unwrap()).lines();
/// while !lines.next().unwrap().unwrap().starts_with("+ ") {}
///
/// // A message "from outside" reaches the idling client at once (RFC 2177 §3).
/// let uid = control
///     .with_server(|s| s.deliver("INBOX", b"Subject: hi\r\n\r\nhello\r\n", &[]))
///     .unwrap()
///     .unwrap();
/// assert_eq!(uid, 1);
/// assert_eq!(lines.next().unwrap().unwrap(), "* 1 EXISTS");
/// let count = control.with_server(|s| s.store().by_name("INBOX").unwrap().messages.len());
/// assert_eq!(count, Some(1));
/// stopper.stop();
/// running.join().unwrap();
/// ```
#[derive(Clone)]
pub struct Control {
    events: SyncSender<Event>,
}

impl Control {
    /// Runs `f` on the engine and returns what it returned; `None` if the engine thread has
    /// ended. (A stopped server's engine still answers: the world can be inspected after
    /// [`Stopper::stop`].)
    pub fn with_server<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Server) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = channel();
        let job: Job = Box::new(move |server| {
            let _ = tx.send(f(server));
        });
        self.events.send(Event::Control(job)).ok()?;
        rx.recv().ok()
    }
}

/// Stops a [`TcpServer`] from another thread (Ctrl-C, tests).
#[derive(Clone)]
pub struct Stopper {
    events: SyncSender<Event>,
    stopping: Arc<AtomicBool>,
    addrs: Vec<SocketAddr>,
}

impl Stopper {
    /// Sends every client `* BYE` (RFC 3501 §7.1.5), closes them, and ends the accept loop;
    /// [`TcpServer::run`] returns once the BYEs are written.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let (done, finished) = channel();
        if self.events.send(Event::Stop { done }).is_ok() {
            let _ = finished.recv();
        }
        // Wake the accept loops so they see the flag.
        for addr in &self.addrs {
            let _ = TcpStream::connect(addr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's view of the listening socket: `ss` reports a listener's backlog as its
    /// Send-Q (Linux caps it at net.core.somaxconn). Skipped where `ss` is missing.
    #[cfg(target_os = "linux")]
    #[test]
    fn listens_with_the_wide_backlog() {
        let listener = listen("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let Ok(out) = std::process::Command::new("ss")
            .args(["-ltnH", &format!("sport = :{port}")])
            .output()
        else {
            eprintln!("ss not found; backlog not checked");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let send_q: i32 = text
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("unexpected ss output {text:?}"));
        let somaxconn: i32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(BACKLOG);
        assert_eq!(send_q, BACKLOG.min(somaxconn));
    }

    /// A reader stops for the engine's verdict on any chunk that completes a line in which
    /// STARTTLS may be, however the line was split across reads.
    #[test]
    fn a_starttls_line_is_noticed_however_it_is_split() {
        let line = b"a1 sTaRtTlS\r\nb LOGIN x y\r\n";
        for cut in 0..line.len() {
            let (first, second) = line.split_at(cut);
            let mut tail = Vec::new();
            let one = may_start_tls(&tail, first);
            line_tail(&mut tail, first);
            let two = may_start_tls(&tail, second);
            assert!(one || two, "split at {cut}");
        }
        assert!(!may_start_tls(b"", b"a1 NOOP\r\n"));
        assert!(!may_start_tls(b"", b"a1 STARTTLS"), "no line completed yet");
        let mut tail = b"a1 START".to_vec();
        line_tail(&mut tail, b"TLS\r\na2 NO");
        assert_eq!(tail, b"a2 NO");
    }

    #[test]
    fn a_taken_port_is_an_error() {
        let first = listen("127.0.0.1:0").unwrap();
        let addr = first.local_addr().unwrap().to_string();
        assert!(listen(&addr).is_err());
        assert!(listen("not an address").is_err());
    }
}
