//! `imap-sandbox serve`: the engine on a TCP socket, one reader thread and one writer thread per
//! connection, one lock around the engine. A closed socket is a logout without LOGOUT and
//! expunges nothing (RFC 2683 §3.1.2).
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
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::server::{ClientId, Output, OutputKind, Server};

/// What a writer thread is asked to do.
enum Write_ {
    Bytes(Vec<u8>),
    Close,
}

/// Options of the TCP server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print every response's policy citation to stderr.
    pub trace: bool,
}

/// A running server: the engine, the writers of the connected clients, and the listener.
pub struct TcpServer {
    engine: Arc<Mutex<Server>>,
    writers: Arc<Mutex<HashMap<ClientId, Sender<Write_>>>>,
    listener: TcpListener,
    options: Options,
    stopping: Arc<AtomicBool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another connection's thread must not take the whole server down with it.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TcpServer {
    /// Binds the listener (use port 0 for any free port).
    pub fn bind(addr: &str, engine: Server, options: Options) -> std::io::Result<TcpServer> {
        Ok(TcpServer {
            engine: Arc::new(Mutex::new(engine)),
            writers: Arc::new(Mutex::new(HashMap::new())),
            listener: TcpListener::bind(addr)?,
            options,
            stopping: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The address listened on (the port chosen when bound to port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle that stops the server: every client is sent `* BYE` and closed.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            engine: self.engine.clone(),
            writers: self.writers.clone(),
            stopping: self.stopping.clone(),
            addr: self.listener.local_addr().ok(),
            trace: self.options.trace,
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
            let Ok(stream) = stream else { continue };
            let _ = stream.set_nodelay(true);
            // A client that stops reading must not hold its writer (and shutdown) forever.
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let Ok(write_half) = stream.try_clone() else {
                continue;
            };
            let (tx, rx) = channel::<Write_>();
            writer_threads.retain(|t| !t.is_finished());
            writer_threads.push(thread::spawn(move || {
                let mut w = write_half;
                for msg in rx {
                    match msg {
                        Write_::Bytes(b) => {
                            if w.write_all(&b).is_err() {
                                break;
                            }
                        }
                        Write_::Close => break,
                    }
                }
                let _ = w.flush();
                let _ = w.shutdown(Shutdown::Both);
            }));
            let engine = self.engine.clone();
            let writers = self.writers.clone();
            let trace = self.options.trace;
            // The connection joins the engine on its own thread: under load the engine's lock
            // is busy, and the accept loop must not wait for it once per connection.
            thread::spawn(move || {
                let id = {
                    let mut engine = lock(&engine);
                    let id = engine.connect();
                    lock(&writers).insert(id, tx);
                    let out = engine.take_output();
                    route(&writers, out, trace);
                    id
                };
                read_loop(stream, id, engine, writers, trace)
            });
        }
        for t in writer_threads {
            let _ = t.join();
        }
    }
}

/// How long a write to one client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

fn read_loop(
    mut stream: TcpStream,
    id: ClientId,
    engine: Arc<Mutex<Server>>,
    writers: Arc<Mutex<HashMap<ClientId, Sender<Write_>>>>,
    trace: bool,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let mut engine = lock(&engine);
        if n == 0 {
            // RFC 2683 §3.1.2: a severed connection is a logout; nothing is expunged.
            engine.disconnect(id);
            let out = engine.take_output();
            route(&writers, out, trace);
            if let Some(tx) = lock(&writers).remove(&id) {
                let _ = tx.send(Write_::Close);
            }
            return;
        }
        engine.receive(id, buf.get(..n).unwrap_or_default());
        let out = engine.take_output();
        let open = engine.is_connected(id);
        route(&writers, out, trace);
        if !open {
            return;
        }
    }
}

/// Sends each output to its client's writer; closes the ones the engine closed.
fn route(writers: &Mutex<HashMap<ClientId, Sender<Write_>>>, out: Vec<Output>, trace: bool) {
    let mut writers = lock(writers);
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
    engine: Arc<Mutex<Server>>,
    writers: Arc<Mutex<HashMap<ClientId, Sender<Write_>>>>,
    stopping: Arc<AtomicBool>,
    addr: Option<SocketAddr>,
    trace: bool,
}

impl Stopper {
    /// Sends every client `* BYE` (RFC 3501 §7.1.5), closes them, and ends the accept loop;
    /// [`TcpServer::run`] returns once the BYEs are written.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        {
            let mut engine = lock(&self.engine);
            engine.shutdown("imap-sandbox is shutting down");
            let out = engine.take_output();
            route(&self.writers, out, self.trace);
        }
        // Wake the accept loop so it sees the flag.
        if let Some(addr) = self.addr {
            let _ = TcpStream::connect(addr);
        }
    }
}
