//! The control API on the TCP server ([`imap_sandbox::native::tcp::Control`]): a test arranges
//! the world, changes it "from another client" and resets it while IMAP clients are connected.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use imap_sandbox::native::tcp::{Options, TcpServer};
use imap_sandbox::protocol::types::Flag;
use imap_sandbox::server::control::FlagChange;
use imap_sandbox::server::{Policies, Server, World};

struct Client {
    write: TcpStream,
    read: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: std::net::SocketAddr) -> Client {
        let write = TcpStream::connect(addr).unwrap();
        write
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut c = Client {
            read: BufReader::new(write.try_clone().unwrap()),
            write,
        };
        c.line();
        c
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.read.read_line(&mut line).unwrap();
        line
    }

    fn run(&mut self, tag: &str, command: &str) -> String {
        self.write
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .unwrap();
        let mut text = String::new();
        loop {
            let line = self.line();
            assert!(!line.is_empty(), "closed before {tag}: {text}");
            text.push_str(&line);
            if line.starts_with(&format!("{tag} ")) {
                return text;
            }
        }
    }
}

#[test]
fn a_test_arranges_changes_and_resets_the_world_over_tcp() {
    let engine = Server::new(World::empty(), Policies::default());
    let server = TcpServer::bind("127.0.0.1:0", engine, Options::default()).unwrap();
    let addr = server.local_addr().unwrap();
    let (control, stopper) = (server.control(), server.stopper());
    let running = std::thread::spawn(move || server.run());

    // Arrange: a user, a mailbox, two messages, a policy.
    control
        .with_server(|s| {
            s.add_user("tester", "pw");
            s.create_mailbox("Work").unwrap();
            for n in 1..=2 {
                let raw = format!("Subject: {n}\r\n\r\nbody {n}\r\n");
                s.deliver("Work", raw.as_bytes(), &[]).unwrap();
            }
            s.policies_mut().set("fetch-expunged", "nil").unwrap();
        })
        .unwrap();
    let mut c = Client::connect(addr);
    assert!(c.run("a1", "LOGIN tester pw").contains("a1 OK"));
    assert!(c.run("a2", "SELECT Work").contains("* 2 EXISTS"));

    // Another client flags message 1 and expunges message 2.
    control
        .with_server(|s| {
            s.set_flags("Work", 1, FlagChange::Add, &[Flag::Flagged])
                .unwrap();
            s.expunge("Work", &[2]).unwrap()
        })
        .unwrap();
    let text = c.run("a3", "NOOP");
    assert!(text.contains("* 1 FETCH (FLAGS (\\Flagged"), "{text}");
    assert!(text.contains("* 2 EXPUNGE"), "{text}");

    // Inspect: the store as the test sees it.
    let flagged = control
        .with_server(|s| {
            let work = s.store().by_name("Work").unwrap();
            (
                work.messages.len(),
                work.messages[0].flags.contains(&Flag::Flagged),
            )
        })
        .unwrap();
    assert_eq!(flagged, (1, true));

    // Reset to the default world: the client is told BYE and closed.
    control
        .with_server(|s| s.reset(World::default_world()))
        .unwrap();
    assert!(c.line().starts_with("* BYE"));
    assert_eq!(c.line(), "");
    let mut c = Client::connect(addr);
    assert!(c.run("b1", "LOGIN tester pw").contains("b1 NO"));
    assert!(c.run("b2", "LOGIN alice alice").contains("b2 OK"));
    assert!(c.run("b3", "SELECT FOO").contains("* 7 EXISTS"));

    stopper.stop();
    running.join().unwrap();
}
