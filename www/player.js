// <imap-sandbox-player>: a library scenario played in a documentation page, without an iframe.
//
//   <script type="module" src="player.js"></script>
//   <imap-sandbox-player scenario="rfc2180-3.3-delete-bye" variant="bye" autoplay></imap-sandbox-player>
//
// Attributes: `scenario` (a file name of scenarios/ without .imap), `variant` (a value of the
// decision point it varies), `hide-picker` (no scenario list), `autoplay` (plays once at least
// half of it is on screen), `collapsed` (the explanation starts folded), `sandbox` (the URL of
// the full page for "Open in the sandbox"; by default index.html beside this script).
//
// The script finds the wasm package beside it (pkg/), as the page does. Each player has a Sandbox
// of its own; server bytes are shown with textContent only.

import { toHash } from './workspace.js';

const HERE = import.meta.url;
const PKG = new URL('pkg/imap_sandbox.js', HERE).href;
let loading = null;

function loadModule() {
  if (!loading) {
    loading = import(PKG).then(async (m) => {
      await m.default();
      return m;
    });
  }
  return loading;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class ImapSandboxPlayer extends HTMLElement {
  static get observedAttributes() {
    return ['scenario', 'variant', 'hide-picker'];
  }

  connectedCallback() {
    if (!this.shadowRoot) this.build();
    this.setup().catch((err) => this.fail(`The sandbox could not start: ${err.message || err}`));
  }

  disconnectedCallback() {
    this.playing = false;
    if (this.observer) this.observer.disconnect();
  }

  attributeChangedCallback(name) {
    if (!this.mod) return;
    if (name === 'hide-picker') this.ui.pick.hidden = this.hasAttribute('hide-picker');
    else this.choose(this.getAttribute('scenario'), this.getAttribute('variant'));
  }

  build() {
    const root = this.attachShadow({ mode: 'open' });
    const css = el('link');
    css.rel = 'stylesheet';
    css.href = new URL('player.css', HERE).href;
    const box = el('div', 'player');
    const bar = el('div', 'bar');
    const pick = el('label', 'pick', 'Scenario ');
    const scenario = el('select', 'scenario');
    pick.append(scenario);
    const pickVariant = el('label', 'pick-variant', 'Variant ');
    const variant = el('select', 'variant');
    pickVariant.append(variant);
    const buttons = el('div', 'buttons');
    const play = el('button', 'play primary', 'Play');
    const step = el('button', 'step', 'Step');
    const restart = el('button', 'restart', 'Restart');
    for (const b of [play, step, restart]) b.type = 'button';
    buttons.append(play, step, restart);
    const status = el('p', 'status', 'Loading\u2026');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    bar.append(pick, pickVariant, buttons, status);
    const card = el('details', 'card');
    card.open = !this.hasAttribute('collapsed');
    const summary = el('summary');
    const rfc = el('span', 'rfc');
    const title = el('span', 'title');
    summary.append(rfc, ' ', title);
    const explain = el('p', 'explain');
    const vline = el('p', 'vline');
    card.append(summary, explain, vline);
    const panes = el('div', 'panes');
    const foot = el('p', 'foot');
    const open = el('a', 'open', 'Open in the sandbox \u2197');
    open.target = '_blank';
    open.rel = 'noopener';
    foot.append(open);
    box.append(bar, card, panes, foot);
    root.append(css, box);
    this.ui = { pick, scenario, pickVariant, variant, play, step, restart, status, card, rfc, title, explain, vline, panes, open };
    scenario.addEventListener('change', () => this.choose(scenario.value, null));
    variant.addEventListener('change', () => this.choose(scenario.value, variant.value));
    play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    step.addEventListener('click', () => {
      this.pause();
      this.stepOnce();
    });
    restart.addEventListener('click', () => this.start());
  }

  async setup() {
    if (this.mod) return;
    this.mod = await loadModule();
    this.sandbox = new this.mod.Sandbox();
    this.list = this.mod.Sandbox.scenarios();
    this.points = this.sandbox.policies();
    this.ui.scenario.replaceChildren(
      ...this.list.map((s) => {
        const o = el('option', '', `${s.rfc}: ${s.title}`);
        o.value = s.name;
        return o;
      }),
    );
    this.ui.pick.hidden = this.hasAttribute('hide-picker');
    this.choose(this.getAttribute('scenario'), this.getAttribute('variant'));
    if (this.hasAttribute('autoplay')) {
      // Plays once it is on screen, not while the reader is elsewhere on the page.
      this.observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting) && this.loaded && !this.loaded.finished) {
            this.observer.disconnect();
            this.play();
          }
        },
        { threshold: 0.5 },
      );
      this.observer.observe(this);
    }
    this.dataset.ready = 'true';
  }

  fail(text) {
    this.ui.status.textContent = text;
    this.ui.status.classList.add('bad');
    for (const b of [this.ui.play, this.ui.step, this.ui.restart]) b.disabled = true;
  }

  /** Shows a scenario (by name) and loads it, or says why it cannot. */
  choose(name, variant) {
    this.pause();
    const info = this.list.find((s) => s.name === name) || (name ? null : this.list[0]);
    if (!info) {
      this.ui.title.textContent = `No scenario named \u201c${name}\u201d`;
      this.ui.rfc.textContent = '';
      this.ui.explain.textContent = `Valid names: ${this.list.map((s) => s.name).join(', ')}.`;
      this.ui.panes.replaceChildren();
      this.ui.pickVariant.hidden = true;
      this.loaded = null;
      this.fail(`Unknown scenario \u201c${name}\u201d.`);
      return;
    }
    this.ui.scenario.value = info.name;
    let bad = null;
    if (info.vary) {
      this.ui.variant.replaceChildren(
        ...info.vary.values.map((v) => {
          const o = el('option', '', `${info.vary.point} = ${v}`);
          o.value = v;
          return o;
        }),
      );
      if (variant && !info.vary.values.includes(variant)) bad = variant;
      this.ui.variant.value = variant && !bad ? variant : info.vary.values[0];
    }
    this.ui.pickVariant.hidden = !info.vary;
    this.info = info;
    this.start();
    if (bad) {
      this.ui.status.textContent = `Unknown variant \u201c${bad}\u201d: ${info.vary.point} is one of ${info.vary.values.join(', ')}; showing ${this.ui.variant.value}.`;
      this.ui.status.classList.add('bad');
    }
  }

  variant() {
    return this.info && this.info.vary ? this.ui.variant.value : null;
  }

  describe() {
    const info = this.info;
    const v = this.variant();
    const text = v && (info.variant_text || []).find((t) => t.variant === v);
    this.ui.rfc.textContent = info.rfc;
    this.ui.title.textContent = (text && text.title) || info.title;
    this.ui.explain.textContent = (text && text.explain) || info.explain;
    const row = v && this.points.find((p) => p.point === info.vary.point);
    const ref = row && row.values.find(([x]) => x === v);
    this.ui.vline.textContent = v ? `This variant: ${info.vary.point} = ${v}${ref ? ` (${ref[1]})` : ''}.` : '';
  }

  /** A fresh world under the scenario's policies, its setup run, the clients' columns drawn. */
  start() {
    this.pause();
    const info = this.info;
    if (!info) return;
    const variant = this.variant();
    this.describe();
    let start;
    let sc;
    try {
      start = this.sandbox.startScenario(info.name, variant || undefined);
      sc = this.mod.Sandbox.scenario(info.name);
    } catch (err) {
      this.fail(`Cannot load ${info.name}: ${err.message || err}`);
      return;
    }
    const used = [...new Set([...sc.setup.map(([n]) => n), ...sc.steps.filter((s) => s.only === null || s.only === variant).map((s) => s.client)])].sort();
    this.columns = new Map();
    this.ids = new Map();
    this.closed = new Set();
    const panes = used.map((n) => {
      const pane = el('section', 'pane');
      pane.append(el('h3', '', `C${n}`));
      const log = el('ol', 'log');
      pane.append(log);
      this.columns.set(n, log);
      if (sc.setup.some(([m]) => m === n)) log.append(this.note(`setup: ${sc.setup.filter(([m]) => m === n).map(([, c]) => c).join(' \u00b7 ')}`));
      return pane;
    });
    this.ui.panes.replaceChildren(...panes);
    this.ui.panes.style.setProperty('--n', String(Math.max(1, panes.length)));
    start.clients.forEach((id, i) => {
      if (id !== null && id !== undefined) this.ids.set(id, i + 1);
    });
    const total = sc.steps.filter((s) => s.only === null || s.only === variant).length;
    this.loaded = { total, played: 0, mismatches: 0, finished: total === 0 };
    for (const b of [this.ui.play, this.ui.step, this.ui.restart]) b.disabled = false;
    this.ui.status.classList.remove('bad', 'done');
    delete this.dataset.state;
    this.report();
    this.link();
  }

  note(text, kind = 'note') {
    const li = el('li', `line ${kind}`);
    li.append(el('span', 'text', text));
    return li;
  }

  line(who, text, classes, badge, why) {
    const li = el('li', `line ${classes}`);
    li.append(el('span', 'who', who));
    const span = el('span', 'text', text);
    if (badge) span.append(el('span', 'badge', badge));
    li.append(span);
    if (why) {
      li.title = why;
      li.tabIndex = 0;
    }
    return li;
  }

  report() {
    const l = this.loaded;
    if (!l) return;
    const mism = l.mismatches === 0 ? 'no mismatches' : `${l.mismatches} mismatch${l.mismatches > 1 ? 'es' : ''}`;
    this.ui.status.textContent = l.finished ? `Finished: ${l.played} of ${l.total} steps, ${mism}.` : `Step ${l.played} of ${l.total}, ${mism}.`;
    this.ui.status.classList.toggle('bad', l.mismatches > 0);
    this.ui.status.classList.toggle('done', l.finished && l.mismatches === 0);
    if (l.finished) this.dataset.state = 'finished';
    this.ui.play.textContent = this.playing ? 'Pause' : 'Play';
    this.ui.play.disabled = l.finished;
    this.ui.step.disabled = l.finished;
  }

  /** "Open in the sandbox": the full page at this exact point of the scenario. */
  link() {
    const l = this.loaded;
    const ws = { policy: {}, scenario: { name: this.info.name, variant: this.variant() }, log: Array.from({ length: l ? l.played : 0 }, () => ['step']), omitted: 0 };
    const seq = (this.linkSeq = (this.linkSeq || 0) + 1);
    toHash(ws).then(({ hash }) => {
      if (seq !== this.linkSeq) return;
      const page = new URL(this.getAttribute('sandbox') || 'index.html', HERE);
      page.hash = hash;
      this.ui.open.href = page.href;
    });
  }

  stepOnce() {
    const l = this.loaded;
    if (!l || l.finished) return false;
    const outcome = this.sandbox.stepScenario();
    if (!outcome) {
      l.finished = true;
      this.report();
      return false;
    }
    outcome.clients.forEach((id, i) => {
      if (id !== null && id !== undefined && !this.ids.has(id)) this.ids.set(id, i + 1);
    });
    const log = this.columns.get(outcome.client);
    const notSent = this.closed.has(outcome.client);
    const touched = new Set();
    if (log) {
      for (const [k, text] of outcome.display.entries()) {
        log.append(this.line(`C${outcome.client}`, text, `client${k > 0 ? ' literal' : ''}${notSent ? ' not-sent' : ''}`, notSent ? 'not sent: connection closed' : null));
      }
      touched.add(log);
    }
    for (const line of outcome.lines) {
      const n = this.ids.get(line.client);
      const col = this.columns.get(n);
      if (!col) continue;
      if (line.kind === 'closed') this.closed.add(n);
      const c = line.citation;
      const classes = ['server', line.kind, line.status ? `st-${line.status.toLowerCase()}` : '', line.failed ? 'failed' : '', c ? 'cited' : ''].join(' ');
      col.append(this.line(`S${n}`, line.kind === 'closed' ? '(connection closed)' : line.text, classes, c ? c.rfc : null, c ? `${c.point} = ${c.value} (${c.rfc})` : null));
      touched.add(col);
    }
    for (const f of outcome.failures) if (log) log.append(this.note(`Mismatch at line ${f.line_no}: ${f.message}`, 'mismatch'));
    for (const col of touched) col.scrollTop = col.scrollHeight;
    l.played += 1;
    l.mismatches += outcome.failures.length;
    if (outcome.finished) l.finished = true;
    this.report();
    this.link();
    return !l.finished;
  }

  async play() {
    if (!this.loaded) return;
    if (this.loaded.finished) this.start();
    this.playing = true;
    this.report();
    const slow = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    while (this.playing && this.stepOnce()) await sleep(slow ? 450 : 0);
    this.playing = false;
    this.report();
  }

  pause() {
    this.playing = false;
    if (this.loaded) this.report();
  }
}

if (!customElements.get('imap-sandbox-player')) customElements.define('imap-sandbox-player', ImapSandboxPlayer);
