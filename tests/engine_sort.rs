//! SORT and THREAD (RFC 5256) and SORT=DISPLAY (RFC 5957) through the engine, on messages
//! appended by the test: encoded words, missing headers, bad arguments and the work limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

#[path = "common/answer.rs"]
mod answer;
use answer::reply;
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
        let out = reply(&mut s, c, format!("s SORT ({keys}) UTF-8 ALL\r\n"));
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
    let out = reply(
        &mut s,
        c,
        "u UID SORT (REVERSE SIZE) US-ASCII NOT SUBJECT apple\r\n",
    );
    assert_eq!(out, ["* SORT 1 3 2", "u OK UID SORT completed"]);
    let out = reply(&mut s, c, "t THREAD ORDEREDSUBJECT UTF-8 ALL\r\n");
    assert_eq!(out, ["* THREAD (2)(3 1)(4)", "t OK THREAD completed"]);
}

/// RFC 5256 §3: the charset is mandatory; only US-ASCII and UTF-8 here, others are NO with
/// BADCHARSET. Malformed arguments are BAD with a reason; SORT needs a selected mailbox.
#[test]
fn bad_sort_and_thread_commands_rfc5256_3() {
    let (mut s, c) = with_messages(&messages());
    let out = reply(&mut s, c, "a SORT (SUBJECT) KOI8-R ALL\r\n");
    assert_eq!(
        out,
        ["a NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI8-R"]
    );
    let out = reply(&mut s, c, "a THREAD REFERENCES koi8-r ALL\r\n");
    assert!(out[0].starts_with("a NO [BADCHARSET"), "{out:?}");
    for (line, why) in [
        ("b SORT SUBJECT UTF-8 ALL\r\n", "Expected ("),
        ("b SORT () UTF-8 ALL\r\n", "Expected list item"),
        ("b SORT (NAME) UTF-8 ALL\r\n", "Expected sort key"),
        ("b SORT (SUBJECT) ALL\r\n", "Missing argument"),
        ("b SORT (SUBJECT) UTF-8 BOGUS\r\n", "Expected search key"),
        ("b UID THREAD\r\n", "Missing argument"),
    ] {
        let out = reply(&mut s, c, line);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].starts_with("b BAD ") && out[0].contains(why),
            "{line:?}: {out:?}"
        );
    }
    let out = reply(&mut s, c, "b THREAD NEWALG UTF-8 ALL\r\n");
    assert!(
        out[0].starts_with("b BAD Unknown threading algorithm NEWALG"),
        "{out:?}"
    );
    let out = reply(&mut s, c, "e UNSELECT\r\nf SORT (DATE) UTF-8 ALL\r\n");
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
    let out = reply(
        &mut s,
        c,
        "a SORT (SUBJECT FROM TO CC DATE DISPLAYFROM DISPLAYTO) UTF-8 ALL\r\n",
    );
    assert!(out[0].starts_with("a NO [LIMIT] "), "{out:?}");
    let out = reply(&mut s, c, "b SORT (SUBJECT ARRIVAL SIZE) UTF-8 ALL\r\n");
    assert_eq!(out, ["* SORT 1 2", "b OK SORT completed"]);
}

/// Recorded from dovecot 2.3.19.1 by `tests/dovecot/sort_reference.py` on the same messages (FOO's
/// seven, then twelve crafted ones: base subjects with blobs, `(fwd)` and `[fwd: ...]`, encoded
/// display names, an unparseable Date, missing parents, a duplicate Message-ID, a References
/// loop, a reply and an original with one subject, two originals with one): every answer is
/// the same here.
#[test]
fn sort_and_thread_match_dovecot_2_3_19() {
    let crafted: [&[u8]; 12] = [
        b"Message-ID: <x1@t>\r\nSubject: [list] Re: Fwd: Hello (fwd)\r\nFrom: =?utf-8?q?Zo=C3=AB?= <zoe@t>\r\nDate: 1 Jan 2024 10:00:00 +0500\r\n\r\nx\r\n",
        b"Message-ID: <x2@t>\r\nReferences: <x1@t> <missing@t>\r\nSubject: hello\r\nFrom: adam@t\r\nDate: 1 Jan 2024 06:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x3@t>\r\nReferences: <missing@t>\r\nSubject: [fwd: HELLO]\r\nFrom: Bea <bea@t>\r\nDate: bogus\r\n\r\nx\r\n",
        b"Message-ID: <x4@t>\r\nIn-Reply-To: <nothere@t>\r\nSubject: Other\r\nTo: \"Yves\" <y@t>\r\nDate: 2 Jan 2024 00:00:00 -0800\r\n\r\nx\r\n",
        b"Message-ID: <x5@t>\r\nIn-Reply-To: <nothere@t>\r\nSubject: Re: other\r\nCc: c@t\r\nDate: 2 Jan 2024 01:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x1@t>\r\nSubject: dup id\r\nDate: 3 Jan 2024 01:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x7@t>\r\nReferences: <x8@t>\r\nSubject: loop a\r\nDate: 3 Jan 2024 02:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x8@t>\r\nReferences: <x7@t>\r\nSubject: loop b\r\nDate: 3 Jan 2024 03:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x9@t>\r\nSubject: Re: same\r\nDate: 3 Jan 2024 04:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x10@t>\r\nSubject: same\r\nDate: 3 Jan 2024 05:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x11@t>\r\nSubject: twin\r\nDate: 3 Jan 2024 06:00:00 +0000\r\n\r\nx\r\n",
        b"Message-ID: <x12@t>\r\nSubject: twin\r\nDate: 3 Jan 2024 07:00:00 +0000\r\n\r\nx\r\n",
    ];
    let mut server = Server::new(World::default_world(), Policies::default());
    let c = server.connect();
    server.receive(c, b"a LOGIN alice alice\r\nb CREATE srt\r\n");
    for raw in imap_sandbox::server::mime::samples::SAMPLE_MESSAGES
        .iter()
        .filter(|(name, _)| name.starts_with("foo-"))
        .map(|(_, raw)| *raw)
    {
        let mut line = format!("c APPEND srt {{{}+}}\r\n", raw.len()).into_bytes();
        line.extend_from_slice(raw);
        line.extend_from_slice(b"\r\n");
        server.receive(c, &line);
    }
    for (i, raw) in crafted.iter().enumerate() {
        let mut line = format!(
            "c APPEND srt \"{:02}-Feb-2024 10:00:00 +0000\" {{{}+}}\r\n",
            i + 1,
            raw.len()
        )
        .into_bytes();
        line.extend_from_slice(raw);
        line.extend_from_slice(b"\r\n");
        server.receive(c, &line);
    }
    server.receive(c, b"d SELECT srt\r\n");
    let _ = server.take_output();
    for (command, dovecot) in [
        (
            "SORT (SUBJECT) UTF-8 ALL",
            "* SORT 13 8 9 10 14 15 5 6 7 11 12 1 2 3 4 16 17 18 19",
        ),
        (
            "SORT (REVERSE SUBJECT) UTF-8 ALL",
            "* SORT 18 19 16 17 1 2 3 4 11 12 5 6 7 15 14 8 9 10 13",
        ),
        (
            "SORT (DATE) UTF-8 ALL",
            "* SORT 8 9 12 11 13 14 15 16 17 18 19 10 1 2 3 4 5 6 7",
        ),
        (
            "SORT (REVERSE DATE) UTF-8 ALL",
            "* SORT 7 6 5 4 3 2 1 10 19 18 17 16 15 14 13 11 12 9 8",
        ),
        (
            "SORT (FROM) UTF-8 ALL",
            "* SORT 11 12 13 14 15 16 17 18 19 9 1 4 10 2 7 3 5 6 8",
        ),
        (
            "SORT (TO) UTF-8 ALL",
            "* SORT 8 9 10 12 13 14 15 16 17 18 19 1 2 3 4 5 6 7 11",
        ),
        (
            "SORT (CC) UTF-8 ALL",
            "* SORT 1 3 5 6 7 8 9 10 11 13 14 15 16 17 18 19 2 4 12",
        ),
        (
            "SORT (SIZE) UTF-8 ALL",
            "* SORT 17 18 19 13 16 14 15 10 12 11 9 8 7 6 4 5 3 1 2",
        ),
        (
            "SORT (ARRIVAL) UTF-8 ALL",
            "* SORT 8 9 10 11 12 13 14 15 16 17 18 19 1 2 3 4 5 6 7",
        ),
        (
            "SORT (DISPLAYFROM) UTF-8 ALL",
            "* SORT 11 12 13 14 15 16 17 18 19 9 1 4 10 2 7 3 5 6 8",
        ),
        (
            "SORT (DISPLAYTO) UTF-8 ALL",
            "* SORT 8 9 10 12 13 14 15 16 17 18 19 1 2 3 4 5 6 7 11",
        ),
        (
            "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
            "* SORT 13 10 9 8 14 15 7 6 5 11 12 4 3 2 1 17 16 19 18",
        ),
        (
            "THREAD ORDEREDSUBJECT UTF-8 ALL",
            "* THREAD (8 (9)(10))(12 11)(13)(14)(15)(16 17)(18 19)(1 (2)(3)(4))(5 (6)(7))",
        ),
        (
            "THREAD REFERENCES UTF-8 ALL",
            "* THREAD (8 (9)(10))((12)(11))(13)(15 14)(17 16)((18)(19))(1 2 3 4)(5 6 7)",
        ),
        (
            "UID THREAD REFERENCES UTF-8 NOT SUBJECT twin",
            "* THREAD (8 (9)(10))((12)(11))(13)(15 14)(17 16)(1 2 3 4)(5 6 7)",
        ),
    ] {
        let out = reply(&mut server, c, format!("t {command}\r\n"));
        assert_eq!(out[0], dovecot, "{command}");
        assert!(out[1].starts_with("t OK "), "{command}: {out:?}");
    }
}

/// The i;unicode-casemap comparator (RFC 5256 §7, RFC 5051) on accented and special letters,
/// against dovecot 2.3.19.1 (`tests/dovecot/sort_reference.py`, mailbox "uni"): titlecase then
/// decomposition (é after e, ª a lower-case a after every capital), ß and Ø as written, a
/// no-break space trimmed like a space.
#[test]
fn unicode_subjects_sort_as_dovecot_2_3_19() {
    let subjects = [
        "cafz", "café", "cafe", "Ébène", "ezra", "Ezra", "straße", "strasse", "strast", "ÿes",
        "yet", "Øre", "ore", "öre", "Ǆx", "ǅy", "ªz", "ab", "b", "ĳa", "ik", "ij", "2x", "²y",
        "\u{a0}q", " r", "Dzz", "Ez",
    ];
    let raws: Vec<String> = subjects
        .iter()
        .map(|s| format!("Subject: {s}\nDate: 1 Jan 2024 10:00:00 +0000\n\nx"))
        .collect();
    let messages: Vec<(&str, &str)> = raws
        .iter()
        .map(|r| ("01-Jan-2024 10:00:00 +0000", r.as_str()))
        .collect();
    let (mut s, c) = with_messages(&messages);
    let out = reply(&mut s, c, "u SORT (SUBJECT) UTF-8 ALL\r\n");
    assert_eq!(
        out,
        [
            "* SORT 23 24 18 19 3 2 1 27 28 5 6 4 22 20 21 13 14 25 26 8 9 7 11 10 17 12 15 16",
            "u OK SORT completed"
        ]
    );
}

/// RFC 7162 §3.1.9: a SORT with a MODSEQ search key ends a non-empty result with the highest
/// mod-sequence of the messages returned, and an empty one without it; one without the key
/// carries none. SORT is not a CONDSTORE enabling command (§3.1), so no HIGHESTMODSEQ follows.
#[test]
fn sort_with_a_modseq_key_reports_the_highest_rfc7162_3_1_9() {
    let (mut server, c) = with_messages(&messages());
    let stored = reply(&mut server, c, "e STORE 2 +FLAGS.SILENT (\\Flagged)\r\n");
    assert!(stored.iter().any(|l| l.starts_with("e OK")), "{stored:?}");
    let modseqs = reply(&mut server, c, "f FETCH 1:* (MODSEQ)\r\n");
    let highest = modseqs
        .iter()
        .filter_map(|l| l.split("MODSEQ (").nth(1))
        .filter_map(|m| m.trim_end_matches("))").parse::<u64>().ok())
        .max()
        .unwrap();
    let sorted = reply(&mut server, c, "g SORT (SUBJECT) UTF-8 MODSEQ 1\r\n");
    assert_eq!(
        sorted[0],
        format!("* SORT 4 1 3 2 (MODSEQ {highest})"),
        "{sorted:?}"
    );
    let flagged = reply(
        &mut server,
        c,
        "h UID SORT (ARRIVAL) UTF-8 FLAGGED MODSEQ 1\r\n",
    );
    assert_eq!(
        flagged[0],
        format!("* SORT 2 (MODSEQ {highest})"),
        "{flagged:?}"
    );
    let none = reply(
        &mut server,
        c,
        format!("i SORT (ARRIVAL) UTF-8 MODSEQ {}\r\n", highest + 1),
    );
    assert_eq!(none[0], "* SORT", "{none:?}");
    let plain = reply(&mut server, c, "j SORT (ARRIVAL) UTF-8 ALL\r\n");
    assert_eq!(plain[0], "* SORT 1 2 3 4", "{plain:?}");
}
