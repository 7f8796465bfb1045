// The Compare view: the current scenario, or the session typed so far, run once per value of a
// decision point (or once per preset), each column on a Sandbox of its own, in columns aligned
// by step. Lines that are not the same in every column are highlighted and badged; every line a
// policy decided carries its citation; each column gets a one-line summary.
//
// The page's own sandbox is never touched: the learner's workspace stays as it was.

import { replay } from './replay.js';
import { el, option } from './dom.js';

/** At most this many lines of one step are drawn per column (the rest are counted). */
const CELL_LINES = 60;

const lineKey = (l) => `S${l.n}: ${l.text}`;

function verbOf(display) {
  const words = (display[0] || '').split(' ');
  const verb = (words[1] || '').toUpperCase();
  return verb === 'UID' && words[2] ? `UID ${words[2].toUpperCase()}` : verb;
}

/** One phrase for what a step did in one column: "C2's FETCH answers NO, with no data". */
export function describeStep(step) {
  if (step.display[0] === '(disconnect)') return `C${step.client} disconnects`;
  const own = step.lines.filter((l) => l.n === step.client);
  const tagged = own.find((l) => l.kind === 'tagged');
  const untagged = own.filter((l) => l.kind === 'untagged' && l.status !== 'BYE').length;
  const who = `C${step.client}'s ${verbOf(step.display) || 'line'}`;
  const parts = [];
  if (step.notSent) parts.push(`${who} is not sent: connection closed`);
  else if (tagged) parts.push(`${who} answers ${tagged.status}${untagged ? ` after ${untagged} untagged line${untagged > 1 ? 's' : ''}` : ', with no data'}`);
  else if (own.some((l) => l.status === 'BYE')) parts.push(`${who} is answered with BYE`);
  else parts.push(`${who} gets no tagged answer`);
  for (const n of [1, 2, 3]) {
    if (n === step.client) continue;
    const other = step.lines.filter((l) => l.n === n);
    if (other.some((l) => l.status === 'BYE')) parts.push(`C${n} gets BYE`);
    else if (other.length) parts.push(`C${n} hears ${other.length} line${other.length > 1 ? 's' : ''}`);
  }
  if (step.lines.some((l) => l.n === step.client && l.kind === 'closed')) parts.push(`C${step.client}'s connection closes`);
  return parts.join(', ');
}

export class CompareView {
  /**
   * @param {object} dom   { root, by, presets, grid, status, close }
   * @param {object} hooks { Sandbox(), source() -> { ws, info }, presets() -> [], points() -> [] }
   */
  constructor(dom, hooks) {
    this.dom = dom;
    this.hooks = hooks;
    dom.close.addEventListener('click', () => this.close());
    dom.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    dom.by.addEventListener('change', () => this.run());
    dom.presets.addEventListener('change', () => this.run());
  }

  get open() {
    return !this.dom.root.hidden;
  }

  close() {
    this.dom.root.hidden = true;
    this.hooks.closed?.();
  }

  /** Opens the view for what the page shows now. */
  show() {
    const { info } = this.hooks.source();
    const by = this.dom.by;
    const points = this.hooks.points();
    const keep = by.value;
    const opts = [];
    if (info && info.vary) opts.push(option(`vary:${info.vary.point}`, `every value of ${info.vary.point}`));
    opts.push(option('presets', 'presets (server personalities)'));
    for (const p of points) if (!info || !info.vary || p.point !== info.vary.point) opts.push(option(`point:${p.point}`, `every value of ${p.point}`));
    by.replaceChildren(...opts);
    by.value = [...by.options].some((o) => o.value === keep) ? keep : opts[0].value;
    if (!this.dom.presets.querySelector('input')) {
      for (const p of this.hooks.presets()) {
        const label = el('label', 'check');
        const box = el('input');
        box.type = 'checkbox';
        box.value = p.name;
        box.checked = ['default', 'dovecot', 'cyrus'].includes(p.name);
        label.append(box, ` ${p.name}`);
        this.dom.presets.append(label);
      }
    }
    this.dom.root.hidden = false;
    this.run();
    this.dom.by.focus();
  }

  /** The columns for the chosen comparison: `{ label, sub, variant, overrides }`. */
  columns(info) {
    const by = this.dom.by.value;
    this.dom.presets.hidden = by !== 'presets';
    if (by.startsWith('vary:')) {
      return info.vary.values.map((v) => {
        const text = (info.variant_text || []).find((t) => t.variant === v);
        return { label: `${info.vary.point} = ${v}`, sub: (text && text.title) || info.title, variant: v, overrides: [] };
      });
    }
    if (by === 'presets') {
      const chosen = [...this.dom.presets.querySelectorAll('input:checked')].map((b) => b.value);
      return this.hooks
        .presets()
        .filter((p) => chosen.includes(p.name))
        .map((p) => {
          const col = { label: `preset ${p.name}`, sub: p.rfc && p.rfc !== '-' ? p.rfc : p.description, variant: null, overrides: [...p.settings] };
          if (info && info.vary) {
            // The scenario's lines for the value this preset gives its decision point.
            const set = p.settings.find((a) => a.startsWith(`${info.vary.point}=`));
            const value = set ? set.split('=')[1] : this.hooks.defaults()[info.vary.point];
            if (!info.vary.values.includes(value)) col.missing = `this scenario has no lines for ${info.vary.point} = ${value}`;
            col.variant = value;
            col.label += ` (${info.vary.point} = ${value})`;
          }
          return col;
        });
    }
    const point = this.hooks.points().find((p) => `point:${p.point}` === by);
    if (!point) return [];
    return point.values.map(([v]) => ({ label: `${point.point} = ${v}`, sub: '', variant: null, overrides: [`${point.point}=${v}`] }));
  }

  run() {
    const { ws, info, what } = this.hooks.source();
    const cols = this.columns(info);
    const results = cols.map((col) => {
      if (col.missing) return { col, steps: [], failures: [], error: col.missing };
      const failed = { col, steps: [], failures: [], error: 'the engine stopped on an internal error and was restarted' };
      // Through the page's guard: a panic here stops the one wasm instance, which the page then
      // restarts (with a fresh world, as after any panic).
      return this.hooks.guard(() => {
        const sandbox = this.hooks.Sandbox();
        try {
          const wsFor = info && info.vary && col.variant ? { ...ws, scenario: { ...ws.scenario, variant: col.variant } } : ws;
          return { col, ...replay(sandbox, wsFor, { variant: col.variant, overrides: col.overrides }, { finish: true }) };
        } catch (err) {
          if (err instanceof WebAssembly.RuntimeError) throw err;
          return { col, steps: [], failures: [], error: err.message || String(err) };
        } finally {
          try {
            sandbox.free();
          } catch (_) {
            // A dead instance cannot free it.
          }
        }
      }, failed);
    });
    this.render(results, what);
  }

  render(results, what) {
    const grid = this.dom.grid;
    // Rows: every step key of every column, in session order.
    const rows = new Map();
    for (const r of results) {
      for (const s of r.steps) {
        const row = rows.get(s.key);
        if (!row) rows.set(s.key, { order: s.order, cells: new Map() });
        else if (s.order[0] < row.order[0] || (s.order[0] === row.order[0] && s.order[1] < row.order[1])) row.order = s.order;
        rows.get(s.key).cells.set(r, s);
      }
    }
    const ordered = [...rows.entries()].sort(([, a], [, b]) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
    // A line differs when some column has it a different number of times in the same step.
    const counts = (step) => {
      const m = new Map();
      for (const l of step ? step.lines : []) m.set(lineKey(l), (m.get(lineKey(l)) || 0) + 1);
      return m;
    };
    const diff = new Map(); // result -> number of steps that differ
    const firstDiffs = new Map(); // result -> phrases
    grid.replaceChildren();
    grid.style.setProperty('--cols', String(Math.max(1, results.length)));
    for (const r of results) {
      const head = el('div', 'cmp-head');
      head.append(el('strong', '', r.col.label));
      if (r.col.sub) head.append(el('span', 'cmp-sub', r.col.sub));
      grid.append(head);
    }
    const summaries = results.map(() => {
      const s = el('p', 'cmp-summary');
      grid.append(s);
      return s;
    });
    const frag = document.createDocumentFragment();
    let stepNo = 0;
    for (const [key, row] of ordered) {
      const all = results.map((r) => counts(row.cells.get(r)));
      const present = results.map((r) => row.cells.has(r));
      if (key !== 'connect') stepNo += 1;
      for (const [ci, r] of results.entries()) {
        const step = row.cells.get(r);
        const cell = el('div', 'cmp-cell');
        cell.dataset.step = key;
        if (!step) {
          cell.classList.add('cmp-absent');
          cell.append(el('p', 'cmp-none', 'not played under this value'));
          frag.append(cell);
          continue;
        }
        let differs = present.some((p) => !p);
        const ol = el('ol', 'cmp-lines');
        if (key !== 'connect') {
          const head = el('li', 'line client');
          head.append(el('span', 'who', `${stepNo}. C${step.client}`), el('span', 'text', step.display.join(' \u23ce ')));
          if (step.notSent) head.querySelector('.text').append(el('span', 'badge bad', 'not sent: connection closed'));
          ol.append(head);
        } else {
          ol.append(el('li', 'line note', 'greetings'));
        }
        const mine = all[ci];
        for (const [i, l] of step.lines.entries()) {
          const k = lineKey(l);
          const here = mine.get(k);
          const other = all.filter((m, j) => j !== ci && present[j]);
          const lineDiffers = other.some((m) => (m.get(k) || 0) !== here) || present.some((p) => !p);
          if (lineDiffers) differs = true;
          if (i >= CELL_LINES) continue;
          const classes = ['line', 'server', l.kind];
          if (l.status) classes.push(`st-${l.status.toLowerCase()}`);
          if (lineDiffers) classes.push('differs');
          const li = el('li', classes.join(' '));
          const text = el('span', 'text', l.text);
          li.append(el('span', 'who', `S${l.n}`), text);
          if (lineDiffers) text.append(el('span', 'badge diff', other.every((m) => !m.get(k)) ? 'only here' : 'differs'));
          if (l.citation) {
            const c = l.citation;
            li.classList.add('cited');
            li.title = `${c.point} = ${c.value} (${c.rfc})`;
            text.append(el('span', 'badge', `${c.point} = ${c.value} \u00b7 ${c.rfc}`));
          }
          ol.append(li);
        }
        if (step.lines.length > CELL_LINES) ol.append(el('li', 'line note', `\u2026 ${step.lines.length - CELL_LINES} more lines`));
        // A line under another value that is missing here makes the step differ too.
        for (const [j, m] of all.entries()) {
          if (j === ci) continue;
          for (const [k, c] of m) if ((mine.get(k) || 0) !== c) differs = true;
        }
        if (differs) {
          cell.classList.add('differs');
          diff.set(r, (diff.get(r) || 0) + 1);
          if (!firstDiffs.has(r)) firstDiffs.set(r, []);
          if (key !== 'connect') firstDiffs.get(r).push(describeStep(step));
        }
        cell.append(ol);
        frag.append(cell);
      }
    }
    grid.append(frag);
    for (const [i, r] of results.entries()) {
      let text;
      if (r.error) text = `Not run: ${r.error}.`;
      else {
        const phrases = firstDiffs.get(r) || [];
        text = phrases.length ? phrases.slice(0, 2).join('; ') : 'The same as every other column.';
        if (phrases.length > 2) text += `; ${phrases.length - 2} more step${phrases.length > 3 ? 's' : ''} differ`;
        text = `${text[0].toUpperCase()}${text.slice(1)}.`;
        if (r.failures.length && this.dom.by.value.startsWith('vary:')) text += ` (${r.failures.length} mismatch${r.failures.length > 1 ? 'es' : ''})`;
      }
      summaries[i].textContent = text;
    }
    const differing = [...diff.values()].length;
    this.dom.status.textContent = `${what}: ${results.length} columns, ${ordered.length} steps; ${differing ? 'highlighted lines differ between columns' : 'no column differs'}. Each column ran on a server of its own; your session is untouched.`;
  }
}
