#!/usr/bin/env bash
# Builds the wasm package and serves the sandbox page on http://127.0.0.1:8080 (PORT overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The page leaves SORT/THREAD out (feature `sort-thread`, Cargo.toml) for its size budget.
wasm-pack build --profile wasm --target web --out-dir pkg --no-pack -- --no-default-features
exec python3 scripts/serve.py "${PORT:-8080}"
