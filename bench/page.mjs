// The page's own speed (issue 11 §1): how long the sandbox page takes from Enter to the last
// line painted, for a large FETCH and for a small command after it, and how long a reload of a
// long workspace takes. Serves www/ (or PAGE_WWW) at / and pkg/ at /pkg/, drives Debian's
// Chromium with playwright-core and prints a Markdown table. Nothing here asserts a time.
//   node bench/page.mjs                 (PAGE_SIZES=2000,20000 PAGE_TIMEOUT=120 PAGE_GROW=append
//                                        by default; PAGE_GROW=copy grows INBOX by COPY)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// The page as served: dist/ (scripts/build-page.sh) when it is there, else www/.
const WWW = resolve(
  process.env.PAGE_WWW || (existsSync(join(ROOT, 'dist')) ? join(ROOT, 'dist') : join(ROOT, 'www')),
);
const SIZES = (process.env.PAGE_SIZES || '2000,20000').split(',').map(Number);
const TIMEOUT = Number(process.env.PAGE_TIMEOUT || 120) * 1000;
const GROW = process.env.PAGE_GROW || 'append';
const RELOAD_LINES = Number(process.env.PAGE_RELOAD_LINES || 5000);
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
};
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";

const server = createServer(async (req, res) => {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const [prefix, dir] = path.startsWith('/pkg/') ? ['/pkg/', join(ROOT, 'pkg')] : ['/', WWW];
  const file = normalize(join(dir, path.slice(prefix.length)));
  try {
    if (!file.startsWith(dir) || !(await stat(file)).isFile()) throw new Error();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'content-security-policy': CSP });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// In the page: types one line into C1 and resolves after the frame that shows its answer has
// been painted (a task queued from requestAnimationFrame runs after that paint).
const ENTER = async (text) => {
  const input = document.getElementById('c1-input');
  input.value = text;
  const t0 = performance.now();
  input.form.requestSubmit();
  // Lines a page queues (in microtasks or tasks before the frame) are in that frame too.
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
};

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  return { context, page };
}

async function withTimeout(promise) {
  let timer;
  const timeout = new Promise((r) => { timer = setTimeout(() => r(null), TIMEOUT); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const fmt = (ms) => (ms === null ? `> ${TIMEOUT / 1000} s (stopped)` : `${ms.toFixed(0)} ms`);
const rows = [];

for (const n of SIZES) {
  const { context, page } = await freshPage();
  // INBOX grows to exactly n messages: by default distinct messages APPENDed; with
  // PAGE_GROW=copy by copying its own first messages (they then share six ENVELOPEs, which the
  // engine computes once each: the measure before 2026-12-02).
  await page.evaluate(async ([n, enterSrc, grow]) => {
    const enter = eval(`(${enterSrc})`);
    const engine = await import('/engine.js');
    const total = () => engine.call((s) => s.snapshot(0)).mailboxes.find((m) => m.name === 'INBOX').total;
    await enter('a1 LOGIN alice alice');
    await enter('a2 SELECT INBOX');
    let tag = 3;
    if (grow === 'copy') {
      for (let c = total(); c < n; c = total()) await enter(`a${tag++} COPY 1:${Math.min(c, n - c)} INBOX`);
    } else {
      // Distinct messages (each its own sender, subject and Message-ID, so no two share an
      // ENVELOPE), APPENDed by another connection straight through the engine, as a script
      // would; C1 hears of them at its next command.
      engine.call((s) => {
        const id = s.connect();
        s.send(id, 'x LOGIN alice alice\r\n');
        for (let i = total(); i < n; i += 1) {
          const body = Array.from({ length: 14 }, (_, l) => `Line ${l} of message ${i}: the quick brown fox jumps over the lazy dog.\r\n`).join('');
          const msg = `From: Sender ${i} <sender${i}@example.org>\r\nTo: Team ${i % 97} <team${i % 97}@example.org>\r\n`
            + `Subject: Lunch plans #${i}\r\nDate: Mon, 1 Jan 2024 10:${String(i % 60).padStart(2, '0')}:00 +0000\r\n`
            + `Message-ID: <bench-${i}@example.org>\r\n\r\n${body}`;
          s.send(id, `x APPEND INBOX {${msg.length}+}\r\n${msg}\r\n`);
        }
        s.disconnect(id);
      });
      await enter(`a${tag++} NOOP`);
    }
    window.benchTag = tag;
  }, [n, ENTER.toString(), GROW]);
  const first = await withTimeout(page.evaluate(([src]) => eval(`(${src})`)(`a${window.benchTag++} FETCH 1:* (FLAGS ENVELOPE)`), [ENTER.toString()]));
  let later = null;
  if (first !== null) {
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const t = await withTimeout(page.evaluate(([src]) => eval(`(${src})`)(`a${window.benchTag++} NOOP`), [ENTER.toString()]));
      if (t === null) break;
      times.push(t);
    }
    times.sort((a, b) => a - b);
    later = times.length === 5 ? times[2] : null;
  }
  rows.push([`Enter to last line painted: FETCH 1:* (FLAGS ENVELOPE), ${n} ${GROW === 'copy' ? 'copied' : 'distinct'} messages`, fmt(first), '< 300 ms', first !== null && first < 300]);
  rows.push([`each later Enter (NOOP, median of 5), after the FETCH over ${n}`, fmt(later), '< 50 ms', later !== null && later < 50]);
  await context.close().catch(() => {});
}

{
  // A workspace of RELOAD_LINES typed lines in localStorage, in the format every version of
  // the page reads; the reload is timed to the page being ready with all of it replayed.
  const { context, page } = await freshPage();
  // After the page's own debounced save of its empty workspace (it would replace this one).
  await page.waitForTimeout(1000);
  await page.evaluate((lines) => {
    const log = [['line', 1, 'a1 LOGIN alice alice'], ['line', 1, 'a2 SELECT INBOX']];
    for (let i = 3; log.length < lines; i += 1) log.push(['line', 1, `a${i} FETCH ${(i % 6) + 1} (FLAGS)`]);
    localStorage.setItem('imap-sandbox.workspace.v1', JSON.stringify({ policy: {}, scenario: null, log }));
  }, RELOAD_LINES);
  const t0 = Date.now();
  const done = await withTimeout((async () => {
    await page.goto(base, { timeout: TIMEOUT });
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    const ms = Date.now() - t0;
    // The whole workspace was replayed: its last line was answered.
    const last = await page.locator('#c1 .transcript > .line').last().textContent();
    if (!/ OK /.test(last)) throw new Error(`the reload did not replay the workspace: last line ${last}`);
    return ms;
  })());
  rows.push([`reload of a workspace of ${RELOAD_LINES} typed lines (to ready, replayed, painted)`, fmt(done), '< 1 s', done !== null && done < 1000]);
  let later = null;
  if (done !== null) {
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const t = await withTimeout(page.evaluate(([src, tag]) => eval(`(${src})`)(`n${tag} NOOP`), [ENTER.toString(), i]));
      if (t === null) break;
      times.push(t);
    }
    times.sort((a, b) => a - b);
    later = times.length === 5 ? times[2] : null;
  }
  rows.push([`each later Enter (NOOP, median of 5) in that workspace`, fmt(later), '< 50 ms', later !== null && later < 50]);
  if (done !== null) {
    // Copy permalink: the compressed, bounded link of that workspace.
    const link = await withTimeout(page.evaluate(async () => {
      const t0 = performance.now();
      document.getElementById('copy-link').click();
      const status = document.getElementById('player-status');
      while (!status.textContent.includes('Permalink')) await new Promise((r) => setTimeout(r, 5));
      return { ms: performance.now() - t0, chars: location.href.length };
    }));
    rows.push([`Copy permalink of that workspace (${link ? `${link.chars} characters` : 'not ready'})`, fmt(link && link.ms), '', true]);
  }
  await context.close().catch(() => {});
}

console.log(`### 7. The page's speed, headless Chromium ${browser.version()}\n`);
console.log(`page: ${WWW}\n`);
console.log('| what | time | goal | met |');
console.log('|---|---:|---:|:---:|');
for (const [what, time, goal, met] of rows) console.log(`| ${what} | ${time} | ${goal} | ${goal ? (met ? 'yes' : 'no') : ''} |`);
console.log();
await browser.close().catch(() => {});
server.close();
process.exit(0);
