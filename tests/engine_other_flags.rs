//! The other-flags-changed decision point (RFC 7162 §3.1.12) in the cases its scenario
//! (`rfc7162-3.1.12-other-flags`) does not show: -FLAGS, a named flag another client changed,
//! UNCHANGEDSINCE 0, and the flags owed to a session under `code-only`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::answer;
use imap_sandbox::server::{ClientId, Policies, Server, World};

/// C1 (CONDSTORE) and C2 have FOO selected; C2 set `\Deleted` and `\Seen` on message 1 (mod-
/// sequence 2 before), C1 was not told.
fn changed_by_c2(policy: &str) -> (Server, ClientId) {
    let mut policies = Policies::default();
    policies.set_assignment(policy).unwrap();
    let mut server = Server::new(World::default_world(), policies);
    let (c1, c2) = (server.connect(), server.connect());
    server.receive(c1, b"a LOGIN alice alice\r\nb SELECT FOO (CONDSTORE)\r\n");
    server.receive(c2, b"a LOGIN bob bob\r\nb SELECT FOO\r\n");
    server.receive(c2, b"c STORE 1 +FLAGS.SILENT (\\Deleted \\Seen)\r\n");
    let _ = server.take_output();
    (server, c1)
}

fn last(lines: &[String]) -> &str {
    lines.last().map(String::as_str).unwrap_or_default()
}

#[test]
fn minus_flags_of_an_untouched_flag_is_stored_anyway() {
    let (mut server, c1) = changed_by_c2("other-flags-changed=apply-other-flags");
    let lines = answer(
        &mut server,
        c1,
        "t STORE 1 (UNCHANGEDSINCE 2) -FLAGS (\\Flagged)",
    );
    assert_eq!(last(&lines), "t OK STORE completed", "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("* 1 FETCH (FLAGS (\\Deleted \\Seen) MODSEQ (")),
        "{lines:?}"
    );
    // Under strict the same STORE fails.
    let (mut server, c1) = changed_by_c2("other-flags-changed=strict");
    let lines = answer(
        &mut server,
        c1,
        "t STORE 1 (UNCHANGEDSINCE 2) -FLAGS (\\Flagged)",
    );
    assert!(last(&lines).starts_with("t OK [MODIFIED 1]"), "{lines:?}");
}

#[test]
fn a_named_flag_another_client_changed_still_fails() {
    for policy in [
        "other-flags-changed=apply-other-flags",
        "other-flags-changed=strict",
    ] {
        let (mut server, c1) = changed_by_c2(policy);
        let lines = answer(
            &mut server,
            c1,
            "t STORE 1 (UNCHANGEDSINCE 2) +FLAGS.SILENT (\\Flagged \\Seen)",
        );
        assert!(
            last(&lines).starts_with("t OK [MODIFIED 1]"),
            "{policy}: {lines:?}"
        );
        // Under code-only C1 is still owed C2's change, and hears it now.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("* 1 FETCH (FLAGS (\\Deleted \\Seen) MODSEQ (")),
            "{policy}: {lines:?}"
        );
    }
}

#[test]
fn unchangedsince_0_always_fails() {
    let (mut server, c1) = changed_by_c2("other-flags-changed=apply-other-flags");
    let lines = answer(
        &mut server,
        c1,
        "t STORE 2 (UNCHANGEDSINCE 0) +FLAGS (\\Flagged)",
    );
    assert_eq!(
        last(&lines),
        "t OK [MODIFIED 2] Conditional STORE failed",
        "{lines:?}"
    );
}

/// RFC 7162 §3.1.12: "the optimization described in this section can't be performed in case of
/// a conditional STORE FLAGS".
#[test]
fn store_flags_always_fails() {
    let (mut server, c1) = changed_by_c2("other-flags-changed=apply-other-flags");
    let lines = answer(
        &mut server,
        c1,
        "t STORE 1 (UNCHANGEDSINCE 2) FLAGS.SILENT (\\Flagged)",
    );
    assert_eq!(
        last(&lines),
        "t OK [MODIFIED 1] Conditional STORE failed",
        "{lines:?}"
    );
}
