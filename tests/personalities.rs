//! The `dovecot` and `cyrus` presets against the real servers (issue 10 §3): the client lines
//! Dovecot 2.3.19.1 and Cyrus 3.6.1 were sent in `tests/servers/transcripts/<server>/rfc2180-*.txt`
//! are replayed in the sandbox under the server's preset, after the scenario file's own setup,
//! and each command's answers are compared with the server's.
//!
//! Compared, per command, as the probe compares a live server's answers with the sandbox's:
//! [`imap_sandbox::native::compare`] says what counts and what is free text.
//! Known differences that remain are listed in `KNOWN` with the reason; the test fails on any
//! other difference, and on a listed one that no longer occurs.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::collections::BTreeMap;

use imap_sandbox::native::compare::{step_differences, Heard};
use imap_sandbox::scenario::{fresh_server, Scenario};
use imap_sandbox::server::{ClientId, OutputKind, Policies, Server};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// (preset, transcript, tag of the command): why the sandbox answers differently.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    (
        "dovecot",
        "rfc2180-4.2.4-store-all-no",
        "B003",
        UNCHANGED_FLAGS,
    ),
    (
        "cyrus",
        "rfc2180-4.2.4-store-all-no",
        "B003",
        UNCHANGED_FLAGS,
    ),
];

const UNCHANGED_FLAGS: &str = "a STORE that changes no flag: Dovecot and Cyrus send no FETCH, the \
     sandbox reports the flags as RFC 3501 §6.4.6 says it SHOULD";

/// One command of a recorded transcript and everything any client received after it.
#[derive(Debug, Default)]
struct Step {
    client: usize,
    line: String,
    /// Per client: the response lines, a literal's lines joined with CRLF.
    responses: BTreeMap<usize, Vec<String>>,
    closed: Vec<usize>,
}

/// The scratch mailbox prefixes of the transcripts, for the sandbox's plain names.
fn plain_names(s: &str) -> String {
    s.replace("INBOX.obs-SCRATCH.", "")
        .replace("obs-SCRATCH.", "")
}

/// The `# scenario` part of a transcript as steps.
fn recorded(text: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut in_scenario = false;
    // (client, octets still owed to a literal) while a response's literal is being read; then
    // the client whose next line continues the response after its literal.
    let mut literal: Option<(usize, usize)> = None;
    let mut tail: Option<(usize, bool)> = None;
    for raw in text.lines() {
        if raw == "# scenario" {
            in_scenario = true;
            continue;
        }
        if !in_scenario || raw.starts_with('#') {
            continue;
        }
        let (who, rest) = raw
            .split_once(": ")
            .unwrap_or((raw.trim_end_matches(':'), ""));
        let n: usize = who[1..].parse().unwrap();
        if who.starts_with('C') {
            steps.push(Step {
                client: n,
                line: plain_names(rest),
                ..Step::default()
            });
            continue;
        }
        let step = steps.last_mut().expect("a response after a command");
        if rest == "(closed)" {
            step.closed.push(n);
            continue;
        }
        let lines = step.responses.entry(n).or_default();
        match (literal, tail) {
            (Some((c, owed)), _) if c == n => {
                let last = lines.last_mut().unwrap();
                last.push_str("\r\n");
                last.push_str(rest);
                let used = rest.len() + 2;
                literal = (owed > used).then(|| (c, owed - used));
                // The recorder ends every line; the literal's octets may not have: then the
                // response goes on right after them.
                tail = literal.is_none().then_some((c, used == owed));
                continue;
            }
            (_, Some((c, crlf))) if c == n => {
                let last = lines.last_mut().unwrap();
                if crlf {
                    last.push_str("\r\n");
                }
                last.push_str(&plain_names(rest));
                tail = None;
            }
            _ => lines.push(plain_names(rest)),
        }
        if let Some(n_octets) = trailing_literal(rest) {
            literal = Some((n, n_octets));
        }
    }
    steps
}

fn trailing_literal(line: &str) -> Option<usize> {
    let open = line.strip_suffix('}')?.rfind('{')?;
    line[open + 1..line.len() - 1]
        .trim_end_matches('+')
        .parse()
        .ok()
}

fn output_lines(
    server: &mut Server,
    ids: &BTreeMap<ClientId, usize>,
) -> (BTreeMap<usize, Vec<String>>, Vec<usize>) {
    let mut lines: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut closed = Vec::new();
    for o in server.take_output() {
        let Some(&n) = ids.get(&o.client) else {
            continue;
        };
        match o.kind {
            OutputKind::Closed => closed.push(n),
            OutputKind::Continuation | OutputKind::StartTls => {}
            OutputKind::Tagged | OutputKind::Untagged => {
                let text = String::from_utf8_lossy(&o.bytes);
                lines
                    .entry(n)
                    .or_default()
                    .push(text.trim_end_matches("\r\n").to_string());
            }
        }
    }
    (lines, closed)
}

/// Scenario client `n`'s connection, made (greeting dropped) on first use.
fn connect(server: &mut Server, clients: &mut BTreeMap<usize, ClientId>, n: usize) -> ClientId {
    *clients.entry(n).or_insert_with(|| {
        let id = server.connect();
        let _ = server.take_output();
        id
    })
}

/// Replays one transcript; returns each difference as `(tag, text)`.
fn replay(preset: &str, server_dir: &str, name: &str) -> Vec<(String, String)> {
    let transcript = std::fs::read_to_string(format!(
        "{ROOT}/tests/servers/transcripts/{server_dir}/{name}.txt"
    ))
    .unwrap();
    let scenario = std::fs::read_to_string(format!("{ROOT}/scenarios/{name}.imap")).unwrap();
    let sc = Scenario::parse(&scenario).unwrap();
    let mut server = fresh_server(Policies::preset(preset).unwrap());
    let mut clients: BTreeMap<usize, ClientId> = BTreeMap::new();
    for (i, (n, cmd)) in sc.setup.iter().enumerate() {
        let id = connect(&mut server, &mut clients, *n);
        server.receive(id, format!("setup{i} {cmd}\r\n").as_bytes());
        let _ = server.take_output();
    }
    let mut found = Vec::new();
    for step in recorded(&transcript) {
        let tag = step.line.split(' ').next().unwrap_or_default().to_string();
        if trailing_literal(&step.line).is_some() {
            // The servers refused before the literal (Cyrus) or had closed the connection;
            // the sandbox would wait for it.
            continue;
        }
        let id = connect(&mut server, &mut clients, step.client);
        let map: BTreeMap<ClientId, usize> = clients.iter().map(|(n, id)| (*id, *n)).collect();
        server.receive(id, format!("{}\r\n", step.line).as_bytes());
        let (lines, closed) = output_lines(&mut server, &map);
        let heard = |lines: &BTreeMap<usize, Vec<String>>, closed: &[usize]| {
            let mut out: BTreeMap<usize, Heard> = BTreeMap::new();
            for (n, l) in lines {
                out.entry(*n).or_default().lines = l.clone();
            }
            for n in closed {
                out.entry(*n).or_default().closed = true;
            }
            out
        };
        for d in step_differences(
            &step.line,
            &heard(&lines, &closed),
            &heard(&step.responses, &step.closed),
        ) {
            found.push((tag.clone(), format!("C{} {}: {d}", step.client, step.line)));
        }
    }
    found
}

fn check(preset: &str, server_dir: &str) {
    let dir = format!("{ROOT}/tests/servers/transcripts/{server_dir}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with("rfc2180-") && f.ends_with(".txt"))
        .map(|f| f.trim_end_matches(".txt").to_string())
        .collect();
    names.sort();
    assert!(names.len() >= 18, "{names:?}");
    let mut unexpected = Vec::new();
    let mut known_seen = Vec::new();
    for name in &names {
        for (tag, text) in replay(preset, server_dir, name) {
            match KNOWN
                .iter()
                .find(|(p, n, t, _)| *p == preset && n == name && *t == tag)
            {
                Some(k) => known_seen.push(k),
                None => unexpected.push(format!("{name}: {text}")),
            }
        }
    }
    let stale: Vec<_> = KNOWN
        .iter()
        .filter(|k| k.0 == preset && !known_seen.contains(k))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "--preset {preset} against {server_dir}:\n{}\nlisted as known but not seen: {stale:?}",
        unexpected.join("\n")
    );
}

#[test]
fn the_dovecot_preset_answers_as_dovecot_2_3_did() {
    check("dovecot", "dovecot-2.3.19.1");
}

#[test]
fn the_cyrus_preset_answers_as_cyrus_3_6_did() {
    check("cyrus", "cyrus-3.6.1-4+deb12u5");
}
