#!/usr/bin/env bash
# Runs every test of imap-sandbox, installing what is missing first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "set-up"
scripts/setup.sh --test

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --features bench -- -D warnings
cargo clippy --lib --tests --target wasm32-unknown-unknown -- -D warnings
cargo clippy --lib --tests --target wasm32-unknown-unknown --features bench -- -D warnings

step "reference IMAP servers for tests/live_servers.rs (Dovecot 2.3, Cyrus 3.6; idempotent)"
if [ "$(id -u)" -eq 0 ]; then sh tests/servers/install.sh; else sudo sh tests/servers/install.sh; fi
# A server that is missing now fails tests/live_servers.rs instead of skipping it.
export IMAP_SANDBOX_LIVE_SERVERS=required

step "native tests"
cargo test
# The benchmarks' own tests (src/bench.rs: the workloads run what they say), behind the `bench`
# feature that the plain run leaves out.
cargo test --lib --features bench bench::

step "browser tests: wasm-pack test in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver wasm-pack test --headless --chrome

if [ -f tests/page/package.json ]; then
  step "page tests: playwright-core driving Debian's Chromium"
  # The page's build (no SORT/THREAD, CATENATE or QUOTA, std rebuilt for size): see
  # scripts/build-page.sh.
  scripts/build-page.sh
  scripts/page-size.sh
  # The package a client-library author builds (default features: `Sandbox.control` and
  # `connectStreams`), for examples/browser-client.mjs, which run.mjs drives.
  wasm-pack build --dev --target web --out-dir pkg-control --no-pack
  REQUIRE_PKG_CONTROL=1 node tests/page/run.mjs
fi
step "all tests passed"
