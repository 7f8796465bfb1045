//! How another session's flag changes reach a session (RFC 3501 §7.4.2), in the cases the
//! scenarios do not show: changes of messages far apart and changed twice, a change the
//! session was told in its own STORE or FETCH (or not, under .SILENT), a change of a message
//! the session learns of in the same NOOP, and a STORE whose failed messages (RFC 7162 §3.1.3)
//! lie between the stored ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::answer;
use imap_sandbox::server::{ClientId, Policies, Server, World};

/// C1 and C2 with FOO (seven messages, no flags) selected; C1 with CONDSTORE when asked.
fn two_sessions(policies: Policies, condstore: bool) -> (Server, ClientId, ClientId) {
    let mut server = Server::new(World::default_world(), policies);
    let (c1, c2) = (server.connect(), server.connect());
    let select = if condstore {
        "b SELECT FOO (CONDSTORE)"
    } else {
        "b SELECT FOO"
    };
    server.receive(
        c1,
        format!("a LOGIN alice alice\r\n{select}\r\n").as_bytes(),
    );
    server.receive(c2, b"a LOGIN bob bob\r\nb SELECT FOO\r\n");
    let _ = server.take_output();
    (server, c1, c2)
}

#[test]
fn changes_far_apart_are_told_once_each_in_order() {
    let (mut s, c1, c2) = two_sessions(Policies::default(), false);
    answer(&mut s, c2, "c STORE 6 +FLAGS.SILENT (\\Seen)");
    answer(&mut s, c2, "d STORE 2 +FLAGS.SILENT (\\Answered)");
    answer(&mut s, c2, "e STORE 6 +FLAGS.SILENT (\\Flagged)");
    assert_eq!(
        answer(&mut s, c1, "t NOOP"),
        [
            "* 2 FETCH (FLAGS (\\Answered))",
            "* 6 FETCH (FLAGS (\\Flagged \\Seen))",
            "t OK NOOP completed"
        ]
    );
    assert_eq!(answer(&mut s, c1, "u NOOP"), ["u OK NOOP completed"]);
}

#[test]
fn a_change_told_in_the_sessions_own_reply_is_not_told_again() {
    let (mut s, c1, c2) = two_sessions(Policies::default(), false);
    answer(&mut s, c2, "c STORE 2:4 +FLAGS.SILENT (\\Seen)");
    // STORE without .SILENT tells 2's new flags, FETCH (FLAGS) tells 3's: once each. The
    // changes still owed come with the reply (RFC 3501 §7.4.1 allows FETCH during STORE).
    assert_eq!(
        answer(&mut s, c1, "t STORE 2 +FLAGS (\\Flagged)"),
        [
            "* 2 FETCH (FLAGS (\\Flagged \\Seen))",
            "* 3 FETCH (FLAGS (\\Seen))",
            "* 4 FETCH (FLAGS (\\Seen))",
            "t OK STORE completed"
        ]
    );
    answer(&mut s, c2, "d STORE 3:4 +FLAGS.SILENT (\\Draft)");
    assert_eq!(
        answer(&mut s, c1, "u FETCH 3 (FLAGS)"),
        [
            "* 3 FETCH (FLAGS (\\Seen \\Draft))",
            "* 4 FETCH (FLAGS (\\Seen \\Draft))",
            "u OK FETCH completed"
        ]
    );
    // .SILENT tells nothing: the change is still owed, and comes with the reply.
    answer(&mut s, c2, "e STORE 4 +FLAGS.SILENT (\\Flagged)");
    assert_eq!(
        answer(&mut s, c1, "v STORE 4 +FLAGS.SILENT (\\Answered)"),
        [
            "* 4 FETCH (FLAGS (\\Answered \\Flagged \\Seen \\Draft))",
            "v OK STORE completed"
        ]
    );
    assert_eq!(answer(&mut s, c1, "w NOOP"), ["w OK NOOP completed"]);
}

#[test]
fn a_change_of_a_message_the_session_learns_of_follows_its_exists() {
    let (mut s, c1, c2) = two_sessions(Policies::default(), false);
    answer(&mut s, c2, "c APPEND FOO {3+}\r\nhi\n");
    answer(&mut s, c2, "d STORE 8 +FLAGS.SILENT (\\Flagged)");
    assert_eq!(
        answer(&mut s, c1, "t NOOP"),
        [
            "* 8 EXISTS",
            "* 0 RECENT",
            "* 8 FETCH (FLAGS (\\Flagged))",
            "t OK NOOP completed"
        ]
    );
    assert_eq!(answer(&mut s, c1, "u NOOP"), ["u OK NOOP completed"]);
}

#[test]
fn a_changed_message_expunged_elsewhere_is_told_as_expunged_only() {
    let (mut s, c1, c2) = two_sessions(Policies::default(), false);
    answer(&mut s, c2, "c STORE 3,5 +FLAGS.SILENT (\\Deleted)");
    answer(&mut s, c2, "d EXPUNGE");
    assert_eq!(
        answer(&mut s, c1, "t NOOP"),
        [
            "* 3 EXPUNGE",
            "* 4 EXPUNGE",
            "* 5 EXISTS",
            "t OK NOOP completed"
        ]
    );
}

#[test]
fn failed_messages_are_answered_between_the_stored_ones_in_sequence_order() {
    let mut policies = Policies::default();
    policies.set_assignment("modified-report=fetch").unwrap();
    let (mut s, c1, c2) = two_sessions(policies, true);
    let modseq = answer(&mut s, c1, "c FETCH 3 (MODSEQ)");
    let modseq: u64 = modseq[0]
        .split("MODSEQ (")
        .nth(1)
        .and_then(|m| m.split(')').next())
        .unwrap()
        .parse()
        .unwrap();
    answer(&mut s, c2, "d STORE 2 +FLAGS.SILENT (\\Seen)");
    let lines = answer(
        &mut s,
        c1,
        &format!("t STORE 1:3 (UNCHANGEDSINCE {modseq}) +FLAGS (\\Flagged)"),
    );
    let seqs: Vec<&str> = lines.iter().map(|l| &l[..4]).collect();
    assert_eq!(seqs, ["* 1 ", "* 2 ", "* 3 ", "t OK"], "{lines:?}");
    assert!(
        lines[1].starts_with("* 2 FETCH (FLAGS (\\Seen) MODSEQ ("),
        "{lines:?}"
    );
    assert!(lines[3].starts_with("t OK [MODIFIED 2]"), "{lines:?}");
}
