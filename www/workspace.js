// The workspace: how the page got to its current state, as a small record that goes into the
// URL (a permalink) and into localStorage (the last workspace survives a reload).
//
//   policy    decision points set before anything else, { point: value }
//   scenario  { name, variant } started first, or null
//   log       what happened next, in order: ["line", pane, text] | ["step"] |
//             ["policy", point, value] | ["preset", name] | ["sever", pane] | ["reconnect", pane]
//
// In the URL: #scenario=NAME&variant=V&policy=point:value,point:value&log=BASE64URL(JSON).
// The same keys are read from the query string (?scenario=NAME&embed=1), for iframes.

const KEY = 'imap-sandbox.workspace.v1';

export function empty() {
  return { policy: {}, scenario: null, log: [] };
}

function encodeLog(log) {
  const bytes = new TextEncoder().encode(JSON.stringify(log));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeLog(text) {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const log = JSON.parse(new TextDecoder().decode(bytes));
  return Array.isArray(log) ? log.filter(Array.isArray) : [];
}

/** A workspace from URL parameters, or null when they name none. */
export function fromParams(params) {
  if (!['scenario', 'policy', 'log'].some((k) => params.has(k))) return null;
  const ws = empty();
  if (params.get('scenario')) {
    ws.scenario = { name: params.get('scenario'), variant: params.get('variant') || null };
  }
  for (const pair of (params.get('policy') || '').split(',')) {
    const [point, value] = pair.split(':');
    if (point && value) ws.policy[point] = value;
  }
  if (params.get('log')) {
    try {
      ws.log = decodeLog(params.get('log'));
    } catch (_) {
      ws.log = [];
    }
  }
  return ws;
}

export function toHash(ws) {
  const params = new URLSearchParams();
  if (ws.scenario) {
    params.set('scenario', ws.scenario.name);
    if (ws.scenario.variant) params.set('variant', ws.scenario.variant);
  }
  const policy = Object.entries(ws.policy).map(([p, v]) => `${p}:${v}`).join(',');
  if (policy) params.set('policy', policy);
  if (ws.log.length) params.set('log', encodeLog(ws.log));
  return params.toString();
}

export function save(ws) {
  try {
    localStorage.setItem(KEY, JSON.stringify(ws));
  } catch (_) {
    // Storage may be disabled (private mode, sandboxed iframe): the page works without it.
  }
}

export function load() {
  try {
    const ws = JSON.parse(localStorage.getItem(KEY) || 'null');
    if (ws && typeof ws === 'object' && Array.isArray(ws.log)) {
      return { policy: ws.policy || {}, scenario: ws.scenario || null, log: ws.log };
    }
  } catch (_) {
    // A damaged record is ignored.
  }
  return null;
}
