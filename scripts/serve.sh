#!/usr/bin/env bash
# Builds the wasm package and serves the sandbox page on http://127.0.0.1:8080 (PORT overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The page's build (no SORT/THREAD, std rebuilt for size): see scripts/build-page.sh.
scripts/build-page.sh
exec python3 scripts/serve.py "${PORT:-8080}"
