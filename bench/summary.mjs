// Issue 14's table of targets, filled from one run of scripts/bench.sh: each benchmark appends
// its figures to the file named by BENCH_SUMMARY as `key<TAB>value` lines (keys with a part
// after a second TAB are rows of a group); this prints the goals beside them.
//   node bench/summary.mjs FILE
import { readFileSync } from 'node:fs';

const figures = new Map();
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  const parts = line.split('\t');
  if (parts.length < 2) continue;
  const value = parts.pop();
  figures.set(parts.join('\t'), value);
}
const num = (key) => (figures.has(key) ? Number(figures.get(key)) : NaN);
/** The figures of a group (`prefix<TAB>label`), as [label, number]. */
const group = (prefix) => [...figures]
  .filter(([k]) => k.startsWith(`${prefix}\t`))
  .map(([k, v]) => [k.slice(prefix.length + 1), Number(v)]);
const ms = (x) => (Number.isNaN(x) ? 'not measured' : `${x.toFixed(1)} ms`);
const b = (key) => num(`boundary\t${key}`);
const all = (xs, ok) => xs.length > 0 && xs.every((x) => !Number.isNaN(x) && ok(x));

const rounds = num('boundary_rounds');
const search = [['TEXT', 'SEARCH TEXT'], ['BODY', 'SEARCH BODY']]
  .map(([k, label]) => [k, b(`${label} (first)`), b(`${label} (repeated)`)]);
const noops = ['STORE', 'EXPUNGE'].map((after) => [after, [1, 2].map((s) => b(`NOOP of session ${s} after the ${after}`))]);
const growth = [...group('scale_native').map(([k, v]) => [`native ${k}`, v]), ...group('scale_wasm').map(([k, v]) => [`wasm ${k}`, v])];
const worst = growth.reduce((w, g) => (!w || g[1] > w[1] ? g : w), null);
const million = group('million_ms');
const ratios = group('dovecot_ratio');
const errors = group('tcp_errors').reduce((n, [, e]) => n + e, 0);

const rows = [
  [`SEARCH TEXT / BODY, first and repeated (to JS values, median of ${rounds})`,
    search.map(([k, f, r]) => `${k} ${ms(f)} / ${ms(r)}`).join('; '), '< 50 ms',
    all(search.flatMap(([, f, r]) => [f, r]), (x) => x < 50)],
  ['FETCH 1:* (FLAGS) (to JS values)', ms(b('FETCH 1:* (FLAGS)')), '< 20 ms', all([b('FETCH 1:* (FLAGS)')], (x) => x < 20)],
  ['STORE 1:* +FLAGS, EXPUNGE 10% (to JS values)',
    `STORE ${ms(b('STORE 1:* +FLAGS (\\Flagged)'))}; EXPUNGE ${ms(b('EXPUNGE (10%)'))}`, '< 20 ms each',
    all([b('STORE 1:* +FLAGS (\\Flagged)'), b('EXPUNGE (10%)')], (x) => x < 20)],
  ["each other session's NOOP after those (to JS values)",
    noops.map(([after, xs]) => `after ${after} ${xs.map(ms).join(' / ')}`).join('; '), '< 20 ms',
    all(noops.flatMap(([, xs]) => xs), (x) => x < 20)],
  ['mixed workload, wasm / native', figures.get('wasm_native') ?? 'not measured', '≥ 0.6', all([num('wasm_native')], (x) => x >= 0.6)],
  ['memory beyond raw octets, per message (native, 100k, 3 sessions, after SEARCH TEXT; allocator count, RSS beside)',
    `${figures.get('memory_heap') ?? '?'} B (RSS: ${figures.get('memory_rss') ?? '?'} B; the mailbox alone, before any SELECT: ${figures.get('memory_built_heap') ?? '?'} B)`, '≤ 250 B',
    all([num('memory_heap')], (x) => x <= 250)],
  ['navigation → first usable prompt (loopback, median of 7), a new tab navigated 2 s after it opened, as a user types its address',
    ms(num('page_load_settled')), '< 200 ms', all([num('page_load_settled')], (x) => x < 200)],
  ['the same, a new tab navigated the instant it opens (the browser still starting the tab beside the load)',
    ms(num('page_load')), '< 200 ms', all([num('page_load')], (x) => x < 200)],
  ['page, gzipped, all of it (each file, as served; and dist/ with pkg/ as one stream)',
    `${figures.get('page_gz') ?? '?'} bytes; one stream ${figures.get('page_stream_gz') ?? '?'} bytes`, '≤ 250,000 bytes',
    all([num('page_gz'), num('page_stream_gz')], (x) => x <= 250000)],
  ['scale: µs per message, 100k over 10k (worst command of the 3-session tables, of those taking ≥ 1 ms at 10k)',
    worst ? `${worst[1].toFixed(2)}× (${worst[0]})` : 'not measured', 'flat (≤ 1.5×, our reading)',
    all(growth.map(([, v]) => v), (x) => x <= 1.5)],
  ['1M messages of 1 KB, natively',
    figures.has('million_total_mib')
      ? `fits: ${figures.get('million_total_mib')} MiB heap (${figures.get('million_heap')} B/message beyond raw; RSS ${figures.get('million_rss')} B); ${million.map(([k, v]) => `${k.replace(/^\+ /, '')} ${v} ms`).join(', ')}`
      : 'not measured', 'fits', figures.has('million_total_mib') && !figures.has('million_error')],
  ['native TCP, sandbox / Dovecot 2.3 commands per second (same run)',
    ratios.length ? `${ratios.map(([c, r]) => `${r.toFixed(2)}× at ${c} clients`).join(', ')}; errors ${errors}` : 'not measured',
    '≥ 3×, 0 errors', all(ratios.map(([, r]) => r), (x) => x >= 3) && errors === 0],
];
console.log("### Issue 14's targets, this run\n");
console.log('| what | measured | goal | met |');
console.log('|---|---|---|:---:|');
for (const [what, measured, goal, met] of rows) console.log(`| ${what} | ${measured} | ${goal} | ${met ? 'yes' : '**no**'} |`);
console.log();
