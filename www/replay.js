// Replays a workspace (a scenario, its policies, what was typed) on a Sandbox of its own, never
// the page's: the Compare view runs one per column, Export as scenario one on the scenario clock.
// The result is a list of steps, each a client's line(s) and every line it caused, by pane.
//
// Like the page, this knows no IMAP: lines are framed as the pane frames them (the same code).

import { Pane } from './pane.js';
import { lines as batchLines } from './engine.js';

/** A pane's line framing (literals, tags) without its DOM: Pane's own methods on a bare object. */
function framer(n) {
  return Object.assign(Object.create(Pane.prototype), {
    n,
    letter: 'abc'[n - 1],
    tagNo: 1,
    literal: 0,
    continuing: false,
    awaitingContinuation: false,
  });
}

function assignments(list) {
  return list.map((a) => a.split('='));
}

/**
 * Plays `ws` on `sandbox` (fresh) under `column`: `{ variant, overrides: ['point=value'] }`,
 * the overrides winning over every policy the session sets. With `finish`, the scenario's
 * steps not played yet are played at the end. Returns `{ steps, failures, policyAfterStart }`;
 * a step is `{ key, order, client, display, lines: [{ n, text, kind, status, citation }],
 * reconnect, notSent }`.
 */
export function replay(sandbox, ws, column = {}, { finish = false, scenarioClock = false } = {}) {
  const overrides = column.overrides || [];
  const enforce = () => {
    for (const [p, v] of assignments(overrides)) sandbox.setPolicy(p, v);
  };
  const paneOf = new Map(); // engine client id -> pane number
  const ids = [null, null, null]; // pane number - 1 -> engine client id
  const closed = [false, false, false];
  const framers = [1, 2, 3].map(framer);
  const steps = [];
  const failures = [];
  let policyAfterStart = null;
  let scenario = false;
  let scenarioDone = true;

  const toLines = (lines) =>
    [...lines]
      .filter((l) => paneOf.has(l.client))
      .map((l) => {
        const n = paneOf.get(l.client);
        if (l.kind === 'closed') closed[n - 1] = true;
        return { n, text: l.kind === 'closed' ? '(closed)' : l.text, kind: l.kind, status: l.status, citation: l.citation };
      });
  const connect = (n) => {
    const id = sandbox.connect();
    ids[n - 1] = id;
    paneOf.set(id, n);
    closed[n - 1] = false;
    framers[n - 1] = framer(n);
    return toLines(batchLines(sandbox.take()));
  };

  if (scenarioClock) sandbox.useScenarioClock();
  if (ws.scenario) {
    const start = sandbox.startScenario(ws.scenario.name, column.variant || ws.scenario.variant || undefined, overrides);
    if (scenarioClock) sandbox.useScenarioClock();
    start.clients.forEach((id, i) => {
      if (id !== null && id !== undefined) {
        ids[i] = id;
        paneOf.set(id, i + 1);
      }
    });
    scenario = true;
    scenarioDone = false;
  } else {
    for (const [p, v] of Object.entries(ws.policy || {})) sandbox.setPolicy(p, v);
    enforce();
    const lines = [1, 2, 3].flatMap((n) => connect(n));
    steps.push({ key: 'connect', order: [-1, -1], client: 0, display: [], lines });
  }

  const stepScenario = (pos) => {
    const outcome = sandbox.stepScenario();
    if (!outcome) {
      scenarioDone = true;
      return false;
    }
    outcome.clients.forEach((id, i) => {
      if (id !== null && id !== undefined && ids[i] === null) {
        ids[i] = id;
        paneOf.set(id, i + 1);
      }
    });
    const n = outcome.client;
    const notSent = closed[n - 1];
    steps.push({ key: `s${outcome.index}`, order: [pos, outcome.index], client: n, display: outcome.display, lines: toLines(outcome.lines), notSent });
    failures.push(...outcome.failures);
    if (outcome.finished) scenarioDone = true;
    return !outcome.finished;
  };

  const log = ws.log || [];
  let typed = 0;
  for (const [i, event] of log.entries()) {
    const [kind, a, b] = event;
    if (kind === 'step') {
      if (!scenarioDone) stepScenario(i);
      continue;
    }
    if (kind === 'policy' || kind === 'preset') {
      if (typed > 0 && policyAfterStart === null) policyAfterStart = kind === 'policy' ? `${a} = ${b}` : `preset ${a}`;
      try {
        if (kind === 'policy') sandbox.setPolicy(a, b);
        else sandbox.applyPreset(a);
      } catch (_) {
        // A value the engine refuses is skipped, as the page skips it.
      }
      enforce();
      continue;
    }
    const n = Number(a);
    if (!(n >= 1 && n <= 3)) continue;
    typed += 1;
    if (kind === 'sever') {
      const id = ids[n - 1];
      if (id === null || closed[n - 1]) continue;
      closed[n - 1] = true;
      const lines = toLines(batchLines(sandbox.disconnect(id)));
      steps.push({ key: `l${i}`, order: [i, -1], client: n, display: ['(disconnect)'], lines });
    } else if (kind === 'reconnect') {
      steps.push({ key: `l${i}`, order: [i, -1], client: n, display: [], lines: connect(n), reconnect: true });
    } else if (kind === 'line') {
      // After a scenario, the clients it never used are connected (as the page does).
      if (ids[n - 1] === null && scenarioDone) connect(n);
      if (ids[n - 1] === null || closed[n - 1]) continue;
      const f = framers[n - 1];
      const text = String(b);
      const within = f.literal > 0 || f.continuing;
      const wire = f.frame(text);
      const lines = toLines(batchLines(sandbox.send(ids[n - 1], wire)));
      f.received(lines.filter((l) => l.n === n));
      const last = steps[steps.length - 1];
      if (within && last && last.client === n && !last.reconnect) {
        // A literal's lines belong to the command that announced it.
        last.display.push(text);
        last.lines.push(...lines);
      } else {
        steps.push({ key: `l${i}`, order: [i, -1], client: n, display: [text], lines });
      }
    }
  }
  if (finish && scenario) while (!scenarioDone && stepScenario(log.length));
  return { steps, failures, policyAfterStart };
}
