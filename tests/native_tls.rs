//! TLS on the native server, with a rustls client: implicit TLS (RFC 8314 §3.3) and STARTTLS
//! (RFC 3501 §6.2.1) against a self-signed certificate made for the test, the STARTTLS
//! command-injection rule (RFC 9051 §6.2.1), `require_tls` (LOGINDISABLED, RFC 3501 §6.2.3),
//! and handshakes that stall or fail without holding up other clients.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use imap_sandbox::native::tcp::{Options, Stopper, TcpServer, TlsOptions};
use imap_sandbox::native::tls::TlsIdentity;
use imap_sandbox::server::{Policies, Server, World};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

struct Running {
    plain: SocketAddr,
    tls: SocketAddr,
    client: Arc<ClientConfig>,
    stopper: Stopper,
    thread: Option<JoinHandle<()>>,
    dir: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stopper.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A server with a fresh self-signed certificate, and a client configuration that trusts it.
fn start(name: &str, require_tls: bool) -> Running {
    let dir = std::env::temp_dir().join(format!("imap-sandbox-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("cert.pem");
    let identity = TlsIdentity::self_signed(&cert).unwrap();
    let options = Options {
        trace: false,
        tls: Some(TlsOptions {
            config: identity.config,
            listen: "127.0.0.1:0".to_string(),
            require_tls,
        }),
    };
    let engine = Server::new(World::default_world(), Policies::default());
    let server = TcpServer::bind("127.0.0.1:0", engine, options).unwrap();
    let (plain, tls) = (server.local_addr().unwrap(), server.tls_addr().unwrap());
    let stopper = server.stopper();
    let thread = Some(std::thread::spawn(move || server.run()));
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&cert).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Running {
        plain,
        tls,
        client: Arc::new(client),
        stopper,
        thread,
        dir,
    }
}

fn server_name() -> ServerName<'static> {
    ServerName::try_from("127.0.0.1").unwrap()
}

enum Link {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Read for Link {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Link::Plain(s) => s.read(buf),
            Link::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Link {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Link::Plain(s) => s.write(buf),
            Link::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Link::Plain(s) => s.flush(),
            Link::Tls(s) => s.flush(),
        }
    }
}

/// A line-at-a-time IMAP client over plain TCP or TLS.
struct Client {
    link: BufReader<Link>,
}

fn tcp(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

impl Client {
    fn plain(addr: SocketAddr) -> (Client, String) {
        let mut c = Client {
            link: BufReader::new(Link::Plain(tcp(addr))),
        };
        let greeting = c.line();
        (c, greeting)
    }

    fn implicit(r: &Running) -> (Client, String) {
        let conn = ClientConnection::new(r.client.clone(), server_name()).unwrap();
        let stream = StreamOwned::new(conn, tcp(r.tls));
        let mut c = Client {
            link: BufReader::new(Link::Tls(Box::new(stream))),
        };
        let greeting = c.line();
        (c, greeting)
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.link.read_line(&mut line).unwrap();
        line
    }

    fn send(&mut self, bytes: &[u8]) {
        let link = self.link.get_mut();
        link.write_all(bytes).unwrap();
        link.flush().unwrap();
    }

    /// Sends `tag command` and returns every line up to and including the tagged one.
    fn run(&mut self, tag: &str, command: &str) -> String {
        self.send(format!("{tag} {command}\r\n").as_bytes());
        self.until(tag)
    }

    fn until(&mut self, tag: &str) -> String {
        let mut text = String::new();
        loop {
            let line = self.line();
            assert!(!line.is_empty(), "closed before {tag}; read:\n{text}");
            text.push_str(&line);
            if line.starts_with(&format!("{tag} ")) {
                return text;
            }
        }
    }

    /// After the tagged OK to STARTTLS: the TLS handshake on the same socket.
    fn upgrade(self, r: &Running) -> Client {
        assert!(self.link.buffer().is_empty(), "nothing may follow the OK");
        let Link::Plain(socket) = self.link.into_inner() else {
            panic!("already TLS")
        };
        let conn = ClientConnection::new(r.client.clone(), server_name()).unwrap();
        Client {
            link: BufReader::new(Link::Tls(Box::new(StreamOwned::new(conn, socket)))),
        }
    }
}

#[test]
fn implicit_tls_greets_after_the_handshake_and_refuses_starttls() {
    let r = start("implicit", false);
    let (mut c, greeting) = Client::implicit(&r);
    assert!(
        greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
        "{greeting}"
    );
    assert!(!greeting.contains("STARTTLS"), "{greeting}");
    // RFC 9051 §6.2.1: BAD on an implicit TLS port.
    let text = c.run("a1", "STARTTLS");
    assert_eq!(text, "a1 BAD TLS is already active on this connection\r\n");
    assert!(c.run("a2", "LOGIN alice alice").contains("a2 OK"));
    assert!(c.run("a3", "SELECT INBOX").contains("a3 OK [READ-WRITE]"));
    let text = c.run("a4", "LOGOUT");
    assert!(text.starts_with("* BYE"), "{text}");
}

#[test]
fn starttls_upgrades_the_plain_port_and_the_capabilities_change() {
    let r = start("starttls", false);
    let (mut c, greeting) = Client::plain(r.plain);
    assert!(greeting.contains(" STARTTLS]"), "{greeting}");
    assert_eq!(
        c.run("a1", "STARTTLS"),
        "a1 OK Begin TLS negotiation now\r\n"
    );
    let mut c = c.upgrade(&r);
    // RFC 3501 §6.2.1: the client asks again; RFC 9051 §6.2.1: no STARTTLS now.
    let caps = c.run("a2", "CAPABILITY");
    assert!(caps.starts_with("* CAPABILITY IMAP4rev1 "), "{caps}");
    assert!(!caps.contains("STARTTLS"), "{caps}");
    assert!(c.run("a3", "STARTTLS").starts_with("a3 BAD"));
    assert!(c.run("a4", "LOGIN alice alice").contains("a4 OK"));
    assert!(c.run("a5", "NOOP").contains("a5 OK"));
}

/// RFC 9051 §6.2.1, option 1: data after the STARTTLS line in the same TCP buffer is the
/// start of the TLS handshake. A client that sends its ClientHello with the command connects.
#[test]
fn a_client_hello_pipelined_with_starttls_starts_the_handshake() {
    let r = start("pipelined-hello", false);
    let mut socket = tcp(r.plain);
    let mut greeting = String::new();
    BufReader::new(&mut socket)
        .read_line(&mut greeting)
        .unwrap();
    let mut conn = ClientConnection::new(r.client.clone(), server_name()).unwrap();
    let mut first_flight = Vec::new();
    conn.write_tls(&mut first_flight).unwrap();
    let mut wire = b"a1 STARTTLS\r\n".to_vec();
    wire.extend(&first_flight);
    socket.write_all(&wire).unwrap();
    // The OK in the clear, read a byte at a time so that no TLS byte is taken with it.
    let mut ok = Vec::new();
    let mut byte = [0u8];
    while !ok.ends_with(b"\n") {
        socket.read_exact(&mut byte).unwrap();
        ok.push(byte[0]);
    }
    assert_eq!(ok, b"a1 OK Begin TLS negotiation now\r\n");
    let mut c = Client {
        link: BufReader::new(Link::Tls(Box::new(StreamOwned::new(conn, socket)))),
    };
    assert!(c.run("a2", "LOGIN alice alice").contains("a2 OK"));
}

/// Reads whatever the server sends until it closes (or 10 s pass), as lossy text.
fn rest(mut socket: TcpStream) -> String {
    let mut bytes = Vec::new();
    let _ = socket.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn mailbox_exists(r: &Running, name: &str) -> bool {
    let (mut c, _) = Client::implicit(r);
    c.run("x1", "LOGIN alice alice");
    let list = c.run("x2", &format!("LIST \"\" {name}"));
    list.contains("* LIST")
}

/// The STARTTLS command-injection rule (RFC 9051 §6.2.1; CERT VU#555316): clear text sent
/// after STARTTLS, in the same write or a later one, is never run as commands.
#[test]
fn plaintext_pipelined_after_starttls_is_never_run() {
    let r = start("injection", false);
    for (i, separate_write) in [false, true].into_iter().enumerate() {
        let mailbox = format!("Injected{i}");
        let mut socket = tcp(r.plain);
        let mut greeting = String::new();
        BufReader::new(&mut socket)
            .read_line(&mut greeting)
            .unwrap();
        let injected = format!("b LOGIN alice alice\r\nc CREATE {mailbox}\r\n");
        if separate_write {
            socket.write_all(b"a STARTTLS\r\n").unwrap();
            std::thread::sleep(Duration::from_millis(20));
            socket.write_all(injected.as_bytes()).unwrap();
        } else {
            socket
                .write_all(format!("a STARTTLS\r\n{injected}").as_bytes())
                .unwrap();
        }
        let answer = rest(socket);
        let after = answer
            .strip_prefix("a OK Begin TLS negotiation now\r\n")
            .unwrap_or_else(|| panic!("{answer:?}"));
        // The injected lines went to TLS as a handshake, which failed: the connection is
        // closed (after an alert, if any) with no answer to them.
        for status in [" OK", " NO", " BAD"] {
            assert!(!after.contains(status), "{answer:?}");
        }
        assert!(!mailbox_exists(&r, &mailbox), "{mailbox} was created");
    }
}

/// RFC 3501 §6.2.3 and §11.1: LOGINDISABLED, LOGIN and AUTHENTICATE refused in the clear even
/// with the right password; accepted after STARTTLS and on the implicit-TLS port.
#[test]
fn require_tls_refuses_login_before_starttls() {
    let r = start("require", true);
    let (mut c, greeting) = Client::plain(r.plain);
    assert!(greeting.contains(" STARTTLS LOGINDISABLED]"), "{greeting}");
    assert!(!greeting.contains("AUTH=PLAIN"), "{greeting}");
    let text = c.run("a1", "LOGIN alice alice");
    assert_eq!(
        text,
        "a1 NO [PRIVACYREQUIRED] LOGIN is disabled until STARTTLS (LOGINDISABLED)\r\n"
    );
    let text = c.run("a2", "AUTHENTICATE PLAIN AGFsaWNlAGFsaWNl");
    assert!(text.starts_with("a2 NO [PRIVACYREQUIRED]"), "{text}");
    assert!(c.run("a3", "STARTTLS").starts_with("a3 OK"));
    let mut c = c.upgrade(&r);
    let caps = c.run("a4", "CAPABILITY");
    assert!(
        !caps.contains("LOGINDISABLED") && caps.contains("AUTH=PLAIN"),
        "{caps}"
    );
    assert!(c.run("a5", "LOGIN alice alice").contains("a5 OK"));
    let (mut tls, greeting) = Client::implicit(&r);
    assert!(!greeting.contains("LOGINDISABLED"), "{greeting}");
    assert!(tls
        .run("b1", "AUTHENTICATE PLAIN AGFsaWNlAGFsaWNl")
        .contains("b1 OK"));
}

/// NOOP on an authenticated connection, answered within `limit`; returns the time taken.
fn timed_noop(c: &mut Client, tag: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    assert!(c.run(tag, "NOOP").contains(&format!("{tag} OK")));
    let took = start.elapsed();
    assert!(took < limit, "NOOP took {took:?}");
    took
}

/// Handshakes run on the connection's own thread: one that stalls, one that breaks off
/// halfway, one that is garbage and a STARTTLS whose client never answers hold up nobody.
#[test]
fn stalled_or_failed_handshakes_do_not_stall_other_clients() {
    let r = start("stall", false);
    let (mut plain, _) = Client::plain(r.plain);
    plain.run("a1", "LOGIN alice alice");
    let (mut secure, _) = Client::implicit(&r);
    secure.run("b1", "LOGIN bob bob");
    let limit = Duration::from_secs(2);

    // Connected to the TLS port, sends nothing.
    let silent = tcp(r.tls);
    // Half a ClientHello, then nothing.
    let mut conn = ClientConnection::new(r.client.clone(), server_name()).unwrap();
    let mut hello = Vec::new();
    conn.write_tls(&mut hello).unwrap();
    let mut half = tcp(r.tls);
    half.write_all(&hello[..hello.len() / 2]).unwrap();
    // STARTTLS answered, then no handshake.
    let (mut quiet, _) = Client::plain(r.plain);
    assert!(quiet.run("q1", "STARTTLS").starts_with("q1 OK"));
    timed_noop(&mut plain, "a2", limit);
    timed_noop(&mut secure, "b2", limit);

    // Garbage instead of a handshake: an alert, then the close.
    let mut garbage = tcp(r.tls);
    garbage.write_all(b"a1 LOGIN alice alice\r\n").unwrap();
    let answer = rest(garbage);
    assert!(!answer.contains("OK"), "{answer:?}");
    // The half-done handshake aborted by the client.
    half.shutdown(std::net::Shutdown::Both).unwrap();
    drop(half);
    drop(silent);
    drop(quiet);
    let mut worst = Duration::ZERO;
    for i in 0..20 {
        worst = worst.max(timed_noop(&mut plain, &format!("a{}", i + 3), limit));
        worst = worst.max(timed_noop(&mut secure, &format!("b{}", i + 3), limit));
    }
    eprintln!("slowest NOOP after the broken handshakes: {worst:?}");
    // A new TLS client still gets in.
    let (mut late, greeting) = Client::implicit(&r);
    assert!(greeting.starts_with("* OK"), "{greeting}");
    assert!(late.run("c1", "LOGIN carol carol").contains("c1 OK"));
}

/// Stopping the server sends `* BYE` (RFC 3501 §7.1.5) over TLS too, then close_notify.
#[test]
fn stopping_says_bye_over_tls() {
    let r = start("bye", false);
    let (mut c, _) = Client::implicit(&r);
    c.run("a1", "LOGIN alice alice");
    let (plain, _) = Client::plain(r.plain);
    let mut upgraded = plain;
    upgraded.run("b1", "STARTTLS");
    let mut upgraded = upgraded.upgrade(&r);
    upgraded.run("b2", "NOOP");
    r.stopper.stop();
    assert!(c.line().starts_with("* BYE"));
    assert!(upgraded.line().starts_with("* BYE"));
}

/// `imap-sandbox serve --tls ...` as a child process, with what it printed at start.
struct Binary {
    child: std::process::Child,
    plain: u16,
    tls: u16,
    cert: String,
    fingerprint: String,
}

impl Drop for Binary {
    /// Ctrl-C, so that the server removes its certificate file; killed if that fails.
    fn drop(&mut self) {
        // Already ended (and reaped): its id may belong to another process by now.
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let interrupted = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !interrupted {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Binary {
    fn start(extra: &[&str]) -> Binary {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_imap-sandbox"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(["--tls", "--tls-listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut banner = String::new();
        while !banner.contains("imap-sandbox: implicit TLS on ") {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                panic!("serve ended before listening:\n{banner}");
            }
            banner.push_str(&line);
        }
        // Keep draining stderr so the server never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let after = |prefix: &str| -> String {
            let line = banner
                .lines()
                .find_map(|l| l.strip_prefix(prefix))
                .unwrap_or_else(|| panic!("no {prefix:?} in:\n{banner}"));
            line.to_string()
        };
        let port = |prefix: &str| -> u16 {
            let addr = after(prefix);
            let addr = addr.split_whitespace().next().unwrap();
            addr.parse::<SocketAddr>().unwrap().port()
        };
        let cert = after("imap-sandbox: certificate ");
        let cert = cert.rsplit_once(" (").unwrap().0.to_string();
        Binary {
            plain: port("imap-sandbox: listening on "),
            tls: port("imap-sandbox: implicit TLS on "),
            cert,
            fingerprint: after("imap-sandbox: SHA-256 fingerprint "),
            child,
        }
    }

    /// Runs one scenario of tests/native_tls.py; panics with its transcript unless it passed.
    fn imaplib(&self, scenario: &str) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/native_tls.py");
        let out = std::process::Command::new("python3")
            .arg(script)
            .args([&self.plain.to_string(), &self.tls.to_string()])
            .args([&self.cert, &self.fingerprint, scenario])
            .output()
            .expect("python3 runs (it is on every supported machine)");
        let transcript = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && transcript.contains("all checks passed"),
            "imaplib scenario {scenario} failed:\n{transcript}"
        );
        eprintln!("{transcript}");
    }
}

#[test]
fn imaplib_over_imaps_with_the_generated_certificate() {
    let server = Binary::start(&[]);
    assert!(
        std::path::Path::new(&server.cert).is_file(),
        "{}",
        server.cert
    );
    server.imaplib("imaps");
    server.imaplib("fingerprint");
}

#[test]
fn imaplib_starttls_and_the_injection_rule() {
    let server = Binary::start(&[]);
    server.imaplib("starttls");
    server.imaplib("injection");
}

#[test]
fn imaplib_with_require_tls() {
    let server = Binary::start(&["--require-tls"]);
    server.imaplib("require");
}

/// --cert and --key: the user's own PEM files, the fingerprint printed is theirs.
#[test]
fn imaplib_with_cert_and_key_files() {
    let dir = std::env::temp_dir().join(format!("imap-sandbox-pem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let server = Binary::start(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(server.cert, cert.to_str().unwrap());
    let expected = imap_sandbox::native::tls::fingerprint(made.cert.der());
    assert_eq!(server.fingerprint, expected);
    server.imaplib("fingerprint");
    server.imaplib("starttls");
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ctrl-C: TLS clients are sent BYE too, and the generated certificate file is removed.
#[test]
fn ctrl_c_removes_the_generated_certificate() {
    let mut server = Binary::start(&[]);
    assert!(std::path::Path::new(&server.cert).is_file());
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(
        !std::path::Path::new(&server.cert).exists(),
        "{}",
        server.cert
    );
}
