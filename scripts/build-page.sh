#!/usr/bin/env bash
# Builds the page's wasm package into pkg/ (scripts/serve.sh, scripts/test.sh, scripts/bench.sh).
# Everything here is for the page's 250 KB gzipped budget (scripts/page-size.sh checks it):
# - `--no-default-features`: no SORT/THREAD (feature `sort-thread`), no CATENATE and QUOTA (features
#   `catenate`, `quota`) and no grammar self-check of
#   the engine's responses in the scenario player (feature `response-check`); see Cargo.toml, README.
# - the standard library rebuilt for size (`-Zbuild-std`, its `optimize_for_size` feature) with
#   the `immediate-abort` panic strategy: no panic messages or formatting machinery in the module.
#   A panic is then a bare `unreachable` trap, a WebAssembly.RuntimeError, which the page's guard
#   (www/engine.js) treats as a panic as before; only the console message of the panic hook is
#   gone. These are unstable cargo/rustc options: RUSTC_BOOTSTRAP=1 allows them on the stable
#   toolchain for this one build, and they need rustup's `rust-src` component (scripts/setup.sh).
#   Measured on 2026-12-01: 12.5 KB less gzipped wasm than the same build without them.
# - `-Ctarget-feature=+simd128`: WebAssembly SIMD (in Chromium since 91, Firefox 89, Safari
#   16.4), so SEARCH TEXT and BODY scan 16 octets at a time (memchr's simd128 code,
#   src/server/search_keys.rs). Measured on 2026-12-02: the gzipped wasm 1,150 bytes smaller
#   with it than without (214,015 against 215,165).
# - `-Zlocation-detail=none`: no file names, lines or columns in the `Location`s that code which
#   may panic still passes along; with `immediate-abort` nothing reads them. Measured on
#   2026-12-02: the page 243,534 -> 243,226 bytes gzipped.
# - dist/: the page as served (scripts/serve.py serves it at /): www/ copied, its scripts and
#   styles minified by esbuild (tools/, installed by scripts/setup.sh). Measured on 2026-12-01:
#   the page's own scripts and styles 40,146 bytes gzipped as written, 27,804 minified.
# Extra arguments go to cargo (e.g. `--features bench`); OUT overrides pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUSTC_BOOTSTRAP=1 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Ctarget-feature=+simd128 -Zlocation-detail=none" \
  wasm-pack build --profile wasm --target web --out-dir "${OUT:-pkg}" --no-pack -- \
  --no-default-features -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
# binaryen's wasm-opt at -O1 (the npm package's, pinned in tools/; Debian's 108 corrupts the
# module, Cargo.toml). Measured on 2026-12-01 on the page's module: -O1 --converge 213,458 ->
# 210,592 bytes gzipped; -Oz and -O2 make the module smaller raw but 10 KB larger gzipped (they
# inline and reorder into less repetitive code), so the page keeps -O1. Also measured on
# 2026-12-02: -O2 with binaryen's inlining off (the three inline size limits at 0) is 1.9 KB
# smaller gzipped than -O1, but the browser benchmark's mixed workload ran slower with it in four
# alternating runs out of four (45-62k against 63-86k commands/s, bench/run.mjs, machine shared),
# so it is not used.
# Then the functions in the order of their names (Cargo.toml's profile `wasm` keeps the name
# section for this; wasm-opt writes the module without it, as it is not given `-g`): a crate's
# and a module's functions, and the instances of one generic function, end up side by side,
# where gzip finds more repeats (measured on 2026-12-02: 803 bytes less gzipped; the order does
# not change what the code does). The `producers` and `target_features` custom sections go too:
# no browser reads them (209 bytes gzipped).
tools/node_modules/.bin/wasm-opt -O1 --converge --enable-bulk-memory --enable-reference-types \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-multivalue --enable-simd --reorder-functions-by-name \
  --strip-producers --strip-target-features \
  "${OUT:-pkg}/imap_sandbox_bg.wasm" -o "${OUT:-pkg}/imap_sandbox_bg.wasm"
# The raw module's declarations (pkg/imap_sandbox_bg.wasm.d.ts) are for bundlers; with
# `--target web` pkg/imap_sandbox.d.ts declares the same exports (`InitOutput`) and the typed
# API, and is the one kept (measured on 2026-12-02: 340 bytes of `tar czf - dist pkg`).
rm -f "${OUT:-pkg}/imap_sandbox_bg.wasm.d.ts"
# The wasm-bindgen glue minified in place like www/'s scripts (measured on 2026-12-01: 5,797
# bytes gzipped as generated, 3,379 minified).
tools/node_modules/.bin/esbuild "${OUT:-pkg}/imap_sandbox.js" --minify --format=esm \
  --outfile="${OUT:-pkg}/imap_sandbox.js" --allow-overwrite --log-level=warning
# The page's two entry points, app.js (index.html) and player.js (the embed), are bundled with
# the modules they import: one request each instead of a chain of imports the browser discovers
# one level at a time (measured on 2026-12-02, the machine loaded: app.js arrived at ~200 ms,
# the last module of its chain, replay.js, at ~470 ms), and 2.7 KB less gzipped (one file
# compresses better than nine). engine.js stays a module of its own, imported by the bundle and
# by the tests and benchmarks (`import('/engine.js')` must reach the page's own Sandbox).
rm -rf dist
mkdir -p dist
cp -R www/. dist/
find dist -name '*.js' ! -name app.js ! -name player.js ! -name engine.js -delete
tools/node_modules/.bin/esbuild www/app.js www/player.js --bundle --external:./engine.js \
  --format=esm --minify --outdir=dist --log-level=warning
tools/node_modules/.bin/esbuild www/engine.js www/*.css --minify --outdir=dist --log-level=warning
# index.html without its indentation and its comment lines (measured on 2026-12-02: 2,432 -> 2,317
# bytes gzipped). Its <pre> elements are empty (the page fills them), so no text changes;
# embed-example.html shows code in <pre> and is left as written.
sed -i -e 's/^[[:space:]]*//' -e '/^<!--.*-->$/d' dist/index.html
