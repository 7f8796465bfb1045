// The browser benchmarks: serves the repository (the page at /: dist/ when
// scripts/build-page.sh made it, else www/; pkg/ at /pkg/, pkg-bench/ at /pkg-bench/, bench/ at
// /bench/), drives Debian's Chromium with playwright-core and prints Markdown tables.
//   node bench/run.mjs            (NATIVE_CPS=<commands/s> adds the wasm/native ratio;
//                                  BENCH_SUMMARY=<file> appends the figures of issue 14's summary
//                                  there, bench/summary.mjs; BENCH_ROUNDS=5 rounds of the
//                                  boundary rows, BENCH_SCALE_ROUNDS=5 runs of each scale
//                                  cell; BENCH_QUICK=1 leaves out the 1-session scale
//                                  table and the hostile lines; BENCH_ONLY=page runs section 5
//                                  alone)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { appendFileSync, existsSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SITE = existsSync(join(ROOT, 'dist', 'index.html')) ? 'dist' : 'www';
const MOUNTS = [['/pkg-bench/', 'pkg-bench'], ['/pkg/', 'pkg'], ['/bench/', 'bench'], ['/scenarios/', 'scenarios'], ['/', SITE]];
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const SCALE_ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS || 5);
const PAGE_ONLY = process.env.BENCH_ONLY === 'page';
/** One figure for the summary table of scripts/bench.sh (bench/summary.mjs reads them). */
const note = (key, value) => {
  if (process.env.BENCH_SUMMARY) appendFileSync(process.env.BENCH_SUMMARY, `${key}\t${value}\n`);
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
};

const server = createServer(async (req, res) => {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const [prefix, dir] = MOUNTS.find(([p]) => path.startsWith(p));
  const file = normalize(join(ROOT, dir, path.slice(prefix.length)));
  try {
    if (!file.startsWith(join(ROOT, dir)) || !(await stat(file)).isFile()) throw new Error();
    const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream' };
    // The harness page cross-origin isolated, so that its performance.now() is coarsened to
    // 5 µs rather than 100 µs (Chromium's two resolutions; the scale table's 1k and 10k rows
    // take 0.1-2 ms). Only the harness: the page's own load (section 5) is served as before.
    if (path === '/bench/index.html') {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    res.end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const LAUNCH = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run'],
};
// Chromium's features for the omnibox popup drawn as WebUI, whose renderer a new tab starts.
const OMNIBOX_WEBUI = 'WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup';
const browser = await chromium.launch(LAUNCH);

/**
 * Section 5: waits in the page for the frame after data-ready. Not with playwright's
 * waitForSelector, which runs on the page's main thread during the load it measures: it first
 * evaluates playwright's injected script (~10 ms of CPU), then polls the DOM each frame, its
 * visibility check forcing style and layout (traced on 2026-12-02).
 */
const painted = (p) => p.evaluate(() => Promise.race([window.benchPainted,
  new Promise((_, fail) => setTimeout(() => fail(new Error('no data-ready within 60 s')), 60000))]));

/**
 * Section 5: how long a new tab stands open before it is navigated, in the row for a user who
 * opens a tab and then types the address (or picks a bookmark). A new tab starts headless
 * Chromium's own work for the tab (its omnibox popup renderer among it), which on 2 cores
 * delays a navigation made in the same instant (the CPU table); that work is over by then.
 */
const TAB_SETTLE_MS = 2000;

/**
 * Section 5: the page loaded 7 times, a new tab each, in one context (its HTTP cache kept),
 * navigated `settle` ms after the tab opened.
 */
async function newTabLoads(into, settle = 0) {
  const context = await into.newContext();
  await context.addInitScript(() => {
    let painted;
    window.benchPainted = new Promise((resolve) => { painted = resolve; });
    new MutationObserver((_, seen) => {
      if (document.body && document.body.dataset.ready === 'true') {
        window.benchReadyAt = performance.now();
        // The next frame, its style and layout done (its paint follows at once).
        requestAnimationFrame(() => {
          document.body.getBoundingClientRect();
          window.benchPaintedAt = performance.now();
          painted();
        });
        seen.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  // Where the time goes, from the navigation's start: what has arrived, the engine, the prompt.
  const parts = { html: [], scripts: [], wasm: [], engine: [], ready: [], painted: [] };
  for (let i = 0; i < 7; i++) {
    const p = await context.newPage();
    if (settle) await p.waitForTimeout(settle);
    await p.goto(`${base}/`);
    await painted(p);
    const t = await p.evaluate(() => {
      const end = (re) => Math.max(0, ...performance.getEntriesByType('resource').filter((e) => re.test(e.name)).map((e) => e.responseEnd));
      const mark = performance.getEntriesByName('sandbox:engine')[0];
      return {
        html: performance.getEntriesByType('navigation')[0].responseEnd,
        scripts: end(/\.js$/),
        wasm: end(/\.wasm$/),
        engine: mark ? mark.startTime : NaN,
        ready: window.benchReadyAt,
        painted: window.benchPaintedAt,
      };
    });
    for (const k of Object.keys(parts)) parts[k].push(t[k]);
    await p.close();
  }
  return { context, parts };
}

/**
 * Section 5: one more new-tab load under Chromium's tracing; the thread time of every task each
 * process ran from the navigation's start to the prompt (outermost tasks only, so nothing is
 * counted twice). Null when the trace does not show the navigation.
 */
async function newTabCpu(into, context, settle = 0) {
  await into.startTracing(undefined, { categories: ['toplevel', 'navigation', 'blink.user_timing'] });
  const p = await context.newPage();
  if (settle) await p.waitForTimeout(settle);
  await p.goto(`${base}/?traced`);
  await painted(p);
  const readyAt = await p.evaluate(() => window.benchReadyAt);
  await p.close();
  const { traceEvents } = JSON.parse(await into.stopTracing());
  const url = (e) => (e.args && e.args.data && e.args.data.documentLoaderURL) || '';
  const starts = traceEvents.filter((e) => e.name === 'navigationStart');
  const nav = starts.filter((e) => url(e).startsWith(`${base}/?traced`)).pop();
  if (!nav) return null;
  const from = nav.ts;
  const to = from + readyAt * 1000;
  const kind = new Map();
  for (const e of traceEvents) {
    if (e.ph === 'M' && e.name === 'process_name' && !kind.has(e.pid)) kind.set(e.pid, e.args.name);
  }
  for (const e of starts) if (url(e).startsWith('chrome://omnibox')) kind.set(e.pid, 'omnibox popup WebUI renderer');
  kind.set(nav.pid, 'page renderer');
  const ms = { 'page renderer, main thread': 0, 'page renderer, other threads': 0, 'omnibox popup WebUI renderer': 0, 'browser process': 0, 'GPU process': 0, other: 0 };
  const tasks = traceEvents
    .filter((e) => e.ph === 'X' && e.tdur !== undefined && /RunTask$/.test(e.name) && e.ts < to && e.ts + e.dur > from)
    .sort((a, b) => a.pid - b.pid || a.tid - b.tid || a.ts - b.ts || b.dur - a.dur);
  let last = null;
  for (const e of tasks) {
    const key = `${e.pid}/${e.tid}`;
    if (last && last.key === key && e.ts < last.end) continue;
    last = { key, end: e.ts + e.dur };
    const share = (Math.min(e.ts + e.dur, to) - Math.max(e.ts, from)) / Math.max(e.dur, 1);
    const k = kind.get(e.pid);
    const column = k === 'page renderer' ? (e.tid === e.pid ? 'page renderer, main thread' : 'page renderer, other threads')
      : k === 'Browser' ? 'browser process' : k === 'GPU Process' ? 'GPU process' : k in ms ? k : 'other';
    ms[column] += (e.tdur * share) / 1000;
  }
  return { wall: readyAt, ms };
}
let failed = false;
try {
  // Sections 1 to 6 but 5, left unindented under this `if` so that their lines stay as they were.
  if (!PAGE_ONLY) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => { console.error('page error:', e.message); failed = true; });
  await page.goto(`${base}/bench/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });

  // 1. Engine throughput in the browser, and the ratio to the native run.
  const w = await page.evaluate(() => window.imapBench.workload(50, 3000));
  const cps = w.commands / w.seconds;
  console.log('### 1. Engine throughput, headless Chromium (wasm)\n');
  console.log('| target | commands | seconds | commands/s |');
  console.log('|---|---:|---:|---:|');
  console.log(`| wasm (Chromium ${browser.version()}) | ${w.commands} | ${w.seconds.toFixed(2)} | ${cps.toFixed(0)} |`);
  const native = Number(process.env.NATIVE_CPS);
  if (native > 0) {
    console.log(`| native (same run) | | | ${native.toFixed(0)} |`);
    console.log(`\nwasm / native = **${(cps / native).toFixed(2)}**`);
    note('wasm_native', (cps / native).toFixed(2));
  }
  console.log();

  // 2. Scale in the browser: the 50 ms target is for single commands on 100k messages. Each
  // size is run SCALE_ROUNDS times, each on a fresh world, and each row is the median of its
  // rounds (one run decides nothing at 10k, where a row takes 1-2 ms).
  const sizes = [1000, 10000, 100000];
  const isolated = await page.evaluate(() => window.crossOriginIsolated);
  console.log('### 2. Scale, headless Chromium (wasm; milliseconds; µs per message in brackets)\n');
  console.log(`Each cell the median of ${SCALE_ROUNDS} runs, each on a fresh world; the clock `
    + `${isolated ? 'coarsened to 5 µs (the harness is cross-origin isolated)' : 'coarsened to 0.1 ms'}.\n`);
  for (const sessions of QUICK ? [3] : [1, 3]) {
    const columns = [];
    for (const n of sizes) {
      const runs = [];
      for (let r = 0; r < SCALE_ROUNDS; r += 1) {
        runs.push(await page.evaluate(([n, s]) => window.imapBench.scale(n, s), [n, sessions]));
      }
      columns.push(runs[0].map((step, row) => ({ command: step.command, millis: median(runs.map((steps) => steps[row].millis)) })));
    }
    console.log(`${sessions} session(s) selected:\n`);
    console.log('| command | 1k | 10k | 100k | 100k under 50 ms |');
    console.log('|---|---:|---:|---:|:---:|');
    columns[0].forEach((step, row) => {
      const cells = columns.map((steps, i) => {
        const ms = steps[row].millis;
        return `${ms.toFixed(2)} (${(ms * 1000 / sizes[i]).toFixed(2)})`;
      });
      const last = columns[2][row].millis;
      console.log(`| ${step.command} | ${cells.join(' | ')} | ${last < 50 ? 'yes' : 'no'} |`);
      // Flat: µs per message at 100k over that at 10k, for the commands that take 1 ms or more
      // at 10k (below that the clock and the noise decide).
      const growth = (columns[2][row].millis / sizes[2]) / (columns[1][row].millis / sizes[1]);
      if (sessions === 3 && columns[1][row].millis >= 1) note(`scale_wasm\t${step.command}`, growth.toFixed(2));
    });
    console.log();
  }

  // Issue 14's rows through the page's own API (Sandbox.send and www/engine.js lines()).
  const b = await page.evaluate(([n, r]) => window.imapBench.boundary(n, r), [100000, ROUNDS]);
  console.log(`### 2b. 100k messages through the page's API, headless Chromium (wasm; ms to JS values in hand)\n`);
  console.log(`\`Sandbox.send\` then the page's \`lines()\`; 3 sessions selected; ${ROUNDS} rounds, each on a fresh world.\n`);
  console.log('| command | median ms | min ms | max ms |');
  console.log('|---|---:|---:|---:|');
  for (const [label, ms] of Object.entries(b)) {
    console.log(`| ${label} | ${median(ms).toFixed(1)} | ${Math.min(...ms).toFixed(1)} | ${Math.max(...ms).toFixed(1)} |`);
    note(`boundary\t${label}`, median(ms).toFixed(1));
  }
  note('boundary_rounds', ROUNDS);
  console.log();
  await page.close();

  // 6. Hostile 64 KB lines on 20,000 messages, on a fresh page (its own wasm memory).
  if (!QUICK) {
    const hostilePage = await browser.newPage();
    await hostilePage.goto(`${base}/bench/index.html`);
    await hostilePage.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    const h = await hostilePage.evaluate(() => window.imapBench.hostile());
    console.log('### 6. Hostile 64 KB lines on 20,000 messages, headless Chromium (wasm)\n');
    console.log(`wasm memory after the run (its peak): ${(h.memoryBytes / 1048576).toFixed(0)} MiB\n`);
    console.log('| command | ms | response MiB | tagged reply |');
    console.log('|---|---:|---:|---|');
    for (const s of h.steps) {
      console.log(`| ${s.command} | ${s.millis.toFixed(1)} | ${(s.octets / 1048576).toFixed(1)} | \`${s.reply.replaceAll('|', '\\|')}\` |`);
    }
    console.log();
    await hostilePage.close();
  }
  } // !PAGE_ONLY

  // 5. The page: navigation to the first usable prompt (the page sets data-ready once its
  // panes take input), read in the page: performance.now() counts from the navigation's start.
  console.log('### 5. Page load, headless Chromium\n');
  if (existsSync(join(ROOT, SITE, 'index.html'))) {
    const loads = await newTabLoads(browser);
    // The same page loaded again in one tab (as a link followed or a reload would): a new tab
    // also starts headless Chromium's own WebUI renderer (the omnibox popup) beside the load,
    // which takes CPU the page's load then waits for on 2 cores (the CPU table below).
    const again = [];
    const tab = await loads.context.newPage();
    for (let i = 0; i <= 7; i++) {
      await tab.goto(`${base}/?run=${i}`);
      await painted(tab);
      if (i > 0) again.push(await tab.evaluate(() => window.benchReadyAt));
      await tab.waitForTimeout(1000);
    }
    await tab.close();
    const cpu = await newTabCpu(browser, loads.context);
    await loads.context.close();
    // New tabs again, each navigated TAB_SETTLE_MS after it opened, as a user types an address.
    const settled = await newTabLoads(browser, TAB_SETTLE_MS);
    const settledCpu = await newTabCpu(browser, settled.context, TAB_SETTLE_MS);
    await settled.context.close();
    // The new-tab loads again in a browser without the omnibox popup's WebUI (Chromium's own
    // feature switches), to show what that renderer costs the page; not the goal's condition.
    const plain = await chromium.launch({ ...LAUNCH, args: [...LAUNCH.args, `--disable-features=${OMNIBOX_WEBUI}`] });
    let quiet;
    try {
      quiet = await newTabLoads(plain);
    } finally {
      await plain.close();
    }
    const row = (label, xs) => `| ${label} | ${Math.min(...xs).toFixed(0)} | ${median(xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
    console.log('| runs | min ms | median ms | max ms |');
    console.log('|---|---:|---:|---:|');
    console.log(row(`${loads.parts.ready.length}, a new tab each, navigated as it opens`, loads.parts.ready));
    console.log(row(`${settled.parts.ready.length}, a new tab each, navigated ${TAB_SETTLE_MS / 1000} s after it opened`, settled.parts.ready));
    console.log(row(`${again.length}, one tab navigated again`, again));
    console.log(row(`${quiet.parts.ready.length}, a new tab each, omnibox popup WebUI off`, quiet.parts.ready));
    console.log(`\n(${SITE}/ and pkg/ from loopback; this server sends no cache validators, so every load fetches every file again, as on a first visit; from the navigation's start to the page's data-ready, when the panes take input. The last row: Chromium started with \`--disable-features=${OMNIBOX_WEBUI}\`, not the goal's condition)\n`);
    console.log('Where the time goes (medians, ms from the navigation\'s start):\n');
    console.log('| new tab | HTML arrived | scripts arrived | wasm arrived | engine up (compiled, instantiated, `Sandbox` built) | prompt ready | next frame laid out |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [label, parts] of [['navigated as it opens', loads.parts], [`navigated ${TAB_SETTLE_MS / 1000} s after it opened`, settled.parts], ['omnibox popup WebUI off', quiet.parts]]) {
      console.log(`| ${label} | ${Object.values(parts).map((xs) => median(xs).toFixed(0)).join(' | ')} |`);
    }
    const traced = [['navigated as it opens', cpu], [`navigated ${TAB_SETTLE_MS / 1000} s after it opened`, settledCpu]].filter(([, c]) => c);
    if (traced.length) {
      console.log('\nCPU time (thread time, ms) each process took from the navigation\'s start to the prompt in one more new tab, traced:\n');
      console.log(`| new tab | prompt at ms | ${Object.keys(traced[0][1].ms).join(' | ')} |`);
      console.log(`|---|---:|${Object.keys(traced[0][1].ms).map(() => '---:').join('|')}|`);
      for (const [label, c] of traced) {
        console.log(`| ${label} | ${c.wall.toFixed(0)} | ${Object.values(c.ms).map((x) => x.toFixed(0)).join(' | ')} |`);
      }
    }
    console.log();
    note('page_load', median(loads.parts.ready).toFixed(0));
    note('page_load_settled', median(settled.parts.ready).toFixed(0));
  } else {
    console.log(`skipped: no ${SITE}/index.html in this checkout\n`);
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
