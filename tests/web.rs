//! Browser tests: run with `wasm-pack test --headless --chrome` (wasm32 only). The protocol
//! corpus, the scenario library and the wasm API, compiled to wasm and run in Chromium.
#![cfg(target_arch = "wasm32")]

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

/// The protocol known-answer tests of `tests/protocol_kat.rs` (RFC 3501 §6 to §8 examples and
/// constructed values of every kind), compiled to wasm.
#[wasm_bindgen_test]
fn protocol_known_answers_hold_in_the_browser() {
    assert!(kat::check_rfc3501_commands() >= 40);
    assert!(kat::check_rfc3501_responses() >= 60);
    assert!(kat::check_constructed_roundtrip() >= 150);
}
