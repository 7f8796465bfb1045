//! MULTIAPPEND (RFC 3502) where a scenario file is not enough: the keyword limit over all the
//! messages together, the framer's limit on literals per command, and the store untouched after
//! any refusal. `scenarios/rfc3502-multiappend.imap` shows the ordinary case with two clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::reply;
use imap_sandbox::server::{Policies, Server, World};

fn drafts(server: &Server) -> usize {
    server.store().by_name("Drafts").unwrap().messages.len()
}

/// `n` messages, each with `keywords` new keywords of its own.
fn multiappend(tag: &str, n: usize, keywords: usize) -> String {
    let mut cmd = format!("{tag} APPEND Drafts");
    for i in 0..n {
        let flags: Vec<String> = (0..keywords).map(|k| format!("$k{i}x{k}")).collect();
        let body = format!("Subject: m{i}\r\n\r\nx\r\n");
        cmd.push_str(&format!(
            " ({}) {{{}+}}\r\n{body}",
            flags.join(" "),
            body.len()
        ));
    }
    cmd.push_str("\r\n");
    cmd
}

#[test]
fn a_multiappend_over_the_keyword_limit_appends_nothing() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = s.connect();
    reply(&mut s, c, "a LOGIN alice alice\r\n");
    // Eight messages with eight new keywords each: 64 new, over the 64 a mailbox holds once
    // the three default keywords are counted; each message alone would fit.
    let out = reply(&mut s, c, multiappend("b", 8, 8));
    assert!(
        out.last().unwrap().starts_with("b NO [LIMIT]")
            && out.last().unwrap().contains("none appended"),
        "{out:?}"
    );
    assert_eq!(drafts(&s), 0);
    // Within the limit: all of them, one APPENDUID set.
    let out = reply(&mut s, c, multiappend("c", 3, 2));
    assert_eq!(
        out.last().unwrap(),
        "c OK [APPENDUID 1700000006 1:3] APPEND completed"
    );
    assert_eq!(drafts(&s), 3);
}

#[test]
fn more_literals_than_a_command_may_carry_is_refused_whole() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = s.connect();
    reply(&mut s, c, "a LOGIN alice alice\r\n");
    // The framer's limit: 16 literals per command (src/protocol/framer.rs, README Limits).
    let out = reply(&mut s, c, multiappend("b", 17, 0));
    let tagged = out.iter().find(|l| l.starts_with("b ")).unwrap();
    assert!(
        tagged.starts_with("b BAD") || tagged.starts_with("b NO"),
        "{out:?}"
    );
    assert_eq!(drafts(&s), 0);
    let out = reply(&mut s, c, "c NOOP\r\n");
    assert_eq!(
        out.last().unwrap(),
        "c OK NOOP completed",
        "the connection goes on"
    );
    let out = reply(&mut s, c, multiappend("d", 16, 0));
    assert!(
        out.last()
            .unwrap()
            .starts_with("d OK [APPENDUID 1700000006 1:16]"),
        "{out:?}"
    );
}
