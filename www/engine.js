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

/** One line of a batch (`client`, `text`, `kind`, `status`, `citation`), read from it when asked. */
class Line {
  constructor(batch, i) {
    this.b = batch;
    this.j = i * 3;
  }

  get bits() {
    return this.b.meta[this.j + 2];
  }

  get client() {
    return this.b.meta[this.j + 1];
  }

  get text() {
    const { meta } = this.b;
    const j = this.j;
    return this.b.text.slice(j && meta[j - 3], meta[j] - (this.bits & 64 ? 2 : 0));
  }

  get kind() {
    return KINDS[this.bits & 3];
  }

  get status() {
    return STATUSES[(this.bits >> 2) & 7];
  }

  get citation() {
    return this.bits & 32 ? this.b.citations[this.bits >> 7] : null;
  }
}

/**
 * The lines of a batch (`send`, `take`, `disconnect`; src/wasm.rs `LineBatch`) as a list of
 * `Line`s (`length`, `at(i)`, iteration), each made when looked at and reading its fields from
 * the batch when asked: a reply of 100,000 lines costs nothing here, and a line its text only
 * when that is read (issue 14). The batch crosses from wasm as one string and one Uint32Array,
 * two copies however long the reply.
 */
export function lines(batch) {
  const at = (i) => new Line(batch, i);
  return {
    length: batch.meta.length / 3,
    at,
    *[Symbol.iterator]() {
      for (let i = 0; i < this.length; i += 1) yield at(i);
    },
  };
}
