//! `imap-sandbox serve`: the engine on a TCP socket. One thread owns the engine and takes events
//! (a connection, bytes read, a closed socket) from one bounded queue, in arrival order; each
//! connection has a reader thread that feeds the queue and a writer thread that drains its own
//! queue to the socket. No lock: a queue is fair where a contended mutex lets some clients
//! starve, and a full queue makes readers wait (back-pressure). A closed socket is a logout
//! without LOGOUT and expunges nothing (RFC 2683 §3.1.2).
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
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::server::{ClientId, Output, OutputKind, Server};

/// What a writer thread is asked to do.
enum Write_ {
    Bytes(Vec<u8>),
    Close,
}

/// What the engine thread is told.
enum Event {
    /// A new connection; the engine answers with its client id.
    Connect {
        writer: Sender<Write_>,
        reply: Sender<ClientId>,
    },
    /// Bytes read from a client.
    Input(ClientId, Vec<u8>),
    /// The client's socket closed or failed.
    Closed(ClientId),
    /// Send every client BYE, close them, then tell `done`.
    Stop { done: Sender<()> },
}

/// How many events may wait for the engine before readers have to wait too.
const QUEUE: usize = 4096;

/// How long a write to one client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Options of the TCP server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print every response's policy citation to stderr.
    pub trace: bool,
}

/// A bound server: the listener and the engine thread's queue.
pub struct TcpServer {
    listener: TcpListener,
    events: SyncSender<Event>,
    engine: JoinHandle<()>,
    stopping: Arc<AtomicBool>,
}

impl TcpServer {
    /// Binds the listener (use port 0 for any free port) and starts the engine thread.
    pub fn bind(addr: &str, engine: Server, options: Options) -> std::io::Result<TcpServer> {
        let listener = listen(addr)?;
        let (events, queue) = sync_channel(QUEUE);
        let engine = thread::spawn(move || engine_loop(engine, queue, options.trace));
        Ok(TcpServer {
            listener,
            events,
            engine,
            stopping: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle that stops the server: every client is sent `* BYE` and closed.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            events: self.events.clone(),
            stopping: self.stopping.clone(),
            addr: self.listener.local_addr().ok(),
        }
    }

    /// Accepts connections until stopped, then waits until every client has been sent what
    /// was queued for it (at most [`WRITE_TIMEOUT`] for a client that stopped reading).
    pub fn run(self) {
        let mut writer_threads: Vec<JoinHandle<()>> = Vec::new();
        for stream in self.listener.incoming() {
            if self.stopping.load(Ordering::SeqCst) {
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
            let events = self.events.clone();
            thread::spawn(move || read_loop(stream, writer, events));
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
fn engine_loop(mut engine: Server, queue: Receiver<Event>, trace: bool) {
    let mut writers: HashMap<ClientId, Sender<Write_>> = HashMap::new();
    for event in queue {
        match event {
            Event::Connect { writer, reply } => {
                let id = engine.connect();
                writers.insert(id, writer);
                let _ = reply.send(id);
            }
            Event::Input(id, bytes) => engine.receive(id, &bytes),
            Event::Closed(id) => {
                // RFC 2683 §3.1.2: a severed connection is a logout; nothing is expunged.
                engine.disconnect(id);
                if let Some(w) = writers.remove(&id) {
                    let _ = w.send(Write_::Close);
                }
            }
            Event::Stop { done } => {
                engine.shutdown("imap-sandbox is shutting down");
                route(&mut writers, engine.take_output(), trace);
                let _ = done.send(());
                continue;
            }
        }
        route(&mut writers, engine.take_output(), trace);
    }
}

fn read_loop(mut stream: TcpStream, writer: Sender<Write_>, events: SyncSender<Event>) {
    let (reply, id) = channel();
    if events.send(Event::Connect { writer, reply }).is_err() {
        return;
    }
    let Ok(id) = id.recv() else { return };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let event = match buf.get(..n) {
            Some(bytes) if n > 0 => Event::Input(id, bytes.to_vec()),
            _ => Event::Closed(id),
        };
        let closed = matches!(event, Event::Closed(_));
        if events.send(event).is_err() || closed {
            return;
        }
    }
}

fn write_loop(mut socket: TcpStream, to_write: Receiver<Write_>) {
    for msg in to_write {
        match msg {
            Write_::Bytes(b) => {
                if socket.write_all(&b).is_err() {
                    break;
                }
            }
            Write_::Close => break,
        }
    }
    let _ = socket.flush();
    // Also ends the reader, whose next read then returns 0.
    let _ = socket.shutdown(Shutdown::Both);
}

/// Sends each output to its client's writer; closes the ones the engine closed.
fn route(writers: &mut HashMap<ClientId, Sender<Write_>>, out: Vec<Output>, trace: bool) {
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
            OutputKind::Untagged | OutputKind::Tagged | OutputKind::Continuation => {
                if let Some(tx) = writers.get(&o.client) {
                    let _ = tx.send(Write_::Bytes(o.bytes));
                }
            }
        }
    }
}

/// Stops a [`TcpServer`] from another thread (Ctrl-C, tests).
#[derive(Clone)]
pub struct Stopper {
    events: SyncSender<Event>,
    stopping: Arc<AtomicBool>,
    addr: Option<SocketAddr>,
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
        // Wake the accept loop so it sees the flag.
        if let Some(addr) = self.addr {
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

    #[test]
    fn a_taken_port_is_an_error() {
        let first = listen("127.0.0.1:0").unwrap();
        let addr = first.local_addr().unwrap().to_string();
        assert!(listen(&addr).is_err());
        assert!(listen("not an address").is_err());
    }
}
