//! The native server with a real client: Python's imaplib (`tests/native_imaplib.py`) against
//! the TCP front end on a free loopback port, in-process or as the built binary. Also the
//! clean shutdown: every connected client is sent `* BYE` (RFC 3501 §7.1.5).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use imap_sandbox::native::tcp::{Options, Stopper, TcpServer};
use imap_sandbox::server::{Policies, Server, World};

/// A server over the default world on 127.0.0.1, port chosen by the system.
fn start() -> (SocketAddr, Stopper, JoinHandle<()>) {
    start_with(Policies::default())
}

fn start_with(policies: Policies) -> (SocketAddr, Stopper, JoinHandle<()>) {
    let engine = Server::new(World::default_world(), policies);
    let server = TcpServer::bind("127.0.0.1:0", engine, Options::default()).expect("bind");
    let addr = server.local_addr().expect("local address");
    let stopper = server.stopper();
    let running = std::thread::spawn(move || server.run());
    (addr, stopper, running)
}

/// Runs one scenario of the Python script; panics with its transcript unless it passed.
fn imaplib(port: u16, scenario: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/native_imaplib.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(scenario)
        .output()
        .expect("python3 runs (it is on every supported machine)");
    let transcript = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "imaplib scenario {scenario} failed:\n{transcript}"
    );
    assert!(transcript.contains("all checks passed"), "{transcript}");
}

#[test]
fn imaplib_three_connections_on_one_mailbox() {
    let (addr, stopper, running) = start();
    imaplib(addr.port(), "session");
    stopper.stop();
    running.join().expect("server thread");
}

/// RFC 7162 §3.2.5: a client that was away while another expunged and changed flags
/// resynchronises with one SELECT (QRESYNC) and ends with the server's UIDs and flags.
#[test]
fn imaplib_resynchronises_with_qresync_after_being_away() {
    let (addr, stopper, running) = start();
    imaplib(addr.port(), "qresync");
    stopper.stop();
    running.join().expect("server thread");
}

/// RFC 2683 §3.1.2. Under `select-shared=refuse` the second client can select the mailbox
/// only once the server has ended the severed session, so the test sees the close handled
/// before it checks that nothing was expunged.
#[test]
fn a_socket_closed_without_logout_ends_the_session_and_expunges_nothing() {
    let mut policies = Policies::default();
    policies
        .set("select-shared", "refuse")
        .expect("a known decision point");
    let (addr, stopper, running) = start_with(policies);
    imaplib(addr.port(), "sever");
    stopper.stop();
    running.join().expect("server thread");
}

/// Reads lines until one starts with `prefix`; returns everything read.
fn read_until(reader: &mut impl BufRead, prefix: &str) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => panic!("connection ended before {prefix:?}; read:\n{seen}"),
            Ok(_) => {}
        }
        seen.push_str(&line);
        if line.starts_with(prefix) {
            return seen;
        }
    }
}

fn read_to_end(stream: TcpStream) -> String {
    let mut rest = Vec::new();
    let mut stream = stream;
    let _ = stream.read_to_end(&mut rest);
    String::from_utf8_lossy(&rest).into_owned()
}

#[test]
fn stopping_sends_bye_to_connected_clients() {
    let (addr, stopper, running) = start();
    let mut client = TcpStream::connect(addr).expect("connect");
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(client.try_clone().expect("clone"));
    read_until(&mut reader, "* OK");
    client
        .write_all(b"a1 LOGIN alice alice\r\na2 SELECT FOO\r\n")
        .expect("write");
    read_until(&mut reader, "a2 OK");
    stopper.stop();
    running.join().expect("run returns once stopped");
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    assert!(rest.starts_with("* BYE "), "{rest:?}");
    // The listener is closed with the server.
    assert!(TcpStream::connect(addr).is_err());
}

/// The built binary: `--user` replaces the default users, and Ctrl-C (SIGINT) stops it cleanly
/// with BYE to the connected clients.
#[cfg(unix)]
#[test]
fn binary_with_user_option_and_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imap-sandbox"))
        .args(["serve", "--listen", "127.0.0.1:0", "--user", "me:secret"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn imap-sandbox serve");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let banner = read_until(&mut stderr, "imap-sandbox: listening on ");
    let addr: SocketAddr = banner
        .trim_end()
        .rsplit_once("listening on ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {banner:?}"));

    imaplib(addr.port(), "users");

    let client = TcpStream::connect(addr).expect("connect");
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(client.try_clone().expect("clone"));
    read_until(&mut reader, "* OK");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let rest = read_to_end(client);
    assert!(rest.starts_with("* BYE "), "{rest:?}");
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "exit status {exit:?}");
    let mut tail = String::new();
    let _ = stderr.read_to_string(&mut tail);
    assert!(tail.contains("imap-sandbox: stopped"), "{tail:?}");
}
