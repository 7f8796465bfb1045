#!/usr/bin/env bash
# Runs every benchmark and prints Markdown tables (copy a run into BENCHMARKS.md):
#   1. engine throughput, native and in headless Chromium, and their ratio
#   2. scale: 1k / 10k / 100k messages, 1 and 3 sessions, natively and in Chromium
#   3. native TCP on loopback: 10 / 100 / 500 concurrent clients
#   4. sizes: gzipped wasm and page; memory per 10k messages
#   5. page load (when www/ is present)
#   6. hostile 64 KB lines on 20,000 messages: time and peak memory, native and in Chromium
#   7. the page's own speed: Enter to last line painted on 2,000 / 20,000 messages, reload of a
#      5,000-line workspace (bench/page.mjs)
# Installs what is missing first (scripts/setup.sh --test). Nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

scripts/setup.sh --test >&2
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
scripts/build-page.sh >&2
wasm-pack build --profile wasm --target web --out-dir pkg-bench --no-pack -- --features bench >&2

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

say "the page's speed, headless Chromium"
if [ -d www ]; then node bench/page.mjs; fi

say "scale and TCP, native"
./target/release/examples/bench scale tcp
# Memory in a process of its own: a heap warmed by the other benchmarks would hide the growth.
./target/release/examples/bench memory
# Hostile lines in a process of their own too: their peak RSS is read per line.
./target/release/examples/bench hostile

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
echo
