//! Benchmark workloads, compiled for both targets so the same code is measured natively
//! (`examples/bench.rs`) and in the browser (`bench/`, through one wasm export). They drive
//! [`Server`] like any front end would and own no clock: the caller passes one in (or times the
//! whole call), so nothing here depends on the platform. Not used by the server itself, and
//! compiled only with the cargo feature `bench` (`scripts/bench.sh` turns it on), so the page's
//! wasm module does not carry it.

use crate::protocol::types::{Flag, StatusKind};
use crate::server::mailstore::{Flags, MessageData};
use crate::server::world::{datetime_from_unix, SANDBOX_EPOCH};
use crate::server::{ClientId, OutputKind, Policies, Server, World};

/// The mailbox the workloads use.
pub const MAILBOX: &str = "BENCH";

/// Messages in [`MAILBOX`] for [`sort_and_thread`] (RFC 5256).
pub const SORT_MESSAGES: usize = 20_000;

/// Message `i` of a threaded mailbox: threads of 10 messages (`i / 10`), each a binary tree of
/// replies (message `k` of a thread answers message `(k - 1) / 2`) with `Re:` subjects, up to
/// three References, a Date in a zone that varies, and one in seven missing its parent (the
/// reference names a message that is not in the mailbox).
pub fn threaded_message(i: usize) -> Vec<u8> {
    let (thread, k) = (i / 10, i % 10);
    let mut h = format!(
        "From: Person {p} <person{p}@example.org>\r\n\
         To: List <list@example.org>\r\n\
         Date: Mon, 1 Jan 2024 {hh:02}:{mm:02}:{ss:02} {zone}\r\n\
         Message-ID: <m{i}@example.org>\r\n",
        p = i % 53,
        hh = (i / 3_600) % 24,
        mm = (i / 60) % 60,
        ss = i % 60,
        zone = match i % 3 {
            0 => "+0000",
            1 => "-0500",
            _ => "+0900",
        },
    );
    if k == 0 {
        h.push_str(&format!("Subject: Topic {thread}\r\n"));
    } else {
        h.push_str(&format!("Subject: Re: [list] Topic {thread}\r\n"));
        let mut refs = Vec::new();
        let mut a = k;
        while a > 0 && refs.len() < 3 {
            a = (a - 1) / 2;
            refs.push(thread * 10 + a);
        }
        refs.reverse();
        let ids: Vec<String> = refs
            .iter()
            .map(|r| {
                if (r + i) % 7 == 0 {
                    format!("<gone{r}@example.org>")
                } else {
                    format!("<m{r}@example.org>")
                }
            })
            .collect();
        h.push_str(&format!("References: {}\r\n", ids.join(" ")));
    }
    h.push_str("\r\nA short body.\r\n");
    h.into_bytes()
}

/// SORT and THREAD (RFC 5256) on a mailbox of `messages` [`threaded_message`]s: each command
/// twice (the first parses every message's MIME header), timed with `now` in milliseconds.
pub fn sort_and_thread(messages: usize, now: &dyn Fn() -> f64) -> Result<Vec<Step>, String> {
    let mut world = World::default_world();
    if let Some(mailbox) = world
        .store
        .create(MAILBOX)
        .ok()
        .and_then(|id| world.store.get_mut(id))
    {
        for i in 0..messages {
            let date = datetime_from_unix(SANDBOX_EPOCH + i64::try_from(i).unwrap_or(0));
            mailbox.append(
                MessageData::new(threaded_message(i), date),
                Flags::default(),
            );
        }
    }
    let mut d = Driver::new(world, 1);
    d.run(0, format!("SELECT {MAILBOX}").as_bytes());
    let rows: Vec<(&'static str, &str, &[usize])> = [
        (
            "SORT (SUBJECT) (first, parses MIME)",
            "SORT (SUBJECT) UTF-8 ALL",
        ),
        ("SORT (SUBJECT)", "SORT (SUBJECT) UTF-8 ALL"),
        ("SORT (REVERSE DATE)", "SORT (REVERSE DATE) UTF-8 ALL"),
        (
            "SORT (FROM SUBJECT SIZE)",
            "SORT (FROM SUBJECT SIZE) UTF-8 ALL",
        ),
        ("THREAD ORDEREDSUBJECT", "THREAD ORDEREDSUBJECT UTF-8 ALL"),
        ("THREAD REFERENCES", "THREAD REFERENCES UTF-8 ALL"),
        ("UID THREAD REFERENCES", "UID THREAD REFERENCES UTF-8 ALL"),
    ]
    .into_iter()
    .map(|(label, command)| (label, command, &[0usize][..]))
    .collect();
    let steps = timed(&mut d, now, &rows);
    d.finish(steps)
}

/// Messages in [`MAILBOX`] for [`mixed_workload`].
pub const WORKLOAD_MESSAGES: usize = 200;

/// Commands each session sends per iteration of [`mixed_workload`].
pub const WORKLOAD_COMMANDS_PER_SESSION: u64 = 10;

/// Body lines of [`synthetic_message`]: about 1.2 KB a message.
pub const BODY_LINES: usize = 14;

/// Body lines of a message of about 1 KB (the 1M-message row of the scale benchmark).
pub const BODY_LINES_1KB: usize = 11;

/// A plain-text message of about 1.2 KB, different for each `i`; one in a hundred has the word
/// `needle` in its body, one in ten is about a "report".
pub fn synthetic_message(i: usize) -> Vec<u8> {
    message_with_lines(i, BODY_LINES)
}

/// [`synthetic_message`] with `lines` body lines of about 70 octets each (about 230 octets of
/// header).
pub fn message_with_lines(i: usize, lines: usize) -> Vec<u8> {
    let topic = if i % 10 == 0 {
        "Quarterly report"
    } else {
        "Lunch plans"
    };
    let word = if i % 100 == 0 { "needle" } else { "hay" };
    let mut m = format!(
        "From: Sender {s} <sender{s}@example.org>\r\n\
         To: Team <team@example.org>\r\n\
         Subject: {topic} #{i}\r\n\
         Date: Mon, 1 Jan 2024 10:{mm:02}:00 +0000\r\n\
         Message-ID: <bench-{i}@example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=us-ascii\r\n\
         \r\n",
        s = i % 37,
        mm = i % 60,
    );
    for line in 0..lines {
        m.push_str(&format!(
            "Line {line} of message {i}: the quick brown fox jumps over the lazy {word}.\r\n"
        ));
    }
    // Exactly its size, as a message read from an APPEND literal is: the memory benchmark
    // counts what the store holds beyond the raw octets, not this builder's spare capacity.
    m.shrink_to_fit();
    m.into_bytes()
}

/// The default world plus [`MAILBOX`] holding `messages` synthetic messages; every tenth is
/// `\Deleted` when `tenth_deleted` (the scale benchmark's EXPUNGE removes exactly 10%).
pub fn world_with(messages: usize, tenth_deleted: bool) -> World {
    world_of(messages, BODY_LINES, tenth_deleted)
}

/// [`world_with`], its messages with `body_lines` body lines ([`message_with_lines`]).
pub fn world_of(messages: usize, body_lines: usize, tenth_deleted: bool) -> World {
    let mut world = World::default_world();
    let Some(mailbox) = world
        .store
        .create(MAILBOX)
        .ok()
        .and_then(|id| world.store.get_mut(id))
    else {
        return world;
    };
    for i in 0..messages {
        let date = datetime_from_unix(SANDBOX_EPOCH + i64::try_from(i).unwrap_or(0) * 60);
        let flags = if tenth_deleted && i % 10 == 9 {
            Flags::from_list(&[Flag::Deleted])
        } else {
            Flags::default()
        };
        mailbox.append(
            MessageData::new(message_with_lines(i, body_lines), date),
            flags,
        );
        if let Some(m) = mailbox.messages.last_mut() {
            m.recent_unclaimed = false;
        }
    }
    world
}

/// Several logged-in sessions on one server, each command checked for a tagged OK.
pub struct Driver {
    pub server: Server,
    pub clients: Vec<ClientId>,
    /// Commands sent so far.
    pub commands: u64,
    /// Commands not answered with a tagged OK, with the first such answer.
    pub errors: u64,
    pub first_error: Option<String>,
    /// Response octets produced so far (for every client).
    pub octets: u64,
    next_tag: u64,
}

impl Driver {
    /// `sessions` clients logged in as alice, bob, carol, alice, ...
    pub fn new(world: World, sessions: usize) -> Driver {
        let mut d = Driver {
            server: Server::new(world, Policies::default()),
            clients: Vec::new(),
            commands: 0,
            errors: 0,
            first_error: None,
            octets: 0,
            next_tag: 0,
        };
        for i in 0..sessions {
            let id = d.server.connect();
            d.clients.push(id);
            let user = ["alice", "bob", "carol"]
                .get(i % 3)
                .copied()
                .unwrap_or("alice");
            d.run(i, format!("LOGIN {user} {user}").as_bytes());
        }
        d
    }

    /// `value`, or the first command's answer that was not a tagged OK.
    pub fn finish<T>(&self, value: T) -> Result<T, String> {
        match &self.first_error {
            Some(e) => Err(e.clone()),
            None => Ok(value),
        }
    }

    /// Sends one command (without tag and CRLF; literals must be non-synchronizing, `{n+}`)
    /// for session `session` and takes every output it caused.
    pub fn run(&mut self, session: usize, command: &[u8]) {
        let Some(&client) = self.clients.get(session) else {
            return;
        };
        self.next_tag += 1;
        let mut line = format!("b{} ", self.next_tag).into_bytes();
        line.extend_from_slice(command);
        line.extend_from_slice(b"\r\n");
        self.server.receive(client, &line);
        self.commands += 1;
        // The batch, as the page's wasm API takes it (`Server::take_batch`).
        let out = self.server.take_batch();
        self.octets += out.bytes.len() as u64;
        let mut ok = false;
        for (o, bytes) in out.iter() {
            if o.client == client && o.kind == OutputKind::Tagged {
                ok = o.status == Some(StatusKind::Ok);
                if !ok && self.first_error.is_none() {
                    self.first_error = Some(String::from_utf8_lossy(bytes).into_owned());
                }
            }
        }
        if !ok {
            self.errors += 1;
        }
    }
}

/// The fixed mixed workload: 3 sessions on one mailbox of [`WORKLOAD_MESSAGES`] messages, each
/// sending per iteration SELECT, FETCH 1:* (FLAGS UID), FETCH n BODY[], STORE n ±FLAGS, SEARCH,
/// APPEND, STORE * +FLAGS.SILENT (\Deleted), EXPUNGE, NOOP and UID FETCH (10 commands), so the
/// mailbox keeps its size. Returns the number of commands, or the first error.
pub fn mixed_workload(iterations: u32) -> Result<u64, String> {
    workload(iterations, &mut |_, f| f())
}

/// The labels of [`mixed_workload_by_command`]'s steps: the world's setup, then each command
/// of an iteration.
pub const WORKLOAD_STEPS: [&str; 11] = [
    "setup (world of 200 messages, 3 LOGINs)",
    "SELECT",
    "FETCH 1:* (FLAGS UID)",
    "FETCH n BODY[]",
    "STORE n ±FLAGS (\\Seen)",
    "SEARCH UNSEEN SUBJECT report",
    "APPEND 1.2 KB",
    "STORE * +FLAGS.SILENT (\\Deleted)",
    "EXPUNGE",
    "NOOP",
    "UID FETCH n:* (FLAGS)",
];

/// [`mixed_workload`] with its time split by command (issue 14's wasm/native ratio, command by
/// command): milliseconds per step of [`WORKLOAD_STEPS`], summed over the iterations and
/// sessions, timed with `now` (milliseconds).
pub fn mixed_workload_by_command(
    iterations: u32,
    now: &dyn Fn() -> f64,
) -> Result<Vec<Step>, String> {
    let mut millis = [0f64; WORKLOAD_STEPS.len()];
    workload(iterations, &mut |step, f| {
        let t = now();
        f();
        if let Some(m) = millis.get_mut(step) {
            *m += now() - t;
        }
    })?;
    Ok(WORKLOAD_STEPS
        .iter()
        .zip(millis)
        .map(|(&command, millis)| Step { command, millis })
        .collect())
}

/// [`mixed_workload`], each step `i` of [`WORKLOAD_STEPS`] run through `step(i, ..)`.
fn workload(iterations: u32, step: &mut dyn FnMut(usize, &mut dyn FnMut())) -> Result<u64, String> {
    let mut driver = None;
    step(0, &mut || {
        driver = Some(Driver::new(world_with(WORKLOAD_MESSAGES, false), 3));
    });
    let Some(mut d) = driver else {
        return Err("no driver".to_string());
    };
    let appended = synthetic_message(WORKLOAD_MESSAGES);
    let append = [
        format!("APPEND {MAILBOX} (\\Flagged) {{{}+}}\r\n", appended.len()).as_bytes(),
        &appended,
    ]
    .concat();
    let start = d.commands;
    for it in 0..iterations as usize {
        for s in 0..3 {
            let n = (it * 3 + s) % (WORKLOAD_MESSAGES - 10) + 1;
            let sign = if it % 2 == 0 { '+' } else { '-' };
            let select = format!("SELECT {MAILBOX}");
            let fetch = format!("FETCH {n} BODY[]");
            let store = format!("STORE {n} {sign}FLAGS (\\Seen)");
            let uid_fetch = format!("UID FETCH {n}:* (FLAGS)");
            let commands: [&[u8]; 10] = [
                select.as_bytes(),
                b"FETCH 1:* (FLAGS UID)",
                fetch.as_bytes(),
                store.as_bytes(),
                b"SEARCH UNSEEN SUBJECT report",
                &append,
                b"STORE * +FLAGS.SILENT (\\Deleted)",
                b"EXPUNGE",
                b"NOOP",
                uid_fetch.as_bytes(),
            ];
            for (i, command) in commands.iter().enumerate() {
                step(i + 1, &mut || d.run(s, command));
            }
        }
    }
    d.finish(d.commands - start)
}

/// One timed step of [`scale`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Step {
    pub command: &'static str,
    pub millis: f64,
}

/// The scale benchmark on a mailbox of `messages` messages with `sessions` sessions selected:
/// the last session runs SELECT, FETCH 1:* (FLAGS), SEARCH TEXT, STORE 1:* +FLAGS and EXPUNGE
/// of the 10% that are `\Deleted`, then every other session's NOOP (which reports those
/// expunges). `now` is a clock in milliseconds.
pub fn scale(messages: usize, sessions: usize, now: &dyn Fn() -> f64) -> Result<Vec<Step>, String> {
    let mut d = Driver::new(world_with(messages, true), sessions.max(1));
    let actor = d.clients.len() - 1;
    for s in 0..actor {
        d.run(s, format!("SELECT {MAILBOX}").as_bytes());
    }
    let others: Vec<usize> = (0..actor).collect();
    let select = format!("SELECT {MAILBOX}");
    let search = "SEARCH TEXT needle";
    let steps = timed(
        &mut d,
        now,
        &[
            ("SELECT", &select, &[actor]),
            ("FETCH 1:* (FLAGS)", "FETCH 1:* (FLAGS)", &[actor]),
            ("SEARCH TEXT (first)", search, &[actor]),
            ("SEARCH TEXT (again)", search, &[actor]),
            (
                "STORE 1:* +FLAGS (\\Flagged)",
                "STORE 1:* +FLAGS (\\Flagged)",
                &[actor],
            ),
            ("EXPUNGE (10%)", "EXPUNGE", &[actor]),
            ("NOOP of the others (told of it all)", "NOOP", &others),
        ],
    );
    d.finish(steps)
}

/// Runs each row `(label, command, sessions)` in turn: the command for each of the sessions,
/// all of them timed together with `now` (milliseconds). A row with no session is left out.
pub fn timed(
    d: &mut Driver,
    now: &dyn Fn() -> f64,
    rows: &[(&'static str, &str, &[usize])],
) -> Vec<Step> {
    let mut steps = Vec::new();
    for &(label, command, sessions) in rows {
        if sessions.is_empty() {
            continue;
        }
        let t = now();
        for &s in sessions {
            d.run(s, command.as_bytes());
        }
        steps.push(Step {
            command: label,
            millis: now() - t,
        });
    }
    steps
}

/// Messages in the mailbox of [`hostile_lines`]: the size the cost bounds are stated for.
pub const HOSTILE_MESSAGES: usize = 20_000;

/// `item` repeated, comma-separated, as far as a 64 KB command line (tag and CRLF included)
/// allows between `prefix` and `suffix`.
pub fn fill_line(prefix: &str, item: &str, sep: &str, suffix: &str) -> String {
    let room = 65_536usize.saturating_sub(prefix.len() + suffix.len() + "b000 ".len() + 2);
    let n = (room + sep.len()) / (item.len() + sep.len());
    format!("{prefix}{}{suffix}", vec![item; n].join(sep))
}

/// The worst 64 KB command lines known for a mailbox of [`HOSTILE_MESSAGES`] messages, as
/// (label, command without tag). Those over a bound in `server::limits` answer `NO [LIMIT]`;
/// the table in BENCHMARKS.md says which.
pub fn hostile_lines() -> Vec<(&'static str, String)> {
    let many = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join(" ");
    let keywords = |from: usize, n: usize| many(n, &|i| format!("$Keyword{:04}", from + i));
    let mut lines = vec![
        (
            "FETCH 1:*,1:*,... (FLAGS)",
            fill_line("FETCH ", "1:*", ",", " (FLAGS)"),
        ),
        (
            "UID STORE 20000:1,... +FLAGS.SILENT (\\Seen)",
            fill_line("UID STORE ", "20000:1", ",", " +FLAGS.SILENT (\\Seen)"),
        ),
        (
            "SEARCH NOT (OR 2 1,3,5,...) ALL: 5,400 ranges",
            format!(
                "SEARCH NOT (OR 2 {}) ALL",
                (0..5_400)
                    .map(|i| (2 * i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
        (
            "SEARCH 1:* x 256 keys",
            format!("SEARCH {}", vec!["1:*"; 256].join(" ")),
        ),
        (
            "SEARCH OR/NOT tree of 256 keys",
            format!(
                "SEARCH {}",
                many(64, &|i| format!("OR NOT UNKEYWORD k{i} {}:*", i + 1))
            ),
        ),
        (
            "SEARCH SEEN x 13,000 (refused)",
            fill_line("SEARCH ", "SEEN", " ", ""),
        ),
        (
            "SEARCH TEXT, BODY (a third is refused)",
            "SEARCH OR TEXT zzzz BODY yyyy".to_string(),
        ),
        (
            "SEARCH 9 header keys",
            format!(
                "SEARCH {}",
                many(4, &|i| format!("OR SUBJECT zz{i} FROM yy{i}")) + " HEADER X-None q"
            ),
        ),
        (
            "SORT every key, 7 reading headers (RFC 5256, 5957)",
            "SORT (SUBJECT FROM TO CC DATE DISPLAYFROM DISPLAYTO ARRIVAL REVERSE SIZE) UTF-8 ALL"
                .to_string(),
        ),
        (
            "THREAD REFERENCES, 9 header keys (refused)",
            format!(
                "THREAD REFERENCES UTF-8 {}",
                many(4, &|i| format!("OR NOT SUBJECT zz{i} FROM yy{i}")) + " NOT HEADER X-None q"
            ),
        ),
        (
            "FETCH 1:* (BODY.PEEK[] BODY.PEEK[TEXT])",
            "FETCH 1:* (BODY.PEEK[] BODY.PEEK[TEXT])".to_string(),
        ),
        (
            "FETCH 1:* 64 partial BODY[] (refused)",
            format!(
                "FETCH 1:* ({})",
                many(64, &|i| format!("BODY.PEEK[]<{i}.1>"))
            ),
        ),
        (
            "FETCH 1:* HEADER.FIELDS, 64 names, 1 KB",
            format!(
                "FETCH 1:* (BODY.PEEK[HEADER.FIELDS ({})])",
                many(64, &|i| format!("X-Field-{i:05}"))
            ),
        ),
    ];
    // The mailbox's 64 keywords, 16 (the most one STORE takes) at a time.
    for (from, n) in [(0, 16), (16, 16), (32, 16), (48, 13)] {
        lines.push((
            if n == 16 {
                "STORE 1:* +FLAGS.SILENT, 16 new keywords"
            } else {
                "STORE 1:* +FLAGS.SILENT, 13 new keywords (the mailbox is full)"
            },
            format!("STORE 1:* +FLAGS.SILENT ({})", keywords(from, n)),
        ));
    }
    lines.extend([
        (
            "STORE 1:* +FLAGS, 16 keywords set, 64 each",
            format!("STORE 1:* +FLAGS ({})", keywords(0, 16)),
        ),
        (
            "STORE a 65th keyword (refused)",
            "STORE 1:* +FLAGS ($Keyword9999)".to_string(),
        ),
        (
            "FETCH 1:* (FLAGS), 64 keywords each",
            "FETCH 1:* (FLAGS)".to_string(),
        ),
        (
            "SEARCH UNKEYWORD x 256",
            format!(
                "SEARCH {}",
                many(256, &|i| format!("UNKEYWORD $Absent{i:04}"))
            ),
        ),
        (
            "COPY 1:*,1:*,... (64 keywords each)",
            fill_line("COPY ", "1:*", ",", " Trash"),
        ),
    ]);
    lines
}

/// One hostile line's answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HostileStep {
    pub command: &'static str,
    pub millis: f64,
    /// The tagged reply, cut to 60 characters.
    pub reply: String,
    /// Response octets.
    pub octets: u64,
}

/// Runs [`hostile_lines`] on a mailbox of [`HOSTILE_MESSAGES`] messages, one session, timing
/// each with `now` (milliseconds). `around` runs before each line with `None` and after it with
/// its label (the native benchmark resets and reads the peak memory there).
pub fn hostile(now: &dyn Fn() -> f64, around: &mut dyn FnMut(Option<&str>)) -> Vec<HostileStep> {
    let mut d = Driver::new(world_with(HOSTILE_MESSAGES, false), 1);
    d.run(0, format!("SELECT {MAILBOX}").as_bytes());
    let mut steps = Vec::new();
    for (label, line) in hostile_lines() {
        around(None);
        let t = now();
        d.server.receive(
            d.clients
                .first()
                .copied()
                .unwrap_or(crate::server::ClientId(0)),
            format!("h {line}\r\n").as_bytes(),
        );
        let out = d.server.take_output();
        let millis = now() - t;
        around(Some(label));
        let reply = out
            .iter()
            .rev()
            .find(|o| o.kind == OutputKind::Tagged)
            .map(|o| {
                String::from_utf8_lossy(&o.bytes)
                    .trim_end()
                    .chars()
                    .take(60)
                    .collect()
            })
            .unwrap_or_default();
        steps.push(HostileStep {
            command: label,
            millis,
            reply,
            octets: out.iter().map(|o| o.bytes.len() as u64).sum(),
        });
    }
    steps
}

#[cfg(test)]
mod sort_tests {
    use super::*;

    /// The benchmark's mailbox really threads: binary trees of replies, some parents missing
    /// (their dummies pruned, the replies moved up), siblings and threads by UTC sent date
    /// (the zones differ).
    #[test]
    fn threaded_messages_thread_by_references() {
        let mut world = World::default_world();
        let mailbox = world
            .store
            .create(MAILBOX)
            .ok()
            .and_then(|id| world.store.get_mut(id))
            .unwrap();
        for i in 0..30 {
            let data = MessageData::new(threaded_message(i), datetime_from_unix(SANDBOX_EPOCH));
            mailbox.append(data, Flags::default());
        }
        let mut d = Driver::new(world, 1);
        d.run(0, format!("SELECT {MAILBOX}").as_bytes());
        let _ = d.server.take_output();
        let c = d.clients[0];
        d.server.receive(c, b"x THREAD REFERENCES UTF-8 ALL\r\n");
        let out: Vec<String> = d
            .server
            .take_output()
            .iter()
            .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
            .collect();
        assert_eq!(
            out,
            [
                "* THREAD (21 (22 (24 (28)(29))(25 30))(23 (27)(26)))\
                 (1 (3 7)(6)(2 (4 (9)(8))(5 10)))(11 (12 (15 20)(14 (18)(19)))(13 16)(17))",
                "x OK THREAD completed"
            ]
        );
    }
}

#[cfg(test)]
mod workload_tests {
    use super::*;

    /// The split workload runs the same commands as the plain one, and each step's time is
    /// its own: with a clock that advances 1 ms a reading, every step is timed once per run
    /// of it (the setup once, each command 3 sessions x `iterations` times).
    #[test]
    fn the_workload_split_by_command_times_each_step() {
        let iterations = 2;
        assert_eq!(mixed_workload(iterations), Ok(60));
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        let steps = mixed_workload_by_command(iterations, &now).unwrap();
        let labels: Vec<&str> = steps.iter().map(|s| s.command).collect();
        assert_eq!(labels, WORKLOAD_STEPS);
        assert_eq!(steps[0].millis, 1.0);
        for step in &steps[1..] {
            assert_eq!(step.millis, 6.0, "{}", step.command);
        }
    }
}
