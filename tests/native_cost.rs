//! Cost (issue 9 §1): one 64 KB command line on a mailbox of 20,000 messages may not take long,
//! whatever it holds, and a second client's NOOP sent meanwhile is answered promptly, although
//! one engine thread serves every session. Sequence sets like `1:*,1:*,...` are merged before
//! they are expanded; what cannot be made cheap is refused with `NO [LIMIT]` (RFC 9051 §7.1).
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use imap_sandbox::native::tcp::{Options, TcpServer};
use imap_sandbox::server::{Policies, Server, World};

const MESSAGES: usize = 20_000;

/// How long A's command and B's NOOP may take. Generous for a debug build on a loaded
/// machine: each command answers in well under a second there now.
const NOOP_WITHIN: Duration = Duration::from_secs(10);

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(600)))
            .expect("timeout");
        let mut c = Client {
            reader: BufReader::new(stream.try_clone().expect("clone")),
            writer: stream,
        };
        assert!(c.line().starts_with("* OK"));
        c
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("read");
        assert!(n > 0, "connection closed");
        line
    }

    fn send(&mut self, tag: &str, command: &str) {
        self.writer
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .expect("write");
    }

    /// Reads until the tagged reply: (untagged lines, tagged line). The test's commands answer
    /// without literals.
    fn answer(&mut self, tag: &str) -> (Vec<String>, String) {
        let mut untagged = Vec::new();
        loop {
            let line = self.line();
            if line.starts_with(&format!("{tag} ")) {
                return (untagged, line.trim_end().to_string());
            }
            untagged.push(line.trim_end().to_string());
        }
    }

    fn ok(&mut self, tag: &str, command: &str) -> Vec<String> {
        self.send(tag, command);
        let (untagged, tagged) = self.answer(tag);
        assert!(
            tagged.starts_with(&format!("{tag} OK")),
            "{command} -> {tagged}"
        );
        untagged
    }
}

/// `item` repeated (comma-separated) as far as a 64 KB command line allows after `prefix` and
/// `suffix`.
fn long_set(prefix: &str, item: &str, suffix: &str) -> String {
    let room = 65_536 - prefix.len() - suffix.len() - "tag ".len() - 2;
    let n = (room + 1) / (item.len() + 1);
    format!("{prefix}{}{suffix}", vec![item; n].join(","))
}

/// Sends A's `command`, then B's NOOP; returns A's answer and the longer of the two waits (A's
/// for its answer, B's for its NOOP's).
fn hostile(
    a: &mut Client,
    b: &mut Client,
    tag: &str,
    command: &str,
) -> (Vec<String>, String, Duration) {
    assert!(
        command.len() + tag.len() + 3 <= 65_536,
        "within the line limit"
    );
    let sent = Instant::now();
    a.send(tag, command);
    // Let the engine start on A's line first.
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    b.send("n", "NOOP");
    let (_, noop) = b.answer("n");
    let noop_waited = started.elapsed();
    assert_eq!(noop, "n OK NOOP completed");
    let (untagged, tagged) = a.answer(tag);
    let a_waited = sent.elapsed();
    println!(
        "{tag}: answered after {a_waited:?}, NOOP after {noop_waited:?}: {}",
        tagged.get(..tagged.len().min(60)).unwrap_or_default()
    );
    (untagged, tagged, a_waited.max(noop_waited))
}

#[test]
fn a_64_kb_line_on_20000_messages_does_not_stall_another_clients_noop() {
    let mut world = World::empty().with_user("alice", "alice");
    for i in 0..MESSAGES {
        world = world.with_message(
            "INBOX",
            format!("Subject: m{i}\r\n\r\nbody {i}\r\n").as_bytes(),
        );
    }
    let server = TcpServer::bind(
        "127.0.0.1:0",
        Server::new(world, Policies::default()),
        Options::default(),
    )
    .expect("bind");
    let addr = server.local_addr().expect("address");
    let stopper = server.stopper();
    let running = std::thread::spawn(move || server.run());
    let mut a = Client::connect(addr);
    let mut b = Client::connect(addr);
    a.ok("l", "LOGIN alice alice");
    b.ok("l", "LOGIN alice alice");
    a.ok("s", "SELECT INBOX");
    b.ok("s", "EXAMINE INBOX");

    // FETCH: 16,000 copies of 1:* are 20,000 messages, each answered once.
    let fetch = long_set("FETCH ", "1:*", " (UID)");
    let (untagged, tagged, waited) = hostile(&mut a, &mut b, "f", &fetch);
    assert_eq!(tagged, "f OK FETCH completed");
    assert_eq!(untagged.len(), MESSAGES);
    assert_eq!(
        untagged.last().map(String::as_str),
        Some("* 20000 FETCH (UID 20000)")
    );
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for FETCH");

    // UID STORE over reversed, overlapping ranges: each message stored once.
    let store = long_set("UID STORE ", "20000:2", " +FLAGS.SILENT (\\Seen)");
    let (_, tagged, waited) = hostile(&mut a, &mut b, "t", &store);
    assert_eq!(tagged, "t OK UID STORE completed");
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for STORE");

    // SEARCH: the same set at the top level and inside NOT (OR ...).
    let search = long_set("SEARCH NOT (OR 2 ", "2:19999", ") UNSEEN");
    let (untagged, tagged, waited) = hostile(&mut a, &mut b, "q", &search);
    assert_eq!(tagged, "q OK SEARCH completed");
    assert_eq!(untagged, ["* SEARCH 1"]);
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for SEARCH");
    let search = long_set("SEARCH ", "3:1", " SEEN");
    let (untagged, _, waited) = hostile(&mut a, &mut b, "r", &search);
    assert_eq!(untagged, ["* SEARCH 2 3"]);
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for SEARCH");

    // What cannot be merged is bounded: thousands of keys, text keys or header names.
    let keys = format!("SEARCH {}", vec!["SEEN"; 12_000].join(" "));
    let (_, tagged, waited) = hostile(&mut a, &mut b, "k", &keys);
    assert!(tagged.starts_with("k NO [LIMIT]"), "{tagged}");
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for SEARCH");
    let names = format!(
        "FETCH 1:* (BODY.PEEK[HEADER.FIELDS ({})])",
        vec!["Subject"; 8_000].join(" ")
    );
    let (_, tagged, _) = hostile(&mut a, &mut b, "h", &names);
    assert!(tagged.starts_with("h NO [LIMIT]"), "{tagged}");
    let flags = format!(
        "STORE 1:* +FLAGS ({})",
        (0..5_000)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (_, tagged, _) = hostile(&mut a, &mut b, "g", &flags);
    assert!(tagged.starts_with("g NO [LIMIT]"), "{tagged}");

    stopper.stop();
    running.join().expect("server thread");
}
