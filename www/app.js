// The page: wires the three panes, the policy panel, the scenario player and the inspector to
// the engine (one Sandbox), and keeps the workspace in the URL and in localStorage.
//
// Rust owns the state; this file owns the DOM. It knows no IMAP: lines go in as typed and come
// back as the engine describes them (client, kind, status, citation).

import * as engine from './engine.js';
import { Pane } from './pane.js';
import { PolicyPanel } from './policies.js';
import { Inspector } from './inspector.js';
import { CompareView } from './compare.js';
import { Timeline } from './timeline.js';
import * as workspace from './workspace.js';
import { option } from './dom.js';

// Started before anything else here: the wasm module compiles (as index.html's preload brings
// it) while the rest of this script builds the panes and panels.
const engineStarted = engine.start();
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const query = new URLSearchParams(location.search);
const embed = query.get('embed') === '1';

let ws = workspace.empty();
let replaying = false;
// A link that could not be read stays in the address bar until the learner does something.
let keepHash = false;
// The pane the learner last typed in: page notes (policy changes) go there, once.
let activePane = null;
const touch = navigator.maxTouchPoints > 0 || matchMedia('(pointer: coarse)').matches;
let defaults = {};
let policyRows = [];
// What each policy value does and what a client must do about it, for the badges' tooltips: the
// `# value[VALUE]:` (else `# explain[VALUE]:`) sentences of the scenario library; every value of
// every decision point has one (a page test checks it), the point's summary is a last resort.
const valueText = new Map();
const explainValue = (point, value) =>
  valueText.get(`${point}=${value}`) || (policyRows.find((r) => r.point === point) || {}).summary || '';
const paneByClient = new Map();

// The scenario library (the picker, the tooltips' texts): parsing and listing it takes longer
// than everything else the first prompt needs (30-110 ms measured on 2026-12-02), so it is
// listed when first needed (a workspace that starts with a scenario, a cited line's tooltip,
// Compare, Timeline, the player's buttons) or else once the page is idle after the first prompt
// is painted.
let library = null;

function scenarioLibrary() {
  if (!library) {
    library = engine.call(() => engine.statics().scenarios(), null);
    if (!library) return [];
    for (const s of library) {
      if (!s.vary) continue;
      for (const t of s.variant_text || []) if (t.value || t.explain) valueText.set(`${s.vary.point}=${t.variant}`, t.value || t.explain);
    }
    player.init(library);
    // The policy panel drawn before its values' texts were known gets them now.
    if (policyRows.length) policyPanel.render(policyRows);
  }
  return library;
}

const panes = [1, 2, 3].map(
  (n) =>
    new Pane(n, $(`c${n}`), {
      send: (pane, text) => typeLine(pane, text),
      reconnect: (pane) => {
        record(['reconnect', pane.n]);
        connectPane(pane);
        pane.input.focus();
      },
      sever: (pane) => {
        record(['sever', pane.n]);
        severPane(pane);
      },
      explain: (c) => {
        scenarioLibrary();
        return explainValue(c.point, c.value);
      },
    }),
);

const policyPanel = new PolicyPanel(
  {
    list: $('policy-list'),
    presetSelect: $('preset-select'),
    presetDescription: $('preset-description'),
  },
  { change: (p, v) => changePolicy(p, v), preset: (name) => applyPreset(name), explain: explainValue },
);
const compare = new CompareView(
  {
    root: $('compare'),
    by: $('compare-by'),
    presets: $('compare-presets'),
    grid: $('compare-grid'),
    status: $('compare-status'),
    close: $('compare-close'),
  },
  {
    Sandbox: () => new (engine.statics())(),
    source: () => compareSource(),
    presets: () => engine.call(() => engine.statics().presets(), []),
    points: () => policyRows,
    defaults: () => defaults,
    closed: () => $('compare-open').focus(),
    guard: (fn, fallback) => engine.call(fn, fallback),
  },
);

const timeline = new Timeline(
  {
    root: $('timeline'),
    text: $('timeline-text'),
    count: $('timeline-count'),
    status: $('timeline-status'),
    copy: $('timeline-copy'),
    close: $('timeline-close'),
    title: $('export-title'),
    exportButton: $('export-scenario'),
    exportText: $('export-text'),
    exportStatus: $('export-status'),
    copyExport: $('export-copy'),
    download: $('export-download'),
  },
  {
    get Sandbox() {
      return engine.statics();
    },
    workspace: () => ws,
    setup: (name) => engine.statics().scenario(name).setup,
    rfc: (name) => (player.info(name) || {}).rfc || '',
    defaults: () => defaults,
    closed: () => $('timeline-open').focus(),
  },
);

/** The panes a step touched: the one that typed, and every one that heard something. */
function touched(pane, lines) {
  const set = new Set([pane]);
  // A long reply is one client's lines in a row: one look-up per run, not per line.
  let last;
  for (const l of lines) {
    if (l.client === last) continue;
    last = l.client;
    const p = paneByClient.get(last);
    if (p) set.add(p);
  }
  return set;
}

/**
 * What Compare runs: the scenario started (and what was typed after it), else the session typed
 * so far, else the scenario chosen in the picker.
 */
function compareSource() {
  if (ws.scenario && player.info(ws.scenario.name) && ws.scenario.name === player.selected().name) {
    const typed = ws.log.some(([k]) => k !== 'step');
    return { ws, info: player.info(ws.scenario.name), what: `Scenario ${ws.scenario.name}${typed ? ' and what was typed after it' : ''}` };
  }
  if (ws.log.length) return { ws, info: null, what: 'The session typed so far' };
  const sel = player.selected();
  return { ws: { policy: {}, scenario: sel, log: [] }, info: player.info(sel.name), what: `Scenario ${sel.name}` };
}

const inspector = new Inspector({ clients: $('state-clients'), mailboxes: $('state-mailboxes') });

// ---- workspace -----------------------------------------------------------------------------

function record(event) {
  if (replaying) return;
  ws.log.push(event);
  keepHash = false;
}

// The workspace is saved at most every SAVE_MS, after the burst of work that changed it, and
// at once when the page is hidden; localStorage gets only the new part of the log.
const SAVE_MS = 400;
let saveTimer = null;
let hashSeq = 0;

function persist() {
  if (embed) {
    openLinkSoon();
    return;
  }
  if (saveTimer !== null) return;
  saveTimer = setTimeout(persistNow, SAVE_MS);
}

function persistNow() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (embed || keepHash) return Promise.resolve({ omitted: 0 });
  workspace.save(ws);
  const seq = ++hashSeq;
  return workspace.toHash(ws).then((link) => {
    // A later save has started meanwhile: its hash wins.
    if (seq === hashSeq) history.replaceState(null, '', link.hash ? `#${link.hash}` : location.pathname + location.search);
    return link;
  });
}

// An embed saves nothing, but its "Open in the sandbox" link carries its exact state.
let openTimer = null;
function openLinkSoon() {
  if (openTimer !== null) return;
  openTimer = setTimeout(() => {
    openTimer = null;
    workspace.toHash(ws).then(({ hash }) => {
      $('open-sandbox').href = `${location.origin}${location.pathname}${hash ? `#${hash}` : ''}`;
    });
  }, 150);
}

addEventListener('pagehide', () => {
  if (saveTimer !== null && !embed && !keepHash) workspace.save(ws);
});

function nonDefaultPolicies() {
  const out = {};
  for (const row of policyRows) if (row.current !== defaults[row.point]) out[row.point] = row.current;
  return out;
}

// ---- clients ---------------------------------------------------------------------------------

/** Shows every line in its client's pane; returns whether `origin` got a continuation request. */
function route(lines, origin = null, own = []) {
  const originClient = origin ? origin.client : null;
  // A long reply is one client's lines in a row: one look-up per run, not per line.
  let client;
  let pane;
  for (const line of lines) {
    if (line.client !== client) {
      client = line.client;
      pane = paneByClient.get(client);
    }
    // What Pane.received and typeLine look at: the origin's tagged and continuation lines.
    if (line.client === originClient && line.kind !== 'untagged') own.push(line);
    if (!pane) continue;
    pane.addServerLine(line);
    timeline.add(pane.serverName, line.kind === 'closed' ? '(closed)' : line.text);
    if (line.kind === 'closed') {
      paneByClient.delete(line.client);
      pane.setConnected(null);
      pane.addNote('The server closed the connection. Press Reconnect for a new one.', 'closed-note');
      client = undefined;
    }
  }
  if (!origin || originClient === null) return false;
  return origin.received(own);
}

function typeLine(pane, text) {
  activePane = pane;
  const inLiteral = pane.literal > 0;
  const continuing = inLiteral || pane.continuing;
  const wire = pane.frame(text);
  const client = pane.client;
  const lines = engine.call((s) => engine.lines(s.send(client, wire)), []);
  // A literal's lines belong to the step of the command that announced it.
  if (!continuing) timeline.mark(panes, touched(pane, lines));
  pane.addClientLine(text, inLiteral ? 'literal' : '');
  timeline.add(`C${pane.n}`, text);
  const own = [];
  const continuation = route(lines, pane, own);
  // A refused line gets advice on what to change, when the engine sees a common mistake in it.
  const refused = own.some((l) => l.kind === 'tagged' && (l.status === 'BAD' || l.status === 'NO'));
  if (refused && !inLiteral) {
    const advice = engine.call(() => engine.statics().hint(text), null);
    if (advice) pane.addNote(`What to do: ${advice}`, 'advice');
  }
  // A replayed workspace puts the next tag in the input once, at its end (restore).
  if (!pane.closed) {
    if (replaying) pane.owed = continuation;
    else pane.suggest(continuation);
  }
  record(['line', pane.n, text]);
  refresh();
}

function connectPane(pane) {
  const id = engine.call((s) => s.connect(), null);
  if (id === null) return;
  paneByClient.set(id, pane);
  pane.setConnected(id);
  route(engine.call((s) => engine.lines(s.take()), []));
  refresh();
}

function severPane(pane) {
  const id = pane.client;
  if (id === null) return;
  const lines = engine.call((s) => engine.lines(s.disconnect(id)), []);
  timeline.mark(panes, touched(pane, lines));
  timeline.add(`C${pane.n}`, '(disconnect)');
  paneByClient.delete(id);
  pane.setConnected(null);
  pane.addNote('Connection severed without LOGOUT (RFC 2683 §3.1.2). Press Reconnect.', 'closed-note');
  route(lines);
  refresh();
}

// The clients' state labels and the inspector follow the engine once per burst of work (a
// reply, a replayed workspace), not once per line; the inspector only while it is shown.
let refreshQueued = false;

function refresh() {
  persist();
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(refreshNow, 0);
}

function refreshNow() {
  refreshQueued = false;
  // The mailboxes only for the State panel, when shown (its tab calls this function).
  const inspect = !$('panel-state').hidden;
  const snap = engine.call((s) => (inspect ? s.snapshot(60) : { clients: s.clients() }), null);
  if (snap) {
    for (const pane of panes) {
      const c = snap.clients.find((x) => x.id === pane.client);
      if (!c) pane.setState(pane.client === null ? 'not connected' : '');
      else pane.setState([c.user, c.selected, c.mode !== 'command' ? c.mode : null].filter(Boolean).join(' \u00b7 ') || c.state);
      pane.setMode(c ? c.mode : 'command');
    }
    if (inspect) inspector.render(snap, (id) => (paneByClient.get(id) || {}).n || null);
  }
}

function newWorld() {
  player.stop();
  engine.call((s) => s.reset());
  paneByClient.clear();
  timeline.reset();
  ws = { policy: nonDefaultPolicies(), scenario: null, log: [], omitted: 0 };
  for (const pane of panes) {
    pane.clear();
    pane.tagNo = 1;
    connectPane(pane);
  }
  player.unload();
  refresh();
}

// ---- policies -----------------------------------------------------------------------------------

function renderPolicies(rows = engine.call((s) => s.policies(), [])) {
  policyRows = rows;
  policyPanel.render(rows);
}

function noteAll(text, kind) {
  for (const pane of panes) pane.addNote(text, kind);
}

/** A note about the whole world (a policy change): once, in the pane last typed in. */
function noteOnce(text, kind) {
  (activePane || panes[0]).addNote(text, kind);
}

function changePolicy(point, value) {
  try {
    engine.call((s) => s.setPolicy(point, value));
  } catch (err) {
    noteOnce(`Policy not changed: ${err.message}`, 'error');
    return;
  }
  renderPolicies();
  const row = policyRows.find((r) => r.point === point);
  const rfc = row ? (row.values.find(([v]) => v === value) || [])[1] : '';
  noteOnce(`Policy ${point} = ${value}${rfc ? ` (${rfc})` : ''} from now on, for every client.`, 'policy');
  record(['policy', point, value]);
  refresh();
}

function applyPreset(name) {
  try {
    engine.call((s) => s.applyPreset(name));
  } catch (err) {
    noteOnce(`Preset not applied: ${err.message}`, 'error');
    return;
  }
  renderPolicies();
  noteOnce(`Preset ${name} applied from now on, for every client.`, 'policy');
  record(['preset', name]);
  refresh();
}

// ---- scenario player ---------------------------------------------------------------------------

const player = {
  list: [],
  loaded: null, // { name, variant, total, played, mismatches, finished }
  playing: false,

  init(list) {
    this.list = list;
    const groups = [
      ['RFC 2180: multi-accessed mailboxes', (s) => s.name.startsWith('rfc2180')],
      ['RFC 2683: implementation advice', (s) => s.name.startsWith('rfc2683')],
      ['Lessons', () => true],
    ];
    const used = new Set();
    const select = $('scenario-select');
    for (const [label, test] of groups) {
      const og = document.createElement('optgroup');
      og.label = label;
      for (const s of list) {
        if (used.has(s.name) || !test(s)) continue;
        used.add(s.name);
        og.append(option(s.name, `${s.rfc}: ${s.title}`));
      }
      if (og.children.length) select.append(og);
    }
    select.addEventListener('change', () => this.describe());
    $('variant-select').addEventListener('change', () => this.describe());
    $('play').addEventListener('click', () => (this.playing ? this.stop() : this.play()));
    $('step').addEventListener('click', () => this.step());
    $('restart').addEventListener('click', () => this.start(this.selected()));
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) $('animate').checked = false;
  },

  info(name) {
    return scenarioLibrary().find((s) => s.name === name);
  },

  choose(name, variant) {
    if (!this.info(name)) return false;
    $('scenario-select').querySelector('option.unknown')?.remove();
    $('scenario-select').value = name;
    this.describe(variant);
    this.buttons();
    return true;
  },

  /** A scenario asked for by name (a link, an embed) that the library does not have. */
  unknown(name) {
    const select = $('scenario-select');
    const o = option('', `(no scenario named \u201c${name}\u201d)`);
    o.className = 'unknown';
    o.disabled = true;
    select.prepend(o);
    select.value = '';
    $('scenario-title').textContent = `No scenario named \u201c${name}\u201d`;
    $('scenario-rfc').textContent = '';
    $('scenario-explain').textContent = `Valid names: ${this.list.map((s) => s.name).join(', ')}.`;
    $('scenario-variant').textContent = '';
    $('variant-field').hidden = true;
    this.status(`Unknown scenario \u201c${name}\u201d: pick one from the list.`);
    $('player-status').classList.add('bad');
    this.buttons();
  },

  describe(variant) {
    const info = this.info($('scenario-select').value);
    if (!info) return;
    $('scenario-select').querySelector('option.unknown')?.remove();
    this.buttons();
    $('scenario-title').textContent = info.title;
    $('scenario-rfc').textContent = info.rfc;
    $('scenario-explain').textContent = info.explain;
    const vs = $('variant-select');
    const field = $('variant-field');
    if (info.vary) {
      const keep = variant || vs.value;
      if (vs.dataset.for !== info.name) {
        vs.replaceChildren(...info.vary.values.map((v) => option(v, `${info.vary.point} = ${v}`)));
        vs.dataset.for = info.name;
      }
      if (info.vary.values.includes(keep)) vs.value = keep;
      field.hidden = false;
      // The card tells the story of the variant shown.
      const text = (info.variant_text || []).find((t) => t.variant === vs.value);
      if (text && text.title) $('scenario-title').textContent = text.title;
      if (text && text.explain) $('scenario-explain').textContent = text.explain;
      const row = policyRows.find((r) => r.point === info.vary.point);
      const ref = row && row.values.find(([v]) => v === vs.value);
      $('scenario-variant').textContent = `This variant: ${info.vary.point} = ${vs.value}${ref ? ` (${ref[1]})` : ''}.`;
    } else {
      vs.replaceChildren();
      vs.dataset.for = '';
      field.hidden = true;
      $('scenario-variant').textContent = '';
    }
  },

  selected() {
    const name = $('scenario-select').value;
    const info = this.info(name);
    return { name, variant: info && info.vary ? $('variant-select').value : null };
  },

  status(text) {
    $('player-status').textContent = text;
  },

  unload() {
    this.loaded = null;
    $('player-failures').replaceChildren();
    this.status('Pick a scenario and press Play.');
    this.buttons();
  },

  buttons() {
    $('play').textContent = this.playing ? 'Pause' : 'Play';
    $('play').setAttribute('aria-pressed', String(this.playing));
    const none = !this.info($('scenario-select').value);
    for (const id of ['play', 'step', 'restart']) $(id).disabled = none;
    // While Play types lines out, the inputs are read-only (typing would mix with its lines).
    for (const pane of panes) pane.lock(this.playing);
  },

  /** Loads a scenario on the sandbox (a fresh world under its policies) and runs its setup. */
  start({ name, variant }) {
    this.stop();
    let start;
    let sc;
    try {
      start = engine.call((s) => s.startScenario(name, variant || undefined));
      sc = engine.call(() => engine.statics().scenario(name));
    } catch (err) {
      noteAll(`Cannot load scenario ${name}: ${err.message}`, 'error');
      return false;
    }
    if (!start || !sc) return false;
    const info = this.info(name);
    // The variant's own title, as on the card: the base title tells another variant's story.
    const vt = info && (info.variant_text || []).find((t) => t.variant === variant);
    const title = (vt && vt.title) || (info ? info.title : name);
    // Clients the scenario never types for (C3 in a two-client scenario).
    const used = new Set([...sc.setup.map(([n]) => n), ...sc.steps.map((st) => st.client)]);
    paneByClient.clear();
    timeline.reset();
    for (const [i, pane] of panes.entries()) {
      pane.clear();
      pane.tagNo = 1;
      const id = start.clients[i];
      if (id === null || id === undefined) pane.setWaiting(used.has(i + 1));
      else {
        paneByClient.set(id, pane);
        pane.setConnected(id);
      }
      pane.addNote(`Scenario: ${title} (${sc.rfc})${variant && info.vary ? ` \u00b7 ${info.vary.point} = ${variant}` : ''}`, 'scenario');
    }
    for (const [n, cmd] of sc.setup) panes[n - 1].addNote(`setup: ${cmd}`, 'setup');
    renderPolicies(start.policies);
    const total = sc.steps.filter((s) => s.only === null || s.only === variant).length;
    this.loaded = { name, variant: variant || null, total, played: 0, mismatches: 0, finished: total === 0 };
    $('player-failures').replaceChildren();
    this.choose(name, variant);
    ws = { policy: {}, scenario: { name, variant: variant || null }, log: [], omitted: 0 };
    this.report();
    refresh();
    return true;
  },

  report() {
    const l = this.loaded;
    if (!l) return;
    const mism = l.mismatches === 0 ? 'no mismatches' : `${l.mismatches} mismatch${l.mismatches > 1 ? 'es' : ''}`;
    this.status(l.finished ? `Finished: ${l.played} of ${l.total} steps, ${mism}.` : `Step ${l.played} of ${l.total}, ${mism}.`);
    $('player-status').classList.toggle('bad', l.mismatches > 0);
    $('player-status').classList.toggle('done', l.finished && l.mismatches === 0);
  },

  ensureLoaded() {
    const want = this.selected();
    const l = this.loaded;
    if (!l || l.finished || l.name !== want.name || l.variant !== want.variant) return this.start(want);
    return true;
  },

  async typeInto(pane, text, animate) {
    if (!animate) return;
    const delay = Math.max(4, Math.min(18, 500 / Math.max(1, text.length)));
    for (let i = 1; i <= text.length; i += 1) {
      pane.input.value = text.slice(0, i);
      await sleep(delay);
    }
    await sleep(120);
  },

  /** Plays one step; false when there is nothing more to play. */
  async stepOnce(animate) {
    const outcome = engine.call((s) => s.stepScenario(), null);
    if (!outcome) {
      this.finish();
      return false;
    }
    for (const [i, id] of outcome.clients.entries()) {
      // A scenario client connects at its first line; a closed one stays closed.
      const waiting = panes[i].client === null && !panes[i].closed;
      if (id !== null && waiting && !paneByClient.has(id)) {
        paneByClient.set(id, panes[i]);
        panes[i].setConnected(id);
      }
    }
    const pane = panes[outcome.client - 1];
    // Nothing is sent on a connection the server closed (the engine drops it).
    const closed = pane.closed;
    timeline.mark(panes, touched(pane, outcome.lines));
    for (const text of outcome.display) timeline.add(`C${pane.n}`, closed ? `${text} (not sent: connection closed)` : text);
    for (const [k, text] of outcome.display.entries()) {
      if (!closed) await this.typeInto(pane, text, animate);
      pane.addClientLine(text, `${k > 0 ? 'literal' : ''}${closed ? ' not-sent' : ''}`, closed ? 'not sent: connection closed' : '');
    }
    pane.input.value = '';
    route(outcome.lines);
    for (const f of outcome.failures) {
      pane.addNote(`Mismatch at line ${f.line_no}: ${f.message}`, 'mismatch');
      const li = document.createElement('li');
      li.textContent = `line ${f.line_no}: ${f.message}`;
      $('player-failures').append(li);
    }
    for (const p of panes) if (!p.closed && p.client !== null) p.suggest();
    const l = this.loaded;
    if (l) {
      l.played += 1;
      l.mismatches += outcome.failures.length;
      if (outcome.finished) this.finish();
      else this.report();
    }
    record(['step']);
    refresh();
    return !outcome.finished;
  },

  finish() {
    if (this.loaded) this.loaded.finished = true;
    this.playing = false;
    this.buttons();
    // The learner carries on: clients the scenario never used get a connection now (not in an
    // embed, where they stay out of the way).
    if (!embed) for (const pane of panes) if (pane.client === null && !pane.closed) connectPane(pane);
    this.report();
  },

  async play() {
    if (!this.ensureLoaded()) return;
    this.playing = true;
    this.buttons();
    while (this.playing && this.loaded && !this.loaded.finished) {
      const animate = $('animate').checked;
      const more = await this.stepOnce(animate);
      if (!more) break;
      await sleep(animate ? 300 : 0);
    }
    this.playing = false;
    this.buttons();
  },

  async step() {
    this.stop();
    if (!this.ensureLoaded()) return;
    await this.stepOnce(false);
  },

  stop() {
    this.playing = false;
    this.buttons();
  },
};

// ---- tabs ------------------------------------------------------------------------------------

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
    // The inspector is drawn only while shown.
    if (tab.id === 'tab-state') refreshNow();
    if (focus) tab.focus();
  };
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (e) => {
      const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (d) select(tabs[(i + d + tabs.length) % tabs.length], true);
    });
  }
}

// ---- start ---------------------------------------------------------------------------------------

async function restore(saved) {
  replaying = true;
  try {
    ws = saved;
    let started = false;
    if (saved.scenario && player.info(saved.scenario.name)) {
      // The variant shown in the picker (the link's, or the scenario's first).
      started = player.start(player.selected());
    }
    if (!started) {
      ws = { policy: {}, scenario: null, log: [], omitted: 0 };
      for (const pane of panes) connectPane(pane);
    }
    for (const [point, value] of Object.entries(saved.policy || {})) changePolicy(point, value);
    ws.policy = { ...(saved.policy || {}) };
    for (const event of saved.log) {
      const [kind, a, b] = event;
      const pane = panes[a - 1];
      if (kind === 'line' && pane && !pane.closed && pane.client !== null) pane.submit(String(b));
      else if (kind === 'step' && player.loaded && !player.loaded.finished) await player.stepOnce(false);
      else if (kind === 'policy') changePolicy(a, b);
      else if (kind === 'preset') applyPreset(a);
      else if (kind === 'sever' && pane) severPane(pane);
      else if (kind === 'reconnect' && pane) connectPane(pane);
    }
    // The input of a pane whose last event was a typed line (any other event suggests itself).
    for (const pane of panes) if (pane.owed !== undefined) pane.suggest(pane.owed);
    ws.log = saved.log.slice();
    ws.omitted = saved.omitted || 0;
    if (ws.omitted) {
      noteAll(`This link left out the first ${ws.omitted} events of its session (too long for a link): what follows starts after them.`, 'error');
    }
  } finally {
    replaying = false;
  }
  refresh();
}

async function main() {
  if (embed) {
    document.body.classList.add('embed');
    $('open-sandbox').hidden = false;
    // &picker=0: the scenario is the doc writer's choice; only its variant can be changed.
    if (query.get('picker') === '0') $('scenario-select').closest('.field').hidden = true;
  }
  $('card-toggle').addEventListener('click', () => {
    const open = $('card-toggle').getAttribute('aria-expanded') !== 'true';
    $('card-toggle').setAttribute('aria-expanded', String(open));
    $('card-toggle').textContent = open ? 'Hide explanation' : 'Show explanation';
    $('scenario-more').hidden = !open;
  });
  setupTabs();
  await engineStarted;
  // For the benchmarks' breakdown of the first prompt (bench/run.mjs, section 5).
  performance.mark('sandbox:engine');
  engine.onRestart(() => {
    player.stop();
    paneByClient.clear();
    timeline.reset();
    noteAll('The engine stopped on an internal error (a panic) and was restarted: a fresh world, default policies, new connections.', 'error');
    ws = workspace.empty();
    renderPolicies();
    for (const pane of panes) connectPane(pane);
    player.unload();
  });
  renderPolicies();
  for (const row of policyRows) defaults[row.point] = row.current;

  $('reset-world').addEventListener('click', newWorld);
  $('compare-open').addEventListener('click', () => compare.show());
  $('timeline-open').addEventListener('click', () => timeline.show());
  $('copy-link').addEventListener('click', async () => {
    keepHash = false;
    const { omitted } = await persistNow();
    const url = location.href;
    const left = omitted ? ` It leaves out the first ${omitted} events (too long for a link): it holds the scenario, the policies and the last part of the session.` : '';
    try {
      await navigator.clipboard.writeText(url);
      player.status(`Permalink copied to the clipboard.${left}`);
    } catch (_) {
      player.status(`Permalink: ${url}${left}`);
    }
  });

  const fromHash = await workspace.fromParams(new URLSearchParams(location.hash.slice(1)));
  const fromQuery = await workspace.fromParams(query);
  const stored = embed ? null : workspace.load();
  // The address bar is updated a moment after the last change; a reload in that moment finds
  // the same session, further on, in localStorage.
  const link = fromHash && stored && workspace.continues(stored, fromHash) ? stored : fromHash;
  let saved = link || fromQuery || stored || workspace.empty();
  // The picker shows the workspace's scenario, else the first of RFC 2180's.
  let unknown = null;
  let picked = false;
  const pick = () => {
    picked = true;
    const list = scenarioLibrary();
    const first = list.find((s) => s.name.startsWith('rfc2180')) || list[0];
    unknown = saved.scenario && !player.info(saved.scenario.name) ? saved.scenario.name : null;
    if (saved.scenario && !unknown) player.choose(saved.scenario.name, saved.scenario.variant);
    else if (first) player.choose(first.name);
  };
  if (saved.scenario) pick();
  if (saved.unreadable) {
    // Keep what could be read (scenario, policies) and the link itself, and say so.
    keepHash = true;
    saved = { ...saved, log: [] };
  }
  await restore(saved);
  if (unknown) player.unknown(unknown);
  const info = saved.scenario && player.info(saved.scenario.name);
  if (info && info.vary && saved.scenario.variant && !info.vary.values.includes(saved.scenario.variant)) {
    player.status(`Unknown variant \u201c${saved.scenario.variant}\u201d: ${info.vary.point} is one of ${info.vary.values.join(', ')}; showing ${player.selected().variant}.`);
    $('player-status').classList.add('bad');
  }
  if (saved.unreadable) {
    noteAll(`This link could not be read (${saved.unreadable}): the sandbox starts without its session. The link is kept in the address bar.`, 'error');
  }
  document.body.dataset.ready = 'true';
  // What the first prompt does not need, once it is painted (a callback asked for from a frame
  // callback runs after that frame) and the page is idle: after a key already pressed, too.
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 0));
  requestAnimationFrame(() =>
    idle(() => {
      // The demo mailboxes' messages, which the engine stores when a command first needs them
      // (src/wasm.rs `seed`): now, so that the first command does not wait for them.
      engine.call((s) => s.seed());
      if (!picked) pick();
      policyPanel.setPresets(engine.call(() => engine.statics().presets(), []));
    }, { timeout: 500 }),
  );
  if (query.get('autoplay') === '1' && player.loaded && !unknown) {
    // Plays once the player is on screen (in an iframe: once the iframe is), not before, and
    // not when it was only passed over while the page around it was laid out (an iframe ready
    // before the content above it has its height is on screen for a moment): it must stay
    // there for SETTLE_MS.
    const SETTLE_MS = 500;
    let settle = null;
    const seen = new IntersectionObserver((entries) => {
      clearTimeout(settle);
      if (!entries[entries.length - 1].isIntersecting) return;
      settle = setTimeout(() => {
        seen.disconnect();
        if (player.loaded && !player.loaded.finished && !player.playing) player.play();
      }, SETTLE_MS);
    }, { threshold: 0.3 });
    seen.observe(document.querySelector('.layout'));
  } else if (!embed && !touch) panes[0].input.focus();
}

main().catch((err) => {
  for (const pane of panes) pane.addNote(`The sandbox could not start: ${err.message}`, 'error');
  throw err;
});
