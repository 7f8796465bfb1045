//! IMAP4rev2 (RFC 9051) beside IMAP4rev1 (RFC 3501) on one mailbox: two sessions, one of
//! which sent `ENABLE IMAP4rev2`, share INBOX while random STOREs, APPENDs and EXPUNGEs change
//! it; each keeps its own protocol's form of every answer and both find the same messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/rng.rs"]
mod rng;

#[path = "common/answer.rs"]
mod answer;
use answer::run;
use imap_sandbox::server::{ClientId, Policies, Server, World};
use std::collections::BTreeSet;

/// `1:3,5` as {1, 2, 3, 5}.
fn expand(set: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for part in set.split(',') {
        let (lo, hi) = part.split_once(':').unwrap_or((part, part));
        let (lo, hi): (u32, u32) = (lo.parse().unwrap(), hi.parse().unwrap());
        out.extend(lo.min(hi)..=lo.max(hi));
    }
    out
}

/// The UIDs of a `UID SEARCH` answer: `* SEARCH ...` for IMAP4rev1, `* ESEARCH (TAG "t") UID
/// [ALL set]` for IMAP4rev2 (RFC 9051 §6.4.4); the other form must not appear.
fn found(lines: &[String], tag: &str, rev2: bool) -> BTreeSet<u32> {
    let search: Vec<&String> = lines.iter().filter(|l| l.starts_with("* SEARCH")).collect();
    let esearch: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("* ESEARCH"))
        .collect();
    assert!(
        lines.last().unwrap().starts_with(&format!("{tag} OK")),
        "{lines:?}"
    );
    if rev2 {
        assert!(
            search.is_empty(),
            "SEARCH to an IMAP4rev2 session: {lines:?}"
        );
        assert_eq!(esearch.len(), 1, "{lines:?}");
        let head = format!("* ESEARCH (TAG \"{tag}\") UID");
        let rest = esearch[0].strip_prefix(&head).expect("correlator and UID");
        match rest.strip_prefix(" ALL ") {
            Some(set) => expand(set),
            None => {
                assert_eq!(rest, "", "{lines:?}");
                BTreeSet::new()
            }
        }
    } else {
        assert!(
            esearch.is_empty(),
            "ESEARCH to an IMAP4rev1 session: {lines:?}"
        );
        assert_eq!(search.len(), 1, "{lines:?}");
        search[0]["* SEARCH".len()..]
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect()
    }
}

/// What RFC 9051 removed never reaches the IMAP4rev2 session (Appendix E item 12: RECENT and
/// `\Recent`; item 11: `[UNSEEN]`), and every FETCH it did not ask for carries the UID
/// (§7.5.2).
fn check_rev2_lines(lines: &[String], solicited_fetch: bool) {
    for l in lines {
        assert!(!l.contains("RECENT") && !l.contains("\\Recent"), "{l}");
        assert!(!l.contains("[UNSEEN"), "{l}");
        if l.starts_with("* ") && l.contains(" FETCH (") && !solicited_fetch {
            assert!(l.contains("UID "), "unsolicited FETCH without UID: {l}");
        }
    }
}

#[test]
fn a_rev1_and_a_rev2_session_share_a_mailbox_each_in_its_own_form() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let (c1, c2, c3) = (s.connect(), s.connect(), s.connect());
    for (c, user) in [(c1, "alice"), (c2, "bob"), (c3, "carol")] {
        let r = run(&mut s, c, &format!("l LOGIN {user} {user}"));
        assert!(r.last().unwrap().starts_with("l OK"), "{r:?}");
    }
    assert_eq!(
        run(&mut s, c2, "e ENABLE IMAP4rev2"),
        ["* ENABLED IMAP4rev2", "e OK ENABLE completed"]
    );
    let r1 = run(&mut s, c1, "s SELECT INBOX");
    assert!(r1.iter().any(|l| l.ends_with(" RECENT")), "{r1:?}");
    assert!(!r1.iter().any(|l| l.starts_with("* LIST")), "{r1:?}");
    let r2 = run(&mut s, c2, "s SELECT INBOX");
    check_rev2_lines(&r2, false);
    assert!(
        r2.contains(&"* LIST (\\HasNoChildren) \"/\" INBOX".to_string()),
        "{r2:?}"
    );

    let mut rng = rng::XorShift(0x9051_3501);
    let mut rev1_recent = 0;
    let mut rev2_fetches = 0;
    let criteria = [
        "ALL",
        "FLAGGED",
        "UNFLAGGED",
        "DELETED",
        "KEYWORD $Junk",
        "SEEN",
    ];
    for step in 0..150 {
        let who = if rng.below(2) == 0 { c1 } else { c2 };
        let op = match rng.below(10) {
            0..=5 => {
                let flag = rng.pick(&["\\Flagged", "\\Deleted", "\\Seen", "$Junk"]);
                let sign = rng.pick(&["+", "-"]);
                format!("UID STORE {}:* {sign}FLAGS ({flag})", 1 + rng.below(12))
            }
            6..=7 => {
                let r = run(&mut s, c3, "c APPEND INBOX {18+}\r\nSubject: x\r\n\r\nbody");
                assert!(r.last().unwrap().starts_with("c OK"), "{r:?}");
                "NOOP".to_string()
            }
            8 => "EXPUNGE".to_string(),
            _ => "NOOP".to_string(),
        };
        let r = run(&mut s, who, &format!("o{step} {op}"));
        assert!(
            r.last().unwrap().starts_with(&format!("o{step} OK")),
            "{op}: {r:?}"
        );
        // A STORE's own FETCH responses are solicited (RFC 9051 §6.4.6 shows them without UID).
        if who == c2 {
            check_rev2_lines(&r, op.contains("STORE"));
        }
        // Each is told of the other's changes, then both search.
        let n1 = run(&mut s, c1, "n NOOP");
        rev1_recent += n1.iter().filter(|l| l.ends_with(" RECENT")).count();
        let n2 = run(&mut s, c2, "n NOOP");
        check_rev2_lines(&n2, false);
        rev2_fetches += n2.iter().filter(|l| l.contains(" FETCH (")).count();
        let key = rng.pick(&criteria);
        let tag = format!("q{step}");
        let line = format!("{tag} UID SEARCH {key}");
        let a = found(&run(&mut s, c1, &line), &tag, false);
        let b = run(&mut s, c2, &line);
        check_rev2_lines(&b, false);
        assert_eq!(a, found(&b, &tag, true), "step {step}: {key}");
    }
    // The IMAP4rev1 session was told RECENT after the arrivals it saw.
    assert!(rev1_recent > 0);
    // And the IMAP4rev2 one got flag changes it did not ask for, each with its UID.
    assert!(rev2_fetches > 10, "{rev2_fetches}");
}

/// STATUS DELETED and SIZE (RFC 9051 §6.3.11) for an IMAP4rev2 session, BAD for an IMAP4rev1
/// one (RFC 3501 §6.3.10 has neither).
#[test]
fn status_deleted_and_size_need_imap4rev2() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = s.connect();
    run(&mut s, c, "l LOGIN alice alice");
    let r = run(&mut s, c, "a STATUS FOO (MESSAGES SIZE)");
    assert_eq!(r.len(), 1);
    assert!(
        r[0].starts_with("a BAD DELETED and SIZE are IMAP4rev2"),
        "{r:?}"
    );
    // The same for LIST-STATUS (RFC 5819 §2 takes STATUS's items). (DELETED alone is no
    // longer IMAP4rev2-only with the `quota` feature: RFC 9208 §4.1.4 makes it a STATUS item
    // wherever QUOTA=RES-MESSAGE is advertised.)
    let r = run(&mut s, c, "d LIST \"\" FOO RETURN (STATUS (MESSAGES SIZE))");
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].starts_with("d BAD DELETED and SIZE"), "{r:?}");
    run(&mut s, c, "e ENABLE IMAP4rev2");
    let r = run(
        &mut s,
        c,
        "g LIST \"\" FOO RETURN (STATUS (MESSAGES DELETED))",
    );
    assert!(
        r.iter().any(|l| l == "* STATUS FOO (MESSAGES 7 DELETED 0)"),
        "{r:?}"
    );
    run(&mut s, c, "s SELECT FOO");
    run(&mut s, c, "t STORE 1:2 +FLAGS (\\Deleted)");
    let r = run(&mut s, c, "b STATUS INBOX (DELETED SIZE)");
    let sizes = run(&mut s, c, "f FETCH 1:* RFC822.SIZE");
    let r2 = run(&mut s, c, "c STATUS FOO (MESSAGES DELETED SIZE)");
    assert!(r[0].starts_with("* STATUS INBOX (DELETED 0 SIZE "), "{r:?}");
    let total: u64 = sizes
        .iter()
        .filter_map(|l| l.split("RFC822.SIZE ").nth(1))
        .map(|n| n.trim_end_matches(')').parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        r2[0],
        format!("* STATUS FOO (MESSAGES 7 DELETED 2 SIZE {total})")
    );
}

/// NOTIFY's MessageNew FETCH (RFC 5465 §5.2) is unsolicited, so an IMAP4rev2 session gets the
/// UID in it though it did not name UID (RFC 9051 §7.5.2); an IMAP4rev1 session gets what it
/// named.
#[test]
fn notify_message_new_fetch_carries_the_uid_for_imap4rev2() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let (c1, c2, c3) = (s.connect(), s.connect(), s.connect());
    for (c, user) in [(c1, "alice"), (c2, "bob"), (c3, "carol")] {
        run(&mut s, c, &format!("l LOGIN {user} {user}"));
    }
    run(&mut s, c2, "e ENABLE IMAP4rev2");
    for c in [c1, c2] {
        run(&mut s, c, "s SELECT FOO");
        let r = run(
            &mut s,
            c,
            "n NOTIFY SET (SELECTED (MessageNew (FLAGS) MessageExpunge))",
        );
        assert_eq!(r.last().unwrap(), "n OK NOTIFY completed", "{r:?}");
    }
    s.take_output();
    s.receive(c3, b"a APPEND FOO {18+}\r\nSubject: x\r\n\r\nbody\r\n");
    let out = s.take_output();
    let lines = |c: ClientId| answer::lines_of(&out, c);
    assert_eq!(
        lines(c1),
        ["* 8 EXISTS", "* 1 RECENT", "* 8 FETCH (FLAGS (\\Recent))"]
    );
    assert_eq!(lines(c2), ["* 8 EXISTS", "* 8 FETCH (FLAGS () UID 8)"]);
}

/// RFC 3501 §9 `TEXT-CHAR` is 7-bit, so an IMAP4rev1 session's response text is ASCII (the
/// server's "§" written "section"); after ENABLE IMAP4rev2 it may be UTF-8 (RFC 9051
/// Appendix E item 24), and the same refusal keeps its "§".
#[test]
fn response_text_is_ascii_for_imap4rev1_and_utf8_after_enable() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let (c1, c2) = (s.connect(), s.connect());
    for c in [c1, c2] {
        run(&mut s, c, "l LOGIN alice alice");
    }
    // RFC 5161 §3.1: ENABLE before SELECT.
    run(&mut s, c2, "e ENABLE IMAP4rev2");
    for c in [c1, c2] {
        run(&mut s, c, "s SELECT FOO");
    }
    let bad = "UID FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)";
    let r1 = run(&mut s, c1, &format!("a {bad}"));
    let r2 = run(&mut s, c2, &format!("b {bad}"));
    assert_eq!(
        r1.last().unwrap(),
        "a BAD VANISHED without ENABLE QRESYNC first (RFC 7162 section 3.2.6)"
    );
    assert_eq!(
        r2.last().unwrap(),
        "b BAD VANISHED without ENABLE QRESYNC first (RFC 7162 §3.2.6)"
    );
    assert!(r1.iter().all(|l| l.is_ascii()), "{r1:?}");
}

/// An IMAP4rev2 session that selects a mailbox first takes `\Recent` from the IMAP4rev1 session
/// that selects it after: RFC 3501 §2.3.2 gives it to "the first session to have been notified
/// about this message", whatever that session speaks, and RFC 9051 (Appendix E item 12) only
/// stops showing it to IMAP4rev2 sessions. EXAMINE claims nothing (RFC 3501 §6.3.2), in either.
#[test]
fn an_imap4rev2_session_selecting_first_takes_recent_from_imap4rev1() {
    for (rev2_command, rev1_recent) in [
        ("s SELECT FOO", "* 0 RECENT"),
        ("s EXAMINE FOO", "* 1 RECENT"),
    ] {
        let mut s = Server::new(World::default_world(), Policies::default());
        let (c1, c2) = (s.connect(), s.connect());
        run(&mut s, c1, "l LOGIN alice alice");
        run(&mut s, c2, "l LOGIN bob bob");
        let a = run(&mut s, c1, "a APPEND FOO {7+}\r\nHi: x\r\n");
        assert!(a.last().unwrap().starts_with("a OK"), "{a:?}");
        run(&mut s, c2, "e ENABLE IMAP4rev2");
        let r2 = run(&mut s, c2, rev2_command);
        assert!(!r2.iter().any(|l| l.contains("RECENT")), "{r2:?}");
        let r1 = run(&mut s, c1, "s SELECT FOO");
        assert!(
            r1.contains(&rev1_recent.to_string()),
            "{rev2_command}: {r1:?}"
        );
        let f1 = run(&mut s, c1, "f FETCH 8 FLAGS");
        assert_eq!(
            f1.first().is_some_and(|l| l.contains("\\Recent")),
            rev2_command.contains("EXAMINE"),
            "{rev2_command}: {f1:?}"
        );
    }
}
