//! The native benchmarks; `scripts/bench.sh` runs them (with the browser ones) in release mode.
//!
//! ```text
//! cargo run --release --features bench --example bench -- [engine|scale|tcp|memory|million|hostile|sort]...
//! ```
//!
//! All of them when none is given. Prints Markdown tables. Never a pass/fail judgement on time:
//! that is for people to read. With `BENCH_SUMMARY=FILE`, the figures of issue 14's summary table
//! are appended to FILE too (`bench/summary.mjs` prints the table); with
//! `BENCH_DOVECOT=HOST:PORT`, `tcp` runs its workload against that Dovecot as well (user
//! `ref`/`ref`, as `tests/servers/servers.py` starts it), side by side.
// A benchmark program, not the server: a panic just ends the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// The benchmarks need threads and sockets; the browser workload runs from bench/ instead.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use imap_sandbox::bench::{
    mixed_workload, mixed_workload_by_command, scale, sort_and_thread, synthetic_message, timed,
    world_of, Driver, Step, BODY_LINES, BODY_LINES_1KB, MAILBOX, SORT_MESSAGES,
    WORKLOAD_COMMANDS_PER_SESSION,
};
use imap_sandbox::native::tcp::{Options, TcpServer};
use imap_sandbox::server::{Policies, Server, World};

/// The allocator, counting the bytes it holds for the memory tables while [`COUNTING`] is on
/// (off for the timed benchmarks: a shared counter would slow the TCP threads down).
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static HEAP: AtomicI64 = AtomicI64::new(0);

fn count(bytes: usize, sign: i64) {
    if COUNTING.load(Ordering::Relaxed) {
        HEAP.fetch_add(sign * bytes as i64, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed to `System` unchanged; only the counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            count(layout.size(), 1);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size(), 1);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(layout.size(), -1);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            count(layout.size(), -1);
            count(new_size, 1);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Appends one figure for issue 14's summary table to `$BENCH_SUMMARY` (bench/summary.mjs).
fn note(key: &str, value: impl std::fmt::Display) {
    if let Ok(path) = std::env::var("BENCH_SUMMARY") {
        let line = format!("{key}\t{value}\n");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path);
        let _ = file.and_then(|mut f| f.write_all(line.as_bytes()));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = args.is_empty();
    let want = |name: &str| all || args.iter().any(|a| a == name);
    // From the start, so that every byte freed later was counted when it was allocated.
    COUNTING.store(want("memory") || want("million"), Ordering::Relaxed);
    if want("engine") {
        engine();
    }
    // Not in the default run: the mixed workload's time split by command.
    if args.iter().any(|a| a == "workload-steps") {
        workload_steps();
    }
    if want("scale") {
        scale_table();
    }
    if want("tcp") {
        tcp();
    }
    if want("memory") {
        memory(100_000, BODY_LINES, 3);
    }
    if want("million") {
        memory(1_000_000, BODY_LINES_1KB, 1);
    }
    if want("hostile") {
        hostile_table();
    }
    if want("sort") {
        sort_table();
    }
}

/// SORT and THREAD (RFC 5256) on 20,000 threaded messages.
fn sort_table() {
    let clock = Instant::now();
    let now = move || clock.elapsed().as_secs_f64() * 1000.0;
    let steps = sort_and_thread(SORT_MESSAGES, &now).expect("sort benchmark");
    println!("### SORT and THREAD, native, {SORT_MESSAGES} messages (milliseconds)\n");
    println!("| command | ms |");
    println!("|---|---:|");
    for step in steps {
        println!("| {} | {:.1} |", step.command, step.millis);
    }
    println!();
}

/// Peak resident set size in bytes since the last [`reset_peak`] (Linux: VmHWM).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the peak RSS to the current RSS (Linux ≥ 4.0: `5` to /proc/self/clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn hostile_table() {
    println!(
        "### 5. Hostile 64 KB lines on {} messages, native\n",
        imap_sandbox::bench::HOSTILE_MESSAGES
    );
    println!("One session; the engine alone. Peak RSS is the rise over the RSS before the line.\n");
    println!("| command | ms | peak RSS rise MiB | response MiB | tagged reply |");
    println!("|---|---:|---:|---:|---|");
    let clock = Instant::now();
    let now = move || clock.elapsed().as_secs_f64() * 1000.0;
    let mut rises = Vec::new();
    let mut before = 0u64;
    let steps = imap_sandbox::bench::hostile(&now, &mut |label| match label {
        None => {
            reset_peak();
            before = rss().unwrap_or(0);
        }
        Some(_) => rises.push(peak_rss().unwrap_or(0).saturating_sub(before)),
    });
    for (step, rise) in steps.iter().zip(rises) {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | `{}` |",
            step.command,
            step.millis,
            rise as f64 / 1_048_576.0,
            step.octets as f64 / 1_048_576.0,
            step.reply.replace('|', "\\|")
        );
    }
    println!();
}

/// Runs `f` repeatedly for about `budget`, returning (calls, seconds).
fn for_about(budget: Duration, mut f: impl FnMut()) -> (u64, f64) {
    let start = Instant::now();
    let mut calls = 0;
    while start.elapsed() < budget {
        f();
        calls += 1;
    }
    (calls, start.elapsed().as_secs_f64())
}

fn engine() {
    const ITERATIONS: u32 = 50;
    // Warm up (allocator, caches), then measure.
    let _ = mixed_workload(ITERATIONS);
    let mut commands = 0;
    let (_, secs) = for_about(Duration::from_secs(3), || {
        match mixed_workload(ITERATIONS) {
            Ok(n) => commands += n,
            Err(e) => panic!("workload error: {e}"),
        }
    });
    let cps = commands as f64 / secs;
    println!("### 1. Engine throughput, native\n");
    println!(
        "Mixed workload: 3 sessions on one mailbox of {} messages, {} commands per session per \
         iteration, {} iterations per run (setup of the world included).\n",
        imap_sandbox::bench::WORKLOAD_MESSAGES,
        WORKLOAD_COMMANDS_PER_SESSION,
        ITERATIONS
    );
    println!("| target | commands | seconds | commands/s |");
    println!("|---|---:|---:|---:|");
    println!("| native | {commands} | {secs:.2} | {cps:.0} |\n");
    println!("native_commands_per_second={cps:.0}\n");
}

/// The mixed workload's milliseconds by command, over runs of about 3 seconds in all.
fn workload_steps() {
    const ITERATIONS: u32 = 50;
    let clock = Instant::now();
    let now = move || clock.elapsed().as_secs_f64() * 1000.0;
    let mut total = vec![0f64; imap_sandbox::bench::WORKLOAD_STEPS.len()];
    let mut runs = 0u32;
    let (_, secs) = for_about(Duration::from_secs(3), || {
        let steps = mixed_workload_by_command(ITERATIONS, &now).expect("workload");
        for (t, s) in total.iter_mut().zip(steps) {
            *t += s.millis;
        }
        runs += 1;
    });
    println!(
        "### Mixed workload by command, native ({runs} runs in {secs:.1} s; µs per command)\n"
    );
    println!("| command | µs |");
    println!("|---|---:|");
    for (label, ms) in imap_sandbox::bench::WORKLOAD_STEPS.iter().zip(&total) {
        // The setup runs once a run, every command 3 x ITERATIONS times.
        let per = if label.starts_with("setup") {
            1.0
        } else {
            3.0 * f64::from(ITERATIONS)
        };
        println!("| {label} | {:.2} |", ms * 1000.0 / f64::from(runs) / per);
    }
    println!();
}

fn scale_table() {
    let sizes = [1_000usize, 10_000, 100_000];
    let rounds: usize = std::env::var("BENCH_SCALE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(5);
    println!("### 2. Scale, native (milliseconds; µs per message in brackets)\n");
    println!("Each cell the median of {rounds} runs, each on a fresh world.\n");
    for sessions in [1usize, 3] {
        let clock = Instant::now();
        let now = move || clock.elapsed().as_secs_f64() * 1000.0;
        // Each size run `rounds` times on a fresh world; each row the median of its rounds.
        let mut columns = Vec::new();
        for &n in &sizes {
            let runs: Vec<Vec<Step>> = (0..rounds)
                .map(|_| {
                    scale(n, sessions, &now).unwrap_or_else(|e| panic!("scale error at {n}: {e}"))
                })
                .collect();
            let medians = runs[0]
                .iter()
                .enumerate()
                .map(|(row, step)| Step {
                    command: step.command,
                    millis: median(runs.iter().map(|steps| steps[row].millis).collect()),
                })
                .collect::<Vec<_>>();
            columns.push(medians);
        }
        println!("{sessions} session(s) selected:\n");
        println!("| command | 1k | 10k | 100k |");
        println!("|---|---:|---:|---:|");
        for (row, step) in columns[0].iter().enumerate() {
            let cells: Vec<String> = columns
                .iter()
                .zip(sizes)
                .map(|(steps, n)| {
                    let ms = steps[row].millis;
                    format!("{ms:.2} ({:.2})", ms * 1000.0 / n as f64)
                })
                .collect();
            println!("| {} | {} |", step.command, cells.join(" | "));
            // Flat: µs per message at 100k over that at 10k, for the commands that take 1 ms
            // or more at 10k (below that the clock and the noise decide).
            let growth = (columns[2][row].millis / 100.0) / (columns[1][row].millis / 10.0);
            if sessions == 3 && columns[1][row].millis >= 1.0 {
                note(
                    &format!("scale_native\t{}", step.command),
                    format!("{growth:.2}"),
                );
            }
        }
        println!();
    }
}

/// The median of `xs` (the mean of the middle two when their number is even).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => xs[n / 2],
        _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// Mailboxes the TCP clients spread over.
const LOAD_MAILBOXES: usize = 10;

fn load_world() -> World {
    let mut world = World::default_world();
    for m in 0..LOAD_MAILBOXES {
        for i in 0..100 {
            world = world.with_message(&format!("LOAD{m}"), &synthetic_message(i));
        }
    }
    world
}

/// One client's connection: sends tagged commands, reads until the tagged reply.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    tag: u64,
}

impl Client {
    fn connect(addr: SocketAddr) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            tag: 0,
        };
        let mut greeting = Vec::new();
        c.reader.read_until(b'\n', &mut greeting)?;
        Ok(c)
    }

    /// Whether the command got a tagged OK.
    fn command(&mut self, command: &str) -> std::io::Result<bool> {
        self.tag += 1;
        let tag = format!("c{} ", self.tag);
        self.writer
            .write_all(format!("{tag}{command}\r\n").as_bytes())?;
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            // A literal: read its octets; the response goes on after them.
            if let Some(n) = literal_length(&line) {
                let mut skip = vec![0u8; n];
                self.reader.read_exact(&mut skip)?;
                continue;
            }
            if line.starts_with(tag.as_bytes()) {
                return Ok(line.get(tag.len()..tag.len() + 2) == Some(b"OK"));
            }
        }
    }
}

fn literal_length(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"}\r\n")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    std::str::from_utf8(line.get(open + 1..)?)
        .ok()?
        .parse()
        .ok()
}

struct LoadResult {
    commands: u64,
    errors: u64,
    latencies_us: Vec<u64>,
    secs: f64,
}

/// Where the load goes: the server's address and the LOGIN of client `i`.
struct Target {
    name: String,
    addr: SocketAddr,
    login: fn(usize) -> String,
}

fn sandbox_login(i: usize) -> String {
    let user = ["alice", "bob", "carol"][i % 3];
    format!("LOGIN {user} {user}")
}

/// The user `tests/servers/servers.py` gives its Dovecot.
fn dovecot_login(_: usize) -> String {
    "LOGIN ref ref".to_string()
}

/// The sandbox's TCP server over [`load_world`] in this process, for the time of `f`.
fn with_sandbox<T>(f: impl FnOnce(&Target) -> T) -> T {
    let engine = Server::new(load_world(), Policies::default());
    let server = TcpServer::bind("127.0.0.1:0", engine, Options::default()).expect("bind");
    let target = Target {
        name: "sandbox".to_string(),
        addr: server.local_addr().expect("address"),
        login: sandbox_login,
    };
    let stopper = server.stopper();
    let running = thread::spawn(move || server.run());
    let result = f(&target);
    stopper.stop();
    let _ = running.join();
    result
}

/// [`load_world`]'s mailboxes in a Dovecot, APPENDed over IMAP (LITERAL+).
fn fill_dovecot(target: &Target) {
    let mut c = Client::connect(target.addr).expect("connect to Dovecot");
    assert!(
        c.command(&(target.login)(0)).unwrap_or(false),
        "Dovecot LOGIN"
    );
    for m in 0..LOAD_MAILBOXES {
        assert!(c.command(&format!("CREATE LOAD{m}")).unwrap_or(false));
        for i in 0..100 {
            let raw = synthetic_message(i);
            let append = format!(
                "APPEND LOAD{m} {{{}+}}\r\n{}",
                raw.len(),
                String::from_utf8_lossy(&raw)
            );
            assert!(c.command(&append).unwrap_or(false), "Dovecot APPEND");
        }
    }
    let _ = c.command("LOGOUT");
}

fn run_load(target: &Target, clients: usize, duration: Duration) -> LoadResult {
    let addr = target.addr;
    let barrier = Arc::new(Barrier::new(clients + 1));
    let mut handles = Vec::new();
    for i in 0..clients {
        let barrier = barrier.clone();
        let login = (target.login)(i);
        // Connect one by one, so the listen backlog is never the bottleneck.
        let client = Client::connect(addr);
        handles.push(thread::spawn(move || {
            let mut errors = 0u64;
            let mut latencies = Vec::new();
            let mut client = match client {
                Ok(c) => c,
                Err(_) => {
                    barrier.wait();
                    return (0, 1, latencies);
                }
            };
            let setup = [login, format!("SELECT LOAD{}", i % LOAD_MAILBOXES)];
            for c in &setup {
                if !matches!(client.command(c), Ok(true)) {
                    errors += 1;
                }
            }
            barrier.wait();
            let start = Instant::now();
            let k = i % 100 + 1;
            let script = [
                "NOOP".to_string(),
                "FETCH 1:10 (FLAGS UID)".to_string(),
                "UID SEARCH UNSEEN".to_string(),
                format!("STORE {k} +FLAGS.SILENT (\\Seen)"),
                format!("FETCH {k} (BODY.PEEK[HEADER] RFC822.SIZE)"),
                format!("STORE {k} -FLAGS.SILENT (\\Seen)"),
            ];
            let mut n = 0usize;
            while start.elapsed() < duration {
                let t = Instant::now();
                match client.command(&script[n % script.len()]) {
                    Ok(true) => latencies.push(t.elapsed().as_micros() as u64),
                    Ok(false) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
                n += 1;
            }
            if !matches!(client.command("LOGOUT"), Ok(true)) {
                errors += 1;
            }
            (latencies.len() as u64, errors, latencies)
        }));
    }
    barrier.wait();
    let start = Instant::now();
    let mut result = LoadResult {
        commands: 0,
        errors: 0,
        latencies_us: Vec::new(),
        secs: 0.0,
    };
    for h in handles {
        let (commands, errors, latencies) = h.join().unwrap_or((0, 1, Vec::new()));
        result.commands += commands;
        result.errors += errors;
        result.latencies_us.extend(latencies);
    }
    result.secs = start.elapsed().as_secs_f64();
    result
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

fn tcp() {
    let duration = Duration::from_secs(5);
    let dovecot = std::env::var("BENCH_DOVECOT").ok().map(|addr| Target {
        name: "Dovecot".to_string(),
        addr: addr.parse().expect("BENCH_DOVECOT=HOST:PORT"),
        login: dovecot_login,
    });
    if let Some(d) = &dovecot {
        fill_dovecot(d);
    }
    println!("### 3. Native TCP on loopback\n");
    println!(
        "Each client logs in, selects one of {LOAD_MAILBOXES} mailboxes of 100 messages, then loops \
         NOOP, FETCH 1:10 (FLAGS UID), UID SEARCH UNSEEN, STORE +FLAGS.SILENT, \
         FETCH (BODY.PEEK[HEADER] RFC822.SIZE), STORE -FLAGS.SILENT for {}s, one command at a \
         time; load generator in the same process as the sandbox's server (and apart from \
         Dovecot's processes).\n",
        duration.as_secs()
    );
    println!(
        "| clients | server | commands | commands/s | p50 ms | p95 ms | p99 ms | max ms | errors |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut ratios = Vec::new();
    for clients in [10usize, 100, 500] {
        let sandbox = with_sandbox(|t| load_row(t, clients, duration));
        if let Some(d) = &dovecot {
            let theirs = load_row(d, clients, duration);
            ratios.push((clients, sandbox.0 / theirs.0));
            note(
                &format!("dovecot_ratio\t{clients}"),
                format!("{:.2}", sandbox.0 / theirs.0),
            );
            note(&format!("tcp_errors\t{clients}"), sandbox.1 + theirs.1);
        }
    }
    println!();
    if !ratios.is_empty() {
        let cells: Vec<String> = ratios
            .iter()
            .map(|(c, r)| format!("{r:.2} at {c} clients"))
            .collect();
        println!(
            "sandbox / Dovecot, commands per second: {}\n",
            cells.join(", ")
        );
    }
}

/// One run of the TCP workload against `target`, printed as a table row; its commands per
/// second and errors.
fn load_row(target: &Target, clients: usize, duration: Duration) -> (f64, u64) {
    let mut r = run_load(target, clients, duration);
    r.latencies_us.sort_unstable();
    let cps = r.commands as f64 / r.secs;
    println!(
        "| {clients} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
        target.name,
        r.commands,
        cps,
        percentile(&r.latencies_us, 0.50),
        percentile(&r.latencies_us, 0.95),
        percentile(&r.latencies_us, 0.99),
        percentile(&r.latencies_us, 1.0),
        r.errors
    );
    (cps, r.errors)
}

/// Resident set size in bytes (Linux: /proc/self/statm, pages of 4 KiB).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Bytes the allocator holds now (counted since the start of `main`).
fn heap() -> i64 {
    HEAP.load(Ordering::Relaxed)
}

/// Memory of a mailbox of `messages` synthetic messages with `body_lines` body lines, as it is
/// built and then used by `sessions` sessions (the last one acting): the allocator's count
/// and RSS after each step, and what each holds beyond the raw message octets, per message.
fn memory(messages: usize, body_lines: usize, sessions: usize) {
    let clock = Instant::now();
    let now = move || clock.elapsed().as_secs_f64() * 1000.0;
    let (heap0, rss0) = (heap(), rss().unwrap_or(0));
    let t = now();
    let world = world_of(messages, body_lines, false);
    let built_ms = now() - t;
    let raw: u64 = world
        .store
        .by_name(MAILBOX)
        .map(|m| m.messages.iter().map(|m| m.data.raw.len() as u64).sum())
        .unwrap_or(0);
    let count = messages as f64;
    println!(
        "### 4b. Memory and times, {messages} messages of ~{} B, {sessions} session(s), native\n",
        raw / messages as u64
    );
    println!(
        "Heap: the bytes the allocator holds (a counting global allocator); RSS: the process's \
         resident set. Each minus the {:.1} MiB of raw message octets, per message.\n",
        raw as f64 / 1_048_576.0
    );
    println!("| step | ms | heap MiB | RSS MiB | heap beyond raw, B/message | RSS beyond raw, B/message |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |label: &str, ms: f64| -> (f64, f64) {
        let h = (heap() - heap0) as f64;
        let r = rss().unwrap_or(0) as f64 - rss0 as f64;
        let (hb, rb) = ((h - raw as f64) / count, (r - raw as f64) / count);
        println!(
            "| {label} | {ms:.1} | {:.1} | {:.1} | {hb:.0} | {rb:.0} |",
            h / 1_048_576.0,
            r / 1_048_576.0
        );
        (hb, rb)
    };
    let key = if messages >= 1_000_000 {
        "million"
    } else {
        "memory"
    };
    let (built, _) = row("mailbox built", built_ms);
    note(&format!("{key}_built_heap"), format!("{built:.0}"));
    let mut d = Driver::new(world, sessions);
    let actor = sessions - 1;
    let select = format!("SELECT {MAILBOX}");
    let others: Vec<usize> = (0..actor).collect();
    let _ = timed(&mut d, &now, &[("SELECT", &select, &others)]);
    let search = "SEARCH TEXT needle";
    let me = [actor];
    let mut plan: Vec<(&'static str, &str, &[usize])> = vec![
        ("+ SELECT (every session selected)", &select, &me),
        ("+ FETCH 1:* (FLAGS)", "FETCH 1:* (FLAGS)", &me),
        ("+ SEARCH TEXT (first)", search, &me),
        ("+ SEARCH TEXT (again)", search, &me),
    ];
    // Envelopes are kept once computed (MessageData); 1M of them would take minutes here.
    if messages <= 100_000 {
        plan.push((
            "+ FETCH 1:* (ENVELOPE): envelopes kept",
            "FETCH 1:* (ENVELOPE)",
            &me,
        ));
    }
    for step in plan {
        let ms = timed(&mut d, &now, &[step])
            .first()
            .map_or(0.0, |s| s.millis);
        let (hb, rb) = row(step.0, ms);
        note(&format!("{key}_ms\t{}", step.0), format!("{ms:.1}"));
        if step.0.starts_with("+ SEARCH TEXT (again)") {
            note(&format!("{key}_heap"), format!("{hb:.0}"));
            note(&format!("{key}_rss"), format!("{rb:.0}"));
            note(
                &format!("{key}_total_mib"),
                format!("{:.0}", (heap() - heap0) as f64 / 1_048_576.0),
            );
        }
    }
    println!();
    if let Err(e) = d.finish(()) {
        println!("error: {e}\n");
        note(&format!("{key}_error"), e.trim_end());
    }
}
