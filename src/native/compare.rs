//! The one comparison of a real server's answers with the sandbox's, "up to free text", used by
//! the probe ([`crate::native::probe`]) to classify a live server and by `tests/personalities.rs`
//! to replay recorded transcripts under a personality preset.
//!
//! Compared, per command and per client: the tagged status (OK / NO / BAD) with the response
//! codes a decision point decides ([`DECIDED_CODES`] and COPYUID's UID sets), whether a BYE came
//! and whether the connection closed, how many EXPUNGE responses came, and every other untagged
//! data response (FETCH, SEARCH, STATUS, ...) as a multiset. Not compared, because servers differ
//! there outside the decision points (`tests/servers/README.md`, "Differences outside the
//! decision points"): free text, and response codes no decision point decides (RFC 5530's
//! `NONEXISTENT`, Dovecot's `CLIENTBUG`, ...: a server MAY send them, RFC 5530 §3); EXISTS and
//! RECENT; informational `* OK` / `* NO`; `* FLAGS`, LIST and LSUB; the order of the responses
//! and the numbers in EXPUNGE responses (a server may report a run of expunges from either
//! end); the INTERNALDATE of live messages (the time of the APPEND); `\Recent`; letter case
//! (Cyrus upper-cases MIME types, RFC 2045 §5.1); a string sent as a literal or quoted
//! (RFC 3501 §4.3); mod-sequence values (RFC 7162 §3.1: only their order is specified) and the
//! order of a FETCH response's items; UIDVALIDITY values (RFC 3501 §2.3.1.1: the server
//! chooses them; whether one is sent is compared); a STATUS response repeating one the client
//! already had in the same answer (Dovecot 2.3 sends the STATUS of an empty mailbox again
//! about 0.5 s after NOTIFY SET STATUS: it tells nothing new). FLAGS in a FETCH answering a command that did not name
//! FLAGS, and FETCH responses carrying FLAGS alone, are reports of flag changes, which a server may send at any
//! command (RFC 3501 §7.4.1) and the sandbox sends at NOOP: the sandbox's must each be among the
//! server's, not the other way round; except in the answer to a STORE, whose FETCH responses
//! are compared like data (which messages, which flags: what store-expunged decides).
//!
//! This module knows no socket and no policy; it compares lines.

use std::collections::BTreeMap;

/// The response codes whose presence a decision point decides: `EXPUNGEISSUED`
/// (expungeissued-code), `INUSE` (select-shared, delete-selected), `NEWNAME` (rename-selected),
/// `TRYCREATE` (rename-selected, copy into a deleted mailbox), `CLOSED` (delete-selected). COPYUID
/// is compared with its UID sets (copy-expunged), without its UIDVALIDITY.
pub const DECIDED_CODES: &[&str] = &["expungeissued", "inuse", "newname", "trycreate", "closed"];

/// What one client heard after one command: its response lines (a literal's lines joined with
/// CRLF, no final CRLF) and whether its connection was closed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heard {
    pub lines: Vec<String>,
    pub closed: bool,
}

/// One command of a play and what every client heard after it, on the server and in the
/// sandbox: a row of [`side_by_side`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepPair {
    /// The scenario line of the command.
    pub line_no: usize,
    pub client: usize,
    pub command: String,
    pub server: BTreeMap<usize, Heard>,
    pub sandbox: BTreeMap<usize, Heard>,
}

/// Width of the server's column in [`side_by_side`].
const COLUMN: usize = 64;

/// Two transcripts side by side, the server's on the left and the sandbox's on the right, one
/// block per command; a literal's CRLFs show as `\r\n`, and a server line longer than the
/// column is cut with `...` (the differences name the whole line).
pub fn side_by_side(steps: &[StepPair]) -> String {
    let mut out = format!("{:<COLUMN$} | sandbox\n", "server");
    let shown = |heard: &BTreeMap<usize, Heard>| -> Vec<String> {
        let mut lines = Vec::new();
        for (n, h) in heard {
            for l in &h.lines {
                lines.push(format!("S{n}: {}", l.replace("\r\n", "\\r\\n")));
            }
            if h.closed {
                lines.push(format!("S{n}: (closed)"));
            }
        }
        lines
    };
    for step in steps {
        out.push_str(&format!(
            "C{}: {}   (line {})\n",
            step.client, step.command, step.line_no
        ));
        let (left, right) = (shown(&step.server), shown(&step.sandbox));
        for k in 0..left.len().max(right.len()) {
            let l = left.get(k).map_or("", String::as_str);
            let l = match l.char_indices().nth(COLUMN - 5) {
                Some((cut, _)) if l.chars().count() > COLUMN - 2 => {
                    format!("{}...", l.get(..cut).unwrap_or(l))
                }
                _ => l.to_string(),
            };
            let r = right.get(k).map_or("", String::as_str);
            out.push_str(&format!("  {l:<width$} | {r}\n", width = COLUMN - 2));
        }
    }
    out
}

/// What is compared of one client's answers to one command.
#[derive(Debug, Default, PartialEq, Eq)]
struct Answer {
    tagged: Vec<String>,
    bye: bool,
    closed: bool,
    expunges: usize,
    data: Vec<String>,
    /// FETCH responses carrying FLAGS alone: reports of flag changes.
    flag_reports: Vec<String>,
}

/// The differences between what the sandbox and a server answered to `command`, one line per
/// difference, naming the client (`S2 tagged: sandbox ["no"], server ["ok"]`). Empty when
/// they are the same up to free text.
pub fn step_differences(
    command: &str,
    sandbox: &BTreeMap<usize, Heard>,
    server: &BTreeMap<usize, Heard>,
) -> Vec<String> {
    let upper = command.to_ascii_uppercase();
    let asked_flags = upper.contains("FLAGS");
    let stored = stored_flags(command);
    let none = Heard::default();
    let mut clients: Vec<usize> = sandbox.keys().chain(server.keys()).copied().collect();
    clients.sort_unstable();
    clients.dedup();
    let mut out = Vec::new();
    for n in clients {
        let ours = answer(sandbox.get(&n).unwrap_or(&none), asked_flags);
        let theirs = answer(server.get(&n).unwrap_or(&none), asked_flags);
        out.extend(
            differences(&ours, &theirs, &stored)
                .into_iter()
                .map(|d| format!("S{n} {d}")),
        );
    }
    out
}

fn answer(heard: &Heard, asked_flags: bool) -> Answer {
    let mut a = Answer {
        closed: heard.closed,
        ..Answer::default()
    };
    for line in &heard.lines {
        let line = normalize(line);
        let words: Vec<&str> = line.splitn(3, ' ').collect();
        match words.as_slice() {
            ["*", "bye", ..] => a.bye = true,
            ["*", "ok" | "no" | "bad", ..] => {}
            ["*", "status", ..] if a.data.contains(&line) => {}
            ["*", "list" | "lsub" | "flags", ..] => {}
            ["*", _, "expunge"] => a.expunges += 1,
            ["*", _, "exists" | "recent"] => {}
            ["*", _, rest] if rest.starts_with("fetch ") => {
                let stripped = without_flags(&line);
                if stripped.ends_with("fetch ()") {
                    a.flag_reports.push(line.clone());
                } else if asked_flags {
                    a.data.push(line.clone());
                } else {
                    a.data.push(stripped);
                }
            }
            ["*", ..] => a.data.push(line.clone()),
            ["+", ..] => {}
            [_tag, status, ..] => a.tagged.push(format!("{status} {}", codes(&line))),
            _ => a.data.push(line.clone()),
        }
    }
    a.data.sort();
    a.flag_reports.sort();
    a
}

/// The flags a `STORE set FLAGS (...)` or `+FLAGS` sets, lower-cased; empty for `-FLAGS` and
/// for other commands.
fn stored_flags(command: &str) -> Vec<String> {
    let lower = command.to_ascii_lowercase();
    let mut words = lower.split(' ').skip(1).skip_while(|w| *w == "uid");
    if words.next() != Some("store") {
        return Vec::new();
    }
    let Some(item) = words.nth(1) else {
        return Vec::new();
    };
    if !(item.starts_with("flags") || item.starts_with("+flags")) {
        return Vec::new();
    }
    words
        .flat_map(|w| w.split(['(', ')']))
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

fn differences(sandbox: &Answer, server: &Answer, stored: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (what, a, b) in [
        (
            "tagged",
            format!("{:?}", sandbox.tagged),
            format!("{:?}", server.tagged),
        ),
        ("BYE", sandbox.bye.to_string(), server.bye.to_string()),
        (
            "EXPUNGEs",
            sandbox.expunges.to_string(),
            server.expunges.to_string(),
        ),
        (
            "data",
            format!("{:?}", sandbox.data),
            format!("{:?}", server.data),
        ),
    ] {
        if a != b {
            out.push(format!("{what}: sandbox {a}, server {b}"));
        }
    }
    match (sandbox.closed, server.closed) {
        (false, true) => out.push("the server closed the connection, the sandbox did not".into()),
        (true, false) => out.push("the sandbox closed the connection, the server did not".into()),
        _ => {}
    }
    let mut left = server.flag_reports.clone();
    for line in &sandbox.flag_reports {
        match left.iter().position(|l| l == line) {
            Some(i) => {
                left.remove(i);
            }
            None => out.push(format!("flags: sandbox sent {line:?}, the server did not")),
        }
    }
    // A report the server sent beyond the sandbox's is news of another client's change,
    // unless it shows the flags this STORE set: then it is the STORE's own answer (RFC 3501
    // §6.4.6), and which messages get one is what store-expunged decides.
    if !stored.is_empty() {
        for line in &left {
            let flags = line
                .split_once("flags (")
                .map(|(_, f)| f.split(')').next().unwrap_or_default())
                .unwrap_or_default();
            let words: Vec<&str> = flags.split(' ').collect();
            if stored.iter().all(|f| words.contains(&f.as_str())) {
                out.push(format!("flags: server sent {line:?}, the sandbox did not"));
            }
        }
    }
    out
}

/// The decided codes of a status line, as compared (`expungeissued`, `copyuid 2,4 1:2`).
fn codes(line: &str) -> String {
    let mut out: Vec<String> = DECIDED_CODES
        .iter()
        .filter(|code| line.contains(&format!("[{code}")))
        .map(|code| code.to_string())
        .collect();
    if let Some((_, after)) = line.split_once("[copyuid ") {
        let inner = after.split(']').next().unwrap_or_default();
        let sets: Vec<&str> = inner.split(' ').skip(1).collect();
        out.push(format!("copyuid {}", sets.join(" ")));
    }
    out.join(" ")
}

/// `{N}CRLF` and N octets as a quoted string when they could be one (RFC 3501 §4.3: the
/// sandbox quotes short strings that servers may send as literals).
fn unliteral(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let (before, from_open) = rest.split_at(open);
        let Some((count, data)) = from_open
            .strip_prefix('{')
            .and_then(|s| s.split_once("}\r\n"))
        else {
            break;
        };
        let Ok(n) = count.parse::<usize>() else {
            out.push_str(before);
            out.push('{');
            rest = from_open.get(1..).unwrap_or_default();
            continue;
        };
        let (Some(content), Some(after)) = (data.get(..n), data.get(n..)) else {
            break;
        };
        out.push_str(before);
        if content.contains(['\r', '\n', '"', '\\']) {
            out.push('{');
            out.push_str(count);
            out.push_str("}\r\n");
            out.push_str(content);
        } else {
            out.push('"');
            out.push_str(content);
            out.push('"');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A FETCH response without its FLAGS item, for commands that did not ask for FLAGS: what a
/// server reports of flags there is its news of other clients' changes (Cyrus merges that
/// into the data responses). Expects a lower-cased line.
fn without_flags(line: &str) -> String {
    let Some(at) = line.find("flags (") else {
        return line.to_string();
    };
    let (before, from) = line.split_at(at);
    let Some(close) = from.find(')') else {
        return line.to_string();
    };
    let after = from.get(close + 1..).unwrap_or_default();
    format!("{}{}", before, after.strip_prefix(' ').unwrap_or(after)).replace(" )", ")")
}

fn normalize(line: &str) -> String {
    let mut s = unliteral(line)
        .replace(" \\Recent", "")
        .replace("\\Recent ", "")
        .replace("\\Recent", "");
    // INTERNALDATE of live messages is the APPEND's time on the servers: masked, except the
    // epoch an expunged message is given (date-day-fixed, RFC 3501 §9: "01" and " 1").
    while let Some((before, after)) = s.split_once("INTERNALDATE \"") {
        let (date, rest) = after.split_once('"').unwrap_or((after, ""));
        let date = date.trim_start_matches(['0', ' ']);
        let shown = if date.starts_with("1-Jan-1970") {
            date
        } else {
            "*"
        };
        s = format!("{before}INTERNALDATE<{shown}>{rest}");
    }
    // Cyrus writes MIME types upper case; they are case-insensitive (RFC 2045 §5.1).
    let s = masked_modseqs(&s.to_ascii_lowercase());
    sorted_fetch_items(&s)
}

/// Mod-sequence values masked (`modseq (*)`, `highestmodseq *`): a server chooses them, and
/// only their order is specified (RFC 7162 §3.1: "strictly increasing"; Dovecot 2.3 gives all
/// the messages of one STORE one mod-sequence, the sandbox one each). UIDVALIDITY values too
/// (`uidvalidity *`, RFC 3501 §2.3.1.1: chosen by the server). Expects a lower-cased line.
fn masked_modseqs(line: &str) -> String {
    let mut s = line.to_string();
    for key in ["modseq (", "highestmodseq ", "uidvalidity "] {
        let mut out = String::new();
        let mut rest = s.as_str();
        while let Some(at) = rest.find(key) {
            let (before, from) = rest.split_at(at + key.len());
            out.push_str(before);
            let digits = from.len() - from.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                out.push('*');
            }
            rest = from.get(digits..).unwrap_or_default();
        }
        out.push_str(rest);
        s = out;
    }
    s
}

/// A FETCH response's items in name order: their order is the server's (RFC 3501 §7.4.2 gives
/// none; Dovecot sends `MODSEQ (9) FLAGS (...)`, the sandbox `FLAGS (...) MODSEQ (9)`). Lines
/// with a literal, or that do not split into name-value pairs, are left as they are.
fn sorted_fetch_items(line: &str) -> String {
    let Some((head, rest)) = line.split_once(" fetch (") else {
        return line.to_string();
    };
    let Some(inner) = rest.strip_suffix(')') else {
        return line.to_string();
    };
    if !head.starts_with("* ") || line.contains('{') {
        return line.to_string();
    }
    let mut tokens = Vec::new();
    let (mut depth, mut quoted, mut escaped, mut start) = (0i32, false, false, 0usize);
    for (i, c) in inner.char_indices() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ' ' if depth == 0 => {
                tokens.push(inner.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    tokens.push(inner.get(start..).unwrap_or_default());
    if tokens.len() % 2 != 0 {
        return line.to_string();
    }
    let mut items: Vec<String> = tokens.chunks(2).map(|pair| pair.join(" ")).collect();
    items.sort();
    format!("{head} fetch ({})", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(lines: &[&str]) -> BTreeMap<usize, Heard> {
        let mut m = BTreeMap::new();
        m.insert(
            1,
            Heard {
                lines: lines.iter().map(|l| l.to_string()).collect(),
                closed: false,
            },
        );
        m
    }

    #[test]
    fn mod_sequence_values_and_fetch_item_order_are_the_servers() {
        assert_eq!(
            normalize("* 2 FETCH (MODSEQ (11) FLAGS (\\Answered \\Deleted))"),
            normalize("* 2 FETCH (FLAGS (\\Answered \\Deleted) MODSEQ (12))"),
        );
        assert_eq!(
            normalize("* STATUS foo (HIGHESTMODSEQ 7 MESSAGES 2)"),
            "* status foo (highestmodseq * messages 2)"
        );
        // Item values stay compared, and a section's spaces do not split it.
        assert_eq!(
            normalize("* 1 FETCH (BODY[HEADER.FIELDS (FROM)] \"x\" UID 4)"),
            "* 1 fetch (body[header.fields (from)] \"x\" uid 4)"
        );
        assert_ne!(
            normalize("* 2 FETCH (UID 2 MODSEQ (9))"),
            normalize("* 2 FETCH (MODSEQ (9))")
        );
    }

    #[test]
    fn status_uidvalidity_values_and_repeats_are_the_servers() {
        let a = heard(&["* STATUS foo (MESSAGES 0 UIDVALIDITY 1700000004)", "b OK"]);
        let b = heard(&[
            "* STATUS foo (MESSAGES 0 UIDVALIDITY 1796163305)",
            "b OK",
            "* STATUS foo (MESSAGES 0 UIDVALIDITY 1796163305)",
        ]);
        assert!(step_differences("b NOTIFY SET STATUS", &a, &b).is_empty());
        // Whether UIDVALIDITY is sent, and other values, stay compared.
        let b = heard(&["* STATUS foo (MESSAGES 0)", "b OK"]);
        assert_eq!(step_differences("b NOTIFY SET STATUS", &a, &b).len(), 1);
        let b = heard(&["* STATUS foo (MESSAGES 1 UIDVALIDITY 9)", "b OK"]);
        assert_eq!(step_differences("b NOTIFY SET STATUS", &a, &b).len(), 1);
    }

    #[test]
    fn free_text_and_undecided_codes_are_ignored() {
        let a = heard(&["C001 NO [NONEXISTENT] Mailbox FOO does not exist"]);
        let b = heard(&["C001 NO Mailbox doesn't exist: FOO (0.001 + 0.000 secs)."]);
        assert!(step_differences("C001 SELECT FOO", &a, &b).is_empty());
    }

    #[test]
    fn decided_codes_and_status_are_compared() {
        let a = heard(&["A1 OK [EXPUNGEISSUED] done"]);
        let b = heard(&["A1 OK done"]);
        assert_eq!(step_differences("A1 FETCH 4 BODY[]", &a, &b).len(), 1);
        let a = heard(&["A1 OK [COPYUID 9 2,4 1:2] done"]);
        let b = heard(&["A1 OK [COPYUID 123 2,4 1:2] Completed"]);
        assert!(step_differences("A1 COPY 2,4 FRED", &a, &b).is_empty());
        let b = heard(&["A1 OK [COPYUID 123 2 1] Completed"]);
        assert_eq!(step_differences("A1 COPY 2,4 FRED", &a, &b).len(), 1);
        let b = heard(&["A1 NO [COPYUID 9 2,4 1:2] done"]);
        assert_eq!(step_differences("A1 COPY 2,4 FRED", &a, &b).len(), 1);
    }

    #[test]
    fn expunge_numbers_and_order_are_ignored_but_not_their_count() {
        let a = heard(&["* 4 EXPUNGE", "* 4 EXPUNGE", "* 3 EXISTS", "B1 OK x"]);
        let b = heard(&["* 5 EXPUNGE", "* 4 EXPUNGE", "B1 OK y"]);
        assert!(step_differences("B1 NOOP", &a, &b).is_empty());
        let b = heard(&["* 4 EXPUNGE", "B1 OK y"]);
        assert_eq!(
            step_differences("B1 NOOP", &a, &b),
            ["S1 EXPUNGEs: sandbox 2, server 1"]
        );
    }

    #[test]
    fn literals_case_and_live_dates_are_normalized() {
        let a = heard(&[
            "* 1 FETCH (INTERNALDATE \"04-Jan-2024 17:00:00 +0000\" BODY[HEADER.FIELDS (SUBJECT)] \"x\")",
            "B1 OK",
        ]);
        let b = heard(&[
            "* 1 FETCH (INTERNALDATE \" 1-Dec-2026 16:00:00 +0000\" BODY[HEADER.FIELDS (SUBJECT)] {1}\r\nx)",
            "B1 OK",
        ]);
        assert!(step_differences("B1 FETCH 1 (INTERNALDATE BODY[])", &a, &b).is_empty());
        let b = heard(&[
            "* 1 FETCH (INTERNALDATE \"01-Jan-1970 00:00:00 +0000\" BODY[HEADER.FIELDS (SUBJECT)] \"x\")",
            "B1 OK",
        ]);
        assert_eq!(step_differences("B1 FETCH 1 INTERNALDATE", &a, &b).len(), 1);
    }

    #[test]
    fn the_sandbox_flag_reports_must_be_among_the_servers() {
        let a = heard(&["B1 OK"]);
        let b = heard(&["* 2 FETCH (FLAGS (\\Seen))", "B1 OK"]);
        assert!(step_differences("B1 NOOP", &a, &b).is_empty());
        assert_eq!(step_differences("B1 NOOP", &b, &a).len(), 1);
    }

    #[test]
    fn a_store_answer_showing_the_stored_flags_must_be_the_sandboxs_too() {
        let a = heard(&["* 1 FETCH (FLAGS (\\Seen))", "B1 OK"]);
        let b = heard(&[
            "* 1 FETCH (FLAGS (\\Seen))",
            "* 4 FETCH (FLAGS (\\Deleted))",
            "B1 OK",
        ]);
        // News of another client's \Deleted: allowed.
        assert!(step_differences("B1 STORE 1,4 +FLAGS (\\Seen)", &a, &b).is_empty());
        let b = heard(&[
            "* 1 FETCH (FLAGS (\\Seen))",
            "* 4 FETCH (FLAGS (\\Deleted \\Seen))",
            "B1 OK",
        ]);
        // The stored \Seen on message 4 is the STORE's answer: the sandbox must send it too.
        assert_eq!(
            step_differences("B1 STORE 1,4 +FLAGS.SILENT (\\Seen)", &a, &b).len(),
            1
        );
        assert!(step_differences("B1 STORE 1,4 -FLAGS (\\Seen)", &a, &b).is_empty());
        assert!(step_differences("B1 NOOP", &a, &b).is_empty());
    }

    #[test]
    fn side_by_side_shows_both_transcripts_per_command() {
        let step = StepPair {
            line_no: 12,
            client: 2,
            command: "B1 NOOP".to_string(),
            server: heard(&["* 4 EXPUNGE", "B1 OK done"]),
            sandbox: heard(&["B1 OK NOOP completed"]),
        };
        let text = side_by_side(&[step]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("server ") && lines[0].ends_with("| sandbox"));
        assert_eq!(lines[1], "C2: B1 NOOP   (line 12)");
        assert!(
            lines[2].starts_with("  S1: * 4 EXPUNGE ")
                && lines[2].ends_with("| S1: B1 OK NOOP completed")
        );
        assert!(lines[3].starts_with("  S1: B1 OK done ") && lines[3].ends_with("| "));
    }

    #[test]
    fn bye_and_close_are_compared_per_client() {
        let a = heard(&["* BYE gone"]);
        let mut b = heard(&["* BYE other text"]);
        if let Some(h) = b.get_mut(&1) {
            h.closed = true;
        }
        assert_eq!(
            step_differences("B1 NOOP", &a, &b),
            ["S1 the server closed the connection, the sandbox did not"]
        );
    }
}
