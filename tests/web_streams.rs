//! The browser's test transport (src/wasm/control.rs, cargo feature `js-control`), in headless
//! Chromium: a small IMAP client written here talks to the in-page server over the WHATWG
//! streams of `connectStreams`, as a JavaScript client library would, while the test arranges
//! and changes the world through `Sandbox.control`. Run with `wasm-pack test --headless
//! --chrome -- --test web_streams` (wasm32 only).
#![cfg(all(target_arch = "wasm32", feature = "js-control"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

use imap_sandbox::wasm::{connect_streams, Sandbox};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `object.name(args...)`.
fn call(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(object, &name.into())?.dyn_into()?;
    f.apply(object, &args.iter().collect())
}

fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &name.into()).unwrap()
}

/// A promise's value, or a failed test after five seconds (a read that never comes).
async fn settle(promise: JsValue) -> Result<JsValue, JsValue> {
    let timeout = Promise::new(&mut |resolve, _| {
        let set_timeout: Function = get(&js_sys::global(), "setTimeout").dyn_into().unwrap();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from_str("timed out"))
            .unwrap();
    });
    let race = Promise::race(&js_sys::Array::of2(&promise, &timeout));
    let value = JsFuture::from(race).await?;
    assert_ne!(value.as_string().as_deref(), Some("timed out"));
    Ok(value)
}

/// The sandbox as JavaScript holds it, and its control verbs.
struct World(JsValue);

impl World {
    fn new() -> World {
        World(JsValue::from(Sandbox::new()))
    }

    fn control(&self, request: &str) -> JsValue {
        self.try_control(JSON::parse(request).unwrap())
            .unwrap_or_else(|e| panic!("{request}: {e:?}"))
    }

    fn try_control(&self, request: JsValue) -> Result<JsValue, String> {
        call(&self.0, "control", &[request]).map_err(|e| {
            assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
            String::from(e.unchecked_into::<js_sys::Error>().message())
        })
    }
}

/// A small IMAP client over `connectStreams`: writes commands, reads response lines with their
/// literals (RFC 3501 §4.3), as a client library does over a socket.
struct Client {
    reader: JsValue,
    writer: JsValue,
    buffer: Vec<u8>,
    closed: bool,
}

impl Client {
    async fn connect(world: &World) -> Client {
        let pair = connect_streams(&world.0).unwrap();
        let mut c = Client {
            reader: call(&get(&pair, "readable"), "getReader", &[]).unwrap(),
            writer: call(&get(&pair, "writable"), "getWriter", &[]).unwrap(),
            buffer: Vec::new(),
            closed: false,
        };
        let greeting = c.line().await.unwrap();
        assert!(
            greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
            "{greeting}"
        );
        c
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        let chunk = Uint8Array::from(bytes);
        settle(call(&self.writer, "write", &[chunk.into()])?).await?;
        Ok(())
    }

    /// Reads one chunk into the buffer; false once the readable is closed.
    async fn fill(&mut self) -> bool {
        let result = settle(call(&self.reader, "read", &[]).unwrap())
            .await
            .unwrap();
        if get(&result, "done").is_truthy() {
            self.closed = true;
            return false;
        }
        let chunk: Uint8Array = get(&result, "value").dyn_into().unwrap();
        assert!(chunk.length() > 0);
        self.buffer.extend(chunk.to_vec());
        true
    }

    /// One response line, literals included, without its last CRLF; None once closed.
    async fn line(&mut self) -> Option<String> {
        let mut end = 0;
        loop {
            if let Some(at) = self.buffer[end..].windows(2).position(|w| w == b"\r\n") {
                let line_end = end + at;
                // RFC 3501 §4.3: `{n}` CRLF then n octets, and the line goes on after them.
                let head = &self.buffer[..line_end];
                if head.ends_with(b"}") {
                    let open = head.iter().rposition(|&b| b == b'{').unwrap();
                    let n: usize = std::str::from_utf8(&head[open + 1..head.len() - 1])
                        .unwrap()
                        .parse()
                        .unwrap();
                    while self.buffer.len() < line_end + 2 + n {
                        assert!(self.fill().await, "closed inside a literal");
                    }
                    end = line_end + 2 + n;
                    continue;
                }
                let line = String::from_utf8(self.buffer[..line_end].to_vec()).unwrap();
                self.buffer.drain(..line_end + 2);
                return Some(line);
            }
            if !self.fill().await {
                assert!(self.buffer.is_empty(), "closed inside a line");
                return None;
            }
        }
    }

    /// Sends `tag command` and returns every line up to and including the tagged one.
    async fn run(&mut self, tag: &str, command: &str) -> Vec<String> {
        self.send(format!("{tag} {command}\r\n").as_bytes())
            .await
            .unwrap();
        self.until(tag).await
    }

    async fn until(&mut self, tag: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self
                .line()
                .await
                .unwrap_or_else(|| panic!("closed before {tag}: {lines:?}"));
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return lines;
            }
        }
    }

    /// Sends a command that ends in a literal: the line, then the octets after `+`.
    async fn run_literal(&mut self, tag: &str, command: &str, octets: &[u8]) -> Vec<String> {
        self.send(format!("{tag} {command} {{{}}}\r\n", octets.len()).as_bytes())
            .await
            .unwrap();
        let go = self.line().await.unwrap();
        assert!(go.starts_with("+ "), "{go}");
        let mut rest = octets.to_vec();
        rest.extend_from_slice(b"\r\n");
        self.send(&rest).await.unwrap();
        self.until(tag).await
    }

    async fn close(&mut self) {
        settle(call(&self.writer, "close", &[]).unwrap())
            .await
            .unwrap();
    }
}

fn ok(lines: &[String]) -> &str {
    let last = lines.last().unwrap();
    assert!(last.split(' ').nth(1) == Some("OK"), "{lines:?}");
    last
}

const MESSAGE: &[u8] =
    b"From: a@example.org\r\nSubject: over streams\r\n\r\nline one\r\nline two\r\n";

#[wasm_bindgen_test]
async fn a_client_logs_in_fetches_appends_and_hears_another_client_in_idle() {
    let world = World::new();
    world.control(r#"{"verb": "reset", "world": "empty"}"#);
    world.control(r#"{"verb": "add_user", "name": "tester", "password": "s3cret"}"#);
    world.control(r#"{"verb": "create_mailbox", "mailbox": "Lists/rust"}"#);
    // A message from outside, as bytes.
    let deliver =
        JSON::parse(r#"{"verb": "deliver", "mailbox": "Lists/rust", "flags": ["$Label1"]}"#)
            .unwrap();
    Reflect::set(&deliver, &"raw".into(), &Uint8Array::from(MESSAGE)).unwrap();
    let answer = world.try_control(deliver).unwrap();
    assert_eq!(get(&answer, "uid").as_f64(), Some(1.0));

    let mut c1 = Client::connect(&world).await;
    // A password as a literal (RFC 3501 §6.2.3 `astring`).
    ok(&c1.run_literal("a1", "LOGIN tester", b"s3cret").await);
    let select = c1.run("a2", "SELECT Lists/rust").await;
    assert!(select.contains(&"* 1 EXISTS".to_string()), "{select:?}");
    ok(&select);

    // The body comes back as a literal, octet for octet.
    let fetch = c1.run("a3", "FETCH 1 (FLAGS BODY.PEEK[])").await;
    ok(&fetch);
    let expected = format!(
        "* 1 FETCH (FLAGS (\\Recent $Label1) BODY[] {{{}}}\r\n{})",
        MESSAGE.len(),
        String::from_utf8_lossy(MESSAGE)
    );
    assert_eq!(fetch[0], expected);

    // APPEND with a literal: the new message is seen at once by this session.
    let append = c1
        .run_literal(
            "a4",
            "APPEND Lists/rust (\\Seen)",
            b"Subject: two\r\n\r\nsecond\r\n",
        )
        .await;
    assert!(ok(&append).contains("[APPENDUID "), "{append:?}");
    assert!(append.contains(&"* 2 EXISTS".to_string()), "{append:?}");

    // A second connection changes a flag while the first is in IDLE: pushed at once
    // (RFC 2177 §3), with no command from the first.
    let mut c2 = Client::connect(&world).await;
    ok(&c2.run("b1", "LOGIN tester s3cret").await);
    ok(&c2.run("b2", "SELECT Lists/rust").await);
    c1.send(b"a5 IDLE\r\n").await.unwrap();
    assert!(c1.line().await.unwrap().starts_with("+ "));
    ok(&c2.run("b3", "UID STORE 1 +FLAGS (\\Flagged)").await);
    let pushed = c1.line().await.unwrap();
    assert!(
        pushed.starts_with("* 1 FETCH (FLAGS (") && pushed.contains("\\Flagged"),
        "{pushed}"
    );
    // And a message delivered from outside.
    world.control(
        r#"{"verb": "deliver", "mailbox": "Lists/rust", "raw": "Subject: 3\r\n\r\nx\r\n"}"#,
    );
    assert_eq!(c1.line().await.unwrap(), "* 3 EXISTS");
    c1.send(b"DONE\r\n").await.unwrap();
    ok(&c1.until("a5").await);

    // An expunge "from another client" reaches c2 on its next command (RFC 3501 §7.4.1).
    let answer = world.control(r#"{"verb": "expunge", "mailbox": "Lists/rust", "uids": [2]}"#);
    assert_eq!(get(&answer, "expunged").as_f64(), Some(1.0));
    let noop = c2.run("b4", "NOOP").await;
    assert_eq!(noop[0], "* 2 EXPUNGE", "{noop:?}");

    // LOGOUT: BYE, the tagged OK, then the readable ends.
    let logout = c1.run("a6", "LOGOUT").await;
    assert!(logout[0].starts_with("* BYE"), "{logout:?}");
    ok(&logout);
    assert_eq!(c1.line().await, None);
    // Writing to a connection the server ended is an error, not a panic.
    assert!(c1.send(b"a7 NOOP\r\n").await.is_err());

    let snapshot = world.control(r#"{"verb": "snapshot"}"#);
    let text = String::from(JSON::stringify(&get(&snapshot, "snapshot")).unwrap());
    assert!(text.contains("Lists/rust"), "{text}");
}

/// The writable takes the client's bytes in chunks of any size: here one octet at a time,
/// a literal included (the engine's framer reassembles them).
#[wasm_bindgen_test]
async fn bytes_written_one_at_a_time_make_the_same_commands() {
    let world = World::new();
    let mut c = Client::connect(&world).await;
    for &b in b"a1 LOGIN alice {5}\r\n" {
        c.send(&[b]).await.unwrap();
    }
    assert!(c.line().await.unwrap().starts_with("+ "));
    for &b in b"alice\r\na2 SELECT INBOX\r\n" {
        c.send(&[b]).await.unwrap();
    }
    ok(&c.until("a1").await);
    let select = c.until("a2").await;
    assert!(select.contains(&"* 6 EXISTS".to_string()), "{select:?}");
}

/// Closing the writable ends the session as a severed connection: the other sessions see
/// it gone, its readable ends, and nothing is expunged (RFC 2683 §3.1.2).
#[wasm_bindgen_test]
async fn closing_the_writable_ends_the_session() {
    let world = World::new();
    let mut c1 = Client::connect(&world).await;
    ok(&c1.run("a1", "LOGIN alice alice").await);
    ok(&c1.run("a2", "SELECT INBOX").await);
    ok(&c1.run("a3", "STORE 1 +FLAGS (\\Deleted)").await);
    let sessions = |w: &World| {
        let s = w.control(r#"{"verb": "snapshot"}"#);
        js_sys::Array::from(&get(&get(&s, "snapshot"), "clients")).length()
    };
    assert_eq!(sessions(&world), 1);
    c1.close().await;
    assert_eq!(c1.line().await, None);
    assert_eq!(sessions(&world), 0);
    let snapshot = world.control(r#"{"verb": "snapshot"}"#);
    let text = String::from(JSON::stringify(&get(&snapshot, "snapshot")).unwrap());
    assert!(text.contains("\\\\Deleted"), "still there: {text}");
}

/// A client of the page's line API (`connect`, `send`, `take`) beside a stream client: each
/// gets its own output, none of the other's, and what a stream's command causes for the line
/// client waits for its next `take`.
#[wasm_bindgen_test]
async fn line_clients_and_stream_clients_each_get_their_own_output() {
    let world = World::new();
    let text = |batch: JsValue| get(&batch, "text").as_string().unwrap();
    let line_client = call(&world.0, "connect", &[]).unwrap();
    assert!(text(call(&world.0, "take", &[]).unwrap()).starts_with("* OK [CAPABILITY"));
    let mut c = Client::connect(&world).await;
    let said = text(
        call(
            &world.0,
            "send",
            &[
                line_client.clone(),
                "a1 LOGIN alice alice\r\na2 SELECT INBOX\r\na3 IDLE\r\n".into(),
            ],
        )
        .unwrap(),
    );
    assert!(
        said.contains("a2 OK") && said.contains("+ idling"),
        "{said}"
    );
    ok(&c.run("b1", "LOGIN bob bob").await);
    ok(&c.run("b2", "SELECT INBOX").await);
    ok(&c.run("b3", "STORE 2 +FLAGS (\\Answered)").await);
    let pushed = text(call(&world.0, "take", &[]).unwrap());
    assert!(
        pushed.starts_with("* 2 FETCH (FLAGS (\\Answered"),
        "{pushed}"
    );
    assert!(
        !pushed.contains("b3"),
        "a stream's output in the page's batch: {pushed}"
    );
}

/// `reset` says BYE to every stream client and ends its readable (RFC 3501 §7.1.5).
#[wasm_bindgen_test]
async fn a_reset_ends_every_stream_with_bye() {
    let world = World::new();
    let mut c = Client::connect(&world).await;
    world.control(r#"{"verb": "reset", "world": "default"}"#);
    assert!(c.line().await.unwrap().starts_with("* BYE"));
    assert_eq!(c.line().await, None);
}

#[wasm_bindgen_test]
fn unknown_verbs_and_bad_arguments_throw_errors_that_say_what_is_wrong() {
    let world = World::new();
    let err = |request: &str| {
        world
            .try_control(JSON::parse(request).unwrap())
            .unwrap_err()
    };
    let e = err(r#"{"verb": "fly"}"#);
    assert!(
        e.contains("unknown variant `fly`") && e.contains("add_user"),
        "{e}"
    );
    assert!(err(r#"{"mailbox": "INBOX"}"#).contains("missing field `verb`"));
    assert!(err(r#"{"verb": "deliver", "mailbox": "INBOX"}"#).contains("missing field `raw`"));
    assert!(
        err(r#"{"verb": "deliver", "mailbox": "NOPE", "raw": "x"}"#).contains("no mailbox NOPE")
    );
    assert!(
        err(r#"{"verb": "deliver", "mailbox": "INBOX", "raw": "x", "flags": ["\\Recent"]}"#)
            .contains("RFC 3501 §2.3.2")
    );
    assert!(
        err(r#"{"verb": "set_flags", "mailbox": "INBOX", "uid": "1", "change": "add"}"#)
            .contains("invalid type")
    );
    assert!(err(r#"{"verb": "set_policy", "point": "nope", "value": "x"}"#).contains("nope"));
    assert!(world
        .try_control(JsValue::from_str("deliver"))
        .unwrap_err()
        .contains("control:"));
    assert!(world.try_control(JsValue::UNDEFINED).is_err());
    // Not a sandbox: a TypeError, not a panic.
    let e = connect_streams(&Object::new().into()).unwrap_err();
    assert!(e.is_instance_of::<js_sys::TypeError>(), "{e:?}");
    assert!(connect_streams(&JsValue::NULL)
        .unwrap_err()
        .is_instance_of::<js_sys::TypeError>());
    // Nothing was changed, and the sandbox still works.
    let s = world.control(r#"{"verb": "snapshot", "max_messages": 0}"#);
    assert!(get(&s, "snapshot").is_object());
}

/// Text written instead of bytes is refused with a reason: the write rejects, and the
/// connection is errored rather than fed garbage.
#[wasm_bindgen_test]
async fn a_chunk_that_is_not_bytes_is_refused() {
    let world = World::new();
    let pair = connect_streams(&world.0).unwrap();
    let writer = call(&get(&pair, "writable"), "getWriter", &[]).unwrap();
    let e = settle(call(&writer, "write", &["a1 NOOP\r\n".into()]).unwrap())
        .await
        .unwrap_err();
    let message = String::from(e.unchecked_into::<js_sys::Error>().message());
    assert!(message.contains("Uint8Array"), "{message}");
}
