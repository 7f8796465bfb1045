//! What one client is answered to one command, for the engine tests that compare replies line
//! by line (included by path: `#[path = "common/answer.rs"] mod answer;`).

use imap_sandbox::server::{ClientId, Server};

/// Sends `command` (CRLF added) from `client` and returns the lines `client` got, CRLF
/// removed, dropping what other clients got.
pub fn answer(server: &mut Server, client: ClientId, command: &str) -> Vec<String> {
    server.receive(client, format!("{command}\r\n").as_bytes());
    server
        .take_output()
        .iter()
        .filter(|o| o.client == client)
        .map(|o| String::from_utf8_lossy(&o.bytes).trim_end().to_string())
        .collect()
}
