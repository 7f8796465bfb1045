//! Nothing a client or server sends can make the framer or the parsers panic, and the framer
//! always finds the next good command after a damaged one. Pure Rust, no I/O.

mod common;

use common::corpus;
use imap_sandbox::protocol::framer::{FrameEvent, Framer, Limits};
use imap_sandbox::protocol::parse::{parse_command, parse_response, ResponseError};

const INTERESTING: &[u8] = &[
    0x00, 0xff, b' ', b'(', b')', b'{', b'}', b'"', b'\\', b'\r', b'\n', b'*', b'9', b'A',
];

const GOOD: &[u8] = b"z9 NOOP\r\n";

/// Frames `input` followed by a good command and parses every line; returns the lines.
fn frame_all(input: &[u8], chunk: usize) -> Vec<Vec<u8>> {
    // Small limits, so that mutations reach the oversize paths too.
    let limits = Limits {
        max_line: 200,
        max_literal: 64,
        max_literals_per_command: 3,
        max_command: 400,
        max_nesting: 8,
    };
    let mut framer = Framer::new(limits);
    let mut lines = Vec::new();
    // A damaged command may still announce a literal whose data will never come; a real
    // client would be answered with BAD by then, so the test terminates the command's line
    // before the good one follows.
    let mut stream = input.to_vec();
    stream.extend_from_slice(b"\r\n");
    stream.extend_from_slice(GOOD);
    for piece in stream.chunks(chunk.max(1)) {
        framer.push(piece);
        while let Some(event) = framer.next_event() {
            if let FrameEvent::Line(line) = event {
                let _ = parse_command(&line);
                lines.push(line);
            }
        }
    }
    lines
}

fn check(input: &[u8]) {
    let _ = parse_command(input);
    let _ = parse_response(input);
    let lines = frame_all(input, usize::MAX);
    // Literal announcements in the mutated input can swallow the terminator and the good
    // command as literal data; in every other case the good command comes out intact.
    let swallowed = input.contains(&b'{');
    if !swallowed {
        assert_eq!(
            lines.last().map(Vec::as_slice),
            Some(GOOD),
            "good command lost after {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn corpus_is_valid() {
    for c in corpus::commands() {
        parse_command(c).unwrap_or_else(|e| panic!("{:?}: {e:?}", String::from_utf8_lossy(c)));
        let lines = frame_all(c, 1);
        assert_eq!(lines.first().map(Vec::as_slice), Some(c));
    }
    for r in corpus::responses() {
        let (_, used) =
            parse_response(r).unwrap_or_else(|e| panic!("{:?}: {e:?}", String::from_utf8_lossy(r)));
        assert_eq!(used, r.len());
    }
}

#[test]
fn every_prefix() {
    for input in corpus::commands().into_iter().chain(corpus::responses()) {
        for end in 0..input.len() {
            let prefix = input.get(..end).unwrap_or_default();
            check(prefix);
            // Every response in the corpus ends at its last octet, so a strict prefix is
            // always incomplete, never an error.
            if corpus::responses().contains(&input) {
                assert_eq!(
                    parse_response(prefix).err(),
                    Some(ResponseError::Incomplete)
                );
            }
        }
    }
}

#[test]
fn every_single_byte_mutation() {
    for input in corpus::commands().into_iter().chain(corpus::responses()) {
        for pos in 0..input.len() {
            for &b in INTERESTING {
                let mut m = input.to_vec();
                if let Some(slot) = m.get_mut(pos) {
                    *slot = b;
                }
                check(&m);
            }
        }
    }
}

#[test]
fn byte_at_a_time_framing_matches_whole() {
    for c in corpus::commands() {
        assert_eq!(frame_all(c, 1), frame_all(c, usize::MAX));
    }
}
