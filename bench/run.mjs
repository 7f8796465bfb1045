// The browser benchmarks: serves the repository (www/ at /, pkg/ at /pkg/, pkg-bench/ at
// /pkg-bench/, bench/ at /bench/),
// drives Debian's Chromium with playwright-core and prints Markdown tables.
//   node bench/run.mjs            (NATIVE_CPS=<commands/s> adds the native/browser ratio)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const MOUNTS = [['/pkg-bench/', 'pkg-bench'], ['/pkg/', 'pkg'], ['/bench/', 'bench'], ['/scenarios/', 'scenarios'], ['/', 'www']];
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
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run'],
});
let failed = false;
try {
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
    console.log(`\nnative / wasm = **${(native / cps).toFixed(2)}**`);
  }
  console.log();

  // 2. Scale in the browser: the 50 ms target is for single commands on 100k messages.
  const sizes = [1000, 10000, 100000];
  console.log('### 2. Scale, headless Chromium (wasm; milliseconds; µs per message in brackets)\n');
  for (const sessions of [1, 3]) {
    const columns = [];
    for (const n of sizes) columns.push(await page.evaluate(([n, s]) => window.imapBench.scale(n, s), [n, sessions]));
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
    });
    console.log();
  }
  await page.close();

  // 6. Hostile 64 KB lines on 20,000 messages, on a fresh page (its own wasm memory).
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

  // 5. The page: navigation to the first usable prompt.
  console.log('### 5. Page load, headless Chromium\n');
  if (existsSync(join(ROOT, 'www', 'index.html'))) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const p = await browser.newPage();
      const t = Date.now();
      await p.goto(`${base}/`);
      await p.waitForSelector('body[data-ready="true"], #c1-input:enabled', { timeout: 60000 });
      times.push(Date.now() - t);
      await p.close();
    }
    times.sort((a, b) => a - b);
    console.log('| runs | min ms | median ms | max ms |');
    console.log('|---:|---:|---:|---:|');
    console.log(`| ${times.length} | ${times[0]} | ${times[2]} | ${times[4]} |`);
    console.log('\n(fresh page each run, served from loopback; HTTP cache of the browser context kept)\n');
  } else {
    console.log('skipped: no www/index.html in this checkout\n');
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
