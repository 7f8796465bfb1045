//! SEARCH with CHARSET UTF-8 and non-ASCII terms (RFC 3501 §6.4.4). A scenario file cannot send
//! a literal without a trailing CRLF, so these are Rust tests driving the engine directly.

#[path = "common/answer.rs"]
mod answer;
use answer::reply;
use imap_sandbox::server::{Policies, Server, World};

/// Logs in, examines INBOX, sends `command` and returns the client's responses as text.
fn search(command: &[u8]) -> Vec<String> {
    let mut server = Server::new(World::default_world(), Policies::default());
    let c = server.connect();
    server.receive(c, b"a LOGIN alice alice\r\nb EXAMINE INBOX\r\n");
    let _ = server.take_output();
    reply(&mut server, c, command)
}

/// RFC 3501 §6.4.4: with CHARSET UTF-8 the term is UTF-8; INBOX 4's subject is RFC 2047
/// encoded words (`Caf=C3=A9_men=C3=BC` in UTF-8, `Fr=E9d=E9ric` in ISO-8859-1) and its From
/// a base64 word for "Jörg Müller": they match once decoded.
#[test]
fn search_charset_utf8_matches_decoded_encoded_words_rfc3501_6_4_4() {
    let subject = search("s SEARCH CHARSET UTF-8 SUBJECT {5+}\r\nmenü\r\n".as_bytes());
    assert_eq!(subject, ["* SEARCH 4", "s OK SEARCH completed"]);
    let latin1 = search("s SEARCH CHARSET UTF-8 SUBJECT {10+}\r\nFrédéric\r\n".as_bytes());
    assert_eq!(latin1, ["* SEARCH 4", "s OK SEARCH completed"]);
    let from = search("s SEARCH CHARSET UTF-8 FROM {7+}\r\nMüller\r\n".as_bytes());
    assert_eq!(from, ["* SEARCH 4", "s OK SEARCH completed"]);
    // Case-insensitive for the ASCII letters around it.
    let case = search("s SEARCH CHARSET UTF-8 SUBJECT {5+}\r\nCAFé\r\n".as_bytes());
    assert_eq!(case, ["* SEARCH 4", "s OK SEARCH completed"]);
    let none = search("s SEARCH CHARSET UTF-8 TEXT {5+}\r\nzzzü\r\n".as_bytes());
    assert_eq!(none, ["* SEARCH", "s OK SEARCH completed"]);
}

/// RFC 3501 §6.4.4: an unsupported charset is NO [BADCHARSET (...)] listing the supported
/// ones. Octets that are not UTF-8 under CHARSET UTF-8 match nothing (the RFC leaves the
/// answer open; this engine does not error).
#[test]
fn search_unsupported_charset_and_invalid_utf8_rfc3501_6_4_4() {
    let koi = search(b"s SEARCH CHARSET KOI8-R TEXT x\r\n");
    assert_eq!(koi.len(), 1, "{koi:?}");
    assert!(koi[0].starts_with("s NO [BADCHARSET ("), "{koi:?}");
    let bad = search(b"s SEARCH CHARSET UTF-8 TEXT {2+}\r\n\xff\xfe\r\n");
    assert_eq!(bad, ["* SEARCH", "s OK SEARCH completed"]);
}

/// Dovecot 2.3 behaviour (search-expunged `include-flagless`): a message another client
/// expunged is searched with the flags this client was last told of. Its `\Deleted`, set
/// silently by the other client, matches once told (here by a NOOP before the EXPUNGE), and
/// not while untold; `include` always sees it.
#[test]
fn include_flagless_searches_an_expunged_message_with_the_flags_last_told() {
    for (policy, told_first, want) in [
        ("search-expunged=include-flagless", true, "* SEARCH 2"),
        ("search-expunged=include-flagless", false, "* SEARCH"),
        ("search-expunged=include", false, "* SEARCH 2"),
    ] {
        let mut policies = imap_sandbox::server::Policies::default();
        policies.set_assignment(policy).unwrap();
        let mut server = Server::new(World::default_world(), policies);
        let (c1, c2) = (server.connect(), server.connect());
        server.receive(c1, b"a LOGIN alice alice\r\nb SELECT FOO\r\n");
        server.receive(c2, b"a LOGIN bob bob\r\nb SELECT FOO\r\n");
        server.receive(c1, b"c STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
        if told_first {
            server.receive(c2, b"n NOOP\r\n");
        }
        server.receive(c1, b"d EXPUNGE\r\n");
        let _ = server.take_output();
        let lines = reply(&mut server, c2, b"s SEARCH DELETED\r\n");
        assert!(
            lines.iter().any(|l| l == want),
            "{policy} {told_first}: {lines:?}"
        );
    }
}

/// RFC 5182 §3: `sequence-set =/ seq-last-command` lets a list end in `$` (`1,$`, the numbers
/// and the saved result), but `$` cannot start one (`$,1`) or be a range's end (`1:$`). An
/// empty saved result adds nothing (§2.1 "a valid, but non-matching list"). UID commands use
/// the saved UIDs (§2.1).
#[test]
fn dollar_ends_a_sequence_set_rfc5182_3() {
    let mut server = Server::new(World::default_world(), Policies::default());
    let c = server.connect();
    server.receive(c, b"a LOGIN alice alice\r\nb EXAMINE INBOX\r\n");
    let _ = server.take_output();
    let mut run = |line: &[u8]| reply(&mut server, c, line);
    let saved = run(b"s SEARCH RETURN (SAVE) 3:4\r\n");
    assert_eq!(saved.last().unwrap(), "s OK SEARCH completed", "{saved:?}");
    let fetched = run(b"f FETCH 1,$ (UID)\r\n");
    assert_eq!(
        fetched,
        [
            "* 1 FETCH (UID 1)",
            "* 3 FETCH (UID 3)",
            "* 4 FETCH (UID 4)",
            "f OK FETCH completed"
        ]
    );
    let searched = run(b"s2 SEARCH 2,$\r\n");
    assert_eq!(searched, ["* SEARCH 2 3 4", "s2 OK SEARCH completed"]);
    let uid = run(b"u UID SEARCH UID 1,$\r\n");
    assert_eq!(uid, ["* SEARCH 1 3 4", "u OK UID SEARCH completed"]);
    for bad in [
        &b"x FETCH $,1 (UID)\r\n"[..],
        b"x FETCH 1:$ (UID)\r\n",
        b"x FETCH 1,$:4 (UID)\r\n",
    ] {
        let out = run(bad);
        assert!(out.last().unwrap().starts_with("x BAD"), "{out:?}");
    }
    // An empty saved result: `1,$` is message 1.
    let none = run(b"n SEARCH RETURN (SAVE) UID 9999\r\n");
    assert_eq!(none.last().unwrap(), "n OK SEARCH completed", "{none:?}");
    assert_eq!(
        run(b"g FETCH 1,$ (UID)\r\n"),
        ["* 1 FETCH (UID 1)", "g OK FETCH completed"]
    );
}
