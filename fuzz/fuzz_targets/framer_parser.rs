//! Feeds arbitrary bytes to the framer in uneven chunks, parses every framed line as a command,
//! and parses the whole input as a response. Any panic is a bug.
#![no_main]

use imap_sandbox::protocol::framer::{FrameEvent, Framer, Limits};
use imap_sandbox::protocol::parse::{parse_command, parse_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_line: 1024,
        max_literal: 512,
        max_command: 4096,
        ..Limits::default()
    };
    let mut framer = Framer::new(limits);
    // The first byte picks the chunk size, so splits at every position get exercised.
    let chunk = usize::from(data.first().copied().unwrap_or(1) % 16) + 1;
    for piece in data.chunks(chunk) {
        framer.push(piece);
        while let Some(event) = framer.next_event() {
            if let FrameEvent::Line(line) = event {
                let _ = parse_command(&line);
            }
        }
    }
    let _ = parse_response(data);
});
