//! NOTIFY (RFC 5465) where a scenario file is not enough: the limits of
//! `src/server/limits.rs` (hundreds of names or mailboxes), IDLE, the control API, and
//! events the client caused itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::lines_of;
use imap_sandbox::server::{ClientId, Policies, Server, World};

fn server(policies: &[&str]) -> Server {
    let mut p = Policies::default();
    for a in policies {
        p.set_assignment(a).unwrap();
    }
    Server::new(World::default_world(), p)
}

fn login(s: &mut Server, user: &str) -> ClientId {
    let c = s.connect();
    s.receive(c, format!("l LOGIN {user} {user}\r\n").as_bytes());
    c
}

/// Sends `bytes` from `from`, dropping whatever was sent before.
fn send(s: &mut Server, from: ClientId, bytes: &str) {
    s.take_output();
    s.receive(from, bytes.as_bytes());
}

/// RFC 5465 §3.1: "the server MAY refuse the command with a tagged NO [NOTIFICATIONOVERFLOW]";
/// this server does for more than `NOTIFY_MAILBOX_NAMES` (100) names.
#[test]
fn more_than_100_mailbox_names_is_no_notificationoverflow() {
    let mut s = server(&[]);
    let c = login(&mut s, "alice");
    let names = |n: usize| {
        (0..n)
            .map(|i| format!("m{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    send(
        &mut s,
        c,
        &format!(
            "a NOTIFY SET (MAILBOXES ({}) (MailboxName))\r\n",
            names(100)
        ),
    );
    assert_eq!(lines_of(&s.take_output(), c), ["a OK NOTIFY completed"]);
    send(
        &mut s,
        c,
        &format!(
            "b NOTIFY SET (MAILBOXES ({}) (MailboxName)) (SUBTREE x (MailboxName))\r\n",
            names(100)
        ),
    );
    assert_eq!(
        lines_of(&s.take_output(), c),
        ["b NO [NOTIFICATIONOVERFLOW] At most 100 mailbox names in one NOTIFY"]
    );
}

/// RFC 5465 §5.8: more than `NOTIFY_BURST` (200) notifications at once: one untagged
/// `OK [NOTIFICATIONOVERFLOW]`, then the session behaves as after NOTIFY NONE.
#[test]
fn a_burst_over_200_is_notificationoverflow_then_notify_none() {
    for (creates, overflow) in [(200, false), (201, true)] {
        let mut s = server(&["notify-timing=next-command"]);
        let c1 = login(&mut s, "alice");
        let c2 = login(&mut s, "bob");
        send(&mut s, c1, "a NOTIFY SET (PERSONAL (MailboxName))\r\n");
        let script: String = (0..creates)
            .map(|i| format!("c{i} CREATE Box{i}\r\n"))
            .collect();
        send(&mut s, c2, &script);
        send(&mut s, c1, "b NOOP\r\n");
        let got = lines_of(&s.take_output(), c1);
        if overflow {
            assert_eq!(
                got,
                [
                    "* OK [NOTIFICATIONOVERFLOW] More than 200 notifications at once; NOTIFY is now NONE",
                    "b OK NOOP completed"
                ]
            );
            send(&mut s, c2, "d CREATE Later\r\n");
            send(&mut s, c1, "e NOOP\r\n");
            assert_eq!(lines_of(&s.take_output(), c1), ["e OK NOOP completed"]);
        } else {
            assert_eq!(got.len(), 201, "{got:?}");
            assert_eq!(got[0], "* LIST (\\HasNoChildren) \"/\" Box0");
        }
    }
}

/// RFC 5465 §4: in IDLE the server sends "exactly the same events" as NOTIFY asked for, also
/// when notifications otherwise wait for the next command.
#[test]
fn idle_carries_notify_events_under_either_timing() {
    for timing in ["notify-timing=immediate", "notify-timing=next-command"] {
        let mut s = server(&[timing]);
        let c1 = login(&mut s, "alice");
        let c2 = login(&mut s, "bob");
        send(
            &mut s,
            c1,
            "a NOTIFY SET (MAILBOXES FOO (MessageNew MessageExpunge))\r\n",
        );
        send(&mut s, c1, "b IDLE\r\n");
        send(&mut s, c2, "c APPEND FOO {9+}\r\nSubject: \r\n");
        assert_eq!(
            lines_of(&s.take_output(), c1),
            ["* STATUS FOO (MESSAGES 8 UIDNEXT 9 UIDVALIDITY 1700000002)"],
            "{timing}"
        );
    }
}

/// The control API's delivery (an MTA) is told at once under `immediate`, and a mailbox it
/// creates is a MailboxName event.
#[test]
fn control_api_delivery_and_create_are_notified() {
    let mut s = server(&[]);
    let c1 = login(&mut s, "alice");
    send(
        &mut s,
        c1,
        "a NOTIFY SET (INBOXES (MessageNew MessageExpunge MailboxName))\r\n",
    );
    s.take_output();
    s.deliver("Drafts", b"Subject: mta\r\n\r\nhi\r\n", &[])
        .unwrap();
    assert_eq!(
        lines_of(&s.take_output(), c1),
        ["* STATUS Drafts (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 1700000006)"]
    );
    s.create_mailbox("Fresh").unwrap();
    assert_eq!(
        lines_of(&s.take_output(), c1),
        ["* LIST (\\HasNoChildren) \"/\" Fresh"]
    );
}

/// RFC 5465 §5: "The server SHOULD omit notifying the client if the event is caused by this
/// client": its own APPEND to a watched mailbox brings no STATUS, before or after its reply,
/// while another client's does; and without NOTIFY nothing is said of other mailboxes.
#[test]
fn own_changes_are_not_notified_and_nothing_without_notify() {
    let mut s = server(&[]);
    let c1 = login(&mut s, "alice");
    let c2 = login(&mut s, "bob");
    send(&mut s, c2, "x APPEND FOO {9+}\r\nSubject: \r\n");
    send(&mut s, c1, "n NOOP\r\n");
    assert_eq!(lines_of(&s.take_output(), c1), ["n OK NOOP completed"]);
    send(
        &mut s,
        c1,
        "a NOTIFY SET (MAILBOXES FOO (MessageNew MessageExpunge))\r\n",
    );
    send(&mut s, c1, "b APPEND FOO {9+}\r\nSubject: \r\n");
    let own = lines_of(&s.take_output(), c1);
    assert_eq!(own.len(), 1, "{own:?}");
    assert!(own[0].starts_with("b OK [APPENDUID"), "{own:?}");
    send(&mut s, c1, "c NOOP\r\n");
    assert_eq!(lines_of(&s.take_output(), c1), ["c OK NOOP completed"]);
    send(&mut s, c2, "y APPEND FOO {9+}\r\nSubject: \r\n");
    assert_eq!(
        lines_of(&s.take_output(), c1),
        ["* STATUS FOO (MESSAGES 10 UIDNEXT 11 UIDVALIDITY 1700000002)"]
    );
}

/// A SUBTREE or MAILBOXES name that does not exist yet is watched once created (RFC 5465
/// §3.1 "MUST ignore" it at NOTIFY time; §6.4's re-evaluation, applied to names).
#[test]
fn a_name_created_later_is_watched() {
    let mut s = server(&[]);
    let c1 = login(&mut s, "alice");
    let c2 = login(&mut s, "bob");
    send(
        &mut s,
        c1,
        "a NOTIFY SET STATUS (SUBTREE Later (MessageNew MessageExpunge MailboxName))\r\n",
    );
    assert_eq!(lines_of(&s.take_output(), c1), ["a OK NOTIFY completed"]);
    send(&mut s, c2, "b CREATE Later/Box\r\n");
    assert_eq!(
        lines_of(&s.take_output(), c1),
        [
            "* LIST (\\HasChildren) \"/\" Later",
            "* LIST (\\HasNoChildren) \"/\" Later/Box"
        ]
    );
    send(&mut s, c2, "c APPEND Later/Box {9+}\r\nSubject: \r\n");
    let got = lines_of(&s.take_output(), c1);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("* STATUS Later/Box (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "),
        "{got:?}"
    );
}

/// RFC 5465 §5.4: "When INBOX is renamed, a new INBOX is assumed to be created. No MailboxName
/// event is sent for INBOX in this case": the new name is reported as INBOX renamed, and INBOX
/// (empty now, RFC 3501 §6.3.5) gets no LIST.
#[test]
fn a_renamed_inbox_is_reported_with_oldname_inbox() {
    let mut s = server(&[]);
    let c1 = login(&mut s, "alice");
    let c2 = login(&mut s, "alice");
    send(&mut s, c1, "a NOTIFY SET (PERSONAL (MailboxName))\r\n");
    assert_eq!(lines_of(&s.take_output(), c1), ["a OK NOTIFY completed"]);
    // Whenever the notify-timing policy delivers it, by the end of C1's NOOP.
    send(&mut s, c2, "b RENAME INBOX Former\r\n");
    s.receive(c1, b"c NOOP\r\n");
    assert_eq!(
        lines_of(&s.take_output(), c1),
        [
            "* LIST (\\HasNoChildren) \"/\" Former (\"OLDNAME\" (INBOX))",
            "c OK NOOP completed"
        ]
    );
    // A later rename of the new mailbox is an ordinary one.
    send(&mut s, c2, "d RENAME Former Later\r\n");
    s.receive(c1, b"e NOOP\r\n");
    assert_eq!(
        lines_of(&s.take_output(), c1),
        [
            "* LIST (\\HasNoChildren) \"/\" Later (\"OLDNAME\" (Former))",
            "e OK NOOP completed"
        ]
    );
}
