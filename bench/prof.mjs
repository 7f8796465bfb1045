// Ad-hoc profile (not committed): where the 20,000-message FETCH's time goes in the page.
import { createServer } from 'node:http';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, normalize, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WWW = resolve(process.env.PAGE_WWW || join(ROOT, 'dist'));
const PKG = resolve(process.env.PAGE_PKG || join(ROOT, 'pkg'));
const N = Number(process.env.N || 20000);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const [prefix, dir] = path.startsWith('/pkg/') ? ['/pkg/', PKG] : ['/', WWW];
  const file = normalize(join(dir, path.slice(prefix.length)));
  try { if (!(await stat(file)).isFile()) throw 0; res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'x' }); res.end(await readFile(file)); }
  catch { res.writeHead(404).end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const ENTER = async (text) => {
  const input = document.getElementById('c1-input');
  input.value = text;
  const t0 = performance.now();
  input.form.requestSubmit();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
};
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.goto(base);
await page.waitForSelector('body[data-ready="true"]');
await page.evaluate(async ([n, enterSrc]) => {
  const enter = eval(`(${enterSrc})`);
  const engine = await import('/engine.js');
  const total = () => engine.call((s) => s.snapshot(0)).mailboxes.find((m) => m.name === 'INBOX').total;
  await enter('a1 LOGIN alice alice');
  await enter('a2 SELECT INBOX');
  let tag = 3;
  for (let c = total(); c < n; c = total()) await enter(`a${tag++} COPY 1:${Math.min(c, n - c)} INBOX`);
  window.benchTag = tag;
}, [N, ENTER.toString()]);
// Raw API: a second client (its own id) selects INBOX, the FETCH through s.send.
const raw = await page.evaluate(async () => {
  const engine = await import('/engine.js');
  const out = {};
  const id = engine.call((s) => s.connect());
  engine.call((s) => s.take());
  engine.call((s) => s.send(id, 'x1 LOGIN alice alice\r\n'));
  engine.call((s) => s.send(id, 'x2 SELECT INBOX\r\n'));
  const times = [];
  let lines;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    lines = engine.call((s) => s.send(id, `x${3 + i} FETCH 1:* (FLAGS ENVELOPE)\r\n`));
    times.push(performance.now() - t0);
  }
  out.sendEnvelope = times.map((t) => t.toFixed(0)).join(', ');
  out.lines = lines.length;
  out.bytes = lines.reduce((a, l) => a + l.text.length, 0);
  const t2 = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    engine.call((s) => s.send(id, `y${i} FETCH 1:* (FLAGS)\r\n`));
    t2.push(performance.now() - t0);
  }
  out.sendFlags = t2.map((t) => t.toFixed(0)).join(', ');
  const t3 = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    engine.call((s) => s.send(id, `z${i} NOOP\r\n`));
    t3.push(performance.now() - t0);
  }
  out.noop = t3.map((t) => t.toFixed(1)).join(', ');
  engine.call((s) => s.disconnect(id));
  return out;
});
console.log(JSON.stringify(raw));
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
const ts = [];
for (let i = 0; i < 3; i++) {
  if (i === 2) await cdp.send('Profiler.start');
  ts.push(await page.evaluate(([src]) => eval(`(${src})`)(`a${window.benchTag++} FETCH 1:* (FLAGS ENVELOPE)`), [ENTER.toString()]));
}
const { profile } = await cdp.send('Profiler.stop');
console.log('page FETCH ENVELOPE ms:', ts.map((t) => t.toFixed(0)).join(', '));
// self time per function
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  self.set(k, (self.get(k) || 0) + (dt[i] || 0) / 1000);
}
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
for (const [k, v] of top) console.log(v.toFixed(1).padStart(8), k);
await writeFile('/tmp/fp/profile.cpuprofile', JSON.stringify(profile));
await browser.close();
server.close();
