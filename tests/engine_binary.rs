//! BINARY (RFC 3516; RFC 9051 §6.4.5's FETCH items) on the default world's MIME messages:
//! base64 and quoted-printable parts decoded, partials of the decoded data, `\Seen`, `[UNKNOWN-CTE]`,
//! NUL octets sent as `literal8` and appended with `~{n}`, and a FETCH of a message another
//! session expunged. Byte-exact, since literal8 data cannot be written in a scenario file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use imap_sandbox::server::{ClientId, Policies, Server, World};

fn run(server: &mut Server, c: ClientId, bytes: &[u8]) -> Vec<u8> {
    server.receive(c, bytes);
    server
        .take_output()
        .iter()
        .flat_map(|o| o.bytes.clone())
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn inbox(policies: Policies) -> (Server, ClientId) {
    let mut s = Server::new(World::default_world(), policies);
    let c = s.connect();
    run(&mut s, c, b"a LOGIN alice alice\r\n");
    run(&mut s, c, b"b SELECT INBOX\r\n");
    (s, c)
}

/// The decoded PDF of inbox-2-attachment.eml's part 2 (base64), as Dovecot 2.3.19.1 answers it
/// (tests/servers/transcripts/dovecot-2.3.19.1/extra-rfc3516-binary.txt).
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

#[test]
fn a_base64_attachment_is_decoded_rfc3516_4_2() {
    let (mut s, c) = inbox(Policies::default());
    let out = run(&mut s, c, b"c FETCH 2 (BINARY.SIZE[2] BINARY.PEEK[2])\r\n");
    let mut want = b"* 2 FETCH (BINARY.SIZE[2] 79 BINARY[2] {79}\r\n".to_vec();
    want.extend_from_slice(PDF);
    want.extend_from_slice(b")\r\nc OK FETCH completed\r\n");
    assert_eq!(text(&out), text(&want));
    assert_eq!(PDF.len(), 79);
    // Part 1 is 7bit text: as stored, 36 octets, as Dovecot answers.
    let out = run(&mut s, c, b"c2 FETCH 2 BINARY.SIZE[1]\r\n");
    assert_eq!(
        text(&out),
        "* 2 FETCH (BINARY.SIZE[1] 36)\r\nc2 OK FETCH completed\r\n"
    );
    // The partial counts decoded octets (RFC 3516 §4.2); past the end it is empty.
    let out = run(
        &mut s,
        c,
        b"d FETCH 2 (BINARY.PEEK[2]<4.6> BINARY.PEEK[2]<200.10>)\r\n",
    );
    assert_eq!(
        text(&out),
        "* 2 FETCH (BINARY[2]<4> {6}\r\n-1.4\n% BINARY[2]<200> \"\")\r\nd OK FETCH completed\r\n"
    );
}

#[test]
fn quoted_printable_is_decoded_and_text_lines_end_in_crlf_rfc3516_6() {
    let (mut s, c) = inbox(Policies::default());
    // inbox-1-alternative.eml part 2: a soft line break joined.
    let out = run(&mut s, c, b"c FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])\r\n");
    let html = "<html><body><p>Welcome! Try <b>FETCH 1 BODYSTRUCTURE</b>.</p></body></html>\r\n";
    assert_eq!(
        text(&out),
        format!(
            "* 1 FETCH (BINARY[2] {{{}}}\r\n{html} BINARY.SIZE[2] {})\r\nc OK FETCH completed\r\n",
            html.len(),
            html.len()
        )
    );
    // inbox-4-encoded.eml is not multipart: its part 1 is its body, in UTF-8 once decoded.
    let out = run(&mut s, c, b"d FETCH 4 (BINARY.PEEK[1])\r\n");
    assert_eq!(
        text(&out),
        "* 4 FETCH (BINARY[1] {33}\r\nMenü: Kaffee, Kuchen, Crêpes.\r\n)\r\nd OK FETCH completed\r\n"
    );
}

#[test]
fn binary_sets_seen_and_binary_peek_does_not_rfc3516_4_2() {
    let (mut s, c) = inbox(Policies::default());
    // inbox-4-encoded.eml is unread in the default world.
    let out = run(&mut s, c, b"c FETCH 4 (BINARY.PEEK[1] FLAGS)\r\n");
    assert!(text(&out).contains("FLAGS ())"), "{}", text(&out));
    let out = run(&mut s, c, b"d FETCH 4 (BINARY[1]<0.3>)\r\n");
    assert_eq!(
        text(&out),
        "* 4 FETCH (BINARY[1]<0> \"Men\" FLAGS (\\Seen))\r\nd OK FETCH completed\r\n"
    );
}

#[test]
fn sections_other_than_part_numbers_are_bad_rfc3516_7() {
    let (mut s, c) = inbox(Policies::default());
    for item in [
        "BINARY[HEADER]",
        "BINARY.PEEK[1.MIME]",
        "BINARY.SIZE[2]<0.4>",
    ] {
        let out = run(&mut s, c, format!("c FETCH 2 {item}\r\n").as_bytes());
        assert!(text(&out).starts_with("c BAD"), "{item}: {}", text(&out));
    }
}

#[test]
fn an_unknown_encoding_fails_the_whole_fetch_with_unknown_cte_rfc3516_4_3() {
    let (mut s, c) = inbox(Policies::default());
    let message = "Subject: uu\r\nContent-Type: application/octet-stream\r\n\
                   Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\nend\r\n";
    let out = run(
        &mut s,
        c,
        format!("c APPEND INBOX {{{}+}}\r\n{message}\r\n", message.len()).as_bytes(),
    );
    assert!(text(&out).contains("c OK [APPENDUID"), "{}", text(&out));
    run(&mut s, c, b"d NOOP\r\n");
    for item in ["BINARY[1]", "BINARY.SIZE[1]"] {
        let out = run(
            &mut s,
            c,
            format!("e FETCH 1:* ({item} FLAGS)\r\n").as_bytes(),
        );
        let out = text(&out);
        assert!(
            out.starts_with("e NO [UNKNOWN-CTE]") && !out.contains("FETCH ("),
            "{item}: {out}"
        );
    }
    // Nothing was sent, so nothing was marked \Seen.
    let out = run(&mut s, c, b"f FETCH 4 FLAGS\r\n");
    assert!(text(&out).contains("FLAGS ())"), "{}", text(&out));
    // BODY[] of it is still answered: only decoding is impossible.
    let out = run(&mut s, c, b"g FETCH * BODY.PEEK[1]\r\n");
    assert!(text(&out).contains("begin 644 x"), "{}", text(&out));
}

#[test]
fn nul_octets_travel_as_literal8_both_ways_rfc3516_4_3_4_4() {
    let (mut s, c) = inbox(Policies::default());
    let message: &[u8] = b"Subject: raw\r\nContent-Type: application/octet-stream\r\n\
                           Content-Transfer-Encoding: binary\r\n\r\nx\x00y\r\n";
    let mut append = format!("c APPEND INBOX ~{{{}}}\r\n", message.len()).into_bytes();
    // A synchronizing literal8 waits for the continuation like a literal (the framer).
    let out = run(&mut s, c, &append);
    assert!(text(&out).starts_with("+ "), "{}", text(&out));
    append.clear();
    append.extend_from_slice(message);
    append.extend_from_slice(b"\r\n");
    let out = run(&mut s, c, &append);
    assert!(text(&out).contains("c OK [APPENDUID"), "{}", text(&out));
    run(&mut s, c, b"d NOOP\r\n");
    // BINARY gives back the octets sent, as a literal8; BINARY.SIZE agrees.
    let out = run(&mut s, c, b"e FETCH * (BINARY.PEEK[1] BINARY.SIZE[1])\r\n");
    let want: &[u8] = b"BINARY[1] ~{5}\r\nx\x00y\r\n BINARY.SIZE[1] 5)";
    assert!(out.windows(want.len()).any(|w| w == want), "{}", text(&out));
    assert!(text(&out).contains("BINARY.SIZE[1] 5)"), "{}", text(&out));
    // BODY[] has no NUL: the body is stored base64 (RFC 3516 §4.4 lets the CTE change).
    let out = run(&mut s, c, b"f FETCH * BODY.PEEK[]\r\n");
    assert!(!out.contains(&0), "{}", text(&out));
    assert!(
        text(&out).contains(
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\neAB5DQo=\r\n)"
        ),
        "{}",
        text(&out)
    );
    // A NUL in a header cannot be kept anywhere: NO [UNKNOWN-CTE], nothing appended.
    let bad: &[u8] = b"Subject: a\x00b\r\n\r\nx\r\n";
    let mut cmd = format!("g APPEND INBOX ~{{{}+}}\r\n", bad.len()).into_bytes();
    cmd.extend_from_slice(bad);
    cmd.extend_from_slice(b"\r\n");
    let out = run(&mut s, c, &cmd);
    assert!(
        text(&out).starts_with("g NO [UNKNOWN-CTE]"),
        "{}",
        text(&out)
    );
    // A NUL in a plain literal is still a syntax error (RFC 3501 §9 CHAR8).
    let mut cmd = format!("h APPEND INBOX {{{}+}}\r\n", message.len()).into_bytes();
    cmd.extend_from_slice(message);
    cmd.extend_from_slice(b"\r\n");
    let out = run(&mut s, c, &cmd);
    assert!(text(&out).starts_with("h BAD"), "{}", text(&out));
}

#[test]
fn binary_of_an_expunged_message_follows_fetch_expunged_rfc2180_4_1() {
    for (value, want) in [
        ("ghost", "* 2 FETCH (BINARY[2]<0> \"%PDF\")"),
        ("nil", "* 2 FETCH (BINARY[2]<0> \"\")"),
        ("nil-ok", "* 2 FETCH (BINARY[2]<0> NIL)"),
    ] {
        let mut policies = Policies::default();
        policies.set("fetch-expunged", value).unwrap();
        let (mut s, c) = inbox(policies);
        let other = s.connect();
        run(&mut s, other, b"a LOGIN bob bob\r\n");
        run(&mut s, other, b"b SELECT INBOX\r\n");
        run(&mut s, other, b"c STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
        run(&mut s, other, b"d EXPUNGE\r\n");
        let out = run(&mut s, c, b"e FETCH 1:2 (BINARY.PEEK[2]<0.4>)\r\n");
        assert!(text(&out).contains(want), "{value}: {}", text(&out));
    }
}

/// RFC 9051 §6.4.5 has the same items: an IMAP4rev2 session gets them too, and UID FETCH adds
/// UID (RFC 3501 §6.4.8).
#[test]
fn an_imap4rev2_session_uid_fetches_binary_rfc9051_6_4_5() {
    let mut s = Server::new(World::default_world(), Policies::default());
    let c = s.connect();
    run(&mut s, c, b"a LOGIN alice alice\r\n");
    run(&mut s, c, b"b ENABLE IMAP4rev2\r\n");
    run(&mut s, c, b"c SELECT INBOX\r\n");
    let out = run(
        &mut s,
        c,
        b"d UID FETCH 2 (BINARY.SIZE[2] BINARY.PEEK[2]<0.4>)\r\n",
    );
    assert_eq!(
        text(&out),
        "* 2 FETCH (BINARY.SIZE[2] 79 BINARY[2]<0> \"%PDF\" UID 2)\r\nd OK UID FETCH completed\r\n"
    );
}
