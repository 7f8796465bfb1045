//! A catalogue of hostile inputs with their expected answers (issue 6, "Robustness"). Each case
//! runs on a server where a second client has FOO selected: the hostile client must get a clear
//! BAD / NO (or a clean close), then still work (unless closed), and the second client must
//! carry on with nothing lost: the same messages in every mailbox, and its NOOP answered OK.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use imap_sandbox::protocol::parse::parse_response;
use imap_sandbox::scenario::glob;
use imap_sandbox::server::{ClientId, Output, OutputKind, Policies, Server, World};

/// The state the hostile client is in when it sends its input.
#[derive(Clone, Copy, Debug)]
enum Start {
    NotAuthenticated,
    Authenticated,
    Selected,
}

struct Run {
    server: Server,
    hostile: ClientId,
    witness: ClientId,
    before: Vec<(String, Vec<u32>)>,
}

fn texts(out: &[Output], client: ClientId) -> Vec<String> {
    out.iter()
        .filter(|o| o.client == client)
        .map(|o| {
            if o.kind == OutputKind::Closed {
                return "(closed)".to_string();
            }
            // RFC 3501 §9: whatever the input, the answer is valid IMAP.
            match parse_response(&o.bytes) {
                Ok((_, used)) => assert_eq!(used, o.bytes.len(), "{:?}", o.bytes),
                Err(e) => panic!(
                    "invalid response {e:?}: {:?}",
                    String::from_utf8_lossy(&o.bytes)
                ),
            }
            String::from_utf8_lossy(&o.bytes).trim_end().to_string()
        })
        .collect()
}

fn mailboxes(server: &Server) -> Vec<(String, Vec<u32>)> {
    server
        .store()
        .live()
        .map(|m| (m.name.clone(), m.messages.iter().map(|x| x.uid.0).collect()))
        .collect()
}

fn start(state: Start) -> Run {
    let mut server = Server::new(World::default_world(), Policies::default());
    let witness = server.connect();
    server.receive(witness, b"w1 LOGIN bob bob\r\nw2 SELECT FOO\r\n");
    let hostile = server.connect();
    let setup: &[u8] = match state {
        Start::NotAuthenticated => b"",
        Start::Authenticated => b"s1 LOGIN alice alice\r\n",
        Start::Selected => b"s1 LOGIN alice alice\r\ns2 SELECT INBOX\r\n",
    };
    server.receive(hostile, setup);
    let _ = server.take_output();
    let before = mailboxes(&server);
    Run {
        server,
        hostile,
        witness,
        before,
    }
}

impl Run {
    /// Sends `input`; every pattern (`...` is a wildcard) must match a response, in order.
    fn send(&mut self, input: &[u8], expect: &[&str]) -> Vec<String> {
        self.server.receive(self.hostile, input);
        let out = self.server.take_output();
        let got = texts(&out, self.hostile);
        let mut at = 0;
        for pattern in expect {
            match got.iter().skip(at).position(|t| glob(pattern, t)) {
                Some(p) => at += p + 1,
                None => panic!(
                    "expected {pattern:?} after response {at} for input {:?}\ngot {got:#?}",
                    String::from_utf8_lossy(&input[..input.len().min(200)])
                ),
            }
        }
        got
    }

    /// The hostile client still works (or was closed, if `closed`), and the witness carries on
    /// with every mailbox as it was.
    fn carry_on(&mut self, closed: bool) {
        if closed {
            assert!(!self.server.is_connected(self.hostile));
        } else {
            self.send(b"z1 NOOP\r\n", &["z1 OK ..."]);
        }
        self.server
            .receive(self.witness, b"w9 NOOP\r\nw10 FETCH 1:* (UID)\r\n");
        let out = self.server.take_output();
        let got = texts(&out, self.witness);
        assert!(got.iter().any(|t| t.starts_with("w9 OK")), "{got:?}");
        assert_eq!(
            got.iter().filter(|t| t.contains(" FETCH (UID ")).count(),
            7,
            "{got:?}"
        );
        assert_eq!(mailboxes(&self.server), self.before, "the store changed");
    }
}

fn case(state: Start, input: &[u8], expect: &[&str]) {
    let mut run = start(state);
    run.send(input, expect);
    run.carry_on(false);
}

const ALL_STATES: [Start; 3] = [
    Start::NotAuthenticated,
    Start::Authenticated,
    Start::Selected,
];

/// RFC 2683 §3.2.1.5: a line over the limit (65,536 octets here) is refused with BAD, and the
/// next command is read normally.
#[test]
fn oversized_line_gets_bad_and_the_next_line_works_rfc2683_3_2_1_5() {
    let mut line = b"a1 FETCH 1 (".to_vec();
    line.extend(std::iter::repeat_n(b'X', 70_000));
    line.extend_from_slice(b")\r\n");
    for state in ALL_STATES {
        case(state, &line, &["a1 BAD ..."]);
    }
}

/// RFC 3501 §7.5: a synchronizing literal over the limit is refused before the client sends
/// it, with no continuation request.
#[test]
fn oversized_synchronizing_literal_is_refused_without_continuation_rfc3501_7_5() {
    let mut run = start(Start::Authenticated);
    let got = run.send(b"a1 APPEND INBOX {999999999}\r\n", &["a1 BAD ..."]);
    assert!(!got.iter().any(|t| t.starts_with('+')), "{got:?}");
    run.carry_on(false);
}

/// RFC 7888 §4: a non-synchronizing literal over the limit is read and thrown away; the
/// command gets BAD.
#[test]
fn oversized_non_synchronizing_literal_is_discarded_rfc7888_4() {
    let mut run = start(Start::Authenticated);
    let mut input = b"a1 APPEND INBOX {20000000+}\r\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 20_000_000));
    input.extend_from_slice(b"\r\n");
    run.send(&input, &["a1 BAD ..."]);
    run.carry_on(false);
}

/// RFC 3501 §7.5: a literal announced and never sent leaves the command waiting; when the
/// client goes away, nothing was appended and the other client carries on.
#[test]
fn literal_announced_and_never_sent_then_disconnect_rfc3501_7_5() {
    let mut run = start(Start::Selected);
    run.send(b"a1 APPEND INBOX {100}\r\n", &["+ ..."]);
    run.send(b"only part of it", &[]);
    run.server.disconnect(run.hostile);
    run.carry_on(true);
}

/// RFC 2683 §3.1.2: a client that disconnects in the middle of a literal of a command that
/// would have changed the store changes nothing.
#[test]
fn disconnect_mid_literal_changes_nothing_rfc2683_3_1_2() {
    let mut run = start(Start::Selected);
    run.send(b"s3 STORE 1:* +FLAGS (\\Deleted)\r\n", &["s3 OK ..."]);
    run.before = mailboxes(&run.server);
    // A LOGIN-free COPY of everything whose mailbox name is a literal, cut short.
    run.send(b"a1 COPY 1:* {4}\r\nTr", &["+ ..."]);
    run.server.disconnect(run.hostile);
    run.carry_on(true);
    // Nothing was expunged by the disconnect either (RFC 2683 §3.1.2).
    assert_eq!(
        run.server.store().by_name("INBOX").unwrap().messages.len(),
        6
    );
}

/// RFC 3501 §9 `CHAR8 = %x01-ff`, `TEXT-CHAR`: NUL is never valid; 8-bit octets are not valid
/// outside literals. Both get BAD.
#[test]
fn nul_and_8bit_octets_get_bad_rfc3501_9() {
    for state in ALL_STATES {
        case(state, b"a1 NO\0OP\r\n", &["a1 BAD ..."]);
        case(state, b"a2 LOGIN \xff\xfe x\r\n", &["a2 BAD ..."]);
        case(state, b"\0\0\0\r\n", &["* BAD ..."]);
        case(state, b"a3 SELECT {3+}\r\nI\0X\r\n", &["a3 BAD ..."]);
    }
}

/// RFC 3501 §9: unbalanced parentheses and quotes are syntax errors.
#[test]
fn unbalanced_parentheses_and_quotes_get_bad_rfc3501_9() {
    case(
        Start::Selected,
        b"a1 FETCH 1 (FLAGS UID\r\n",
        &["a1 BAD ..."],
    );
    case(Start::Selected, b"a2 FETCH 1 FLAGS)\r\n", &["a2 BAD ..."]);
    case(
        Start::Selected,
        b"a3 SEARCH (SEEN (UNSEEN)\r\n",
        &["a3 BAD ..."],
    );
    case(
        Start::Selected,
        b"a4 SEARCH SUBJECT \"open\r\n",
        &["a4 BAD ..."],
    );
    case(
        Start::Authenticated,
        b"a5 SELECT \"INBOX\r\n",
        &["a5 BAD ..."],
    );
    case(
        Start::NotAuthenticated,
        b"a6 LOGIN \"alice alice\r\n",
        &["a6 BAD ..."],
    );
    case(
        Start::Selected,
        b"a7 STORE 1 +FLAGS ((\\Seen)\r\n",
        &["a7 BAD ..."],
    );
}

/// A nesting budget (32) keeps the parser's recursion finite: deeper SEARCH keys get BAD.
#[test]
fn deep_nesting_gets_bad_not_a_stack_overflow_rfc3501_6_4_4() {
    let mut deep = b"a1 SEARCH ".to_vec();
    deep.extend(std::iter::repeat_n(b'(', 10_000));
    deep.extend_from_slice(b"ALL");
    deep.extend(std::iter::repeat_n(b')', 10_000));
    deep.extend_from_slice(b"\r\n");
    case(Start::Selected, &deep, &["a1 BAD ..."]);
    let mut nots = b"a2 SEARCH ".to_vec();
    for _ in 0..10_000 {
        nots.extend_from_slice(b"NOT ");
    }
    nots.extend_from_slice(b"ALL\r\n");
    case(Start::Selected, &nots, &["a2 BAD ..."]);
    // Within the budget it works.
    case(
        Start::Selected,
        b"a3 SEARCH ((((ALL))))\r\n",
        &["* SEARCH 1 2 3 4 5 6", "a3 OK ..."],
    );
}

/// RFC 3501 §9 `seq-number = nz-number / "*"`: `0` is not a sequence number (BAD);
/// `1:4294967295` and `*:*` are valid and mean what they say.
#[test]
fn extreme_sequence_sets_rfc3501_9() {
    case(Start::Selected, b"a1 FETCH 0 FLAGS\r\n", &["a1 BAD ..."]);
    case(Start::Selected, b"a2 FETCH 0:3 FLAGS\r\n", &["a2 BAD ..."]);
    case(
        Start::Selected,
        b"a3 UID FETCH 0 FLAGS\r\n",
        &["a3 BAD ..."],
    );
    case(
        Start::Selected,
        b"a4 FETCH 4294967296 FLAGS\r\n",
        &["a4 BAD ..."],
    );
    // UID ranges may name UIDs that do not exist (RFC 3501 §6.4.8).
    case(
        Start::Selected,
        b"a5 UID FETCH 1:4294967295 UID\r\n",
        &["* 1 FETCH (UID 1)", "* 6 FETCH (UID 6)", "a5 OK ..."],
    );
    case(
        Start::Selected,
        b"a6 FETCH *:* UID\r\n",
        &["* 6 FETCH (UID 6)", "a6 OK ..."],
    );
    case(
        Start::Selected,
        b"a7 UID FETCH *:* UID\r\n",
        &["* 6 FETCH (UID 6)", "a7 OK ..."],
    );
    // A message sequence number beyond EXISTS is an error (RFC 3501 §9 `seq-number`).
    case(
        Start::Selected,
        b"a8 FETCH 1:4294967295 UID\r\n",
        &["a8 BAD ..."],
    );
    case(
        Start::Selected,
        b"a9 SEARCH 1:4294967295,*:*,2\r\n",
        &["* SEARCH ...", "a9 ..."],
    );
}

/// RFC 3501 §7.1.3 / issue 2: an unknown command gets BAD in every state.
#[test]
fn unknown_commands_get_bad_in_every_state_rfc3501_7_1_3() {
    for state in ALL_STATES {
        case(state, b"a1 XPIG-LATIN\r\n", &["a1 BAD ..."]);
        case(state, b"a2 BLURDYBLOOP {5+}\r\nhello\r\n", &["a2 BAD ..."]);
        case(state, b"a3\r\n", &["a3 BAD ..."]);
        case(state, b"a4 UID NOOP\r\n", &["a4 BAD ..."]);
        case(state, b"a5 FETCHX 1 FLAGS\r\n", &["a5 BAD ..."]);
    }
}

/// RFC 3501 §3, §6: a command in the wrong state gets BAD that says which state it needs.
#[test]
fn commands_in_the_wrong_state_get_bad_rfc3501_6() {
    case(
        Start::NotAuthenticated,
        b"a1 SELECT INBOX\r\n",
        &["a1 BAD SELECT needs authentication first (LOGIN)"],
    );
    case(
        Start::NotAuthenticated,
        b"a2 FETCH 1 FLAGS\r\n",
        &["a2 BAD FETCH needs a selected mailbox (SELECT or EXAMINE)"],
    );
    case(
        Start::Authenticated,
        b"a3 LOGIN alice alice\r\n",
        &["a3 BAD LOGIN is only valid before authentication"],
    );
    case(
        Start::Authenticated,
        b"a4 EXPUNGE\r\n",
        &["a4 BAD EXPUNGE needs a selected mailbox (SELECT or EXAMINE)"],
    );
    case(
        Start::Selected,
        b"a5 AUTHENTICATE PLAIN\r\n",
        &["a5 BAD AUTHENTICATE is only valid before authentication"],
    );
    case(
        Start::Selected,
        b"a6 STARTTLS\r\n",
        &["a6 BAD STARTTLS is only valid before authentication"],
    );
}

/// RFC 3501 §9 `tag`: any number of ASTRING-CHAR but `+`. A huge tag within the line limit is
/// answered with the same tag; an invalid one gets an untagged BAD.
#[test]
fn huge_and_invalid_tags_rfc3501_9() {
    let tag = "t".repeat(60_000);
    let line = format!("{tag} NOOP\r\n");
    let mut run = start(Start::Selected);
    let got = run.send(line.as_bytes(), &[]);
    assert!(
        got.iter().any(|t| t.starts_with(&format!("{tag} OK"))),
        "{got:?}"
    );
    run.carry_on(false);
    case(Start::Selected, b"a+b NOOP\r\n", &["* BAD ..."]);
    case(Start::Selected, b"(a) NOOP\r\n", &["* BAD ..."]);
    case(Start::Selected, b"* NOOP\r\n", &["* BAD ..."]);
}

/// RFC 3501 §2.2 asks for CRLF; a bare LF is accepted as a line end (be liberal), so commands
/// ended that way still work.
#[test]
fn bare_lf_line_ends_are_accepted_rfc3501_2_2() {
    case(
        Start::NotAuthenticated,
        b"a1 LOGIN alice alice\n",
        &["a1 OK ..."],
    );
    case(
        Start::Selected,
        b"a2 FETCH 1 UID\na3 NOOP\n",
        &["* 1 FETCH (UID 1)", "a2 OK ...", "a3 OK ..."],
    );
}

/// RFC 3501 §6.2.2: garbage in the AUTHENTICATE exchange ends it with BAD; the session stays
/// not authenticated and usable.
#[test]
fn authenticate_garbage_rfc3501_6_2_2() {
    case(
        Start::NotAuthenticated,
        b"a1 AUTHENTICATE PLAIN\r\n!!!notbase64\r\n",
        &["+...", "a1 BAD Invalid base64 ..."],
    );
    case(
        Start::NotAuthenticated,
        b"a2 AUTHENTICATE PLAIN !!!\r\n",
        &["a2 BAD ..."],
    );
    case(
        Start::NotAuthenticated,
        b"a3 AUTHENTICATE KERBEROS_V4\r\n",
        &["a3 NO ..."],
    );
}

/// After all of the above at once on one connection, the session still works and the other
/// client saw nothing (RFC 2683 §3.2.1.5: resynchronize at the next line).
#[test]
fn a_barrage_on_one_connection_leaves_everyone_working() {
    let mut run = start(Start::Selected);
    let mut input = Vec::new();
    input.extend_from_slice(b"a1 FETCH 0 FLAGS\r\n\0\r\n");
    input.extend_from_slice(b"a2 SEARCH ((((\r\n)))\r\n\"\r\n");
    input.extend_from_slice(b"a3 APPEND INBOX {999999999}\r\n");
    input.extend_from_slice(b"a4 XYZZY\n");
    input.extend(std::iter::repeat_n(b'(', 70_000));
    input.extend_from_slice(b"\r\na5 NOOP\r\n");
    run.send(
        &input,
        &[
            "a1 BAD ...",
            "a2 BAD ...",
            "a3 BAD ...",
            "a4 BAD ...",
            "a5 OK ...",
        ],
    );
    run.carry_on(false);
}
