//! Cost (issue 9 §1): one 64 KB command line on a mailbox of 20,000 messages may not take long,
//! whatever it holds, and a second client's NOOP sent meanwhile is answered promptly, although
//! one engine thread serves every session. Sequence sets like `1:*,1:*,...` are merged before
//! they are expanded; what cannot be made cheap is refused with `NO [LIMIT]` (RFC 9051 §7.1).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use imap_sandbox::native::tcp::{Options, TcpServer};
use imap_sandbox::server::{Policies, Server, World};

const MESSAGES: usize = 20_000;

/// How long A's command and B's NOOP may take. Generous for a debug build on a loaded
/// machine: each command answers in well under a second there now.
const NOOP_WITHIN: Duration = Duration::from_secs(10);

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(600)))
            .expect("timeout");
        let mut c = Client {
            reader: BufReader::new(stream.try_clone().expect("clone")),
            writer: stream,
        };
        assert!(c.line().starts_with("* OK"));
        c
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("read");
        assert!(n > 0, "connection closed");
        line
    }

    fn send(&mut self, tag: &str, command: &str) {
        self.writer
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .expect("write");
    }

    /// Reads until the tagged reply: (untagged lines, tagged line). The test's commands answer
    /// without literals.
    fn answer(&mut self, tag: &str) -> (Vec<String>, String) {
        let mut untagged = Vec::new();
        loop {
            let line = self.line();
            if line.starts_with(&format!("{tag} ")) {
                return (untagged, line.trim_end().to_string());
            }
            untagged.push(line.trim_end().to_string());
        }
    }

    fn ok(&mut self, tag: &str, command: &str) -> Vec<String> {
        self.send(tag, command);
        let (untagged, tagged) = self.answer(tag);
        assert!(
            tagged.starts_with(&format!("{tag} OK")),
            "{command} -> {tagged}"
        );
        untagged
    }
}

/// `item` repeated (comma-separated) as far as a 64 KB command line allows after `prefix` and
/// `suffix`.
fn long_set(prefix: &str, item: &str, suffix: &str) -> String {
    let room = 65_536 - prefix.len() - suffix.len() - "tag ".len() - 2;
    let n = (room + 1) / (item.len() + 1);
    format!("{prefix}{}{suffix}", vec![item; n].join(","))
}

/// Sends A's `command`, then B's NOOP; returns A's answer and the longer of the two waits (A's
/// for its answer, B's for its NOOP's).
fn hostile(
    a: &mut Client,
    b: &mut Client,
    tag: &str,
    command: &str,
) -> (Vec<String>, String, Duration) {
    assert!(
        command.len() + tag.len() + 3 <= 65_536,
        "within the line limit"
    );
    let sent = Instant::now();
    a.send(tag, command);
    // Let the engine start on A's line first.
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    b.send("n", "NOOP");
    let (_, noop) = b.answer("n");
    let noop_waited = started.elapsed();
    assert_eq!(noop, "n OK NOOP completed");
    let (untagged, tagged) = a.answer(tag);
    let a_waited = sent.elapsed();
    println!(
        "{tag}: answered after {a_waited:?}, NOOP after {noop_waited:?}: {}",
        tagged.get(..tagged.len().min(60)).unwrap_or_default()
    );
    (untagged, tagged, a_waited.max(noop_waited))
}

#[test]
fn a_64_kb_line_on_20000_messages_does_not_stall_another_clients_noop() {
    let mut world = World::empty().with_user("alice", "alice");
    for i in 0..MESSAGES {
        world = world.with_message(
            "INBOX",
            format!("Subject: m{i}\r\n\r\nbody {i}\r\n").as_bytes(),
        );
    }
    let server = TcpServer::bind(
        "127.0.0.1:0",
        Server::new(world, Policies::default()),
        Options::default(),
    )
    .expect("bind");
    let addr = server.local_addr().expect("address");
    let stopper = server.stopper();
    let running = std::thread::spawn(move || server.run());
    let mut a = Client::connect(addr);
    let mut b = Client::connect(addr);
    a.ok("l", "LOGIN alice alice");
    b.ok("l", "LOGIN alice alice");
    a.ok("s", "SELECT INBOX");
    b.ok("s", "EXAMINE INBOX");

    // FETCH: 16,000 copies of 1:* are 20,000 messages, each answered once.
    let fetch = long_set("FETCH ", "1:*", " (UID)");
    let (untagged, tagged, waited) = hostile(&mut a, &mut b, "f", &fetch);
    assert_eq!(tagged, "f OK FETCH completed");
    assert_eq!(untagged.len(), MESSAGES);
    assert_eq!(
        untagged.last().map(String::as_str),
        Some("* 20000 FETCH (UID 20000)")
    );
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for FETCH");

    // UID STORE over reversed, overlapping ranges: each message stored once.
    let store = long_set("UID STORE ", "20000:2", " +FLAGS.SILENT (\\Seen)");
    let (_, tagged, waited) = hostile(&mut a, &mut b, "t", &store);
    assert_eq!(tagged, "t OK UID STORE completed");
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for STORE");

    // SEARCH: the same set at the top level and inside NOT (OR ...).
    let search = long_set("SEARCH NOT (OR 2 ", "2:19999", ") UNSEEN");
    let (untagged, tagged, waited) = hostile(&mut a, &mut b, "q", &search);
    assert_eq!(tagged, "q OK SEARCH completed");
    assert_eq!(untagged, ["* SEARCH 1"]);
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for SEARCH");
    let search = long_set("SEARCH ", "3:1", " SEEN");
    let (untagged, _, waited) = hostile(&mut a, &mut b, "r", &search);
    assert_eq!(untagged, ["* SEARCH 2 3"]);
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for SEARCH");

    // What cannot be merged is bounded: thousands of keys, text keys or header names.
    let keys = format!("SEARCH {}", vec!["SEEN"; 12_000].join(" "));
    let (_, tagged, waited) = hostile(&mut a, &mut b, "k", &keys);
    assert!(tagged.starts_with("k NO [LIMIT]"), "{tagged}");
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for SEARCH");
    let names = format!(
        "FETCH 1:* (BODY.PEEK[HEADER.FIELDS ({})])",
        vec!["Subject"; 8_000].join(" ")
    );
    let (_, tagged, _) = hostile(&mut a, &mut b, "h", &names);
    assert!(tagged.starts_with("h NO [LIMIT]"), "{tagged}");
    let flags = format!(
        "STORE 1:* +FLAGS ({})",
        (0..5_000)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (_, tagged, _) = hostile(&mut a, &mut b, "g", &flags);
    assert!(tagged.starts_with("g NO [LIMIT]"), "{tagged}");

    // COPY and UID EXPUNGE take sets too.
    a.ok("c", "CREATE Copies");
    let copy = long_set("COPY ", "1:*", " Copies");
    let (_, tagged, waited) = hostile(&mut a, &mut b, "p", &copy);
    assert!(tagged.starts_with("p OK [COPYUID "), "{tagged}");
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for COPY");
    a.ok("d", "STORE 1:3 +FLAGS.SILENT (\\Deleted)");
    let expunge = long_set("UID EXPUNGE ", "2:20000", "");
    let (untagged, tagged, waited) = hostile(&mut a, &mut b, "x", &expunge);
    assert_eq!(tagged, "x OK UID EXPUNGE completed");
    assert_eq!(untagged, ["* 2 EXPUNGE", "* 2 EXPUNGE"]);
    assert!(waited < NOOP_WITHIN, "waited {waited:?} for UID EXPUNGE");

    stopper.stop();
    running.join().expect("server thread");
}

/// Runs `commands` (one per line, tagged `t1`, `t2`, ...) on an engine whose alice has `INBOX`
/// of `messages` messages with `body_octets` octets of `fill` each; returns each command's
/// responses as text.
fn engine_run(
    messages: usize,
    (fill, body_octets): (&str, usize),
    commands: &[String],
) -> Vec<Vec<String>> {
    let mut world = World::empty().with_user("alice", "alice");
    let body = fill.repeat(body_octets);
    for i in 0..messages {
        world = world.with_message(
            "INBOX",
            format!("Subject: m{i}\r\n\r\n{body}\r\n").as_bytes(),
        );
    }
    let mut server = Server::new(world, Policies::default());
    let c = server.connect();
    server.receive(c, b"a LOGIN alice alice\r\nb SELECT INBOX\r\n");
    let _ = server.take_output();
    commands
        .iter()
        .enumerate()
        .map(|(i, command)| {
            server.receive(c, format!("t{} {command}\r\n", i + 1).as_bytes());
            server
                .take_output()
                .iter()
                .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
                .collect()
        })
        .collect()
}

fn tagged(responses: &[String]) -> &str {
    responses.last().map(String::as_str).unwrap_or_default()
}

/// Header and text keys and items share a budget of octets read (README's Limits): one pass
/// over the messages is always allowed, more only up to 48 MiB. 200 messages of 100 KB are
/// 20 MB: two TEXT keys read 40 MB, three 60 MB.
#[test]
fn text_keys_and_body_sections_share_an_octet_budget() {
    let answers = engine_run(
        200,
        ("x", 100_000),
        &[
            "SEARCH OR TEXT zz BODY yy".to_string(),
            "SEARCH OR TEXT zz OR BODY yy TEXT xx".to_string(),
            "FETCH 1:* (BODY.PEEK[TEXT] BODY.PEEK[])".to_string(),
            "FETCH 1:* (BODY.PEEK[TEXT] BODY.PEEK[] RFC822.TEXT)".to_string(),
            // Header keys count header octets only.
            format!("SEARCH {}", vec!["OR SUBJECT a FROM b"; 20].join(" ")),
        ],
    );
    assert_eq!(tagged(&answers[0]), "t1 OK SEARCH completed");
    assert!(
        tagged(&answers[1]).starts_with("t2 NO [LIMIT] "),
        "{:?}",
        tagged(&answers[1])
    );
    assert_eq!(tagged(&answers[2]), "t3 OK FETCH completed");
    assert!(
        tagged(&answers[3]).starts_with("t4 NO [LIMIT] "),
        "{:?}",
        tagged(&answers[3])
    );
    assert_eq!(answers[3].len(), 1, "nothing fetched before the refusal");
    assert_eq!(tagged(&answers[4]), "t5 OK SEARCH completed");
}

/// A mailbox defines at most 64 keywords (3 defaults and 61 more); once full, a new keyword is
/// refused, known ones can still be set, and PERMANENTFLAGS no longer offers `\*` (RFC 3501
/// §7.1). STORE takes at most 16 flags, FETCH at most 1 KiB of section specifiers.
#[test]
fn keywords_per_mailbox_flags_per_store_and_section_specifiers_are_bounded() {
    let keywords = |from: usize, n: usize| {
        (from..from + n)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let answers = engine_run(
        3,
        ("x", 10),
        &[
            format!("STORE 1 +FLAGS ({})", keywords(0, 17)),
            format!("STORE 1 +FLAGS.SILENT ({})", keywords(0, 16)),
            format!("STORE 1 +FLAGS.SILENT ({})", keywords(16, 16)),
            format!("STORE 1 +FLAGS.SILENT ({})", keywords(32, 16)),
            format!("STORE 2 +FLAGS.SILENT ({})", keywords(48, 13)),
            "STORE 3 +FLAGS.SILENT (k61)".to_string(),
            "STORE 3 +FLAGS.SILENT (K60 \\Seen)".to_string(),
            "APPEND INBOX (k62) {1+}\r\nx".to_string(),
            "SELECT INBOX".to_string(),
            format!(
                "FETCH 1 (BODY.PEEK[HEADER.FIELDS ({})])",
                vec!["X-Long-Field-Name-Here"; 50].join(" ")
            ),
            format!("FETCH 1 (BODY.PEEK[{}])", vec!["1"; 600].join(".")),
        ],
    );
    assert!(
        tagged(&answers[0]).starts_with("t1 NO [LIMIT] "),
        "{:?}",
        answers[0]
    );
    for (i, a) in answers.iter().enumerate().take(5).skip(1) {
        assert_eq!(tagged(a), format!("t{} OK STORE completed", i + 1));
    }
    assert!(
        tagged(&answers[5]).starts_with("t6 NO [LIMIT] "),
        "{:?}",
        answers[5]
    );
    assert_eq!(tagged(&answers[6]), "t7 OK STORE completed");
    assert!(
        tagged(&answers[7]).starts_with("t8 NO [LIMIT] "),
        "{:?}",
        answers[7]
    );
    let permanent = answers[8]
        .iter()
        .find(|r| r.contains("[PERMANENTFLAGS"))
        .expect("PERMANENTFLAGS");
    assert!(
        permanent.contains("k60") && !permanent.contains("\\*"),
        "{permanent}"
    );
    assert!(
        tagged(&answers[9]).starts_with("t10 NO [LIMIT] "),
        "{:?}",
        answers[9]
    );
    assert!(
        tagged(&answers[10]).starts_with("t11 NO [LIMIT] "),
        "{:?}",
        answers[10]
    );
}

/// A long needle in repetitive text: a quick scan that compares the whole needle at each
/// position costs octets × needle length (here 1 MB × 8 KB, minutes in a debug build); the
/// search is linear, so it answers at once.
#[test]
fn a_long_needle_in_repetitive_text_costs_one_pass() {
    let needle = format!("{}b", "a".repeat(8_192));
    let started = Instant::now();
    let found = "A".repeat(8_192);
    let answers = engine_run(
        1,
        ("a", 1_000_000),
        &[
            format!("SEARCH TEXT {{{}+}}\r\n{needle}", needle.len()),
            format!("SEARCH BODY {{{}+}}\r\n{found}", found.len()),
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(answers[0], ["* SEARCH", "t1 OK SEARCH completed"]);
    assert_eq!(answers[1], ["* SEARCH 1", "t2 OK SEARCH completed"]);
    assert!(elapsed < NOOP_WITHIN, "took {elapsed:?}");
}

/// RFC 7162 on 20,000 messages with 64 KB sets: QRESYNC's known UIDs and sequence match data
/// (four billion pairs), UID FETCH with CHANGEDSINCE and VANISHED, and a mailbox whose expunges
/// outnumber the spans the store remembers (so the server reports every UID of the set that
/// is not there, RFC 7162 §3.2.6). Each is merged ranges plus one pass over the messages.
#[test]
fn qresync_and_changedsince_with_long_sets_on_20000_messages_cost_one_pass() {
    let mut world = World::empty().with_user("alice", "alice");
    for i in 0..MESSAGES {
        world = world.with_message("INBOX", format!("Subject: m{i}\r\n\r\nbody\r\n").as_bytes());
    }
    let mut server = Server::new(world, Policies::default());
    let c = server.connect();
    server.receive(
        c,
        b"a LOGIN alice alice\r\nb ENABLE QRESYNC\r\nc SELECT INBOX\r\n",
    );
    let _ = server.take_output();
    let run = |server: &mut Server, tag: &str, command: &str| -> Vec<String> {
        assert!(
            command.len() + tag.len() + 3 <= 65_536,
            "within the line limit"
        );
        server.receive(c, format!("{tag} {command}\r\n").as_bytes());
        server
            .take_output()
            .iter()
            .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
            .collect()
    };
    let started = Instant::now();
    // Every other message of the first 10,000 expunged: 5,000 spans, more than are kept.
    let odd: Vec<String> = (1..10_000).step_by(2).map(|u| u.to_string()).collect();
    let mut deleted = String::from("UID STORE ");
    deleted.push_str(&odd[..2_500].join(","));
    deleted.push_str(" +FLAGS.SILENT (\\Deleted)");
    run(&mut server, "d1", &deleted);
    let mut deleted = String::from("UID STORE ");
    deleted.push_str(&odd[2_500..].join(","));
    deleted.push_str(" +FLAGS.SILENT (\\Deleted)");
    run(&mut server, "d2", &deleted);
    let out = run(&mut server, "x", "EXPUNGE");
    assert!(
        out.last()
            .is_some_and(|t| t.starts_with("x OK [HIGHESTMODSEQ ")),
        "{out:?}"
    );
    assert!(out
        .first()
        .is_some_and(|v| v.starts_with("* VANISHED 1,3,5,")));

    let known = long_set("", "1:20000", "");
    let known = &known[..known.len() / 2];
    let known = known
        .trim_end_matches(|ch: char| ch != ',')
        .trim_end_matches(',');
    let select =
        format!("SELECT INBOX (QRESYNC (1700000001 1 {known} (1:4294967295 1:4294967295)))");
    let out = run(&mut server, "s", &select);
    assert!(
        out.last()
            .is_some_and(|t| t.starts_with("s OK [READ-WRITE]")),
        "{out:?}"
    );
    // The first pair (message 1 is UID 2) does not match: every expunged UID is reported,
    // and every message's flags (all changed since mod-sequence 1).
    assert!(
        out.iter()
            .any(|l| l.starts_with("* VANISHED (EARLIER) 1,3,5,")),
        "{out:?}"
    );
    assert_eq!(
        out.iter().filter(|l| l.contains(" FETCH (UID ")).count(),
        15_000
    );

    let fetch = long_set(
        "UID FETCH ",
        "20000:1",
        " (FLAGS) (CHANGEDSINCE 1 VANISHED)",
    );
    let out = run(&mut server, "f", &fetch);
    assert_eq!(
        out.last().map(String::as_str),
        Some("f OK UID FETCH completed")
    );
    assert!(out
        .first()
        .is_some_and(|l| l.starts_with("* VANISHED (EARLIER) 1,3,5,")));
    let elapsed = started.elapsed();
    println!("RFC 7162 commands on {MESSAGES} messages: {elapsed:?}");
    assert!(elapsed < NOOP_WITHIN, "took {elapsed:?}");
}

/// RFC 5182 §2.1: `$` is written into the command once per use. Saved: every other message of
/// 20,000 (10,000 ranges). One `$` costs one pass in every number space; 256 of them would
/// be 2.5 million ranges and are refused with `NO [LIMIT]` before any work.
#[test]
fn the_saved_result_on_20000_messages_costs_one_pass_and_many_uses_are_bounded() {
    let odd: Vec<String> = (1..MESSAGES).step_by(2).map(|u| u.to_string()).collect();
    let save = format!("SEARCH RETURN (SAVE) {}", odd.join(","));
    assert!(save.len() < 65_000, "within the line limit");
    let many = format!("SEARCH RETURN (COUNT) {}", vec!["$"; 256].join(" "));
    let started = Instant::now();
    let answers = engine_run(
        MESSAGES,
        ("x", 1),
        &[
            save,
            "SEARCH RETURN (COUNT) $".into(),
            "UID SEARCH RETURN (COUNT) UID $ $".into(),
            "UID FETCH $ (FLAGS)".into(),
            many,
            "SEARCH RETURN (COUNT) $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $".into(),
        ],
    );
    let took = started.elapsed();
    assert_eq!(tagged(&answers[0]), "t1 OK SEARCH completed");
    assert_eq!(answers[1][0], "* ESEARCH (TAG \"t2\") COUNT 10000");
    assert_eq!(answers[2][0], "* ESEARCH (TAG \"t3\") UID COUNT 10000");
    assert_eq!(answers[3].len(), 10_001);
    assert!(
        tagged(&answers[4]).starts_with("t5 NO [LIMIT] Too much work for one command: $ used 256"),
        "{:?}",
        tagged(&answers[4])
    );
    // 26 uses of 10,000 ranges: within 262,144.
    assert_eq!(answers[5][0], "* ESEARCH (TAG \"t6\") COUNT 10000");
    eprintln!("saved result on {MESSAGES} messages: {took:?}");
    assert!(took < NOOP_WITHIN, "{took:?}");
}

/// RFC 5267 §4.3: live searches are looked at again, for the messages that changed, each time
/// their session is told of changes. Eight of them (one reading message text, the most a
/// session may keep) on 20,000 messages, after a STORE to every message: one pass each.
#[test]
fn eight_live_searches_after_a_store_to_20000_messages_cost_one_pass_each() {
    let mut commands: Vec<String> = [
        "UNSEEN",
        "FLAGGED",
        "OR SEEN DELETED",
        "KEYWORD $Junk",
        "NOT DELETED",
        "ALL",
        "UID 100:*",
        "TEXT x",
    ]
    .iter()
    .map(|k| format!("UID SEARCH RETURN (UPDATE COUNT) {k}"))
    .collect();
    commands.push("STORE 1:* +FLAGS (\\Seen)".into());
    commands.push("STORE 1:* +FLAGS.SILENT (\\Flagged)".into());
    let started = Instant::now();
    let answers = engine_run(MESSAGES, ("x", 100), &commands);
    let took = started.elapsed();
    for (i, a) in answers.iter().take(8).enumerate() {
        assert!(tagged(a).ends_with("OK UID SEARCH completed"), "{i}: {a:?}");
        assert!(!a.iter().any(|l| l.contains("NOUPDATE")), "{i}: {a:?}");
    }
    let store = &answers[8];
    assert_eq!(tagged(store), "t9 OK STORE completed");
    assert!(
        store
            .iter()
            .any(|l| l == "* ESEARCH (TAG \"t1\") UID REMOVEFROM (0 1:20000)"),
        "{:?}",
        &store[store.len() - 4..]
    );
    let flagged = &answers[9];
    assert!(
        flagged
            .iter()
            .any(|l| l == "* ESEARCH (TAG \"t2\") UID ADDTO (0 1:20000)"),
        "{:?}",
        &flagged[flagged.len().saturating_sub(4)..]
    );
    eprintln!("8 live searches, 2 STOREs to {MESSAGES} messages: {took:?}");
    assert!(took < NOOP_WITHIN, "{took:?}");
}

/// RFC 5267 §4.3 for CONTEXT=SORT: a live SORT keeps its result in order with each message's
/// sort values, so an update is one pass over its result plus the values of the messages that
/// join (Appendix B's "results caching"), never a re-sort that reads every message again. Eight
/// live sorts (one by SUBJECT, which reads headers, the most a session may keep) on 20,000
/// messages: every message leaves the SUBJECT one and joins it again, and leaves another.
#[test]
fn eight_live_sorts_after_stores_to_20000_messages_cost_one_pass_each() {
    let mut commands: Vec<String> = vec![
        "UID SORT RETURN (UPDATE COUNT) (REVERSE SUBJECT) UTF-8 UNSEEN".into(),
        "SORT RETURN (UPDATE COUNT) (REVERSE ARRIVAL) UTF-8 UNFLAGGED".into(),
    ];
    for k in [
        "ALL",
        "SEEN",
        "NOT DELETED",
        "UID 100:*",
        "KEYWORD $Junk",
        "FLAGGED",
    ] {
        commands.push(format!(
            "UID SORT RETURN (UPDATE COUNT) (SIZE ARRIVAL) UTF-8 {k}"
        ));
    }
    commands.push("STORE 1:* +FLAGS.SILENT (\\Seen)".into());
    commands.push("STORE 1:* -FLAGS.SILENT (\\Seen)".into());
    commands.push("STORE 1:* +FLAGS.SILENT (\\Flagged)".into());
    let started = Instant::now();
    let answers = engine_run(MESSAGES, ("x", 100), &commands);
    let took = started.elapsed();
    for (i, a) in answers.iter().take(8).enumerate() {
        assert!(tagged(a).ends_with("SORT completed"), "{i}: {a:?}");
        assert!(!a.iter().any(|l| l.contains("NOUPDATE")), "{i}: {a:?}");
    }
    // Subjects m0 .. m19999 in reverse: m9999 (UID 10000) first. The messages have one
    // INTERNALDATE, so REVERSE ARRIVAL leaves them in mailbox order (RFC 5256 §3: REVERSE does
    // not reverse the implicit sequence-number criterion): one range.
    let update = |answer: &[String], start: &str| answer.iter().any(|l| l.starts_with(start));
    assert!(
        update(
            &answers[8],
            "* ESEARCH (TAG \"t1\") UID REMOVEFROM (1 10000,9999,"
        ),
        "{:?}",
        answers[8]
            .iter()
            .map(|l| &l[..l.len().min(60)])
            .collect::<Vec<_>>()
    );
    assert!(
        update(
            &answers[9],
            "* ESEARCH (TAG \"t1\") UID ADDTO (1 10000,9999,"
        ),
        "{:?}",
        answers[9]
            .iter()
            .map(|l| &l[..l.len().min(60)])
            .collect::<Vec<_>>()
    );
    assert!(
        update(
            &answers[10],
            "* ESEARCH (TAG \"t2\") REMOVEFROM (1 1:20000)"
        ),
        "{:?}",
        answers[10]
            .iter()
            .map(|l| &l[..l.len().min(60)])
            .collect::<Vec<_>>()
    );
    assert!(update(
        &answers[10],
        "* ESEARCH (TAG \"t8\") UID ADDTO (1 1:20000)"
    ));
    eprintln!("8 live sorts, 3 STOREs to {MESSAGES} messages: {took:?}");
    assert!(took < NOOP_WITHIN, "{took:?}");
}
