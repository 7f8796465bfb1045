//! The browser front end: the only file that names wasm_bindgen. Each method converts its
//! arguments, calls one engine method, and converts the result back; no logic lives here.
//!
//! A panic aborts the wasm instance; the page catches the resulting exception, instantiates the
//! module again and creates a new [`Sandbox`] (see `www/`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::protocol::parse::parse_command;
use crate::server::policy::{Preset, PRESETS};
use crate::server::{ClientId, Output, Policies, Server, World};

/// One line (response) for one client, as the page shows it.
#[derive(Serialize)]
struct Line {
    client: u32,
    /// The response as text (lossy UTF-8), CRLF removed; literals included.
    text: String,
    /// "untagged", "tagged", "continuation" or "closed".
    kind: &'static str,
    /// "OK", "NO", "BAD", "BYE", "PREAUTH" for status responses.
    status: Option<&'static str>,
    citation: Option<crate::server::Citation>,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Maps serialize as plain objects, which is what the page expects.
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

fn lines(out: Vec<Output>) -> JsValue {
    use crate::protocol::types::StatusKind;
    use crate::server::OutputKind;
    let lines: Vec<Line> = out
        .into_iter()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.bytes);
            Line {
                client: o.client.0,
                text: text.strip_suffix("\r\n").unwrap_or(&text).to_string(),
                kind: match o.kind {
                    OutputKind::Untagged => "untagged",
                    OutputKind::Tagged => "tagged",
                    OutputKind::Continuation => "continuation",
                    OutputKind::Closed => "closed",
                },
                status: o.status.map(|s| match s {
                    StatusKind::Ok => "OK",
                    StatusKind::No => "NO",
                    StatusKind::Bad => "BAD",
                    StatusKind::Bye => "BYE",
                    StatusKind::PreAuth => "PREAUTH",
                }),
                citation: o.citation,
            }
        })
        .collect();
    to_js(&lines)
}

/// An in-memory IMAP server with any number of connected clients.
#[wasm_bindgen]
pub struct Sandbox {
    server: Server,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

#[wasm_bindgen]
impl Sandbox {
    /// A server over the default world with the default policies.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sandbox {
        // Installed here, not in a start function: the test runner does not call those.
        console_error_panic_hook::set_once();
        let mut server = Server::new(World::default_world(), Policies::default());
        server.set_clock(Box::new(|| (js_sys::Date::now() / 1000.0) as i64));
        Sandbox { server }
    }

    /// Connects a client; its greeting is returned by the next `take`.
    pub fn connect(&mut self) -> u32 {
        self.server.connect().0
    }

    /// Sends text typed for a client (CRLF line ends expected) and returns every line this
    /// caused, for every client.
    pub fn send(&mut self, client: u32, input: &str) -> JsValue {
        self.server.receive(ClientId(client), input.as_bytes());
        lines(self.server.take_output())
    }

    /// Like `send`, for raw octets.
    pub fn send_bytes(&mut self, client: u32, input: &[u8]) -> JsValue {
        self.server.receive(ClientId(client), input);
        lines(self.server.take_output())
    }

    /// Pending output (the greeting after `connect`).
    pub fn take(&mut self) -> JsValue {
        lines(self.server.take_output())
    }

    /// Severs a client's connection (a logout without LOGOUT).
    pub fn disconnect(&mut self, client: u32) -> JsValue {
        self.server.disconnect(ClientId(client));
        lines(self.server.take_output())
    }

    #[wasm_bindgen(js_name = isConnected)]
    pub fn is_connected(&self, client: u32) -> bool {
        self.server.is_connected(ClientId(client))
    }

    /// Sets one decision point, e.g. `("fetch-expunged", "nil")`.
    #[wasm_bindgen(js_name = setPolicy)]
    pub fn set_policy(&mut self, point: &str, value: &str) -> Result<(), JsError> {
        self.server
            .policies_mut()
            .set(point, value)
            .map_err(|e| JsError::new(&e.0))
    }

    /// Replaces every policy with a preset's values.
    #[wasm_bindgen(js_name = applyPreset)]
    pub fn apply_preset(&mut self, name: &str) -> Result<(), JsError> {
        let p = Policies::preset(name).map_err(|e| JsError::new(&e.0))?;
        *self.server.policies_mut() = p;
        Ok(())
    }

    /// Every decision point with its values, current value and RFC references.
    pub fn policies(&self) -> JsValue {
        to_js(&self.server.policies().table())
    }

    /// The named presets.
    pub fn presets() -> JsValue {
        let presets: &[Preset] = PRESETS;
        to_js(&presets)
    }

    /// Mailboxes, messages and each client's view (at most `max_messages` per list).
    pub fn snapshot(&self, max_messages: usize) -> JsValue {
        to_js(&self.server.snapshot(max_messages))
    }

    /// Parses one command line and returns its structure, or the error the server would give.
    #[wasm_bindgen(js_name = parseCommand)]
    pub fn parse_command_js(line: &str) -> JsValue {
        let mut bytes = line.as_bytes().to_vec();
        if !bytes.ends_with(b"\n") {
            bytes.extend_from_slice(b"\r\n");
        }
        match parse_command(&bytes) {
            Ok(cmd) => to_js(&cmd),
            Err(e) => to_js(&format!("BAD {}", e.text)),
        }
    }
}

/// The benchmarks of `bench/` (see `crate::bench`): `"workload"` runs the mixed workload for `n`
/// iterations and returns the number of commands (the page times the call); `"scale"` returns
/// the timed steps on a mailbox of `n` messages with `sessions` sessions, timed with
/// `performance.now()`.
#[wasm_bindgen]
pub fn bench(kind: &str, n: u32, sessions: u32) -> Result<JsValue, JsError> {
    let failed = |e: String| JsError::new(&e);
    match kind {
        "workload" => crate::bench::mixed_workload(n)
            .map(|commands| JsValue::from_f64(commands as f64))
            .map_err(failed),
        "scale" => {
            let global = js_sys::global();
            let performance = js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
                .map_err(|_| JsError::new("no performance object"))?;
            let now_fn: js_sys::Function =
                js_sys::Reflect::get(&performance, &JsValue::from_str("now"))
                    .ok()
                    .and_then(|f| f.dyn_into().ok())
                    .ok_or_else(|| JsError::new("no performance.now"))?;
            let now = || {
                now_fn
                    .call0(&performance)
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0)
            };
            crate::bench::scale(n as usize, sessions as usize, &now)
                .map(|steps| to_js(&steps))
                .map_err(failed)
        }
        other => Err(JsError::new(&format!("unknown benchmark {other:?}"))),
    }
}
