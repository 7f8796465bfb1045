// The page: wires the three panes, the policy panel, the scenario player and the inspector to
// the engine (one Sandbox), and keeps the workspace in the URL and in localStorage.
//
// Rust owns the state; this file owns the DOM. It knows no IMAP: lines go in as typed and come
// back as the engine describes them (client, kind, status, citation).

import * as engine from './engine.js';
import { Pane } from './pane.js';
import { PolicyPanel } from './policies.js';
import { Inspector } from './inspector.js';
import * as workspace from './workspace.js';
import { option } from './dom.js';

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const query = new URLSearchParams(location.search);
const embed = query.get('embed') === '1';

let ws = workspace.empty();
let replaying = false;
let defaults = {};
let policyRows = [];
const paneByClient = new Map();

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
    }),
);

const policyPanel = new PolicyPanel(
  {
    list: $('policy-list'),
    presetSelect: $('preset-select'),
    presetApply: $('preset-apply'),
    presetDescription: $('preset-description'),
  },
  { change: (p, v) => changePolicy(p, v), preset: (name) => applyPreset(name) },
);
const inspector = new Inspector({ clients: $('state-clients'), mailboxes: $('state-mailboxes') });

// ---- workspace -----------------------------------------------------------------------------

function record(event) {
  if (!replaying) ws.log.push(event);
}

function persist() {
  if (embed) return;
  const hash = workspace.toHash(ws);
  history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
  workspace.save(ws);
}

function nonDefaultPolicies() {
  const out = {};
  for (const row of policyRows) if (row.current !== defaults[row.point]) out[row.point] = row.current;
  return out;
}

// ---- clients ---------------------------------------------------------------------------------

/** Shows every line in its client's pane; returns whether `origin` got a continuation request. */
function route(lines, origin = null) {
  const originClient = origin ? origin.client : null;
  for (const line of lines) {
    const pane = paneByClient.get(line.client);
    if (!pane) continue;
    pane.addServerLine(line);
    if (line.kind === 'closed') {
      paneByClient.delete(line.client);
      pane.setConnected(null);
      pane.addNote('The server closed the connection. Press Reconnect for a new one.', 'closed-note');
    }
  }
  if (!origin || originClient === null) return false;
  return origin.received(lines.filter((l) => l.client === originClient));
}

function typeLine(pane, text) {
  const inLiteral = pane.literal > 0;
  const wire = pane.frame(text);
  pane.addClientLine(text, inLiteral ? 'literal' : '');
  const client = pane.client;
  const lines = engine.call((s) => s.send(client, wire), []);
  const continuation = route(lines, pane);
  if (!pane.closed) pane.suggest(continuation);
  record(['line', pane.n, text]);
  refresh();
}

function connectPane(pane) {
  const id = engine.call((s) => s.connect(), null);
  if (id === null) return;
  paneByClient.set(id, pane);
  pane.setConnected(id);
  route(engine.call((s) => s.take(), []));
  refresh();
}

function severPane(pane) {
  const id = pane.client;
  if (id === null) return;
  paneByClient.delete(id);
  pane.setConnected(null);
  pane.addNote('Connection severed without LOGOUT (RFC 2683 §3.1.2). Press Reconnect.', 'closed-note');
  route(engine.call((s) => s.disconnect(id), []));
  refresh();
}

function refresh() {
  const snap = engine.call((s) => s.snapshot(60), null);
  if (snap) {
    for (const pane of panes) {
      const c = snap.clients.find((x) => x.id === pane.client);
      if (!c) pane.setState(pane.client === null ? 'not connected' : '');
      else pane.setState([c.user, c.selected, c.mode !== 'command' ? c.mode : null].filter(Boolean).join(' \u00b7 ') || c.state);
    }
    inspector.render(snap, (id) => (paneByClient.get(id) || {}).n || null);
  }
  persist();
}

function newWorld() {
  player.stop();
  engine.call((s) => s.reset());
  paneByClient.clear();
  ws = { policy: nonDefaultPolicies(), scenario: null, log: [] };
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

function changePolicy(point, value) {
  try {
    engine.call((s) => s.setPolicy(point, value));
  } catch (err) {
    noteAll(`Policy not changed: ${err.message}`, 'error');
    return;
  }
  renderPolicies();
  const row = policyRows.find((r) => r.point === point);
  const rfc = row ? (row.values.find(([v]) => v === value) || [])[1] : '';
  noteAll(`Policy ${point} = ${value}${rfc ? ` (${rfc})` : ''} from now on.`, 'policy');
  record(['policy', point, value]);
  refresh();
}

function applyPreset(name) {
  try {
    engine.call((s) => s.applyPreset(name));
  } catch (err) {
    noteAll(`Preset not applied: ${err.message}`, 'error');
    return;
  }
  renderPolicies();
  noteAll(`Preset ${name} applied from now on.`, 'policy');
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
    return this.list.find((s) => s.name === name);
  },

  choose(name, variant) {
    if (!this.info(name)) return;
    $('scenario-select').value = name;
    this.describe(variant);
  },

  describe(variant) {
    const info = this.info($('scenario-select').value);
    if (!info) return;
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
    } else {
      vs.replaceChildren();
      vs.dataset.for = '';
      field.hidden = true;
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
    paneByClient.clear();
    for (const [i, pane] of panes.entries()) {
      pane.clear();
      pane.tagNo = 1;
      const id = start.clients[i];
      if (id === null || id === undefined) pane.setWaiting();
      else {
        paneByClient.set(id, pane);
        pane.setConnected(id);
      }
      pane.addNote(`Scenario: ${info ? info.title : name} (${sc.rfc})${variant && info.vary ? ` \u00b7 ${info.vary.point} = ${variant}` : ''}`, 'scenario');
    }
    for (const [n, cmd] of sc.setup) panes[n - 1].addNote(`setup: ${cmd}`, 'setup');
    renderPolicies(start.policies);
    const total = sc.steps.filter((s) => s.only === null || s.only === variant).length;
    this.loaded = { name, variant: variant || null, total, played: 0, mismatches: 0, finished: total === 0 };
    $('player-failures').replaceChildren();
    this.choose(name, variant);
    ws = { policy: {}, scenario: { name, variant: variant || null }, log: [] };
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
    for (const [k, text] of outcome.display.entries()) {
      await this.typeInto(pane, text, animate);
      pane.addClientLine(text, k > 0 ? 'literal' : '');
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
    // The learner carries on: clients the scenario never used get a connection now.
    for (const pane of panes) if (pane.client === null && !pane.closed) connectPane(pane);
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
      started = player.start(saved.scenario);
    }
    if (!started) {
      ws = { policy: {}, scenario: null, log: [] };
      for (const pane of panes) connectPane(pane);
    }
    for (const [point, value] of Object.entries(saved.policy || {})) changePolicy(point, value);
    ws.policy = { ...(saved.policy || {}) };
    for (const event of saved.log) {
      const [kind, a, b] = event;
      const pane = panes[a - 1];
      if (kind === 'line' && pane && !pane.closed && pane.client !== null) {
        pane.input.value = String(b);
        pane.submit();
      } else if (kind === 'step' && player.loaded && !player.loaded.finished) await player.stepOnce(false);
      else if (kind === 'policy') changePolicy(a, b);
      else if (kind === 'preset') applyPreset(a);
      else if (kind === 'sever' && pane) severPane(pane);
      else if (kind === 'reconnect' && pane) connectPane(pane);
    }
    ws.log = saved.log.slice();
  } finally {
    replaying = false;
  }
  refresh();
}

async function main() {
  if (embed) document.body.classList.add('embed');
  setupTabs();
  await engine.start();
  engine.onRestart(() => {
    player.stop();
    paneByClient.clear();
    noteAll('The engine stopped on an internal error (a panic) and was restarted: a fresh world, default policies, new connections.', 'error');
    ws = workspace.empty();
    renderPolicies();
    for (const pane of panes) connectPane(pane);
    player.unload();
  });
  renderPolicies();
  for (const row of policyRows) defaults[row.point] = row.current;
  policyPanel.setPresets(engine.call(() => engine.statics().presets(), []));
  player.init(engine.call(() => engine.statics().scenarios(), []));

  $('reset-world').addEventListener('click', newWorld);
  $('copy-link').addEventListener('click', async () => {
    persist();
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      player.status('Permalink copied to the clipboard.');
    } catch (_) {
      player.status(`Permalink: ${url}`);
    }
  });

  const fromHash = workspace.fromParams(new URLSearchParams(location.hash.slice(1)));
  const fromQuery = workspace.fromParams(query);
  const saved = fromHash || fromQuery || (embed ? null : workspace.load()) || workspace.empty();
  const first = player.list.find((s) => s.name.startsWith('rfc2180')) || player.list[0];
  if (saved.scenario) player.choose(saved.scenario.name, saved.scenario.variant);
  else if (first) player.choose(first.name);
  await restore(saved);
  document.body.dataset.ready = 'true';
  if (query.get('autoplay') === '1' && player.loaded) player.play();
  else if (!embed) panes[0].input.focus();
}

main().catch((err) => {
  for (const pane of panes) pane.addNote(`The sandbox could not start: ${err.message}`, 'error');
  throw err;
});
