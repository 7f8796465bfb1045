//! The browser front end: the only module that names wasm_bindgen (with its child `control`,
//! the test API of cargo feature `js-control`). Each method converts its arguments, calls one
//! engine method, and converts the result back; no logic lives here.
//!
//! A panic aborts the wasm instance; the page catches the resulting exception, instantiates the
//! module again and creates a new [`Sandbox`] (see `www/`).

use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::quoted::Quoted;
use crate::scenario::{
    self, Draft, DraftCitation, DraftLine, DraftStep, Player, Run, Scenario, VariantText, LIBRARY,
};
use crate::server::policy::{PointInfo, Preset, PRESETS};
use crate::server::snapshot::{ClientState, Snapshot};
use crate::server::{Batch, ClientId, Output, Policies, Server, World};

// `Sandbox.control` and `connectStreams`: not in the page's build.
#[cfg(feature = "js-control")]
mod control;
#[cfg(feature = "js-control")]
pub use control::connect_streams;

/// One line (response) for one client, as the page shows it.
#[derive(Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct Line {
    client: u32,
    /// The response as text (lossy UTF-8), CRLF removed; literals included.
    text: String,
    kind: LineKind,
    /// For status responses; null for the others.
    status: Option<LineStatus>,
    /// Why the response has its form: the decision point, its value and the RFC paragraph.
    citation: Option<crate::server::Citation>,
    /// In a scenario step: no expectation accounts for this response.
    failed: bool,
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Untagged,
    Tagged,
    Continuation,
    /// The connection was closed (after BYE, or severed).
    Closed,
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "UPPERCASE")]
pub enum LineStatus {
    Ok,
    No,
    Bad,
    Bye,
    PreAuth,
}

/// A library scenario as the player's list shows it.
#[derive(Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ScenarioInfo {
    name: &'static str,
    title: String,
    rfc: String,
    explain: String,
    /// Title and explanation of single variants, shown instead while that variant is.
    variant_text: Vec<VariantText>,
    vary: Option<Vary>,
    policies: Vec<(String, String)>,
    steps: usize,
}

/// The varied decision point of a scenario and its values.
#[derive(Serialize, Tsify)]
pub struct Vary {
    point: String,
    values: Vec<String>,
}

#[derive(Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ScenarioStart {
    /// The engine's client id for scenario clients C1, C2, C3 (null: not connected yet).
    clients: Vec<Option<u32>>,
    policies: Vec<crate::server::policy::PointInfo>,
}

#[derive(Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct StepOutcome {
    /// Index in `Scenario.steps`.
    index: usize,
    client: usize,
    display: Vec<String>,
    lines: Vec<Line>,
    failures: Vec<scenario::Failure>,
    /// The engine's client id for scenario clients C1, C2, C3 (null: not connected yet).
    clients: Vec<Option<u32>>,
    finished: bool,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Maps serialize as plain objects and `None` as `null`, as the generated declarations say
    // (`tsify(missing_as_null)`).
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// A value as the JavaScript object its generated TypeScript declaration describes.
fn to_ts<T: Serialize + Tsify>(value: &T) -> Ts<T> {
    Ts::new_unchecked(to_js(value))
}

fn line(o: Output, failed: bool) -> Line {
    use crate::protocol::types::StatusKind;
    use crate::server::OutputKind;
    let text = String::from_utf8_lossy(&o.bytes);
    Line {
        client: o.client.0,
        text: text.strip_suffix("\r\n").unwrap_or(&text).to_string(),
        kind: match o.kind {
            OutputKind::Untagged => LineKind::Untagged,
            OutputKind::Tagged => LineKind::Tagged,
            OutputKind::Continuation => LineKind::Continuation,
            OutputKind::Closed => LineKind::Closed,
            // Never here: the page's connections are `Transport::Plain`, with no STARTTLS.
            OutputKind::StartTls => LineKind::Untagged,
        },
        status: o.status.map(|s| match s {
            StatusKind::Ok => LineStatus::Ok,
            StatusKind::No => LineStatus::No,
            StatusKind::Bad => LineStatus::Bad,
            StatusKind::Bye => LineStatus::Bye,
            StatusKind::PreAuth => LineStatus::PreAuth,
        }),
        citation: o.citation,
        failed,
    }
}

// A batch of lines as `send`, `take` and `disconnect` return it: the engine's batch (its lines'
// octets in one buffer, `Server::take_batch`) as one string, and three numbers a line in one
// Uint32Array, each copied across the boundary once, instead of one object with six properties
// a line (20,000 lines of a FETCH cost ~100 ms that way in Chromium; BENCHMARKS.md, issue 11).
// The usual batch is ASCII and crosses as it is, with no copy or count per line (issue 14).
// www/engine.js turns it back into `Line` objects.
#[wasm_bindgen(typescript_custom_section)]
const LINE_BATCH: &'static str = r#"
/** Lines in one batch (www/engine.js `lines` reads it): `meta` holds three numbers a line, where
 * it ends in `text` (UTF-16 offset; it starts where the previous line ends), its client, and
 * bits: kind (0 untagged, 1 tagged, 2 continuation, 3 closed), status << 2 (0 none, 1 OK, 2 NO,
 * 3 BAD, 4 BYE, 5 PREAUTH), 32 when cited (its citation is `citations[bits >> 7]`, the next
 * one), 64 when it ends in CRLF (the line's text leaves those two units out). */
export interface LineBatch { text: string; meta: Uint32Array; citations: Citation[] }
"#;

fn lines(batch: Batch) -> JsValue {
    use crate::protocol::types::StatusKind;
    use crate::server::OutputKind;
    let mut meta: Vec<u32> = Vec::with_capacity(batch.lines.len().saturating_mul(3));
    let citations = js_sys::Array::new();
    // ASCII: the octets are the text, and octet offsets its UTF-16 offsets. Otherwise each
    // line as lossy UTF-8, its end counted in UTF-16 units as JavaScript counts a string.
    let ascii = batch.bytes.is_ascii();
    let mut text = String::new();
    let mut end = 0u32;
    for (o, bytes) in batch.iter() {
        if ascii {
            end = u32::try_from(o.end).unwrap_or(u32::MAX);
        } else {
            let line = String::from_utf8_lossy(bytes);
            text.push_str(&line);
            let units = line.encode_utf16().count();
            end = end.saturating_add(u32::try_from(units).unwrap_or(u32::MAX));
        }
        let kind = match o.kind {
            OutputKind::Untagged => 0,
            OutputKind::Tagged => 1,
            OutputKind::Continuation => 2,
            OutputKind::Closed => 3,
            // Never here: the page's connections are `Transport::Plain`, with no STARTTLS.
            OutputKind::StartTls => 0,
        };
        let status = match o.status {
            None => 0,
            Some(StatusKind::Ok) => 1,
            Some(StatusKind::No) => 2,
            Some(StatusKind::Bad) => 3,
            Some(StatusKind::Bye) => 4,
            Some(StatusKind::PreAuth) => 5,
        };
        // The citation's place in `citations` goes with it, so a line is read without the
        // lines before it (www/engine.js builds a line when it is looked at).
        let cited = match &o.citation {
            Some(c) => {
                citations
                    .push(&to_js(c))
                    .saturating_sub(1)
                    .saturating_mul(128)
                    | 32
            }
            None => 0,
        };
        let crlf = if bytes.ends_with(b"\r\n") { 64 } else { 0 };
        meta.extend([end, o.client.0, kind | status << 2 | cited | crlf]);
    }
    let text = if ascii {
        // Cannot fail: ASCII is UTF-8.
        String::from_utf8(batch.bytes).unwrap_or_default()
    } else {
        text
    };
    let batch = js_sys::Object::new();
    // Cannot fail: `batch` is a plain object.
    let _ = js_sys::Reflect::set(&batch, &"text".into(), &text.into());
    let _ = js_sys::Reflect::set(
        &batch,
        &"meta".into(),
        &js_sys::Uint32Array::from(meta.as_slice()),
    );
    let _ = js_sys::Reflect::set(&batch, &"citations".into(), &citations);
    batch.into()
}

/// A library scenario by file name, with or without `.imap`.
fn library(name: &str) -> Result<(&'static str, Scenario), JsError> {
    let (file, text) = LIBRARY
        .iter()
        .find(|(file, _)| *file == name || file.strip_suffix(".imap") == Some(name))
        .ok_or_else(|| JsError::new(&format!("no scenario named {}", Quoted(name))))?;
    let sc = Scenario::parse(text).map_err(|e| JsError::new(&format!("{file}: {e}")))?;
    Ok((file.strip_suffix(".imap").unwrap_or(file), sc))
}

fn client_ids(player: &Player) -> Vec<Option<u32>> {
    player.clients().iter().map(|c| c.map(|c| c.0)).collect()
}

/// The page's server over the default world's users and mailboxes, its sample messages owed
/// (`Sandbox::seed_owed`).
fn live_server(policies: Policies) -> Server {
    let mut server = Server::new(World::default_mailboxes(), policies);
    server.set_clock(Box::new(|| (js_sys::Date::now() / 1000.0) as i64));
    server
}

// A `Draft` read field by field from the page's plain object (serde's deserializer would add
// some 20 KB gzipped to the module for this one call).

fn field(obj: &JsValue, key: &str) -> Result<JsValue, JsError> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| JsError::new(&format!("not a session to export: no {key}")))
}

fn text_field(obj: &JsValue, key: &str) -> Result<String, JsError> {
    field(obj, key)?
        .as_string()
        .ok_or_else(|| JsError::new(&format!("not a session to export: {key} is not text")))
}

fn number_field(obj: &JsValue, key: &str) -> Result<usize, JsError> {
    let n = field(obj, key)?.as_f64().unwrap_or(-1.0);
    if (1.0..=3.0).contains(&n) {
        Ok(n as usize)
    } else {
        Err(JsError::new(&format!(
            "not a session to export: {key} is not a client number"
        )))
    }
}

fn list(value: JsValue, what: &str) -> Result<Vec<JsValue>, JsError> {
    if js_sys::Array::is_array(&value) {
        Ok(js_sys::Array::from(&value).iter().collect())
    } else {
        Err(JsError::new(&format!(
            "not a session to export: {what} is not a list"
        )))
    }
}

/// `[a, b]` of a list of pairs.
fn pair(value: &JsValue) -> (JsValue, JsValue) {
    let a = js_sys::Array::from(value);
    (a.get(0), a.get(1))
}

fn draft_of(obj: &JsValue) -> Result<Draft, JsError> {
    let strings = |v: JsValue, what: &str| -> Result<Vec<String>, JsError> {
        list(v, what)?
            .iter()
            .map(|s| {
                s.as_string()
                    .ok_or_else(|| JsError::new(&format!("{what}: not text")))
            })
            .collect()
    };
    let mut draft = Draft {
        title: text_field(obj, "title")?,
        rfc: text_field(obj, "rfc")?,
        explain: text_field(obj, "explain")?,
        ..Draft::default()
    };
    for p in list(field(obj, "policies")?, "policies")? {
        let (point, value) = pair(&p);
        let (Some(point), Some(value)) = (point.as_string(), value.as_string()) else {
            return Err(JsError::new("policies: expected [point, value]"));
        };
        draft.policies.push((point, value));
    }
    for s in list(field(obj, "setup")?, "setup")? {
        let (n, cmd) = pair(&s);
        let (Some(n), Some(cmd)) = (n.as_f64(), cmd.as_string()) else {
            return Err(JsError::new("setup: expected [client, command]"));
        };
        draft.setup.push((n as usize, cmd));
    }
    for step in list(field(obj, "steps")?, "steps")? {
        let mut received = Vec::new();
        for r in list(field(&step, "received")?, "received")? {
            let c = field(&r, "citation")?;
            let citation = if c.is_object() {
                Some(DraftCitation {
                    point: text_field(&c, "point")?,
                    value: text_field(&c, "value")?,
                    rfc: text_field(&c, "rfc")?,
                })
            } else {
                None
            };
            received.push(DraftLine {
                client: number_field(&r, "client")?,
                text: text_field(&r, "text")?,
                citation,
            });
        }
        draft.steps.push(DraftStep {
            client: number_field(&step, "client")?,
            display: strings(field(&step, "display")?, "display")?,
            received,
        });
    }
    Ok(draft)
}

/// An in-memory IMAP server with any number of connected clients.
#[wasm_bindgen]
pub struct Sandbox {
    /// Read through [`Sandbox::seeded`] by everything that may read a mailbox.
    server: Server,
    /// The default world's sample messages are not stored yet. Storing them runs (and, the
    /// first time, compiles) the message parser and the mailbox code before the first prompt
    /// (issue 14: the first `new Sandbox()` in a fresh tab took 10.0 ms with them, 7.2 ms
    /// without, medians of 30 alternated, 2026-12-02), so `new` and `reset` leave them owed
    /// until a call may read a mailbox (a command, a snapshot) or the page calls `seed` once
    /// its prompt is painted; the greetings, `clients` and the policies read none. Every
    /// answer is the one the whole default world gives.
    seed_owed: bool,
    /// The scenario being played on `server`, if any.
    playing: Option<(Scenario, Player)>,
    /// The clients connected by `connectStreams`.
    #[cfg(feature = "js-control")]
    links: Vec<control::Link>,
    /// Output for the other clients produced by a stream's or a control call, for `take`.
    #[cfg(feature = "js-control")]
    held: Vec<Output>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// The server, the default world's sample messages stored first if they are owed.
    fn seeded(&mut self) -> &mut Server {
        if std::mem::take(&mut self.seed_owed) {
            self.server.store_sample_messages();
        }
        &mut self.server
    }

    /// The server's output for the page; with `connectStreams`, less what goes to the streams.
    #[cfg(feature = "js-control")]
    fn take_output(&mut self) -> Vec<Output> {
        let out = self.server.take_output();
        self.route(out)
    }

    /// [`Sandbox::take_output`] as one batch (the page's build has no streams: the engine's
    /// batch as it is).
    fn take_batch(&mut self) -> Batch {
        #[cfg(feature = "js-control")]
        let out = Batch::from_outputs(self.take_output());
        #[cfg(not(feature = "js-control"))]
        let out = self.server.take_batch();
        out
    }
}

#[wasm_bindgen]
impl Sandbox {
    /// A server over the default world with the default policies.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sandbox {
        // Installed here, not in a start function: the test runner does not call those. Not in
        // the page's build, whose `immediate-abort` panic strategy (scripts/build-page.sh) traps
        // without calling any hook: the hook and its formatting were dead code there.
        #[cfg(not(panic = "immediate-abort"))]
        console_error_panic_hook::set_once();
        Sandbox {
            server: live_server(Policies::default()),
            seed_owed: true,
            playing: None,
            #[cfg(feature = "js-control")]
            links: Vec::new(),
            #[cfg(feature = "js-control")]
            held: Vec::new(),
        }
    }

    /// A fresh default world, every client gone (without BYE); the policies are kept.
    pub fn reset(&mut self) {
        #[cfg(feature = "js-control")]
        self.end_streams();
        self.server = live_server(*self.server.policies());
        self.seed_owed = true;
        self.playing = None;
    }

    /// Stores the default world's sample messages if they are still owed (see `new`): the page
    /// calls it once its first prompt is painted, so that its first command does not pay for
    /// them. Every call that may read a mailbox does the same first.
    pub fn seed(&mut self) {
        self.seeded();
    }

    /// Connects a client; its greeting is returned by the next `take`.
    pub fn connect(&mut self) -> u32 {
        self.server.connect().0
    }

    /// Sends text typed for a client (CRLF line ends expected) and returns every line this
    /// caused, for every client, as one `LineBatch` (www/engine.js `lines` reads it).
    #[wasm_bindgen(unchecked_return_type = "LineBatch")]
    pub fn send(&mut self, client: u32, input: &str) -> JsValue {
        self.seeded().receive(ClientId(client), input.as_bytes());
        lines(self.take_batch())
    }

    /// Pending output (the greeting after `connect`).
    #[wasm_bindgen(unchecked_return_type = "LineBatch")]
    pub fn take(&mut self) -> JsValue {
        lines(self.take_batch())
    }

    /// Severs a client's connection (a logout without LOGOUT).
    #[wasm_bindgen(unchecked_return_type = "LineBatch")]
    pub fn disconnect(&mut self, client: u32) -> JsValue {
        self.seeded().disconnect(ClientId(client));
        lines(self.take_batch())
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
    pub fn policies(&self) -> Vec<Ts<PointInfo>> {
        self.server.policies().table().iter().map(to_ts).collect()
    }

    /// The named presets.
    pub fn presets() -> Vec<Ts<Preset>> {
        PRESETS.iter().map(to_ts).collect()
    }

    /// Mailboxes, messages and each client's view (at most `max_messages` per list).
    pub fn snapshot(&mut self, max_messages: usize) -> Ts<Snapshot> {
        to_ts(&self.seeded().snapshot(max_messages))
    }

    /// Each connected client's part of `snapshot`, with no view entries and no mailboxes: what
    /// the page's panes show after every command while its State panel is closed. It stores
    /// no owed sample messages (see `new`): while they are owed no command has run, so no
    /// client has a mailbox selected and nothing here reads one.
    pub fn clients(&self) -> Vec<Ts<ClientState>> {
        let server = &self.server;
        server
            .clients()
            .into_iter()
            .filter_map(|c| server.client_snapshot(c, 0))
            .map(|c| to_ts(&c))
            .collect()
    }

    /// The scenario library (`scenarios/*.imap`), sorted by name; files that do not parse are
    /// left out (the native tests report them).
    pub fn scenarios() -> Vec<Ts<ScenarioInfo>> {
        LIBRARY
            .iter()
            .filter_map(|(file, text)| {
                let sc = Scenario::parse(text).ok()?;
                Some(to_ts(&ScenarioInfo {
                    name: file.strip_suffix(".imap").unwrap_or(file),
                    steps: sc.steps.len(),
                    title: sc.title,
                    rfc: sc.rfc,
                    explain: sc.explain,
                    variant_text: sc.variant_text,
                    vary: sc.vary.map(|(point, values)| Vary { point, values }),
                    policies: sc.policies,
                }))
            })
            .collect()
    }

    /// One library scenario, parsed: its setup and steps (what each client types, what each
    /// client must receive).
    pub fn scenario(name: &str) -> Result<Ts<Scenario>, JsError> {
        Ok(to_ts(&library(name)?.1))
    }

    /// Runs one variant of a library scenario on a fresh world of its own, start to end.
    #[wasm_bindgen(js_name = playScenario)]
    pub fn play_scenario(name: &str, variant: Option<String>) -> Result<Ts<Run>, JsError> {
        let (_, sc) = library(name)?;
        Ok(to_ts(&sc.run(variant.as_deref(), &[])))
    }

    /// Replaces this sandbox's world with a fresh one under the scenario's policies for
    /// `variant`, and runs its setup; `stepScenario` then plays it a step at a time. A scenario
    /// that varies a decision point needs one of its values: none is picked silently.
    /// `overrides` (`NAME=VALUE`, a preset's settings) are applied last, as `play --policy`'s.
    #[wasm_bindgen(js_name = startScenario)]
    pub fn start_scenario(
        &mut self,
        name: &str,
        variant: Option<String>,
        overrides: Option<Vec<String>>,
    ) -> Result<Ts<ScenarioStart>, JsError> {
        let (_, sc) = library(name)?;
        if let Some((point, values)) = &sc.vary {
            if !variant.as_ref().is_some_and(|v| values.contains(v)) {
                return Err(JsError::new(&format!(
                    "scenario {} varies {point}: choose a variant ({})",
                    Quoted(name),
                    values.join(", ")
                )));
            }
        }
        let policies = sc
            .policies_for(variant.as_deref(), &overrides.unwrap_or_default())
            .map_err(|e| JsError::new(&e))?;
        self.playing = None;
        #[cfg(feature = "js-control")]
        self.end_streams();
        self.server = scenario::fresh_server(policies);
        self.seed_owed = false;
        let player = Player::start(&sc, variant.as_deref(), &mut self.server)
            .map_err(|f| JsError::new(&f.message))?;
        let start = ScenarioStart {
            clients: client_ids(&player),
            policies: self.server.policies().table(),
        };
        self.playing = Some((sc, player));
        Ok(to_ts(&start))
    }

    /// The clock scenarios run on (a fixed time) instead of the page's: a session replayed on
    /// it answers as its exported scenario will (`reset` brings the page's clock back).
    #[wasm_bindgen(js_name = useScenarioClock)]
    pub fn use_scenario_clock(&mut self) {
        self.server
            .set_clock(Box::new(|| crate::server::world::SANDBOX_EPOCH));
    }

    /// A session typed by hand (a `Draft`: title, policies, steps with what each client
    /// received) as a scenario file, checked by reading it back.
    #[wasm_bindgen(js_name = exportScenario)]
    pub fn export_scenario(draft: JsValue) -> Result<String, JsError> {
        draft_of(&draft)?.write().map_err(|e| JsError::new(&e))
    }

    /// What to change in a typed line the server refused (an unclosed quote, 8-bit characters
    /// and their modified UTF-7 form), if a common mistake is found in it.
    pub fn hint(line: &str) -> Option<String> {
        crate::protocol::hint::hint(line)
    }

    /// Runs every variant of a scenario given as text (an exported one), each on a fresh world.
    #[wasm_bindgen(js_name = playScenarioText)]
    pub fn play_scenario_text(text: &str) -> Result<Vec<Ts<Run>>, JsError> {
        let sc = Scenario::parse(text).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(sc
            .variants()
            .iter()
            .map(|v| to_ts(&sc.run(v.as_deref(), &[])))
            .collect())
    }

    /// Plays the next step of the scenario started by `startScenario`: what was typed, every
    /// response it caused (unexpected ones marked), the expectations that failed. `null` when
    /// there is nothing (more) to play (`undefined` in JavaScript).
    #[wasm_bindgen(js_name = stepScenario)]
    pub fn step_scenario(&mut self) -> Option<Ts<StepOutcome>> {
        let (sc, player) = self.playing.as_mut()?;
        let Some(outcome) = player.step(sc, &mut self.server) else {
            self.playing = None;
            return None;
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
        Some(to_ts(&result))
    }
}

/// The benchmarks' mailbox behind the page's own API: `bench/` times `send` and the page's
/// `lines()` (www/engine.js) on it. Only in the benchmark build (cargo feature `bench`).
#[cfg(feature = "bench")]
#[wasm_bindgen]
impl Sandbox {
    /// A fresh world like `reset`, plus `BENCH` holding `messages` synthetic messages of about
    /// 1.2 KB, every tenth `\Deleted` (`crate::bench::world_with`); every client gone.
    #[wasm_bindgen(js_name = benchWorld)]
    pub fn bench_world(&mut self, messages: u32) {
        let world = crate::bench::world_with(messages as usize, true);
        // The engine's own clock, not the page's: none of the timed commands reads the time.
        self.server = Server::new(world, *self.server.policies());
        self.seed_owed = false;
        self.playing = None;
    }
}

/// The benchmarks of `bench/` (see `crate::bench`): `"workload"` runs the mixed workload for `n`
/// iterations and returns the number of commands (the page times the call); `"workload-steps"`
/// the same workload's milliseconds by command (`crate::bench::mixed_workload_by_command`,
/// timed with `performance.now()`); `"scale"` returns
/// the timed steps on a mailbox of `n` messages with `sessions` sessions, timed with
/// `performance.now()`; `"hostile"` the timed hostile 64 KB lines on 20,000 messages. Only in
/// the benchmark build (cargo feature `bench`), not the page's.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench(kind: &str, n: u32, sessions: u32) -> Result<JsValue, JsError> {
    let failed = |e: String| JsError::new(&e);
    match kind {
        "workload" => crate::bench::mixed_workload(n)
            .map(|commands| JsValue::from_f64(commands as f64))
            .map_err(failed),
        "workload-steps" => {
            let now = performance_now()?;
            crate::bench::mixed_workload_by_command(n, &now)
                .map(|steps| to_js(&steps))
                .map_err(failed)
        }
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
#[cfg(feature = "bench")]
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
