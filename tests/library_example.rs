//! The engine used as a library, the way an IMAP client library would in its own tests: no
//! network, a tiny in-memory "connection" over [`Server`] that writes command octets and reads
//! response lines until the tagged one, handling literals both ways (a `+` continuation before
//! sending a synchronizing literal, RFC 3501 §7.5; `{n}` literals inside responses, RFC 3501
//! §4.3). The same code runs inside `wasm-pack test`, since the engine does no I/O.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use imap_sandbox::server::{ClientId, OutputKind, Policies, Server, World};

/// The server and, per client, the octets it has written and nobody has read yet.
struct Wire {
    server: Server,
    unread: HashMap<ClientId, VecDeque<u8>>,
    closed: Vec<ClientId>,
}

impl Wire {
    fn pump(&mut self) {
        for o in self.server.take_output() {
            match o.kind {
                OutputKind::Closed => self.closed.push(o.client),
                _ => self.unread.entry(o.client).or_default().extend(o.bytes),
            }
        }
    }
}

/// One client connection, as a client library's transport would see it.
struct Connection {
    wire: Rc<RefCell<Wire>>,
    id: ClientId,
    next_tag: u32,
}

/// A response line; literal octets are kept inline, as they appear on the wire.
type Line = Vec<u8>;

impl Connection {
    fn open(wire: &Rc<RefCell<Wire>>) -> (Connection, Line) {
        let id = wire.borrow_mut().server.connect();
        wire.borrow_mut().pump();
        let mut c = Connection {
            wire: wire.clone(),
            id,
            next_tag: 1,
        };
        let greeting = c.read_line().expect("greeting");
        (c, greeting)
    }

    fn write(&self, bytes: &[u8]) {
        let mut wire = self.wire.borrow_mut();
        wire.server.receive(self.id, bytes);
        wire.pump();
    }

    /// One response: a line up to CRLF, and when it ends in `{n}`, the literal's n octets and
    /// the rest of the response after them.
    fn read_line(&mut self) -> Option<Line> {
        let mut wire = self.wire.borrow_mut();
        let buf = wire.unread.entry(self.id).or_default();
        let mut line = Vec::new();
        loop {
            let end = buf.iter().position(|&b| b == b'\n')?;
            line.extend(buf.drain(..=end));
            match literal_length(&line) {
                Some(n) if buf.len() >= n => line.extend(buf.drain(..n)),
                Some(_) => return None,
                None => return Some(line),
            }
        }
    }

    /// Sends a command (which may hold synchronizing literals: each `{n}\r\n` waits for the
    /// server's `+`) and returns every response up to and including the tagged one.
    fn command(&mut self, command: &[u8]) -> Vec<String> {
        let tag = format!("t{}", self.next_tag);
        self.next_tag += 1;
        let mut rest = [tag.as_bytes(), b" ", command, b"\r\n"].concat();
        let mut responses = Vec::new();
        loop {
            let cut = rest.windows(2).position(|w| w == b"\r\n").map(|i| i + 2);
            let Some(cut) = cut else { break };
            let chunk: Vec<u8> = rest.drain(..cut).collect();
            let literal = literal_length(&chunk);
            self.write(&chunk);
            if let Some(n) = literal {
                let reply = self.read_line().expect("a continuation for the literal");
                assert!(
                    reply.starts_with(b"+"),
                    "{}",
                    String::from_utf8_lossy(&reply)
                );
                let octets: Vec<u8> = rest.drain(..n.min(rest.len())).collect();
                self.write(&octets);
            } else {
                break;
            }
        }
        while let Some(line) = self.read_line() {
            let text = String::from_utf8_lossy(&line).into_owned();
            let done = text.starts_with(&format!("{tag} "));
            responses.push(text);
            if done {
                return responses;
            }
        }
        panic!("no tagged response for {tag}; got {responses:?}");
    }
}

/// `n` when a line ends with the literal announcement `{n}` (or `{n+}`) and CRLF.
fn literal_length(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"\r\n")?;
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = line.get(open + 1..)?;
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    std::str::from_utf8(digits).ok()?.parse().ok()
}

const MESSAGE: &[u8] = b"From: Ann <ann@example.org>\r\n\
Subject: Library test\r\n\
\r\n\
Two lines\r\nof body.\r\n";

#[test]
fn a_client_library_test_against_the_engine() {
    let world = World::empty()
        .with_user("me", "secret")
        .with_message("INBOX", b"Subject: first\r\n\r\nHello.\r\n");
    let wire = Rc::new(RefCell::new(Wire {
        server: Server::new(world, Policies::default()),
        unread: HashMap::new(),
        closed: Vec::new(),
    }));

    let (mut client, greeting) = Connection::open(&wire);
    assert!(greeting.starts_with(b"* OK [CAPABILITY IMAP4rev1"));
    let (mut other, _) = Connection::open(&wire);

    // A password sent as a literal: the adapter waits for `+` before the octets.
    let login = client.command(b"LOGIN me {6}\r\nsecret");
    assert!(login.last().unwrap().starts_with("t1 OK"), "{login:?}");
    other.command(b"LOGIN me secret");
    let select = client.command(b"SELECT INBOX");
    assert!(select.contains(&"* 1 EXISTS\r\n".to_string()), "{select:?}");
    other.command(b"SELECT INBOX");

    let append = format!("APPEND INBOX (\\Seen) {{{}}}\r\n", MESSAGE.len());
    let append = client.command(&[append.as_bytes(), MESSAGE].concat());
    assert!(
        append.last().unwrap().contains("OK [APPENDUID"),
        "{append:?}"
    );

    // A literal in the response: BODY[] comes back octet for octet.
    let fetch = client.command(b"FETCH 2 (UID BODY[])");
    let expected = format!(
        "* 2 FETCH (UID 2 BODY[] {{{}}}\r\n{})\r\n",
        MESSAGE.len(),
        String::from_utf8_lossy(MESSAGE)
    );
    assert_eq!(fetch.first(), Some(&expected), "{fetch:?}");

    // The other connection hears of the new message with its next command (RFC 3501 §7.3.1).
    let noop = other.command(b"NOOP");
    assert_eq!(noop.first().map(String::as_str), Some("* 2 EXISTS\r\n"));

    let bye = client.command(b"LOGOUT");
    assert!(bye.first().unwrap().starts_with("* BYE"));
    assert_eq!(wire.borrow().closed, vec![client.id]);
}
