//! SORT and THREAD (RFC 5256) and SORT=DISPLAY (RFC 5957) through the engine, on messages
//! appended by the test: encoded words, missing headers, bad arguments and the work limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use imap_sandbox::server::{Policies, Server, World};

/// A server with `messages` appended to a new mailbox `S` (INTERNALDATE from the literal's
/// APPEND date), selected by one client.
fn with_messages(messages: &[(&str, &str)]) -> (Server, imap_sandbox::server::ClientId) {
    let mut server = Server::new(World::default_world(), Policies::default());
    let c = server.connect();
    server.receive(c, b"a LOGIN alice alice\r\nb CREATE S\r\n");
    for (date, m) in messages {
        let raw = m.replace('\n', "\r\n");
        let line = format!("c APPEND S \"{date}\" {{{}+}}\r\n{raw}\r\n", raw.len());
        server.receive(c, line.as_bytes());
    }
    server.receive(c, b"d SELECT S\r\n");
    let out = server.take_output();
    let text: Vec<String> = out
        .iter()
        .map(|o| String::from_utf8_lossy(&o.bytes).to_string())
        .collect();
    assert!(
        text.iter().filter(|l| l.starts_with("c OK")).count() == messages.len(),
        "{text:?}"
    );
    (server, c)
}

fn run(server: &mut Server, c: imap_sandbox::server::ClientId, command: &str) -> Vec<String> {
    server.receive(c, command.as_bytes());
    server
        .take_output()
        .iter()
        .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
        .collect()
}

fn messages() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "01-Jan-2024 10:00:00 +0000",
            "From: =?utf-8?q?Zo=C3=AB?= <zoe@example.org>\nTo: b@x\nSubject: =?utf-8?q?Re=3A_caf=C3=A9?=\nDate: 3 Jan 2024 10:00:00 +0000\n\nbody",
        ),
        (
            "02-Jan-2024 10:00:00 +0000",
            "From: adam@example.org\nTo: \"Yves\" <a@x>\nSubject: [list] Fwd: zebra\n\nlonger body text",
        ),
        (
            "03-Jan-2024 10:00:00 +0000",
            "From: Bea <bea@example.org>\nCc: c@x\nSubject: CAFÉ (fwd)\nDate: 2 Jan 2024 23:00:00 -0300\n\nb",
        ),
        (
            "04-Jan-2024 10:00:00 +0000",
            "From: <>\nSubject: apple\nDate: not a date\n\nbody",
        ),
    ]
}

/// RFC 5256 §2.1 base subjects (encoded words decoded, Re:/Fwd:/[blob]/(fwd) removed), §2.2
/// sent dates (zones applied; a missing or unparseable Date: is the INTERNALDATE), §3 address
/// keys (local part of the first address), RFC 5957 §3 display names.
#[test]
fn every_sort_key_on_appended_messages_rfc5256_3() {
    let (mut s, c) = with_messages(&messages());
    let mut sort = |keys: &str| {
        let out = run(&mut s, c, &format!("s SORT ({keys}) UTF-8 ALL\r\n"));
        assert_eq!(out[1], "s OK SORT completed", "{out:?}");
        out[0].clone()
    };
    // apple, café (2), CAFÉ (3), zebra. "café" and "CAFÉ" are equal under the casemap:
    // sequence order breaks the tie.
    assert_eq!(sort("SUBJECT"), "* SORT 4 1 3 2");
    assert_eq!(sort("REVERSE SUBJECT"), "* SORT 2 1 3 4");
    // 4: no valid date, so its INTERNALDATE (4 Jan 10:00); 2: none, 2 Jan 10:00; 3: 3 Jan
    // 02:00 UTC; 1: 3 Jan 10:00.
    assert_eq!(sort("DATE"), "* SORT 2 3 1 4");
    assert_eq!(sort("ARRIVAL"), "* SORT 1 2 3 4");
    assert_eq!(sort("REVERSE ARRIVAL"), "* SORT 4 3 2 1");
    assert_eq!(sort("SIZE"), "* SORT 4 2 3 1");
    // "<>" has no local part (dovecot's MISSING_MAILBOX placeholder sorts with the rest).
    assert_eq!(sort("FROM"), "* SORT 2 3 4 1");
    // No To: or Cc: is the empty string, which sorts first.
    assert_eq!(sort("TO"), "* SORT 3 4 2 1");
    assert_eq!(sort("CC"), "* SORT 1 2 4 3");
    // RFC 5957: "Zoë" decoded, "adam@example.org" (no name), "Bea"; "Yves" for To.
    assert_eq!(sort("DISPLAYFROM"), "* SORT 2 3 4 1");
    assert_eq!(sort("DISPLAYTO"), "* SORT 3 4 1 2");
    assert_eq!(sort("SUBJECT REVERSE DATE"), "* SORT 4 1 3 2");
    // UID SORT answers UIDs; SORT's search criteria narrow first.
    let out = run(
        &mut s,
        c,
        "u UID SORT (REVERSE SIZE) US-ASCII NOT SUBJECT apple\r\n",
    );
    assert_eq!(out, ["* SORT 1 3 2", "u OK UID SORT completed"]);
    let out = run(&mut s, c, "t THREAD ORDEREDSUBJECT UTF-8 ALL\r\n");
    assert_eq!(out, ["* THREAD (2)(3 1)(4)", "t OK THREAD completed"]);
}

/// RFC 5256 §3: the charset is mandatory; only US-ASCII and UTF-8 here, others are NO with
/// BADCHARSET. Malformed arguments are BAD with a reason; SORT needs a selected mailbox.
#[test]
fn bad_sort_and_thread_commands_rfc5256_3() {
    let (mut s, c) = with_messages(&messages());
    let out = run(&mut s, c, "a SORT (SUBJECT) KOI8-R ALL\r\n");
    assert_eq!(
        out,
        ["a NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI8-R"]
    );
    let out = run(&mut s, c, "a THREAD REFERENCES koi8-r ALL\r\n");
    assert!(out[0].starts_with("a NO [BADCHARSET"), "{out:?}");
    for (line, why) in [
        ("b SORT SUBJECT UTF-8 ALL\r\n", "Expected ("),
        ("b SORT () UTF-8 ALL\r\n", "Expected list item"),
        ("b SORT (NAME) UTF-8 ALL\r\n", "Expected sort key"),
        ("b SORT (SUBJECT) ALL\r\n", "Missing argument"),
        ("b SORT (SUBJECT) UTF-8 BOGUS\r\n", "Expected search key"),
        ("b UID THREAD\r\n", "Missing argument"),
    ] {
        let out = run(&mut s, c, line);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].starts_with("b BAD ") && out[0].contains(why),
            "{line:?}: {out:?}"
        );
    }
    let out = run(&mut s, c, "b THREAD NEWALG UTF-8 ALL\r\n");
    assert!(
        out[0].starts_with("b BAD Unknown threading algorithm NEWALG"),
        "{out:?}"
    );
    let out = run(&mut s, c, "e UNSELECT\r\nf SORT (DATE) UTF-8 ALL\r\n");
    assert_eq!(
        out.last().unwrap(),
        "f BAD SORT needs a selected mailbox (SELECT or EXAMINE)"
    );
}

/// The SEARCH work limit (`server::limits`) counts each header-reading sort key: seven of them
/// over 16 MB of headers is refused with NO [LIMIT] before any work; one is allowed.
#[test]
fn header_sort_keys_count_against_the_read_limit() {
    let big = format!("Subject: x\nX-Big: {}\n\nbody", "y".repeat(8 << 20));
    let (mut s, c) = with_messages(&[
        ("01-Jan-2024 10:00:00 +0000", big.as_str()),
        ("02-Jan-2024 10:00:00 +0000", big.as_str()),
    ]);
    let out = run(
        &mut s,
        c,
        "a SORT (SUBJECT FROM TO CC DATE DISPLAYFROM DISPLAYTO) UTF-8 ALL\r\n",
    );
    assert!(out[0].starts_with("a NO [LIMIT] "), "{out:?}");
    let out = run(&mut s, c, "b SORT (SUBJECT ARRIVAL SIZE) UTF-8 ALL\r\n");
    assert_eq!(out, ["* SORT 1 2", "b OK SORT completed"]);
}
