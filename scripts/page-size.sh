#!/usr/bin/env bash
# The page's size budget: everything in dist/ (www/ as served, scripts/build-page.sh) plus
# pkg/*.js and pkg/*.wasm, each gzip -9 (as a
# server would send them), summed as scripts/bench.sh section "sizes" sums them, must stay within
# 250,000 bytes. Run after the page's wasm-pack build (scripts/test.sh does). BUDGET overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${BUDGET:-250000}
total=0
files=$(find pkg -type f \( -name '*.js' -o -name '*.wasm' \); find dist -type f)
for f in $files; do
  total=$((total + $(gzip -9c "$f" | wc -c)))
done
wasm=$(gzip -9c pkg/imap_sandbox_bg.wasm | wc -c)
if [ "$total" -gt "$budget" ]; then
  echo "page size: $total bytes gzipped (wasm $wasm), over the budget of $budget" >&2
  exit 1
fi
echo "page size: $total bytes gzipped (wasm $wasm), within the budget of $budget" >&2
