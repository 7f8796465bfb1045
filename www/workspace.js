// The workspace: how the page got to its current state, as a small record that goes into the
// URL (a permalink) and into localStorage (the last workspace survives a reload).
//
//   policy    decision points set before anything else, { point: value }
//   scenario  { name, variant } started first, or null
//   log       what happened next, in order: ["line", pane, text] | ["step"] |
//             ["policy", point, value] | ["preset", name] | ["sever", pane] | ["reconnect", pane]
//   omitted   how many events at the start of the log a permalink left out (0 when none)
//
// In the URL: #scenario=NAME&variant=V&policy=point:value,point:value&log=z.DATA[&omitted=N],
// DATA being the log as JSON, compressed (deflate-raw) and in base64url. A log too long for a
// link keeps its last events and says how many it left out. Links made before compression
// (log=BASE64URL(JSON)) are still read. The same keys are read from the query string
// (?scenario=NAME&embed=1), for iframes.
//
// In localStorage the log is kept in chunks of CHUNK events, and a save writes only the chunks
// that changed since the last one.

const KEY = 'imap-sandbox.workspace.v1';
const CHUNK = 500;
/** The most characters the log may take in a permalink. */
export const LINK_BUDGET = 8000;

export function empty() {
  return { policy: {}, scenario: null, log: [], omitted: 0 };
}

function base64url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unbase64url(text) {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function through(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

async function encodeLog(log) {
  const bytes = new TextEncoder().encode(JSON.stringify(log));
  return `z.${base64url(await through(bytes, new CompressionStream('deflate-raw')))}`;
}

/** The log of a link; throws when it cannot be read. */
async function decodeLog(text) {
  let bytes;
  if (text.startsWith('z.')) {
    bytes = await through(unbase64url(text.slice(2)), new DecompressionStream('deflate-raw'));
  } else {
    bytes = unbase64url(text);
  }
  const log = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (!Array.isArray(log)) throw new Error('the log is not a list');
  return log.filter(Array.isArray);
}

/**
 * A workspace from URL parameters, or null when they name none. A log that cannot be read
 * gives a workspace with `unreadable` set (and no log), so the page can say so.
 */
export async function fromParams(params) {
  if (!['scenario', 'policy', 'log'].some((k) => params.has(k))) return null;
  const ws = empty();
  if (params.get('scenario')) {
    ws.scenario = { name: params.get('scenario'), variant: params.get('variant') || null };
  }
  for (const pair of (params.get('policy') || '').split(',')) {
    const [point, value] = pair.split(':');
    if (point && value) ws.policy[point] = value;
  }
  if (params.has('log')) {
    try {
      ws.log = await decodeLog(params.get('log'));
      ws.omitted = Math.max(0, Number(params.get('omitted')) || 0);
    } catch (err) {
      ws.unreadable = err.message || String(err);
    }
  }
  return ws;
}

/**
 * The URL hash for a workspace, within `budget` characters of log: `{ hash, omitted }`, where
 * `omitted` counts the events left out from the start of the log.
 */
export async function toHash(ws, budget = LINK_BUDGET) {
  const params = new URLSearchParams();
  if (ws.scenario) {
    params.set('scenario', ws.scenario.name);
    if (ws.scenario.variant) params.set('variant', ws.scenario.variant);
  }
  const policy = Object.entries(ws.policy).map(([p, v]) => `${p}:${v}`).join(',');
  if (policy) params.set('policy', policy);
  let omitted = 0;
  if (ws.log.length) {
    let keep = ws.log.length;
    let data = await encodeLog(ws.log);
    // Too long: keep the last events, fewer each round (the ratio of a part is about the whole's).
    while (data.length > budget && keep > 0) {
      keep = Math.min(keep - 1, Math.floor((keep * budget * 0.9) / data.length));
      data = keep > 0 ? await encodeLog(ws.log.slice(-keep)) : '';
    }
    omitted = (ws.omitted || 0) + ws.log.length - keep;
    if (keep > 0) params.set('log', data);
    if (omitted) params.set('omitted', String(omitted));
  }
  return { hash: params.toString(), omitted };
}

/** Whether `later` is `earlier` carried further: same start, same log so far and more. */
export function continues(later, earlier) {
  if (earlier.unreadable || earlier.omitted || later.omitted) return false;
  if (later.log.length <= earlier.log.length) return false;
  if (JSON.stringify(later.scenario) !== JSON.stringify(earlier.scenario)) return false;
  if (JSON.stringify(later.policy) !== JSON.stringify(earlier.policy)) return false;
  return JSON.stringify(later.log.slice(0, earlier.log.length)) === JSON.stringify(earlier.log);
}

let stored = { log: null, count: 0, chunks: 0 };

/** Saves the workspace, writing only the chunks of the log that changed since the last save. */
export function save(ws) {
  try {
    if (stored.log !== ws.log || ws.log.length < stored.count) {
      const meta = JSON.parse(localStorage.getItem(KEY) || 'null');
      stored = { log: ws.log, count: 0, chunks: (meta && meta.chunks) || 0 };
    }
    const chunks = Math.ceil(ws.log.length / CHUNK);
    for (let i = Math.floor(stored.count / CHUNK); i < chunks; i += 1) {
      localStorage.setItem(`${KEY}.${i}`, JSON.stringify(ws.log.slice(i * CHUNK, (i + 1) * CHUNK)));
    }
    for (let i = chunks; i < stored.chunks; i += 1) localStorage.removeItem(`${KEY}.${i}`);
    const meta = { policy: ws.policy, scenario: ws.scenario, omitted: ws.omitted || 0, chunks, length: ws.log.length };
    localStorage.setItem(KEY, JSON.stringify(meta));
    stored.count = ws.log.length;
    stored.chunks = chunks;
  } catch (_) {
    // Storage may be disabled (private mode, sandboxed iframe) or full: the page works without it.
  }
}

export function load() {
  try {
    const meta = JSON.parse(localStorage.getItem(KEY) || 'null');
    if (!meta || typeof meta !== 'object') return null;
    let log = meta.log;
    if (!Array.isArray(log)) {
      // Written in chunks (a record with the whole log inline is from before chunks).
      log = [];
      for (let i = 0; i < meta.chunks; i += 1) log.push(...JSON.parse(localStorage.getItem(`${KEY}.${i}`) || '[]'));
      if (log.length !== meta.length) return null;
    }
    return { policy: meta.policy || {}, scenario: meta.scenario || null, log: log.filter(Array.isArray), omitted: meta.omitted || 0 };
  } catch (_) {
    // A damaged record is ignored.
  }
  return null;
}
