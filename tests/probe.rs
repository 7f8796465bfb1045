//! `imap-sandbox probe`: the sandbox's own TCP server, started in-process under several policy
//! settings, must be classified as exactly those settings at every decision point a scenario
//! varies; and bad servers (none on the port, wrong password, one that never answers, closes,
//! or sends garbage) give a clear message, never a hang.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::{Duration, Instant};

use imap_sandbox::native::probe::{probe, ProbeArgs, ProbeError, Report, Verdict};
use imap_sandbox::native::tcp::{Options, TcpServer};
use imap_sandbox::server::policy::PRESETS;
use imap_sandbox::server::{Policies, Server, World};

/// Starts the sandbox on an ephemeral port under `assignments`; returns its address.
fn sandbox(assignments: &[&str]) -> String {
    let mut policies = Policies::default();
    for a in assignments {
        policies.set_assignment(a).unwrap();
    }
    let server = TcpServer::bind(
        "127.0.0.1:0",
        Server::new(World::default_world(), policies),
        Options::default(),
    )
    .unwrap();
    let addr = server.local_addr().unwrap().to_string();
    thread::spawn(move || server.run());
    addr
}

fn args(addr: &str, user: &str, password: &str) -> ProbeArgs {
    let mut a = ProbeArgs::new(addr, user, password);
    a.timeout = Duration::from_secs(5);
    // What the sandbox sends unasked leaves with the answer that caused it; 0.2 s is ample
    // even on a loaded machine.
    a.settle = Duration::from_millis(200);
    // The sandbox sends NOTIFY's news at once too.
    a.notify_settle = Duration::from_millis(200);
    a
}

fn verdicts(report: &Report) -> Vec<(String, String)> {
    report
        .rows
        .iter()
        .map(|r| (r.point.clone(), r.verdict.label()))
        .collect()
}

/// What the probe must find under `assignments`: the value set for every point, except the
/// points listed in `untested`, which the scenarios cannot check under these settings.
fn expected(assignments: &[&str], untested: &[&str]) -> Vec<(String, String)> {
    let single_select = assignments.iter().any(|a| a.starts_with("select-shared="));
    let mut p = Policies::default();
    for a in assignments {
        p.set_assignment(a).unwrap();
    }
    p.table()
        .iter()
        .map(|row| {
            // SETQUOTA (RFC 9208) is never probed: the quota root is not a mailbox the probe
            // can map into its scratch mailbox.
            let never = row.point == "setquota";
            let label = if untested.contains(&row.point) || never {
                "untested".to_string()
            } else if untested.contains(&format!("{}|...", row.point).as_str()) {
                // The scenarios play, but cannot tell this value from others.
                format!("{}|...", row.current)
            } else if row.point == "rename-selected" && single_select {
                // Only rfc2180-3.1-rename-refused can be played, which does not tell rename
                // from rename-newname (nor from other values that let the RENAME happen).
                "rename|...".to_string()
            } else {
                row.current.to_string()
            };
            (row.point.to_string(), label)
        })
        .collect()
}

#[test]
fn the_sandbox_is_classified_as_the_values_it_runs_under() {
    // Together these give every value of every decision point a scenario varies.
    let configs: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec![], vec![]),
        (
            vec![
                "delete-selected=ghost",
                "rename-selected=rename",
                "notify-status-items=unseen-no-uidvalidity",
                "fetch-expunged=no",
                "store-expunged=all-no",
                "copy-expunged=refuse",
                "search-expunged=include",
            ],
            vec![],
        ),
        (
            vec![
                "delete-selected=bye",
                "rename-selected=refuse",
                "fetch-expunged=nil",
                // Not with notify-timing=next-command: the scenario's clients send no command
                // after the changes, so no STATUS would tell the values apart.
                "notify-status-items=with-unseen",
            ],
            vec![],
        ),
        (
            vec![
                "rename-selected=bye",
                "fetch-expunged=omit",
                "modified-report=fetch",
                "condstore-uid=condstore",
                "notify-timing=next-command",
                "other-flags-changed=apply-other-flags",
                "cancelupdate-tag=no",
            ],
            vec![],
        ),
        // The RFC 2180 §4 scenarios presume no EXPUNGEISSUED code where these add it: the
        // probe finds the code first and compares them again with it.
        (vec!["expungeissued-code=on"], vec![]),
        (vec!["expungeissued-code=content"], vec![]),
        (vec!["context-update=immediate"], vec![]),
        // The values found on Cyrus 3.6 that no other setting above uses.
        (
            vec![
                "expunge-timing=sync-commands",
                "store-silent=ignored",
                "seq-out-of-range=ignore",
            ],
            vec![],
        ),
        // Every RFC 2180 §4 scenario expunges while another client has the mailbox: under
        // `refuse` nothing is expunged, and their values cannot be told apart (COPY's
        // scenarios stop at a setup EXPUNGE that is refused).
        (
            vec!["expunge-shared=refuse"],
            vec![
                "fetch-expunged|...",
                "expungeissued-code|...",
                "store-expunged|...",
                "copy-expunged",
                "search-expunged|...",
                "expunge-timing|...",
            ],
        ),
        // A second SELECT refused: every scenario with two clients in one mailbox is
        // unplayable.
        (
            vec!["select-shared=refuse"],
            vec![
                "delete-selected",
                "expunge-shared",
                "fetch-expunged",
                "expungeissued-code",
                "store-expunged",
                "copy-expunged",
                "search-expunged",
                "modified-report",
                "condstore-uid",
                "notify-status-items",
                "context-update",
                "expunge-timing",
                "other-flags-changed",
            ],
        ),
        (
            vec!["select-shared=kick-first"],
            vec![
                // The first client is gone before the DELETE: any value lets it happen.
                "delete-selected|...",
                "expunge-shared",
                "fetch-expunged",
                "expungeissued-code",
                "store-expunged",
                "copy-expunged",
                "search-expunged",
                "modified-report|...",
                "condstore-uid|...",
                "context-update|...",
                "expunge-timing",
                "other-flags-changed|...",
            ],
        ),
    ];
    let runs: Vec<_> = configs
        .into_iter()
        .map(|(assignments, untested)| {
            thread::spawn(move || {
                let addr = sandbox(&assignments);
                let report = probe(&args(&addr, "alice", "alice"), &AtomicBool::new(false))
                    .unwrap_or_else(|e| panic!("{assignments:?}: {e}"));
                (assignments, untested, report)
            })
        })
        .collect();
    let mut failures = Vec::new();
    for run in runs {
        let (assignments, untested, report) = run.join().unwrap();
        let got = verdicts(&report);
        let want = expected(&assignments, &untested);
        let same = got.len() == want.len()
            && got.iter().zip(&want).all(|((p, g), (q, w))| {
                p == q
                    && match w.strip_suffix("|...") {
                        Some(value) => g.split('|').any(|v| v == value) && g.contains('|'),
                        None => g == w,
                    }
            });
        if !same {
            failures.push(format!(
                "under {assignments:?}:\n  want {want:?}\n  got  {got:?}\n{}",
                report.render()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every named preset (the personalities too, as they are added): each point is classified as
/// the preset's value (alone, or among values the scenarios cannot tell apart) or untested;
/// never as another value, never `none`.
#[test]
fn no_preset_is_misclassified() {
    let runs: Vec<_> = PRESETS
        .iter()
        .map(|preset| {
            thread::spawn(move || {
                let policies = Policies::preset(preset.name).unwrap();
                let server = TcpServer::bind(
                    "127.0.0.1:0",
                    Server::new(World::default_world(), policies),
                    Options::default(),
                )
                .unwrap();
                let addr = server.local_addr().unwrap().to_string();
                thread::spawn(move || server.run());
                let report = probe(&args(&addr, "alice", "alice"), &AtomicBool::new(false))
                    .unwrap_or_else(|e| panic!("{}: {e}", preset.name));
                (preset.name, policies, report)
            })
        })
        .collect();
    let mut failures = Vec::new();
    for run in runs {
        let (name, policies, report) = run.join().unwrap();
        for row in &report.rows {
            let value = policies.get(&row.point).unwrap().to_string();
            let right = match &row.verdict {
                Verdict::Match(values) => values.contains(&value),
                Verdict::Untested(_) => true,
                Verdict::None => false,
            };
            if !right {
                failures.push(format!(
                    "--preset {name}: {} is {value}, the probe says {}\n{}",
                    row.point,
                    row.verdict.label(),
                    report.render()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn client_two_can_log_in_as_another_user() {
    let addr = sandbox(&["fetch-expunged=nil"]);
    let mut a = args(&addr, "alice", "alice");
    a.user2 = Some(("bob".to_string(), "bob".to_string()));
    let report = probe(&a, &AtomicBool::new(false)).unwrap();
    let fetch = report
        .rows
        .iter()
        .find(|r| r.point == "fetch-expunged")
        .unwrap();
    assert_eq!(fetch.verdict, Verdict::Match(vec!["nil".to_string()]));
}

#[test]
fn the_scratch_mailbox_is_gone_afterwards_and_nothing_else_changed() {
    let addr = sandbox(&[]);
    let before = list_all(&addr);
    let report = probe(&args(&addr, "alice", "alice"), &AtomicBool::new(false)).unwrap();
    assert!(report.scratch.starts_with("imap-sandbox-probe-"));
    assert_eq!(list_all(&addr), before);
}

/// `LIST "" *` and `STATUS` of every mailbox, as one text.
fn list_all(addr: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let mut run = |cmd: &str| {
        s.write_all(format!("t {cmd}\r\n").as_bytes()).unwrap();
        let mut out = String::new();
        loop {
            let mut l = String::new();
            r.read_line(&mut l).unwrap();
            if l.starts_with("t ") {
                return out;
            }
            out.push_str(&l);
        }
    };
    run("LOGIN alice alice");
    let list = run("LIST \"\" *");
    let mut all = list.clone();
    for l in list.lines() {
        let name = l.rsplit(' ').next().unwrap();
        all.push_str(&run(&format!("STATUS {name} (MESSAGES UIDNEXT UNSEEN)")));
    }
    all
}

fn free_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

/// Runs the binary; (exit code, stdout, stderr, seconds taken).
fn cli(args: &[&str]) -> (i32, String, String, f64) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_imap-sandbox"))
        .arg("probe")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        start.elapsed().as_secs_f64(),
    )
}

#[test]
fn no_server_on_the_port_is_an_error() {
    let addr = free_port();
    let (code, out, err, _) = cli(&[&addr, "--user", "a", "--password", "b"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("cannot connect"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let e = probe(&args(&addr, "a", "b"), &AtomicBool::new(false)).unwrap_err();
    assert!(matches!(e, ProbeError::Connect(_)), "{e:?}");
}

#[test]
fn wrong_credentials_are_an_error() {
    let addr = sandbox(&[]);
    let (code, out, err, _) = cli(&[&addr, "--user", "alice", "--password", "wrong"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("login failed: LOGIN alice: probe1 NO"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn usage_errors_and_help() {
    let (code, _, err, _) = cli(&["127.0.0.1:1", "--user", "a"]);
    assert_eq!(code, 2);
    assert!(err.contains("--password is needed"), "{err}");
    let (code, _, err, _) = cli(&["localhost", "--user", "a", "--password", "b"]);
    assert_eq!(code, 2);
    assert!(err.contains("HOST:PORT"), "{err}");
    let (code, _, err, _) = cli(&[
        "127.0.0.1:1",
        "--user",
        "a",
        "--password",
        "b",
        "--timeout",
        "soon",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--timeout expects seconds"), "{err}");
    let (code, out, _, _) = cli(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("never reads, changes or deletes any other mailbox"),
        "{out}"
    );
    assert!(out.contains("plain TCP only"), "{out}");
}

/// How a fake server misbehaves at the scenarios' own commands (tags other than the probe's
/// `probeN` and `setupN`); the probe's bookkeeping commands are answered OK.
#[derive(Clone, Copy)]
enum Fake {
    /// No greeting at all.
    Mute,
    /// Greets, then never answers a scenario command.
    Silent,
    /// Closes the connection at a scenario command.
    Closes,
    /// Answers a scenario command with a line that is not IMAP.
    Garbage,
}

fn fake(kind: Fake) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            thread::spawn(move || fake_session(stream, kind));
        }
    });
    addr
}

fn fake_session(mut s: TcpStream, kind: Fake) {
    if matches!(kind, Fake::Mute) {
        thread::sleep(Duration::from_secs(60));
        return;
    }
    let _ = s.write_all(b"* OK [CAPABILITY IMAP4rev1] fake\r\n");
    let mut r = BufReader::new(s.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end().to_string();
        // A literal: ask for it, read it and the rest of the command.
        if let Some(n) = line
            .strip_suffix('}')
            .and_then(|l| l.rsplit_once('{'))
            .and_then(|(_, n)| n.parse::<usize>().ok())
        {
            let _ = s.write_all(b"+ go\r\n");
            let mut buf = vec![0; n];
            if r.read_exact(&mut buf).is_err() {
                return;
            }
            let mut rest = String::new();
            let _ = r.read_line(&mut rest);
        }
        let tag = line.split(' ').next().unwrap_or("*").to_string();
        let ours = tag.starts_with("probe") || tag.starts_with("setup");
        if ours {
            let _ = s.write_all(format!("{tag} OK done\r\n").as_bytes());
            if line.contains("LOGOUT") {
                return;
            }
            continue;
        }
        match kind {
            Fake::Silent | Fake::Mute => {}
            Fake::Closes => return,
            Fake::Garbage => {
                let _ = s.write_all(b"%%% garbage %%%\r\n");
            }
        }
    }
}

#[test]
fn a_server_that_sends_no_greeting_is_an_error_not_a_hang() {
    let addr = fake(Fake::Mute);
    let (code, out, err, secs) = cli(&[&addr, "--user", "a", "--password", "b", "--timeout", "1"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("no greeting within 1 s"), "{err}");
    assert!(secs < 10.0, "{secs}");
}

#[test]
fn a_server_that_stops_answering_gets_a_timeout_in_each_row() {
    let addr = fake(Fake::Silent);
    let mut a = args(&addr, "a", "b");
    a.timeout = Duration::from_millis(300);
    a.settle = Duration::from_millis(20);
    let start = Instant::now();
    let report = probe(&a, &AtomicBool::new(false)).unwrap();
    assert!(start.elapsed() < Duration::from_secs(60));
    let text = report.render();
    for row in &report.rows {
        let want = match row.point.as_str() {
            "expungeissued-code" => continue,
            // The probe never sends SETQUOTA: untested whatever the server does.
            "setquota" => continue,
            // The fake announces no NOTIFY: the NOTIFY scenarios are not played.
            "notify-timing" | "notify-status-items" => {
                let Verdict::Untested(why) = &row.verdict else {
                    panic!("{text}");
                };
                assert_eq!(
                    why, "needs NOTIFY, which the server does not announce",
                    "{text}"
                );
                continue;
            }
            // The fake announces no CONTEXT=SEARCH, which the live-search lesson and
            // CANCELUPDATE need.
            "context-update" | "cancelupdate-tag" => {
                let Verdict::Untested(why) = &row.verdict else {
                    panic!("{text}");
                };
                assert!(why.starts_with("needs CONTEXT=SEARCH"), "{text}");
                continue;
            }
            // The fake announces no UIDPLUS, which every `allow` variant's COPYUID needs.
            "copy-expunged" => {
                let Verdict::Untested(why) = &row.verdict else {
                    panic!("{text}");
                };
                assert!(why.starts_with("allow: needs UIDPLUS"), "{text}");
                continue;
            }
            _ => Verdict::None,
        };
        assert_eq!(row.verdict, want, "{text}");
    }
    assert!(
        text.contains("no answer to \"A001 DELETE FOO\" within 0.3 s"),
        "{text}"
    );
}

#[test]
fn a_server_that_closes_or_sends_garbage_gets_a_message_in_each_row() {
    let addr = fake(Fake::Closes);
    let mut a = args(&addr, "a", "b");
    a.timeout = Duration::from_millis(300);
    a.settle = Duration::from_millis(20);
    let report = probe(&a, &AtomicBool::new(false)).unwrap();
    let text = report.render();
    assert!(text.contains("the server closed the connection"), "{text}");
    assert!(report
        .rows
        .iter()
        .all(|r| !matches!(r.verdict, Verdict::Match(_))));

    let addr = fake(Fake::Garbage);
    let (code, out, err, secs) = cli(&[
        &addr,
        "--user",
        "a",
        "--password",
        "b",
        "--timeout",
        "0.3",
        "--json",
    ]);
    assert_eq!(code, 0, "none is not an error: {out}{err}");
    assert!(secs < 60.0, "{secs}");
    assert!(
        out.contains(r#"not an IMAP response"#) && out.contains(r#"\"%%% garbage %%%\""#),
        "{out}"
    );
    assert!(
        out.contains(r#""point":"fetch-expunged","result":"none""#),
        "{out}"
    );
}

#[test]
fn json_output_has_one_object_with_a_row_per_decision_point() {
    let addr = sandbox(&["fetch-expunged=nil"]);
    let report = probe(&args(&addr, "alice", "alice"), &AtomicBool::new(false)).unwrap();
    let json = report.to_json();
    assert!(
        json.starts_with(&format!(r#"{{"server":"{addr}","greeting":"* OK "#)),
        "{json}"
    );
    assert!(json.contains(r#""capabilities":["IMAP4rev1","#), "{json}");
    assert!(
        json.contains(
            r#"{"point":"fetch-expunged","result":"match","values":["nil"],"reason":null,"evidence":[{"scenario":"rfc2180-4.1.1-fetch-ghost","value":"ghost","outcome":"differed","lines":["line "#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#"{"point":"expungeissued-code","result":"match","values":["off"],"reason":null,"evidence":[{"scenario":"rfc9051-7.1-expungeissued","value":"off","outcome":"matched","#),
        "{json}"
    );
    assert_eq!(
        json.matches(r#"{"point":"#).count(),
        Policies::default().table().len()
    );
    assert!(json.ends_with("]}"), "{json}");
}

/// A proxy in front of `upstream` that takes UIDPLUS out of every capability list, as a server
/// without RFC 4315 would announce.
fn without_uidplus(upstream: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let server = TcpStream::connect(&upstream).unwrap();
            let (mut c_read, mut s_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            thread::spawn(move || {
                let _ = std::io::copy(&mut c_read, &mut s_write);
                let _ = s_write.shutdown(std::net::Shutdown::Write);
            });
            let (mut s_read, mut c_write) = (server, client);
            thread::spawn(move || {
                let mut buf = [0u8; 65536];
                loop {
                    let n = match s_read.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let text = String::from_utf8_lossy(&buf[..n]).replace(" UIDPLUS", "");
                    if c_write.write_all(text.as_bytes()).is_err() {
                        break;
                    }
                }
                let _ = c_write.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    addr
}

#[test]
fn a_value_that_needs_a_capability_the_server_lacks_is_untested() {
    let upstream = sandbox(&[]);
    let report = probe(
        &args(&without_uidplus(upstream), "alice", "alice"),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(!report.capabilities.iter().any(|c| c == "UIDPLUS"));
    let copy = report
        .rows
        .iter()
        .find(|r| r.point == "copy-expunged")
        .unwrap();
    // Every scenario's `allow` lines expect COPYUID; `refuse` differs from what the server does.
    let Verdict::Untested(why) = &copy.verdict else {
        panic!("{}", report.render());
    };
    assert!(
        why.starts_with("allow: needs UIDPLUS, which the server does not announce"),
        "{why}"
    );
    assert!(!why.contains("refuse:"), "{why}");
    assert!(report.render().contains(
        "copy-expunged        untested\n                       allow: needs UIDPLUS, which the server does not announce"
    ));
}

/// Ctrl-C (SIGINT) stops the probe at once, and the scratch mailbox is deleted before it exits.
#[cfg(unix)]
#[test]
fn ctrl_c_deletes_the_scratch_mailbox() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let log = seen.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let log = log.clone();
            thread::spawn(move || {
                let mut s = stream;
                let _ = s.write_all(b"* OK [CAPABILITY IMAP4rev1] fake\r\n");
                let mut r = BufReader::new(s.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    log.lock().unwrap().push(line.trim_end().to_string());
                    let tag = line.split(' ').next().unwrap_or("*").to_string();
                    // The probe's own commands are answered; the scenarios' never are.
                    if tag.starts_with("probe") || tag.starts_with("setup") {
                        let _ = s.write_all(format!("{tag} OK done\r\n").as_bytes());
                    }
                }
            });
        }
    });
    let child = Command::new(env!("CARGO_BIN_EXE_imap-sandbox"))
        .args([
            "probe",
            &addr,
            "--user",
            "a",
            "--password",
            "b",
            "--timeout",
            "30",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until a scenario command is waiting for its answer.
    let start = Instant::now();
    while !seen.lock().unwrap().iter().any(|l| l.starts_with("A001 ")) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            seen.lock().unwrap()
        );
        thread::sleep(Duration::from_millis(20));
    }
    let interrupted = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert!(interrupted.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(130));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("interrupted; the scratch mailbox was deleted"),
        "{err}"
    );
    let seen = seen.lock().unwrap();
    let root = seen
        .iter()
        .find_map(|l| {
            l.strip_prefix("probe")
                .and_then(|l| l.split_once(" CREATE "))
        })
        .map(|(_, name)| name.to_string())
        .unwrap();
    assert!(root.starts_with("imap-sandbox-probe-"), "{root}");
    assert!(
        seen.iter().any(|l| l.ends_with(&format!(" DELETE {root}"))),
        "{seen:?}"
    );
    // Nothing outside the scratch mailbox was named.
    for l in seen.iter() {
        for verb in [" SELECT ", " CREATE ", " DELETE ", " APPEND ", " RENAME "] {
            if let Some((_, rest)) = l.split_once(verb) {
                assert!(rest.trim_start_matches('"').starts_with(&root), "{l}");
            }
        }
    }
}
