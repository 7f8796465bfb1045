//! What one client is answered, for the engine tests that compare replies line by line
//! (included by path: `#[path = "common/answer.rs"] mod answer;`). Not every test uses every
//! function here.
#![allow(dead_code)]

use imap_sandbox::server::{ClientId, Output, Server};

/// Sends `command` (CRLF added) from `client` and returns the lines `client` got, CRLF
/// removed, dropping what other clients got.
pub fn answer(server: &mut Server, client: ClientId, command: &str) -> Vec<String> {
    reply(server, client, format!("{command}\r\n").as_bytes())
}

/// Sends `bytes` as they are (several commands, literals) from `client` and returns what
/// `client` got, one string per response with its CRLF removed (a literal stays inside its
/// response).
pub fn reply(server: &mut Server, client: ClientId, bytes: impl AsRef<[u8]>) -> Vec<String> {
    server.receive(client, bytes.as_ref());
    server
        .take_output()
        .iter()
        .filter(|o| o.client == client)
        .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
        .collect()
}

/// The lines of `out` sent to `client`, a literal's lines each a line of their own.
pub fn lines_of(out: &[Output], client: ClientId) -> Vec<String> {
    out.iter()
        .filter(|o| o.client == client)
        .flat_map(|o| {
            String::from_utf8_lossy(&o.bytes)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Drops what was sent before, sends `command` (CRLF added) from `client`, and returns the
/// lines `client` got ([`lines_of`]).
pub fn run(server: &mut Server, client: ClientId, command: &str) -> Vec<String> {
    server.take_output();
    server.receive(client, format!("{command}\r\n").as_bytes());
    lines_of(&server.take_output(), client)
}
