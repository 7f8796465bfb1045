//! The decision points found on Cyrus 3.6 (expunge-timing, store-silent, seq-out-of-range), in
//! the cases their scenarios do not show: which commands carry another client's EXPUNGE under
//! `sync-commands`, `.SILENT` under CONDSTORE, and the empty mailbox under `ignore`. Each case
//! was seen on Cyrus 3.6.1 by hand (commands sent over a socket to `tests/servers/servers.py
//! cyrus`), and each test checks the RFC value still answers as before.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::answer;
use imap_sandbox::server::{ClientId, Policies, Server, World};

/// C1 and C2 have FOO selected; C1 expunged message 2 and flagged message 1, C2 was not told.
fn pending(policy: &str) -> (Server, ClientId) {
    let mut policies = Policies::default();
    policies.set_assignment(policy).unwrap();
    let mut server = Server::new(World::default_world(), policies);
    let (c1, c2) = (server.connect(), server.connect());
    server.receive(c1, b"a LOGIN alice alice\r\nb SELECT FOO\r\n");
    server.receive(c2, b"a LOGIN bob bob\r\nb SELECT FOO\r\n");
    server.receive(
        c1,
        b"c STORE 2 +FLAGS.SILENT (\\Deleted)\r\nd EXPUNGE\r\ne STORE 1 +FLAGS (\\Flagged)\r\n",
    );
    let _ = server.take_output();
    (server, c2)
}

/// What `client` was sent in answer to `command`.
fn expunges(lines: &[String]) -> usize {
    lines.iter().filter(|l| l.ends_with(" EXPUNGE")).count()
}

/// Cyrus 3.6 behaviour: the EXPUNGE waits for a command that synchronises the view; the others
/// still tell EXISTS and flag changes. RFC 3501 §7.4.1 lets every one of them carry it.
#[test]
fn sync_commands_hold_the_expunge_until_noop_append_or_a_uid_command() {
    for command in [
        "t COPY 1 FRED",
        "t UID SEARCH ALL",
        "t UID THREAD REFERENCES UTF-8 ALL",
        "t UID SORT (SUBJECT) UTF-8 ALL",
        "t LIST \"\" FRED",
        "t NAMESPACE",
        "t STATUS FOO (MESSAGES)",
    ] {
        let (mut server, c2) = pending("expunge-timing=sync-commands");
        let lines = answer(&mut server, c2, command);
        assert_eq!(expunges(&lines), 0, "{command}: {lines:?}");
        assert!(
            lines.iter().any(|l| l == "* 1 FETCH (FLAGS (\\Flagged))"),
            "{command}: the flag change is told: {lines:?}"
        );
        let (mut server, c2) = pending("expunge-timing=any-command");
        let lines = answer(&mut server, c2, command);
        assert_eq!(expunges(&lines), 1, "{command} (any-command): {lines:?}");
    }
    for command in [
        "t NOOP",
        "t CHECK",
        "t UID FETCH 1 UID",
        "t UID STORE 3 +FLAGS (\\Seen)",
        "t UID COPY 3 FRED",
        "t MOVE 3 FRED",
        "t EXPUNGE",
        "t APPEND FRED {11+}\r\nSubject: x\r\n",
    ] {
        let (mut server, c2) = pending("expunge-timing=sync-commands");
        let lines = answer(&mut server, c2, command);
        assert!(expunges(&lines) >= 1, "{command}: {lines:?}");
    }
}

/// Cyrus 3.6 behaviour: STATUS of a mailbox other than the selected one tells nothing at all
/// (of the selected one, the flag change but not the EXPUNGE: above). A name that no longer
/// exists is another mailbox too.
#[test]
fn sync_commands_status_elsewhere_tells_nothing() {
    for command in ["t STATUS FRED (MESSAGES)", "t STATUS GONE (MESSAGES)"] {
        let (mut server, c2) = pending("expunge-timing=sync-commands");
        let lines = answer(&mut server, c2, command);
        assert!(
            lines
                .iter()
                .all(|l| !l.contains("EXPUNGE") && !l.contains("FETCH")),
            "{command}: only its own answer: {lines:?}"
        );
        // The changes are still pending: NOOP tells them.
        let noop = answer(&mut server, c2, "n NOOP");
        assert_eq!(expunges(&noop), 1, "{noop:?}");
        assert!(noop
            .iter()
            .any(|l| l.starts_with("* 1 FETCH (FLAGS (\\Flagged)")));
    }
    let (mut server, c2) = pending("expunge-timing=any-command");
    let lines = answer(&mut server, c2, "t STATUS FRED (MESSAGES)");
    assert_eq!(expunges(&lines), 1, "{lines:?}");
}

/// Cyrus 3.6 behaviour: `.SILENT` is ignored under CONDSTORE too, so the FETCH that RFC 7162
/// §3.1.3 requires carries FLAGS beside MODSEQ.
#[test]
fn silent_ignored_sends_flags_with_the_modseq() {
    for (policy, flags) in [
        ("store-silent=ignored", true),
        ("store-silent=honoured", false),
    ] {
        let mut policies = Policies::default();
        policies.set_assignment(policy).unwrap();
        let mut server = Server::new(World::default_world(), policies);
        let c = server.connect();
        server.receive(c, b"a LOGIN alice alice\r\nb SELECT FOO (CONDSTORE)\r\n");
        let _ = server.take_output();
        let lines = answer(
            &mut server,
            c,
            "s STORE 1 (UNCHANGEDSINCE 99) +FLAGS.SILENT (\\Seen)",
        );
        let fetch = lines.iter().find(|l| l.starts_with("* 1 FETCH")).unwrap();
        assert!(fetch.contains("MODSEQ"), "{policy}: {fetch}");
        assert_eq!(fetch.contains("FLAGS (\\Seen)"), flags, "{policy}: {fetch}");
    }
}

/// Cyrus 3.6 behaviour: in an empty mailbox every number is beyond it, `*` too: FETCH and
/// COPY answer NO, STORE OK; RFC 3501 §9 asks for BAD.
#[test]
fn out_of_range_in_an_empty_mailbox() {
    for (policy, fetch, store) in [
        ("seq-out-of-range=ignore", "t NO", "t OK"),
        ("seq-out-of-range=bad", "t BAD", "t BAD"),
    ] {
        let mut policies = Policies::default();
        policies.set_assignment(policy).unwrap();
        let mut server = Server::new(World::default_world(), policies);
        let c = server.connect();
        server.receive(c, b"a LOGIN alice alice\r\nb SELECT FRED\r\n");
        let _ = server.take_output();
        for command in ["t FETCH * FLAGS", "t FETCH 1:3 FLAGS", "t COPY 1 FOO"] {
            let lines = answer(&mut server, c, command);
            assert!(
                lines.last().unwrap().starts_with(fetch),
                "{policy} {command}: {lines:?}"
            );
        }
        let lines = answer(&mut server, c, "t STORE 1 +FLAGS (\\Seen)");
        assert!(
            lines.last().unwrap().starts_with(store),
            "{policy}: {lines:?}"
        );
        // UID sets never name a number beyond the mailbox: OK under both.
        let lines = answer(&mut server, c, "t UID FETCH 1:* FLAGS");
        assert!(
            lines.last().unwrap().starts_with("t OK"),
            "{policy}: {lines:?}"
        );
    }
}
