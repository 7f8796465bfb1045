// The engine as the page sees it: one Sandbox from the wasm package, and recovery from panics.
//
// A Rust panic aborts the wasm instance (the call throws a WebAssembly.RuntimeError and every
// later call fails), so the page must not keep using it. `call` catches that, loads the module
// again under a fresh URL (a new module record, so a new instance), creates a new Sandbox and
// tells the page through `onRestart`. The world is lost: the page says so in the panes.

const PKG = '/pkg/imap_sandbox.js';
const WASM = '/pkg/imap_sandbox_bg.wasm';

let generation = 0;
let mod = null;
let sandbox = null;
let restartListener = () => {};
// The compiled module, shared by every instance (a restart instantiates it again).
let compiled = null;

async function load() {
  generation += 1;
  // Compiled as its bytes arrive (index.html preloads them), while the bindings are imported.
  // Served with another type than application/wasm, it cannot be streamed: the bindings then
  // fetch it themselves.
  if (!compiled) compiled = WebAssembly.compileStreaming(fetch(WASM)).catch(() => null);
  const url = generation === 1 ? PKG : `${PKG}?instance=${generation}`;
  const [bindings, module] = await Promise.all([import(url), compiled]);
  mod = bindings;
  await mod.default(module ? { module_or_path: module } : undefined);
  sandbox = new mod.Sandbox();
  return sandbox;
}

export async function start() {
  await load();
}

export function onRestart(fn) {
  restartListener = fn;
}

/** Errors that mean the instance is gone, not a refused argument (a JsError from a Result). */
function isFatal(err) {
  if (err instanceof WebAssembly.RuntimeError) return true;
  const msg = String(err && err.message);
  return /unreachable|recursive use of an object|null pointer passed to rust|memory access out of bounds/i.test(msg);
}

let restarting = null;

async function restart(err) {
  if (!restarting) {
    restarting = (async () => {
      try {
        if (sandbox) sandbox.free();
      } catch (_) {
        // The old instance is dead; freeing it may fail too.
      }
      sandbox = null;
      await load();
      restartListener(err);
    })().finally(() => {
      restarting = null;
    });
  }
  return restarting;
}

/**
 * Runs `fn(sandbox)`. A refused argument throws as usual; a panic restarts the engine and
 * returns `fallback`.
 */
export function call(fn, fallback = null) {
  if (!sandbox) return fallback;
  try {
    return fn(sandbox);
  } catch (err) {
    if (!isFatal(err)) throw err;
    restart(err);
    return fallback;
  }
}

/** Static functions of the Sandbox class (scenarios, presets). */
export function statics() {
  return mod.Sandbox;
}

/** Resolves when a restart in progress has finished (for tests). */
export function settled() {
  return restarting || Promise.resolve();
}

const KINDS = ['untagged', 'tagged', 'continuation', 'closed'];
const STATUSES = [null, 'OK', 'NO', 'BAD', 'BYE', 'PREAUTH'];

/**
 * The lines of a batch (`send`, `take`, `disconnect`; src/wasm.rs `LineBatch`) as objects:
 * `{ client, text, kind, status, citation, failed }`. The batch crosses from wasm as one string
 * and one Uint32Array, so a reply of 20,000 lines costs two copies, not 20,000 objects built
 * property by property across the boundary.
 */
export function lines(batch) {
  const { text, meta, citations } = batch;
  const out = new Array(meta.length / 3);
  let start = 0;
  let cited = 0;
  for (let i = 0, j = 0; j < meta.length; i += 1, j += 3) {
    const end = meta[j];
    const bits = meta[j + 2];
    out[i] = {
      client: meta[j + 1],
      text: text.slice(start, bits & 64 ? end - 2 : end),
      kind: KINDS[bits & 3],
      status: STATUSES[(bits >> 2) & 7],
      citation: bits & 32 ? citations[cited++] : null,
      failed: false,
    };
    start = end;
  }
  return out;
}
