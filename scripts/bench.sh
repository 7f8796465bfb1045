#!/usr/bin/env bash
# Runs every benchmark and prints Markdown tables (copy a run into BENCHMARKS.md):
#   1. engine throughput, native and in headless Chromium, and their ratio
#   2. scale: 1k / 10k / 100k messages, 1 and 3 sessions, natively and in Chromium;
#      2b. 100k messages through the page's own API (Sandbox.send and lines()), in Chromium
#   3. native TCP on loopback: 10 / 100 / 500 concurrent clients, the sandbox and Debian's
#      Dovecot 2.3 (started here by tests/servers/servers.py, stopped afterwards) side by side
#   4. sizes: gzipped wasm and page; memory and times for 100k messages and for 1M of 1 KB
#   5. page load: navigation to the first usable prompt
#   6. hostile 64 KB lines on 20,000 messages: time and peak memory, native and in Chromium
#   7. the page's own speed: Enter to last line painted on 2,000 / 20,000 messages, reload of a
#      5,000-line workspace (bench/page.mjs)
# and last, issue 14's targets with this run's figures and the goals beside them
# (bench/summary.mjs). `--quick` leaves out 6, 7 and the 1-session scale table in Chromium.
# Installs what is missing first (scripts/setup.sh --test; Dovecot by tests/servers/install.sh).
# Nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; fi
export BENCH_QUICK=$quick
started=$(date +%s)
BENCH_SUMMARY=$(mktemp)
export BENCH_SUMMARY
dovecot_pid=
stop_dovecot() {
  if [ -n "$dovecot_pid" ]; then
    kill -TERM "$dovecot_pid" 2>/dev/null || true  # servers.py stops Dovecot and removes its files
    wait "$dovecot_pid" 2>/dev/null || true
    dovecot_pid=
  fi
}
trap 'stop_dovecot; rm -f "$BENCH_SUMMARY" "$BENCH_SUMMARY.dovecot"' EXIT

scripts/setup.sh --test >&2
if [ ! -x /usr/sbin/dovecot ]; then
  say "installing Dovecot for the side-by-side TCP run (tests/servers/install.sh)"
  tests/servers/install.sh >&2
fi
if [ ! -d bench/node_modules/playwright-core ]; then
  say "installing playwright-core for the browser benchmarks (drives Debian's chromium)"
  (cd bench && npm install --no-audit --no-fund --silent)
fi
# 500 clients need about 1,500 descriptors in one process (server and load generator).
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

say "building (release, native and wasm)"
cargo build --release --features bench --example bench >&2
# Two wasm packages: the page's (pkg/, measured for size and page load) and the benchmarks'
# (pkg-bench/, with the `bench` feature and its export, loaded by bench/).
# pkg-bench/ is built as the page's pkg/ is (scripts/build-page.sh), plus the workloads and,
# for the hostile lines' SORT and THREAD, the feature the page leaves out.
OUT=pkg-bench scripts/build-page.sh --features bench,sort-thread >&2
scripts/build-page.sh >&2

echo "## Run of $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo
echo "rustc $(rustc --version | cut -d' ' -f2), $(chromium --version 2>/dev/null | head -1), node $(node --version)"
echo

say "engine, native"
native=$(./target/release/examples/bench engine)
echo "$native" | grep -v '^native_commands_per_second='
cps=$(echo "$native" | sed -n 's/^native_commands_per_second=//p')

say "engine and scale, headless Chromium"
NATIVE_CPS="$cps" node bench/run.mjs

if [ "$quick" = 0 ]; then
  say "the page's speed, headless Chromium"
  if [ -d www ]; then node bench/page.mjs; fi
fi

say "starting Dovecot on loopback (tests/servers/servers.py)"
port=${BENCH_DOVECOT_PORT:-14391}
python3 tests/servers/servers.py dovecot --port "$port" --conf-extra bench/dovecot.conf \
  >"$BENCH_SUMMARY.dovecot" 2>&1 &
dovecot_pid=$!
for _ in $(seq 100); do
  grep -q 'ready after' "$BENCH_SUMMARY.dovecot" && break
  kill -0 "$dovecot_pid" 2>/dev/null || { cat "$BENCH_SUMMARY.dovecot" >&2; exit 1; }
  sleep 0.2
done
say "$(head -1 "$BENCH_SUMMARY.dovecot")"
say "scale and TCP (the sandbox and Dovecot), native"
BENCH_DOVECOT=127.0.0.1:$port ./target/release/examples/bench scale tcp
stop_dovecot
echo "Dovecot: $(head -1 "$BENCH_SUMMARY.dovecot" | cut -d' ' -f1-2), config tests/dovecot/dovecot.conf.in plus bench/dovecot.conf (connection limits); maildir with its indexes, fsync as shipped."
echo
# Memory in a process of its own: a heap warmed by the other benchmarks would hide the growth.
say "memory, native: 100k messages, then 1M of 1 KB"
./target/release/examples/bench memory
./target/release/examples/bench million
if [ "$quick" = 0 ]; then
  # Hostile lines in a process of their own too: their peak RSS is read per line.
  ./target/release/examples/bench hostile
fi

say "sizes"
gz() { gzip -9c "$1" | wc -c; }
wasm=pkg/imap_sandbox_bg.wasm
echo "### 4a. Sizes (gzip -9, as a server would send them)"
echo
echo "| what | bytes | gzipped |"
echo "|---|---:|---:|"
echo "| wasm ($wasm) | $(stat -c %s "$wasm") | $(gz "$wasm") |"
total=0; total_gz=0
site=www; [ -d dist ] && site=dist
files=$(find pkg -type f \( -name '*.js' -o -name '*.wasm' \); if [ -d $site ]; then find $site -type f; fi)
for f in $files; do
  total=$((total + $(stat -c %s "$f"))); total_gz=$((total_gz + $(gz "$f")))
done
label="page (pkg/ .js and .wasm)"
if [ -d www ]; then label="page ($site/ + pkg/ .js and .wasm)"; fi
echo "| $label | $total | $total_gz |"
# The same as one stream, everything in dist/ and pkg/ (the .d.ts declarations too): the second
# measure scripts/page-size.sh checks.
stream_gz=$(tar cf - $site pkg | gzip | wc -c)
echo "| $site/ and pkg/ as one tar, gzip (default level) | | $stream_gz |"
echo
echo "page_gz	$total_gz" >>"$BENCH_SUMMARY"
echo "page_stream_gz	$stream_gz" >>"$BENCH_SUMMARY"

node bench/summary.mjs "$BENCH_SUMMARY"
say "the whole run took $(( $(date +%s) - started )) s"
