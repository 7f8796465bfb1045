//! The native benchmarks; `scripts/bench.sh` runs them (with the browser ones) in release mode.
//!
//! ```text
//! cargo run --release --example bench -- [engine|scale|tcp|memory|hostile|sort]...   (all when none given)
//! ```
//!
//! Prints Markdown tables. Never a pass/fail judgement on time: that is for people to read.
// A benchmark program, not the server: a panic just ends the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// The benchmarks need threads and sockets; the browser workload runs from bench/ instead.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use imap_sandbox::bench::{
    mixed_workload, scale, sort_and_thread, synthetic_message, world_with, Driver, SORT_MESSAGES,
    WORKLOAD_COMMANDS_PER_SESSION,
};
use imap_sandbox::native::tcp::{Options, TcpServer};
use imap_sandbox::server::{Policies, Server, World};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = args.is_empty();
    let want = |name: &str| all || args.iter().any(|a| a == name);
    if want("engine") {
        engine();
    }
    if want("scale") {
        scale_table();
    }
    if want("tcp") {
        tcp();
    }
    if want("memory") {
        memory();
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

fn scale_table() {
    let sizes = [1_000usize, 10_000, 100_000];
    println!("### 2. Scale, native (milliseconds; µs per message in brackets)\n");
    for sessions in [1usize, 3] {
        let clock = Instant::now();
        let now = move || clock.elapsed().as_secs_f64() * 1000.0;
        let mut columns = Vec::new();
        for &n in &sizes {
            match scale(n, sessions, &now) {
                Ok(steps) => columns.push(steps),
                Err(e) => panic!("scale error at {n}: {e}"),
            }
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
        }
        println!();
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

fn run_load(clients: usize, duration: Duration) -> LoadResult {
    let engine = Server::new(load_world(), Policies::default());
    let server = TcpServer::bind("127.0.0.1:0", engine, Options::default()).expect("bind");
    let addr = server.local_addr().expect("address");
    let stopper = server.stopper();
    let running = thread::spawn(move || server.run());

    let barrier = Arc::new(Barrier::new(clients + 1));
    let mut handles = Vec::new();
    for i in 0..clients {
        let barrier = barrier.clone();
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
            let user = ["alice", "bob", "carol"][i % 3];
            let setup = [
                format!("LOGIN {user} {user}"),
                format!("SELECT LOAD{}", i % LOAD_MAILBOXES),
            ];
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
    stopper.stop();
    let _ = running.join();
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
    println!("### 3. Native TCP on loopback\n");
    println!(
        "Each client logs in, selects one of {LOAD_MAILBOXES} mailboxes of 100 messages, then loops \
         NOOP, FETCH 1:10 (FLAGS UID), UID SEARCH UNSEEN, STORE +FLAGS.SILENT, \
         FETCH (BODY.PEEK[HEADER] RFC822.SIZE), STORE -FLAGS.SILENT for {}s, one command at a \
         time; load generator in the same process as the server.\n",
        duration.as_secs()
    );
    println!("| clients | commands | commands/s | p50 ms | p95 ms | p99 ms | max ms | errors |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for clients in [10usize, 100, 500] {
        let mut r = run_load(clients, duration);
        r.latencies_us.sort_unstable();
        println!(
            "| {clients} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            r.commands,
            r.commands as f64 / r.secs,
            percentile(&r.latencies_us, 0.50),
            percentile(&r.latencies_us, 0.95),
            percentile(&r.latencies_us, 0.99),
            percentile(&r.latencies_us, 1.0),
            r.errors
        );
    }
    println!();
}

/// Resident set size in bytes (Linux: /proc/self/statm, pages of 4 KiB).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn memory() {
    println!("### 4b. Memory per 10k messages, native\n");
    let before = rss();
    let world = world_with(10_000, false);
    let raw: u64 = world
        .store
        .by_name(imap_sandbox::bench::MAILBOX)
        .map(|m| m.messages.iter().map(|m| m.data.raw.len() as u64).sum())
        .unwrap_or(0);
    let built = rss();
    let mut d = Driver::new(world, 3);
    for s in 0..3 {
        d.run(s, b"SELECT BENCH");
    }
    let selected = rss();
    d.run(0, b"SEARCH TEXT needle");
    let parsed = rss();
    let mb = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.1}", (b as f64 - a as f64) / 1_048_576.0),
        _ => "n/a".to_string(),
    };
    println!("| what | MiB |");
    println!("|---|---:|");
    println!(
        "| raw message octets (10k synthetic messages of ~{} B) | {:.1} |",
        raw / 10_000,
        raw as f64 / 1_048_576.0
    );
    println!("| RSS after building the mailbox | {} |", mb(before, built));
    println!(
        "| + 3 sessions selected (views) | {} |",
        mb(built, selected)
    );
    println!(
        "| + MIME parsed (SEARCH TEXT touched every message) | {} |",
        mb(selected, parsed)
    );
    println!();
}
