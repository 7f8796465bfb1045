//! Browser tests: run with `wasm-pack test --headless --chrome` (wasm32 only). The protocol
//! corpus, the scenario library and the wasm API, compiled to wasm and run in Chromium.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a test: a panic is a failure

mod common;
#[path = "common/kat.rs"]
mod kat;

use imap_sandbox::protocol::framer::{FrameEvent, Framer, Limits};
use imap_sandbox::protocol::parse::{parse_command, parse_response};
use imap_sandbox::scenario::{Scenario, LIBRARY as SCENARIOS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_corpus_command_frames_and_parses() {
    for cmd in common::corpus::commands() {
        let mut framer = Framer::new(Limits::default());
        framer.push(cmd);
        let mut lines = 0;
        while let Some(event) = framer.next_event() {
            if let FrameEvent::Line(line) = event {
                parse_command(&line).expect("corpus command parses");
                lines += 1;
            }
        }
        assert_eq!(lines, 1, "{:?}", String::from_utf8_lossy(cmd));
    }
}

#[wasm_bindgen_test]
fn every_corpus_response_parses_whole() {
    for r in common::corpus::responses() {
        let (_, used) = parse_response(r).expect("corpus response parses");
        assert_eq!(used, r.len());
    }
}

#[wasm_bindgen_test]
fn the_scenario_library_passes_in_the_browser() {
    assert!(SCENARIOS.len() >= 10);
    for (name, text) in SCENARIOS {
        let sc = Scenario::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for variant in sc.variants() {
            let run = sc.run(variant.as_deref(), &[]);
            assert!(run.passed(), "{name} [{variant:?}]: {:?}", run.failures);
        }
    }
}

/// The `# cite:` lines are checked by the same runner in the browser: the library's §4.2.1
/// scenario passes as written and fails, line by line, when it names the value's own paragraph.
#[wasm_bindgen_test]
fn a_wrong_citation_fails_in_the_browser() {
    let (_, text) = SCENARIOS
        .iter()
        .find(|(name, _)| name.starts_with("rfc2180-4.2.1-"))
        .expect("the §4.2.1 scenario is in the library");
    let right = "# cite: store-expunged=partial-no RFC 2180 §4.2.1";
    let cites = text.matches(right).count();
    assert!(cites >= 2, "{text}");
    let wrong = text.replace(right, "# cite: store-expunged=partial-no RFC 2180 §4.2.3");
    let sc = Scenario::parse(&wrong).expect("still a scenario");
    let run = sc.run(Some("partial-no"), &[]);
    assert_eq!(run.failures.len(), cites, "{:?}", run.failures);
    assert!(run.failures.iter().all(|f| f
        .message
        .contains("but it cites store-expunged=partial-no RFC 2180 §4.2.1")));
}

/// The protocol known-answer tests of `tests/protocol_kat.rs` (RFC 3501 §6 to §8 examples and
/// constructed values of every kind), compiled to wasm.
#[wasm_bindgen_test]
fn protocol_known_answers_hold_in_the_browser() {
    assert!(kat::check_rfc3501_commands() >= 40);
    assert!(kat::check_rfc3501_responses() >= 60);
    assert!(kat::check_rfc7162() >= 35);
    assert!(kat::check_rfc5465() >= 40);
    assert!(kat::check_rfc5465_update() >= 12);
    assert!(kat::check_rfc4731() >= 17);
    assert!(kat::check_rfc5182() >= 12);
    assert!(kat::check_rfc5267() >= 12);
    #[cfg(feature = "sort-thread")]
    assert!(kat::check_rfc5267_sort() >= 13);
    assert!(kat::check_rfc9051() >= 16);
    assert!(kat::check_list_extensions() >= 80);
    assert!(kat::check_rfc3516() >= 8);
    #[cfg(feature = "catenate")]
    assert!(kat::check_rfc4469() >= 15);
    #[cfg(feature = "quota")]
    assert!(kat::check_rfc9208() >= 35);
    assert!(kat::check_constructed_roundtrip() >= 150);
}

// The wasm API, as the page calls it.
mod api {
    use imap_sandbox::wasm::Sandbox;
    use js_sys::{Array, Reflect};
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    /// A returned value as the page receives it.
    fn js(v: impl Into<JsValue>) -> JsValue {
        v.into()
    }

    /// A returned list as the page receives it.
    fn list<T: Into<JsValue>>(v: Vec<T>) -> JsValue {
        v.into_iter().map(Into::into).collect::<Array>().into()
    }

    /// A returned batch of lines (`LineBatch`) as the page reads it (www/engine.js `lines`): an
    /// array of `{ client, text, kind, status, citation }`.
    fn batch(batch: JsValue) -> JsValue {
        let text = js_sys::JsString::from(get(&batch, "text"));
        let meta = js_sys::Uint32Array::from(get(&batch, "meta")).to_vec();
        let citations = Array::from(&get(&batch, "citations"));
        let kinds = ["untagged", "tagged", "continuation", "closed"];
        let statuses = ["", "OK", "NO", "BAD", "BYE", "PREAUTH"];
        let (mut start, mut cited) = (0, 0);
        let out = Array::new();
        for m in meta.chunks(3) {
            let line = js_sys::Object::new();
            let set = |k: &str, v: JsValue| Reflect::set(&line, &k.into(), &v).unwrap();
            set("client", m[1].into());
            // Bit 64: the line ends in CRLF, which its text leaves out.
            let end = if m[2] & 64 != 0 { m[0] - 2 } else { m[0] };
            set("text", text.slice(start, end).into());
            set("kind", kinds[(m[2] & 3) as usize].into());
            set("status", statuses[((m[2] >> 2) & 7) as usize].into());
            let citation = if m[2] & 32 != 0 {
                cited += 1;
                // Its place in `citations` rides along (www/engine.js reads one line alone).
                assert_eq!(m[2] >> 7, cited - 1, "a cited line's citation index");
                citations.get(cited - 1)
            } else {
                JsValue::NULL
            };
            set("citation", citation);
            out.push(&line);
            start = m[0];
        }
        assert_eq!(cited, citations.length(), "one citation a cited line");
        out.into()
    }

    fn get(v: &JsValue, key: &str) -> JsValue {
        Reflect::get(v, &JsValue::from_str(key)).expect("an object")
    }

    fn string(v: &JsValue, key: &str) -> String {
        get(v, key).as_string().unwrap_or_default()
    }

    /// `(client, text)` of every line.
    fn lines(v: &JsValue) -> Vec<(u32, String)> {
        Array::from(v)
            .iter()
            .map(|l| {
                (
                    get(&l, "client").as_f64().unwrap_or(-1.0) as u32,
                    string(&l, "text"),
                )
            })
            .collect()
    }

    fn texts_for(v: &JsValue, client: u32) -> Vec<String> {
        lines(v)
            .into_iter()
            .filter(|(c, _)| *c == client)
            .map(|(_, t)| t)
            .collect()
    }

    #[wasm_bindgen_test]
    fn connect_greets_and_send_answers_across_clients() {
        let mut sb = Sandbox::new();
        let c1 = sb.connect();
        let c2 = sb.connect();
        let greetings = batch(sb.take());
        assert_eq!(texts_for(&greetings, c1).len(), 1);
        assert!(texts_for(&greetings, c2)[0].starts_with("* OK [CAPABILITY IMAP4rev1"));
        sb.send(c1, "a1 LOGIN alice alice\r\na2 SELECT FOO\r\n");
        sb.send(c2, "b1 LOGIN bob bob\r\nb2 SELECT FOO\r\n");
        let out = batch(sb.send(c1, "a3 STORE 1 +FLAGS (\\Flagged)\r\n"));
        assert!(texts_for(&out, c1).iter().any(|t| t.starts_with("a3 OK")));
        // c2 hears of the change at its next command (RFC 3501 §7.4.1).
        let out = batch(sb.send(c2, "b3 NOOP\r\n"));
        let c2_lines = texts_for(&out, c2);
        assert!(
            c2_lines
                .iter()
                .any(|t| t.contains("FETCH (FLAGS (\\Flagged))")),
            "{c2_lines:?}"
        );
        let first = Array::from(&out).get(0);
        assert_eq!(string(&first, "kind"), "untagged");
        let last = Array::from(&out).get(Array::from(&out).length() - 1);
        assert_eq!(string(&last, "kind"), "tagged");
        assert_eq!(string(&last, "status"), "OK");
    }

    #[wasm_bindgen_test]
    fn a_delete_under_the_bye_policy_sends_bye_to_the_other_client_with_its_citation() {
        let mut sb = Sandbox::new();
        sb.set_policy("delete-selected", "bye").unwrap();
        let c1 = sb.connect();
        let c2 = sb.connect();
        sb.take();
        sb.send(c1, "a1 LOGIN alice alice\r\n");
        sb.send(c2, "b1 LOGIN bob bob\r\nb2 SELECT Drafts\r\n");
        let out = batch(sb.send(c1, "a2 DELETE Drafts\r\n"));
        let bye = Array::from(&out)
            .iter()
            .find(|l| string(l, "status") == "BYE")
            .expect("a BYE");
        assert_eq!(get(&bye, "client").as_f64(), Some(f64::from(c2)));
        assert_eq!(string(&get(&bye, "citation"), "rfc"), "RFC 2180 §3.3");
        assert!(Array::from(&out)
            .iter()
            .any(|l| string(&l, "kind") == "closed"
                && get(&l, "client").as_f64() == Some(f64::from(c2))));
        assert!(!sb.is_connected(c2));
        assert!(sb.is_connected(c1));
    }

    #[wasm_bindgen_test]
    fn set_policy_refuses_unknown_names_and_values() {
        let mut sb = Sandbox::new();
        assert!(sb.set_policy("no-such-point", "x").is_err());
        assert!(sb.set_policy("fetch-expunged", "maybe").is_err());
        assert!(sb.apply_preset("no-such-preset").is_err());
        sb.set_policy("fetch-expunged", "nil").unwrap();
        let row = Array::from(&list(sb.policies()))
            .iter()
            .find(|r| string(r, "point") == "fetch-expunged")
            .expect("the fetch-expunged row");
        assert_eq!(string(&row, "current"), "nil");
        assert_eq!(Array::from(&get(&row, "values")).length(), 5);
        sb.apply_preset("rfc2180-3.3").unwrap();
        let cur: Vec<String> = Array::from(&list(sb.policies()))
            .iter()
            .map(|r| format!("{}={}", string(&r, "point"), string(&r, "current")))
            .collect();
        assert!(cur.contains(&"delete-selected=bye".to_string()), "{cur:?}");
        assert!(Array::from(&list(Sandbox::presets())).length() >= 10);
        // The server personalities, each with where it was verified (issue 10 §3).
        for name in ["dovecot", "cyrus"] {
            let preset = Array::from(&list(Sandbox::presets()))
                .iter()
                .find(|p| string(p, "name") == name)
                .expect("the server preset");
            assert!(
                string(&preset, "description").contains("verified against tests/servers/"),
                "{name}"
            );
            sb.apply_preset(name).unwrap();
        }
    }

    #[wasm_bindgen_test]
    fn snapshot_has_mailboxes_messages_and_client_views() {
        let mut sb = Sandbox::new();
        let c1 = sb.connect();
        sb.send(c1, "a1 LOGIN alice alice\r\na2 SELECT FOO\r\n");
        let snap = js(sb.snapshot(50));
        let mailboxes = Array::from(&get(&snap, "mailboxes"));
        let mailbox = mailboxes
            .iter()
            .find(|m| string(m, "name") == "FOO")
            .expect("FOO");
        assert_eq!(get(&mailbox, "total").as_f64(), Some(7.0));
        let first = Array::from(&get(&mailbox, "messages")).get(0);
        assert_eq!(get(&first, "uid").as_f64(), Some(1.0));
        assert!(Array::is_array(&get(&first, "flags")));
        let client = Array::from(&get(&snap, "clients")).get(0);
        assert_eq!(string(&client, "state"), "selected");
        assert_eq!(string(&client, "selected"), "FOO");
        assert_eq!(Array::from(&get(&client, "view")).length(), 7);
        let entry = Array::from(&get(&client, "view")).get(0);
        assert_eq!(get(&entry, "ghost").as_bool(), Some(false));
        sb.reset();
        assert!(!sb.is_connected(c1));
        assert_eq!(
            Array::from(&get(&js(sb.snapshot(5)), "clients")).length(),
            0
        );
    }

    #[wasm_bindgen_test]
    fn the_demo_messages_are_there_for_the_first_command_and_clients_reads_no_mailbox() {
        // Greeted clients, as the page's panes are before its first prompt: `clients` lists
        // them without the mailboxes (src/wasm.rs, the messages still owed).
        let mut sb = Sandbox::new();
        let (c1, c2) = (sb.connect(), sb.connect());
        let clients = Array::from(&list(sb.clients()));
        assert_eq!(clients.length(), 2);
        assert_eq!(string(&clients.get(0), "state"), "not authenticated");
        // The first command sees FOO whole, once; `seed` later adds nothing.
        sb.send(c1, "a1 LOGIN alice alice\r\na2 SELECT FOO\r\n");
        sb.seed();
        sb.send(c2, "b1 LOGIN bob bob\r\nb2 SELECT FOO\r\n");
        let foo_total = |sb: &mut Sandbox| {
            let snap = js(sb.snapshot(0));
            let mailboxes = Array::from(&get(&snap, "mailboxes"));
            let mailbox = mailboxes.iter().find(|m| string(m, "name") == "FOO");
            mailbox.and_then(|m| get(&m, "total").as_f64())
        };
        assert_eq!(foo_total(&mut sb), Some(7.0));
        let clients = Array::from(&list(sb.clients()));
        for i in 0..2 {
            assert_eq!(string(&clients.get(i), "selected"), "FOO");
            assert_eq!(get(&clients.get(i), "exists").as_f64(), Some(7.0));
            assert_eq!(Array::from(&get(&clients.get(i), "view")).length(), 0);
        }
        // `seed` first, then a snapshot: the same world; after `reset`, owed again, and whole.
        let mut other = Sandbox::new();
        other.seed();
        assert_eq!(foo_total(&mut other), Some(7.0));
        sb.reset();
        assert_eq!(foo_total(&mut sb), Some(7.0));
    }

    #[wasm_bindgen_test]
    fn the_library_is_listed_and_every_scenario_plays() {
        let list = Array::from(&list(Sandbox::scenarios()));
        assert!(list.length() >= 10);
        for info in list.iter() {
            let name = string(&info, "name");
            assert!(!string(&info, "title").is_empty(), "{name}");
            let variants: Vec<JsValue> = match get(&info, "vary") {
                v if v.is_null() => vec![JsValue::NULL],
                v => Array::from(&get(&v, "values")).iter().collect(),
            };
            for variant in variants {
                let run = js(Sandbox::play_scenario(&name, variant.as_string()).unwrap());
                let failures = Array::from(&get(&run, "failures"));
                assert_eq!(
                    failures.length(),
                    0,
                    "{name} {variant:?}: {:?}",
                    js_sys::JSON::stringify(&failures)
                );
                assert!(Array::from(&get(&run, "transcript")).length() > 0);
            }
        }
        let sc = js(Sandbox::scenario("rfc2180-3.3-delete-bye").unwrap());
        assert!(Array::from(&get(&sc, "steps")).length() > 0);
        assert!(Sandbox::scenario("no-such-scenario").is_err());
    }

    #[wasm_bindgen_test]
    fn a_scenario_steps_on_the_sandbox_and_leaves_it_usable() {
        let mut sb = Sandbox::new();
        let start = js(sb
            .start_scenario("rfc2180-4.1.1-fetch-ghost", Some("nil".into()), None)
            .unwrap());
        let clients = Array::from(&get(&start, "clients"));
        assert_eq!(clients.length(), 3);
        let mut steps = 0;
        loop {
            let Some(outcome) = sb.step_scenario().map(js) else {
                break;
            };
            steps += 1;
            assert_eq!(Array::from(&get(&outcome, "failures")).length(), 0);
            assert!(Array::from(&get(&outcome, "lines"))
                .iter()
                .all(|l| get(&l, "failed").as_bool() == Some(false)));
        }
        assert_eq!(steps, 4, "EXPUNGE, FETCH, NOOP, FETCH");
        // The learner carries on where the scenario left off.
        let c2 = clients.get(1).as_f64().expect("C2 connected") as u32;
        let out = batch(sb.send(c2, "x1 FETCH 1 FLAGS\r\n"));
        assert!(texts_for(&out, c2).iter().any(|t| t.starts_with("x1 OK")));
    }

    /// A batch's offsets count UTF-16 units, as JavaScript's strings do: a line with 8-bit text
    /// (lossy UTF-8 of a literal) does not shift the lines after it.
    #[wasm_bindgen_test]
    fn a_batch_cuts_lines_after_non_ascii_text_where_they_end() {
        let mut sb = Sandbox::new();
        let c1 = sb.connect();
        sb.take();
        let msg = "Subject: Gr\u{fc}\u{df}e \u{1f600}\r\n\r\n\u{e9}t\u{e9}\r\n";
        sb.send(c1, "a1 LOGIN alice alice\r\n");
        sb.send(
            c1,
            &format!("a2 APPEND INBOX {{{}+}}\r\n{msg}\r\n", msg.len()),
        );
        sb.send(c1, "a3 SELECT INBOX\r\n");
        let out = texts_for(
            &batch(sb.send(c1, "a4 FETCH * BODY.PEEK[]\r\na5 NOOP\r\n")),
            c1,
        );
        assert!(
            out.iter().any(|t| t.contains("Gr\u{fc}\u{df}e \u{1f600}")),
            "{out:?}"
        );
        assert_eq!(
            out.last().map(String::as_str),
            Some("a5 OK NOOP completed"),
            "{out:?}"
        );
        assert!(out.iter().any(|t| t == "a4 OK FETCH completed"), "{out:?}");
    }

    #[wasm_bindgen_test]
    fn a_varied_scenario_needs_one_of_its_variants() {
        // Issue 11 §5: no variant is picked silently.
        let mut sb = Sandbox::new();
        assert!(sb
            .start_scenario("rfc2180-3.3-delete-bye", None, None)
            .is_err());
        assert!(sb
            .start_scenario("rfc2180-3.3-delete-bye", Some("sometimes".into()), None)
            .is_err());
        assert!(sb
            .start_scenario("rfc2180-3.3-delete-bye", Some("bye".into()), None)
            .is_ok());
    }
    #[wasm_bindgen_test]
    fn a_preset_overrides_a_scenario_and_a_typed_session_exports_as_a_scenario() {
        // Issue 11 §2: a Compare column runs a scenario under a preset's settings.
        let mut sb = Sandbox::new();
        let start = js(sb
            .start_scenario(
                "rfc2180-4.1.3-fetch-nil",
                Some("nil".into()),
                Some(vec!["store-expunged=ghost-ok".into()]),
            )
            .unwrap());
        let policies = Array::from(&get(&start, "policies"));
        let current = |point: &str| {
            policies
                .iter()
                .find(|p| get(p, "point").as_string().as_deref() == Some(point))
                .and_then(|p| get(&p, "current").as_string())
        };
        assert_eq!(current("store-expunged").as_deref(), Some("ghost-ok"));
        assert_eq!(current("fetch-expunged").as_deref(), Some("nil"));
        // Issue 11 §3: the page's draft, read field by field, written and read back.
        let draft = js_sys::JSON::parse(
            r#"{"title":"T","rfc":"","explain":"","policies":[["fetch-expunged","nil"]],"setup":[],
               "steps":[{"client":1,"display":["a1 NOOP"],
                         "received":[{"client":1,"text":"a1 OK NOOP completed","citation":null}]}]}"#,
        )
        .unwrap();
        let text = Sandbox::export_scenario(draft).unwrap();
        assert!(
            text.contains(
                "# policy: fetch-expunged=nil\n\nC1: a1 NOOP\nS1: a1 OK NOOP completed\n"
            ),
            "{text}"
        );
        let runs = Sandbox::play_scenario_text(&text).unwrap();
        assert_eq!(runs.len(), 1);
        let run = js(runs.into_iter().next().unwrap());
        assert_eq!(Array::from(&get(&run, "failures")).length(), 0);
        let bad = js_sys::JSON::parse(r#"{"title":"T"}"#).unwrap();
        assert!(Sandbox::export_scenario(bad).is_err());
    }
}

/// SEARCH with a non-ASCII term is case-insensitive in the browser too, where the lower-casing
/// is JavaScript's (src/server/search_keys.rs): INBOX 4's subject decodes to "Café menü".
#[wasm_bindgen_test]
fn unicode_search_ignores_case_in_the_browser() {
    use imap_sandbox::server::{Policies, Server, World};
    for (term, hit) in [
        ("MENÜ", true),
        ("CAFÉ", true),
        ("Menü", true),
        ("MENÜX", false),
    ] {
        let mut server = Server::new(World::default_world(), Policies::default());
        let c = server.connect();
        server.receive(c, b"a LOGIN alice alice\r\nb EXAMINE INBOX\r\n");
        let _ = server.take_output();
        let line = format!(
            "s SEARCH CHARSET UTF-8 SUBJECT {{{}+}}\r\n{term}\r\n",
            term.len()
        );
        server.receive(c, line.as_bytes());
        let out: Vec<String> = server
            .take_output()
            .iter()
            .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
            .collect();
        let want = if hit { "* SEARCH 4" } else { "* SEARCH" };
        assert_eq!(
            out.first().map(String::as_str),
            Some(want),
            "{term}: {out:?}"
        );
    }
}
