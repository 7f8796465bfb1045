// One timeline for the three panes: every step (a line typed, a scenario step, a severed
// connection) gets a number, marked in every pane (dimmed in the panes it did not touch), and the
// whole session is kept interleaved as the RFC prints it (C1: ... / S1: ... / C2: ...), for the
// merged view, which can be copied, and for Export as scenario.

import { replay } from './replay.js';

export class Timeline {
  /**
   * @param {object} dom   { root, text, count, copy, exportButton, title, exportText, exportStatus, download, close, status }
   * @param {object} hooks { Sandbox(), workspace() -> ws, setup(name) -> [[n, cmd]], defaults() }
   */
  constructor(dom, hooks) {
    this.dom = dom;
    this.hooks = hooks;
    // Who and what, in pairs (`C1`, `a1 LOGIN ...`, `S1`, ...): written out only when shown.
    this.raw = [];
    this.step = 0;
    dom.close.addEventListener('click', () => this.close());
    dom.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    dom.copy.addEventListener('click', () => this.copy(dom.text.textContent, 'The merged timeline'));
    dom.exportButton.addEventListener('click', () => this.exportScenario());
    dom.copyExport.addEventListener('click', () => this.copy(dom.exportText.textContent, 'The scenario'));
  }

  reset() {
    this.raw = [];
    this.step = 0;
    if (!this.dom.root.hidden) this.render();
  }

  /**
   * A new step: marks it in every pane (`touched` ones plain, the others dimmed) and returns its
   * number. `panes` are the page's three panes.
   */
  mark(panes, touched) {
    this.step += 1;
    for (const p of panes) p.addStepMark(this.step, touched.has(p));
    return this.step;
  }

  /** Lines in the RFC notation: `who` is `C1`, `S2`, ... */
  add(who, text) {
    // A reply of 20,000 lines costs 20,000 pushes here, no string built until the view is shown.
    this.raw.push(who, text);
    if (!this.dom.root.hidden) this.renderSoon();
  }

  /** The lines as the RFC prints them; a line with CRLFs inside (a literal's) is one per piece. */
  lines() {
    const out = [];
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const s = String(raw[i + 1]);
      // Most lines have no CRLF inside: no split for them.
      if (!s.includes('\r\n')) out.push(`${raw[i]}: ${s}`);
      else for (const piece of s.split('\r\n')) out.push(`${raw[i]}: ${piece}`);
    }
    return out;
  }

  renderSoon() {
    if (this.queued) return;
    this.queued = true;
    setTimeout(() => {
      this.queued = false;
      this.render();
    }, 50);
  }

  render() {
    const lines = this.lines();
    this.dom.text.textContent = lines.join('\n');
    this.dom.count.textContent = `${this.step} step${this.step === 1 ? '' : 's'}, ${lines.length} lines`;
  }

  show() {
    this.dom.root.hidden = false;
    this.render();
    this.dom.copy.focus();
  }

  close() {
    this.dom.root.hidden = true;
    this.hooks.closed?.();
  }

  async copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
      this.dom.status.textContent = `${what} is on the clipboard.`;
    } catch (_) {
      // No clipboard (an insecure origin, a refused permission): select it for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(what === 'The scenario' ? this.dom.exportText : this.dom.text);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      this.dom.status.textContent = `${what} is selected: press Ctrl+C to copy it.`;
    }
  }

  /**
   * Replays the workspace on a sandbox of its own, on the scenario clock, and has the engine
   * write it as a scenario file; then plays that file back to check it.
   */
  exportScenario() {
    const ws = this.hooks.workspace();
    const status = (text, bad) => {
      this.dom.exportStatus.textContent = text;
      this.dom.exportStatus.classList.toggle('bad', Boolean(bad));
    };
    if (ws.omitted) {
      status(`Cannot export: this session came from a link that left out its first ${ws.omitted} events.`, true);
      return null;
    }
    const Sandbox = this.hooks.Sandbox;
    const sandbox = new Sandbox();
    let text;
    try {
      const run = replay(sandbox, ws, {}, { scenarioClock: true });
      if (run.policyAfterStart) throw new Error(`a policy changed after the first line (${run.policyAfterStart}); a scenario has one set of policies: set them first, then type`);
      const reconnect = run.steps.find((s) => s.reconnect);
      if (reconnect) throw new Error(`C${reconnect.client} reconnected; a scenario client connects once`);
      const defaults = this.hooks.defaults();
      const policies = sandbox
        .policies()
        .filter((r) => r.current !== defaults[r.point])
        .map((r) => [r.point, r.current]);
      const steps = run.steps
        .filter((s) => s.key !== 'connect' && s.display.length && !s.notSent)
        .map((s) => ({
          client: s.client,
          display: s.display,
          received: s.lines.map((l) => ({ client: l.n, text: l.text, citation: l.citation })),
        }));
      if (!steps.length) throw new Error('nothing was typed yet');
      const title = this.dom.title.value.trim() || 'A session typed in the sandbox';
      const draft = {
        title,
        rfc: ws.scenario ? this.hooks.rfc(ws.scenario.name) : '',
        explain: ws.scenario ? `Exported from the sandbox page: scenario ${ws.scenario.name}${ws.scenario.variant ? ` (${ws.scenario.variant})` : ''} and what was typed after it.` : 'Exported from the sandbox page.',
        policies,
        setup: ws.scenario ? this.hooks.setup(ws.scenario.name) : [],
        steps,
      };
      text = Sandbox.exportScenario(draft);
    } catch (err) {
      status(`Cannot export: ${err.message || err}.`, true);
      return null;
    } finally {
      sandbox.free();
    }
    this.dom.exportText.textContent = text;
    this.dom.exportText.hidden = false;
    this.dom.copyExport.hidden = false;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    if (this.dom.download.href) URL.revokeObjectURL(this.dom.download.href);
    this.dom.download.href = url;
    this.dom.download.hidden = false;
    // The file must play back as it was typed.
    const runs = Sandbox.playScenarioText(text);
    const failed = runs.flatMap((r) => r.failures);
    if (failed.length) status(`Exported, but it plays back with ${failed.length} mismatch${failed.length > 1 ? 'es' : ''}: ${failed[0].message}`, true);
    else status('Exported: the scenario plays back with no mismatch. Save it as scenarios/NAME.imap.');
    return text;
  }
}
