//! The browser front end: the only file that names wasm_bindgen. Each method converts its
//! arguments, calls one engine method, and converts the result back; no logic lives here.
//!
//! A panic aborts the wasm instance; the page catches the resulting exception, instantiates the
//! module again and creates a new [`Sandbox`] (see `www/`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::protocol::parse::parse_command;
use crate::scenario::{self, Player, Scenario, LIBRARY};
use crate::server::policy::{Preset, PRESETS};
use crate::server::{ClientId, Output, Policies, Server, World};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Why a response has its form: the decision point, its value and the RFC paragraph. */
export interface Citation { point: string; value: string; rfc: string }
/** One response (or the close of a connection) for one client. */
export interface Line {
  client: number;
  text: string;
  kind: "untagged" | "tagged" | "continuation" | "closed";
  status: "OK" | "NO" | "BAD" | "BYE" | "PREAUTH" | null;
  citation: Citation | null;
  /** In a scenario step: no expectation accounts for this response. */
  failed: boolean;
}
export interface PointInfo {
  point: string; rfc: string; summary: string; current: string;
  /** [value, RFC paragraph] pairs, in documentation order. */
  values: [string, string][];
}
export interface Preset { name: string; rfc: string; description: string; settings: string[] }
export interface ScenarioInfo {
  name: string; title: string; rfc: string; explain: string;
  vary: { point: string; values: string[] } | null;
  policies: [string, string][];
  steps: number;
}
export interface Expect { line_no: number; client: number; pattern: string; absent: boolean; only: string | null }
export interface Step { line_no: number; client: number; send: string; display: string[]; only: string | null; expect: Expect[] }
export interface Scenario {
  title: string; rfc: string; explain: string;
  policies: [string, string][];
  vary: [string, string[]] | null;
  setup: [number, string][];
  steps: Step[];
}
export interface Failure { line_no: number; message: string }
export interface TranscriptLine { who: string; text: string; line_no: number | null; citation: string | null; failed: boolean }
export interface Run { variant: string | null; transcript: TranscriptLine[]; failures: Failure[] }
export interface ScenarioStart {
  /** The engine's client id for scenario clients C1, C2, C3 (null: not connected yet). */
  clients: (number | null)[];
  policies: PointInfo[];
}
export interface ViewEntry { seq: number; uid: number; recent: boolean; ghost: boolean }
export interface ClientState {
  id: number; state: string; user: string | null; mode: string; selected: string | null;
  read_only: boolean; exists: number; view: ViewEntry[];
  pending_expunges: number; pending_flag_updates: number[]; pending_new: number;
}
export interface MessageState { uid: number; flags: string[]; size: number; subject: string; recent_unclaimed: boolean }
export interface MailboxState {
  name: string; display_name: string; uid_validity: number; uid_next: number;
  noselect: boolean; ghost: boolean; total: number; messages: MessageState[];
}
export interface Snapshot { mailboxes: MailboxState[]; clients: ClientState[] }
export interface StepOutcome {
  /** Index in Scenario.steps. */
  index: number;
  client: number;
  display: string[];
  lines: Line[];
  failures: Failure[];
  clients: (number | null)[];
  finished: boolean;
}
"#;

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
    /// In a scenario step: no expectation accounts for this response.
    failed: bool,
}

#[derive(Serialize)]
struct ScenarioInfo {
    name: &'static str,
    title: String,
    rfc: String,
    explain: String,
    vary: Option<Vary>,
    policies: Vec<(String, String)>,
    steps: usize,
}

#[derive(Serialize)]
struct Vary {
    point: String,
    values: Vec<String>,
}

#[derive(Serialize)]
struct ScenarioStart {
    clients: Vec<Option<u32>>,
    policies: Vec<crate::server::policy::PointInfo>,
}

#[derive(Serialize)]
struct StepOutcome {
    index: usize,
    client: usize,
    display: Vec<String>,
    lines: Vec<Line>,
    failures: Vec<scenario::Failure>,
    clients: Vec<Option<u32>>,
    finished: bool,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Maps serialize as plain objects and `None` as `null`, as the TypeScript types above say.
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

fn line(o: Output, failed: bool) -> Line {
    use crate::protocol::types::StatusKind;
    use crate::server::OutputKind;
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
        failed,
    }
}

fn lines(out: Vec<Output>) -> JsValue {
    let lines: Vec<Line> = out.into_iter().map(|o| line(o, false)).collect();
    to_js(&lines)
}

/// A library scenario by file name, with or without `.imap`.
fn library(name: &str) -> Result<(&'static str, Scenario), JsError> {
    let (file, text) = LIBRARY
        .iter()
        .find(|(file, _)| *file == name || file.strip_suffix(".imap") == Some(name))
        .ok_or_else(|| JsError::new(&format!("no scenario named {name:?}")))?;
    let sc = Scenario::parse(text).map_err(|e| JsError::new(&format!("{file}: {e}")))?;
    Ok((file.strip_suffix(".imap").unwrap_or(file), sc))
}

fn client_ids(player: &Player) -> Vec<Option<u32>> {
    player.clients().iter().map(|c| c.map(|c| c.0)).collect()
}

fn live_server(policies: Policies) -> Server {
    let mut server = Server::new(World::default_world(), policies);
    server.set_clock(Box::new(|| (js_sys::Date::now() / 1000.0) as i64));
    server
}

/// An in-memory IMAP server with any number of connected clients.
#[wasm_bindgen]
pub struct Sandbox {
    server: Server,
    /// The scenario being played on `server`, if any.
    playing: Option<(Scenario, Player)>,
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
        Sandbox {
            server: live_server(Policies::default()),
            playing: None,
        }
    }

    /// A fresh default world, every client gone (without BYE); the policies are kept.
    pub fn reset(&mut self) {
        self.server = live_server(*self.server.policies());
        self.playing = None;
    }

    /// Connects a client; its greeting is returned by the next `take`.
    pub fn connect(&mut self) -> u32 {
        self.server.connect().0
    }

    /// Sends text typed for a client (CRLF line ends expected) and returns every line this
    /// caused, for every client.
    #[wasm_bindgen(unchecked_return_type = "Line[]")]
    pub fn send(&mut self, client: u32, input: &str) -> JsValue {
        self.server.receive(ClientId(client), input.as_bytes());
        lines(self.server.take_output())
    }

    /// Like `send`, for raw octets.
    #[wasm_bindgen(unchecked_return_type = "Line[]")]
    pub fn send_bytes(&mut self, client: u32, input: &[u8]) -> JsValue {
        self.server.receive(ClientId(client), input);
        lines(self.server.take_output())
    }

    /// Pending output (the greeting after `connect`).
    #[wasm_bindgen(unchecked_return_type = "Line[]")]
    pub fn take(&mut self) -> JsValue {
        lines(self.server.take_output())
    }

    /// Severs a client's connection (a logout without LOGOUT).
    #[wasm_bindgen(unchecked_return_type = "Line[]")]
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
    #[wasm_bindgen(unchecked_return_type = "PointInfo[]")]
    pub fn policies(&self) -> JsValue {
        to_js(&self.server.policies().table())
    }

    /// The named presets.
    #[wasm_bindgen(unchecked_return_type = "Preset[]")]
    pub fn presets() -> JsValue {
        let presets: &[Preset] = PRESETS;
        to_js(&presets)
    }

    /// Mailboxes, messages and each client's view (at most `max_messages` per list).
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
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

    /// The scenario library (`scenarios/*.imap`), sorted by name; files that do not parse are
    /// left out (the native tests report them).
    #[wasm_bindgen(unchecked_return_type = "ScenarioInfo[]")]
    pub fn scenarios() -> JsValue {
        let infos: Vec<ScenarioInfo> = LIBRARY
            .iter()
            .filter_map(|(file, text)| {
                let sc = Scenario::parse(text).ok()?;
                Some(ScenarioInfo {
                    name: file.strip_suffix(".imap").unwrap_or(file),
                    steps: sc.steps.len(),
                    title: sc.title,
                    rfc: sc.rfc,
                    explain: sc.explain,
                    vary: sc.vary.map(|(point, values)| Vary { point, values }),
                    policies: sc.policies,
                })
            })
            .collect();
        to_js(&infos)
    }

    /// One library scenario, parsed: its setup and steps (what each client types, what each
    /// client must receive).
    #[wasm_bindgen(unchecked_return_type = "Scenario")]
    pub fn scenario(name: &str) -> Result<JsValue, JsError> {
        Ok(to_js(&library(name)?.1))
    }

    /// Runs one variant of a library scenario on a fresh world of its own, start to end.
    #[wasm_bindgen(js_name = playScenario, unchecked_return_type = "Run")]
    pub fn play_scenario(name: &str, variant: Option<String>) -> Result<JsValue, JsError> {
        let (_, sc) = library(name)?;
        Ok(to_js(&sc.run(variant.as_deref(), &[])))
    }

    /// Replaces this sandbox's world with a fresh one under the scenario's policies for
    /// `variant`, and runs its setup; `stepScenario` then plays it a step at a time.
    #[wasm_bindgen(js_name = startScenario, unchecked_return_type = "ScenarioStart")]
    pub fn start_scenario(
        &mut self,
        name: &str,
        variant: Option<String>,
    ) -> Result<JsValue, JsError> {
        let (_, sc) = library(name)?;
        let policies = sc
            .policies_for(variant.as_deref(), &[])
            .map_err(|e| JsError::new(&e))?;
        self.playing = None;
        self.server = scenario::fresh_server(policies);
        let player = Player::start(&sc, variant.as_deref(), &mut self.server)
            .map_err(|f| JsError::new(&f.message))?;
        let start = ScenarioStart {
            clients: client_ids(&player),
            policies: self.server.policies().table(),
        };
        self.playing = Some((sc, player));
        Ok(to_js(&start))
    }

    /// Plays the next step of the scenario started by `startScenario`: what was typed, every
    /// response it caused (unexpected ones marked), the expectations that failed. `null` when
    /// there is nothing (more) to play.
    #[wasm_bindgen(js_name = stepScenario, unchecked_return_type = "StepOutcome | null")]
    pub fn step_scenario(&mut self) -> JsValue {
        let Some((sc, player)) = self.playing.as_mut() else {
            return JsValue::NULL;
        };
        let Some(outcome) = player.step(sc, &mut self.server) else {
            self.playing = None;
            return JsValue::NULL;
        };
        let step = sc.steps.get(outcome.index);
        let result = StepOutcome {
            index: outcome.index,
            client: step.map_or(0, |s| s.client),
            display: step.map(|s| s.display.clone()).unwrap_or_default(),
            lines: outcome
                .received
                .into_iter()
                .map(|r| line(r.output, r.failed))
                .collect(),
            failures: outcome.failures,
            clients: client_ids(player),
            finished: player.finished(sc),
        };
        to_js(&result)
    }
}

/// The benchmarks of `bench/` (see `crate::bench`): `"workload"` runs the mixed workload for `n`
/// iterations and returns the number of commands (the page times the call); `"scale"` returns
/// the timed steps on a mailbox of `n` messages with `sessions` sessions, timed with
/// `performance.now()`; `"hostile"` the timed hostile 64 KB lines on 20,000 messages.
#[wasm_bindgen]
pub fn bench(kind: &str, n: u32, sessions: u32) -> Result<JsValue, JsError> {
    let failed = |e: String| JsError::new(&e);
    match kind {
        "workload" => crate::bench::mixed_workload(n)
            .map(|commands| JsValue::from_f64(commands as f64))
            .map_err(failed),
        "scale" => {
            let now = performance_now()?;
            crate::bench::scale(n as usize, sessions as usize, &now)
                .map(|steps| to_js(&steps))
                .map_err(failed)
        }
        "hostile" => {
            let now = performance_now()?;
            Ok(to_js(&crate::bench::hostile(&now, &mut |_| {})))
        }
        other => Err(JsError::new(&format!("unknown benchmark {other:?}"))),
    }
}

/// `performance.now()` of the page, in milliseconds.
fn performance_now() -> Result<impl Fn() -> f64, JsError> {
    let global = js_sys::global();
    let performance = js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .map_err(|_| JsError::new("no performance object"))?;
    let now_fn: js_sys::Function = js_sys::Reflect::get(&performance, &JsValue::from_str("now"))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| JsError::new("no performance.now"))?;
    Ok(move || {
        now_fn
            .call0(&performance)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    })
}
