#!/usr/bin/env bash
# Installs what building and testing imap-sandbox needs, skipping whatever is already there.
# Safe to run any number of times. Facts behind each step: ../shared/TOOLCHAIN.md.
#   scripts/setup.sh          wasm toolchain only (enough to build and serve the page)
#   scripts/setup.sh --test   also the headless browser and the page-test packages
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# Debian packages: chromium + chromium-driver run the browser tests. (Debian's binaryen is not
# installed: its wasm-opt 108 breaks wasm-bindgen's externref table, so Cargo.toml turns
# wasm-opt off and wasm-pack never looks for it.)
apt_pkgs=()
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
  [ -x /usr/bin/chromedriver ] || apt_pkgs+=(chromium-driver)
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The page's build rebuilds the standard library for size (scripts/build-page.sh): its sources.
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (a few minutes, once)"
  cargo install wasm-pack --locked
fi

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
[ -f Cargo.lock ] || cargo generate-lockfile
wbv=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qF " $wbv"; then
  say "installing wasm-bindgen-cli $wbv (a few minutes, once)"
  # --locked fails for this crate: a locked dependency is missing from the registry (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "=$wbv" --force
fi

# esbuild minifies the page's scripts and styles into dist/, and binaryen's wasm-opt (a current
# one, run under node; Debian's is too old, see Cargo.toml) shrinks the page's wasm
# (scripts/build-page.sh); both pinned in tools/package-lock.json.
if [ ! -x tools/node_modules/.bin/esbuild ] || [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  say "installing esbuild and binaryen for the page's build (tools/)"
  (cd tools && npm ci --no-audit --no-fund --silent)
fi

if [ "$want_test" = 1 ] && [ -f tests/page/package.json ] && [ ! -d tests/page/node_modules/playwright-core ]; then
  say "installing playwright-core for the page tests (drives Debian's chromium; no browser download)"
  (cd tests/page && npm install --no-audit --no-fund --silent)
fi
say "toolchain ready"
