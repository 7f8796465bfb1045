//! `serve --control 127.0.0.1:PORT`: the control API ([`crate::server::control`]) over a
//! loopback HTTP endpoint, for tests written in a shell or any language. Off unless asked for,
//! and refused on any address that is not loopback: whoever reaches it can read every message
//! and password.
//!
//! One verb per request: `POST /` with a JSON object `{"verb": NAME, ...}` (HTTP/1.1, RFC 9112;
//! `Content-Length` body, no chunked encoding). The answer is JSON: `200` with `{"ok": true,
//! ...}` or `400` with `{"ok": false, "error": TEXT}`; `GET /` lists the verbs. Each verb runs
//! on the engine thread between two clients' events, so sessions hear of its changes exactly as
//! of another client's.
//!
//! | verb | fields | answer |
//! |---|---|---|
//! | `add_user` | `name`, `password` | |
//! | `create_mailbox` | `mailbox` | |
//! | `deliver` | `mailbox`, `raw` or `raw_base64`, `flags` (optional) | `uid` |
//! | `set_flags` | `mailbox`, `uid`, `change` (`add`, `remove`, `replace`), `flags` | |
//! | `expunge` | `mailbox`, `uids` | `expunged` |
//! | `set_policy` | `point`, `value` | |
//! | `preset` | `name` | |
//! | `reset` | `world`: `"default"`, `"empty"` or a world in the JSON form of [`super::world_file`] | |
//! | `snapshot` | `max_messages` (optional, default 100) | `snapshot` |
//! | `export` | | `world` (the JSON form) |
//!
//! Limits: [`MAX_BODY`], headers of 16 KB, 10 s to send a request, [`MAX_CONNECTIONS`] at once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::tcp::Control;
use super::world_file;
use crate::protocol::types::Flag;
use crate::server::control::FlagChange;
use crate::server::{Policies, Server, World};

/// The largest request body read: a message to deliver, or a world to reset to.
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// The largest request line plus headers.
const MAX_HEAD: usize = 16 * 1024;
/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more are answered `503` and closed, so a client that opens
/// many and sends nothing cannot make the endpoint spawn threads without bound.
pub const MAX_CONNECTIONS: usize = 16;

/// The verbs, for `GET /` and for the error about an unknown one.
pub const VERBS: &[&str] = &[
    "add_user",
    "create_mailbox",
    "deliver",
    "set_flags",
    "expunge",
    "set_policy",
    "preset",
    "reset",
    "snapshot",
    "export",
];

/// Resolves `addr` and refuses it unless every address it names is loopback.
pub fn loopback(addr: &str) -> Result<SocketAddr, String> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| format!("--control {addr}: {e}"))?
        .collect();
    match addrs.first() {
        Some(first) if addrs.iter().all(|a| a.ip().is_loopback()) => Ok(*first),
        Some(_) => Err(format!(
            "--control {addr}: only a loopback address (127.0.0.1, ::1, localhost) is allowed; \
             the endpoint can read every message and password"
        )),
        None => Err(format!("--control {addr}: no address")),
    }
}

/// Listens on `addr` (checked by [`loopback`]) and serves requests on a thread of its own,
/// one thread per connection. Returns the address it listens on.
pub fn spawn(addr: &str, control: Control) -> Result<SocketAddr, String> {
    let at = loopback(addr)?;
    let listener = TcpListener::bind(at).map_err(|e| format!("--control {addr}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("--control {addr}: {e}"))?;
    let active = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                active.fetch_sub(1, Ordering::SeqCst);
                let busy = json!({"ok": false, "error": "too many control connections at once"});
                answer(&stream, 503, &busy);
                // Read what the client sent (briefly, and at most one body's worth) before
                // closing, so that the close is not a reset that loses the answer.
                let _ = stream.shutdown(std::net::Shutdown::Write);
                let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
                let _ = std::io::copy(&mut (&stream).take(MAX_HEAD as u64), &mut std::io::sink());
                continue;
            }
            let control = control.clone();
            let active = Arc::clone(&active);
            std::thread::spawn(move || {
                serve_connection(stream, &control);
                active.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Ok(local)
}

fn serve_connection(stream: TcpStream, control: &Control) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let (status, body) = match read_request(&mut reader) {
        Ok(Request::Get) => (200, json!({"ok": true, "verbs": VERBS})),
        Ok(Request::Post(body)) => match handle(&body, control) {
            Ok(v) => (200, v),
            Err(e) => (400, json!({"ok": false, "error": e})),
        },
        Err((status, e)) => (status, json!({"ok": false, "error": e})),
    };
    answer(&writer, status, &body);
}

/// Writes one JSON answer (RFC 9112) and leaves the connection to be closed.
fn answer(mut writer: &TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        503 => "Service Unavailable",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        text.len()
    );
    let _ = writer.write_all(head.as_bytes());
    let _ = writer.write_all(text.as_bytes());
}

enum Request {
    Get,
    Post(Vec<u8>),
}

/// Reads one request: the request line, headers up to [`MAX_HEAD`], and a body of
/// `Content-Length` up to [`MAX_BODY`]. Errors carry the HTTP status to answer with.
fn read_request(reader: &mut impl BufRead) -> Result<Request, (u16, String)> {
    let mut head = Vec::new();
    let mut content_length = 0usize;
    let mut first = String::new();
    loop {
        let mut line = Vec::new();
        let n = reader
            .take((MAX_HEAD + 1 - head.len().min(MAX_HEAD)) as u64)
            .read_until(b'\n', &mut line)
            .map_err(|e| (400, format!("reading the request: {e}")))?;
        if n == 0 {
            return Err((400, "the request ended before its headers did".into()));
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD {
            return Err((400, format!("request headers over {MAX_HEAD} bytes")));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if first.is_empty() {
            first = text.to_string();
            continue;
        }
        if text.is_empty() {
            break;
        }
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                content_length = value
                    .trim()
                    .parse()
                    .map_err(|_| (400, format!("bad Content-Length {:?}", value.trim())))?;
            }
            if name.trim().eq_ignore_ascii_case("transfer-encoding") {
                return Err((400, "only a Content-Length body is read".into()));
            }
        }
    }
    let mut parts = first.split(' ');
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if path != "/" {
        return Err((404, format!("no {path:?} here; POST / with a JSON verb")));
    }
    match method {
        "GET" => Ok(Request::Get),
        "POST" => {
            if content_length > MAX_BODY {
                return Err((413, format!("a body of at most {MAX_BODY} bytes")));
            }
            let mut body = vec![0; content_length];
            reader
                .read_exact(&mut body)
                .map_err(|e| (400, format!("reading the body: {e}")))?;
            Ok(Request::Post(body))
        }
        other => Err((405, format!("{other:?}: only GET / and POST /"))),
    }
}

/// One verb: parsed here, run on the engine thread.
fn handle(body: &[u8], control: &Control) -> Result<Value, String> {
    let request: Value = serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))?;
    let Value::Object(fields) = request else {
        return Err("the body must be a JSON object with a \"verb\"".into());
    };
    let verb = text(&fields, "verb")?;
    let job = job(&verb, &fields)?;
    control
        .with_server(job)
        .ok_or_else(|| "the server has stopped".to_string())?
        .map(|mut v| {
            if let Value::Object(m) = &mut v {
                m.insert("ok".into(), Value::Bool(true));
            }
            v
        })
}

type Job = Box<dyn FnOnce(&mut Server) -> Result<Value, String> + Send>;

/// The verb's work, with its arguments checked before it reaches the engine.
fn job(verb: &str, f: &Map<String, Value>) -> Result<Job, String> {
    let empty = || json!({});
    Ok(match verb {
        "add_user" => {
            let (name, password) = (text(f, "name")?, text(f, "password")?);
            if name.is_empty() {
                return Err("\"name\" is empty".into());
            }
            Box::new(move |s| {
                s.add_user(&name, &password);
                Ok(empty())
            })
        }
        "create_mailbox" => {
            let mailbox = text(f, "mailbox")?;
            Box::new(move |s| {
                s.create_mailbox(&mailbox).map_err(|e| e.0)?;
                Ok(empty())
            })
        }
        "deliver" => {
            let mailbox = text(f, "mailbox")?;
            let raw = match (f.get("raw"), f.get("raw_base64")) {
                (Some(Value::String(r)), None) => r.as_bytes().to_vec(),
                (None, Some(Value::String(b))) => world_file::base64_decode(b)?,
                _ => return Err("deliver needs \"raw\" or \"raw_base64\" (a string)".into()),
            };
            let flags = flags(f)?;
            Box::new(move |s| {
                let uid = s.deliver(&mailbox, &raw, &flags).map_err(|e| e.0)?;
                Ok(json!({ "uid": uid }))
            })
        }
        "set_flags" => {
            let mailbox = text(f, "mailbox")?;
            let uid = number(f, "uid")?;
            let change = match text(f, "change")?.as_str() {
                "add" => FlagChange::Add,
                "remove" => FlagChange::Remove,
                "replace" => FlagChange::Replace,
                other => {
                    return Err(format!(
                        "\"change\" is {other:?}; one of add, remove, replace"
                    ))
                }
            };
            let flags = flags(f)?;
            Box::new(move |s| {
                s.set_flags(&mailbox, uid, change, &flags)
                    .map_err(|e| e.0)?;
                Ok(empty())
            })
        }
        "expunge" => {
            let mailbox = text(f, "mailbox")?;
            let uids = match f.get("uids") {
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| {
                        v.as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| format!("\"uids\" holds {v}, not a UID"))
                    })
                    .collect::<Result<Vec<u32>, String>>()?,
                _ => return Err("expunge needs \"uids\", an array of numbers".into()),
            };
            Box::new(move |s| {
                let n = s.expunge(&mailbox, &uids).map_err(|e| e.0)?;
                Ok(json!({ "expunged": n }))
            })
        }
        "set_policy" => {
            let (point, value) = (text(f, "point")?, text(f, "value")?);
            Box::new(move |s| {
                s.policies_mut().set(&point, &value).map_err(|e| e.0)?;
                Ok(empty())
            })
        }
        "preset" => {
            let policies = Policies::preset(&text(f, "name")?).map_err(|e| e.0)?;
            Box::new(move |s| {
                *s.policies_mut() = policies;
                Ok(empty())
            })
        }
        "reset" => {
            let world = match f.get("world") {
                Some(Value::String(w)) if w == "default" => World::default_world(),
                Some(Value::String(w)) if w == "empty" => World::empty(),
                Some(v @ Value::Object(_)) => world_file::from_json(v.to_string().as_bytes())?,
                _ => {
                    return Err(
                        "reset needs \"world\": \"default\", \"empty\" or a world object".into(),
                    )
                }
            };
            Box::new(move |s| {
                s.reset(world);
                Ok(empty())
            })
        }
        "snapshot" => {
            let max = match f.get("max_messages") {
                None => 100,
                Some(v) => v
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or("\"max_messages\" is not a number")?,
            };
            Box::new(move |s| {
                let snapshot = serde_json::to_value(s.snapshot(max)).map_err(|e| e.to_string())?;
                Ok(json!({ "snapshot": snapshot }))
            })
        }
        "export" => Box::new(|s| {
            let world: Value =
                serde_json::from_str(&world_file::export(s)).map_err(|e| e.to_string())?;
            Ok(json!({ "world": world }))
        }),
        other => {
            return Err(format!(
                "unknown verb {other:?}; the verbs are {}",
                VERBS.join(", ")
            ))
        }
    })
}

fn text(f: &Map<String, Value>, name: &str) -> Result<String, String> {
    match f.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!("\"{name}\" is {other}, not a string")),
        None => Err(format!("\"{name}\" is missing")),
    }
}

fn number(f: &Map<String, Value>, name: &str) -> Result<u32, String> {
    match f.get(name) {
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("\"{name}\" is {v}, not a number")),
        None => Err(format!("\"{name}\" is missing")),
    }
}

/// `flags`: an array of flag strings (RFC 3501 §9 `flag`), none when absent; read as a world
/// file's are ([`world_file::parse_flags`]).
fn flags(f: &Map<String, Value>) -> Result<Vec<Flag>, String> {
    let Some(v) = f.get("flags") else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = v else {
        return Err("\"flags\" is not an array".into());
    };
    let names = items
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("\"flags\" holds {item}, not a string"))
        })
        .collect::<Result<Vec<String>, String>>()?;
    world_file::parse_flags(&names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(loopback("127.0.0.1:0").is_ok());
        assert!(loopback("[::1]:0").is_ok());
        assert!(loopback("localhost:0").is_ok());
        assert!(loopback("0.0.0.0:1").unwrap_err().contains("loopback"));
        assert!(loopback("192.0.2.1:1").unwrap_err().contains("loopback"));
        assert!(loopback("nonsense").is_err());
    }

    #[test]
    fn requests_are_read_within_their_limits() {
        let read = |text: &str| {
            read_request(&mut text.as_bytes()).map(|r| match r {
                Request::Get => "GET".to_string(),
                Request::Post(b) => String::from_utf8(b).unwrap(),
            })
        };
        assert_eq!(read("GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap(), "GET");
        assert_eq!(
            read("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n{}xx").unwrap(),
            "{}xx"
        );
        assert_eq!(read("GET /x HTTP/1.1\r\n\r\n").unwrap_err().0, 404);
        assert_eq!(read("PUT / HTTP/1.1\r\n\r\n").unwrap_err().0, 405);
        assert_eq!(
            read("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")
                .unwrap_err()
                .0,
            400
        );
        let huge = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(read(&huge).unwrap_err().0, 413);
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(read(&long).unwrap_err().0, 400);
        assert_eq!(read("GET / HTTP/1.1\r\n").unwrap_err().0, 400);
        assert_eq!(
            read("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .unwrap_err()
                .0,
            400
        );
    }

    #[test]
    fn bad_verbs_and_arguments_are_refused_before_the_engine() {
        let err = |json: &str| {
            let v: Value = serde_json::from_str(json).unwrap();
            match job(v["verb"].as_str().unwrap_or(""), v.as_object().unwrap()) {
                Ok(_) => String::new(),
                Err(e) => e,
            }
        };
        assert!(err(r#"{"verb": "fly"}"#).contains("unknown verb \"fly\"; the verbs are add_user"));
        assert!(err(r#"{"verb": "deliver", "mailbox": "INBOX"}"#).contains("raw"));
        assert!(
            err(r#"{"verb": "deliver", "mailbox": "INBOX", "raw": "x", "flags": ["a b"]}"#)
                .contains("not a flag")
        );
        assert!(
            err(r#"{"verb": "set_flags", "mailbox": "A", "uid": -1, "change": "add"}"#)
                .contains("not a number")
        );
        assert!(
            err(r#"{"verb": "set_flags", "mailbox": "A", "uid": 1, "change": "swap"}"#)
                .contains("add, remove, replace")
        );
        assert!(err(r#"{"verb": "expunge", "mailbox": "A", "uids": ["1"]}"#).contains("not a UID"));
        assert!(err(r#"{"verb": "preset", "name": "nope"}"#).contains("default"));
        assert!(err(r#"{"verb": "reset", "world": "other"}"#).contains("\"default\""));
        assert!(err(r#"{"verb": "reset", "world": {"format": "x"}}"#).contains("format"));
        assert!(err(r#"{"verb": "add_user", "name": 3, "password": "p"}"#).contains("not a string"));
    }

    /// The browser's `Sandbox.control` reads the same requests ([`crate::server::control::Verb`]):
    /// every verb but `export` (and `reset` to a world object), with the same fields.
    #[test]
    fn the_browser_verbs_read_the_same_requests() {
        use crate::server::control::Verb;
        let requests = [
            r#"{"verb": "add_user", "name": "u", "password": "p"}"#,
            r#"{"verb": "create_mailbox", "mailbox": "A"}"#,
            r#"{"verb": "deliver", "mailbox": "INBOX", "raw": "x", "flags": ["\\Seen"]}"#,
            r#"{"verb": "set_flags", "mailbox": "A", "uid": 1, "change": "remove", "flags": []}"#,
            r#"{"verb": "expunge", "mailbox": "A", "uids": [1, 2]}"#,
            r#"{"verb": "set_policy", "point": "fetch-expunged", "value": "nil"}"#,
            r#"{"verb": "preset", "name": "default"}"#,
            r#"{"verb": "reset", "world": "empty"}"#,
            r#"{"verb": "snapshot", "max_messages": 3}"#,
        ];
        let mut verbs: Vec<String> = Vec::new();
        for request in requests {
            let v: Value = serde_json::from_str(request).unwrap();
            let verb = v["verb"].as_str().unwrap();
            assert!(job(verb, v.as_object().unwrap()).is_ok(), "{request}");
            serde_json::from_value::<Verb>(v.clone()).unwrap_or_else(|e| panic!("{request}: {e}"));
            verbs.push(verb.to_string());
        }
        verbs.push("export".to_string());
        assert_eq!(verbs, VERBS);
    }
}
