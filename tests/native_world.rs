//! The shell-facing control of the native server (issue 13): `serve --world FILE` starts from a
//! world file, `serve --control ADDR` serves the control API as JSON over loopback HTTP, and
//! `world export` writes the JSON form. Runs the real binary, with an IMAP client on one side
//! and HTTP requests on the other.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_imap-sandbox");

struct Serving {
    child: Child,
    imap: String,
    control: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` with `args` and reads the two addresses it prints.
fn serve(args: &[&str]) -> Serving {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--control",
            "127.0.0.1:0",
        ])
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let (mut imap, mut control) = (String::new(), String::new());
    while imap.is_empty() || control.is_empty() {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve ended early");
        if let Some(a) = line.trim().strip_prefix("imap-sandbox: listening on ") {
            imap = a.split(' ').next().unwrap().to_string();
        }
        if let Some(a) = line
            .trim()
            .strip_prefix("imap-sandbox: control API on http://")
        {
            control = a.trim_end_matches('/').to_string();
        }
    }
    // Keep draining stderr so the server never blocks on it.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    Serving {
        child,
        imap,
        control,
    }
}

/// One HTTP request; the status and the JSON body.
fn http(addr: &str, method: &str, body: &str) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status: u16 = text[9..12].parse().unwrap();
    let (_, json) = text.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(json).unwrap())
}

struct Imap {
    r: BufReader<TcpStream>,
}

impl Imap {
    fn connect(addr: &str) -> Imap {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut c = Imap {
            r: BufReader::new(s),
        };
        let mut greeting = String::new();
        c.r.read_line(&mut greeting).unwrap();
        assert!(greeting.starts_with("* OK"), "{greeting}");
        c
    }

    /// Sends a command; the lines up to and including the tagged one.
    fn cmd(&mut self, tag: &str, command: &str) -> Vec<String> {
        write!(self.r.get_mut(), "{tag} {command}\r\n").unwrap();
        let mut out = Vec::new();
        loop {
            let mut line = String::new();
            self.r.read_line(&mut line).unwrap();
            let line = line.trim_end().to_string();
            let done = line.starts_with(&format!("{tag} "));
            out.push(line);
            if done {
                return out;
            }
        }
    }
}

#[test]
fn a_world_file_is_served_and_changed_through_the_control_endpoint() {
    let dir = std::env::temp_dir().join(format!("imap-sandbox-world-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("world.json");
    std::fs::write(
        &file,
        r#"{"format": "imap-sandbox world 1",
            "users": [{"name": "tess", "password": "pw", "subscriptions": ["Work"]}],
            "mailboxes": [{"name": "Work", "uidvalidity": 77, "messages": [
              {"uid": 10, "flags": ["\\Seen"], "raw": "Subject: one\r\n\r\nx\r\n"},
              {"raw": "Subject: two\r\n\r\ny\r\n"}]}]}"#,
    )
    .unwrap();
    let s = serve(&["--world", file.to_str().unwrap()]);
    let mut c = Imap::connect(&s.imap);
    assert!(c
        .cmd("a", "LOGIN alice alice")
        .last()
        .unwrap()
        .starts_with("a NO"));
    assert!(c
        .cmd("b", "LOGIN tess pw")
        .last()
        .unwrap()
        .starts_with("b OK"));
    let select = c.cmd("c", "SELECT Work");
    assert!(select.contains(&"* 2 EXISTS".to_string()), "{select:?}");
    assert!(
        select.iter().any(|l| l.contains("[UIDVALIDITY 77]")),
        "{select:?}"
    );
    assert!(
        select.iter().any(|l| l.contains("[UIDNEXT 12]")),
        "{select:?}"
    );

    // GET lists the verbs; a message delivered from outside reaches the session.
    let (status, verbs) = http(&s.control, "GET", "");
    assert_eq!(status, 200);
    assert!(verbs["verbs"].as_array().unwrap().len() >= 10);
    let (status, v) = http(
        &s.control,
        "POST",
        r#"{"verb": "deliver", "mailbox": "Work", "raw": "Subject: three\r\n\r\nz\r\n", "flags": ["$Hot"]}"#,
    );
    assert_eq!((status, v["uid"].as_u64()), (200, Some(12)), "{v}");
    let noop = c.cmd("d", "NOOP");
    assert!(noop.contains(&"* 3 EXISTS".to_string()), "{noop:?}");
    let (status, _) = http(
        &s.control,
        "POST",
        r#"{"verb": "set_flags", "mailbox": "Work", "uid": 11, "change": "add", "flags": ["\\Flagged"]}"#,
    );
    assert_eq!(status, 200);
    let (status, v) = http(
        &s.control,
        "POST",
        r#"{"verb": "expunge", "mailbox": "Work", "uids": [10, 99]}"#,
    );
    assert_eq!((status, v["expunged"].as_u64()), (200, Some(1)), "{v}");
    let noop = c.cmd("e", "NOOP");
    assert!(noop.contains(&"* 1 EXPUNGE".to_string()), "{noop:?}");
    assert!(
        noop.iter().any(|l| l.contains("FETCH (FLAGS (\\Flagged))")),
        "{noop:?}"
    );

    // Errors: clear, 400, and the server goes on.
    let (status, v) = http(&s.control, "POST", "{not json");
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().starts_with("bad JSON"), "{v}");
    let (status, v) = http(&s.control, "POST", r#"{"verb": "explode"}"#);
    assert_eq!(status, 400);
    assert!(
        v["error"].as_str().unwrap().contains("the verbs are"),
        "{v}"
    );
    let (status, v) = http(
        &s.control,
        "POST",
        r#"{"verb": "deliver", "mailbox": "Nope", "raw": "x"}"#,
    );
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("no mailbox Nope"))
    );
    let (status, v) = http(
        &s.control,
        "POST",
        r#"{"verb": "set_policy", "point": "fetch-expunged", "value": "nil"}"#,
    );
    assert_eq!(status, 200, "{v}");

    // The live world, exported, holds what the endpoint changed.
    let (status, v) = http(&s.control, "POST", r#"{"verb": "export"}"#);
    assert_eq!(status, 200);
    let work = &v["world"]["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Work")
        .unwrap()["messages"];
    let uids: Vec<u64> = work
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["uid"].as_u64().unwrap())
        .collect();
    assert_eq!(uids, [11, 12]);
    assert_eq!(work[1]["flags"][0], "$Hot");

    // reset: every client is told BYE, and the default world is back.
    let (status, _) = http(
        &s.control,
        "POST",
        r#"{"verb": "reset", "world": "default"}"#,
    );
    assert_eq!(status, 200);
    let mut c2 = Imap::connect(&s.imap);
    assert!(c2
        .cmd("f", "LOGIN alice alice")
        .last()
        .unwrap()
        .starts_with("f OK"));
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn world_export_writes_what_serve_world_reads() {
    let out = Command::new(BIN)
        .args(["world", "export"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], "imap-sandbox world 1");
    assert_eq!(v["users"].as_array().unwrap().len(), 3);
    let dir = std::env::temp_dir().join(format!("imap-sandbox-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("default.json");
    std::fs::write(&file, &text).unwrap();
    let again = Command::new(BIN)
        .args(["world", "export", "--world", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    // An mbox converts.
    let mbox = dir.join("inbox.mbox");
    std::fs::write(
        &mbox,
        "From a Mon Jan  1 00:00:00 2024\nSubject: m\n\nbody\n",
    )
    .unwrap();
    let conv = Command::new(BIN)
        .args(["world", "export", "--world", mbox.to_str().unwrap()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&conv.stdout).unwrap();
    assert_eq!(
        v["mailboxes"][0]["messages"][0]["raw"],
        "Subject: m\r\n\r\nbody\r\n"
    );
    // Errors: a missing file is exit 1, a bad action is usage (2).
    let missing = Command::new(BIN)
        .args(["world", "export", "--world", "/nonexistent/w.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/w.json"));
    let bad = Command::new(BIN)
        .args(["world", "import"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_control_address_that_is_not_loopback_is_refused() {
    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--control",
            "0.0.0.0:8143",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only a loopback address"));
    let bad = dir_world_error();
    assert!(bad.contains("\"format\""), "{bad}");
}

/// `serve --world` with a bad file: exit 1, the file and the problem named.
fn dir_world_error() -> String {
    let file = std::env::temp_dir().join(format!("imap-sandbox-bad-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"format": "v0"}"#).unwrap();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--world",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The endpoint serves at most 16 connections at once (`MAX_CONNECTIONS`): one more is
/// answered 503, and once the idle ones go, requests are served again.
#[test]
fn idle_control_connections_do_not_pile_up() {
    let s = serve(&[]);
    let idle: Vec<TcpStream> = (0..16)
        .map(|_| TcpStream::connect(&s.control).unwrap())
        .collect();
    // Let the server accept all sixteen before the seventeenth.
    std::thread::sleep(Duration::from_millis(300));
    let (status, v) = http(&s.control, "GET", "");
    assert_eq!(status, 503, "{v}");
    drop(idle);
    let mut served = false;
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(100));
        if http(&s.control, "GET", "").0 == 200 {
            served = true;
            break;
        }
    }
    assert!(
        served,
        "the endpoint did not recover after the idle connections closed"
    );
}
