#!/usr/bin/env bash
# The page's size budget, measured two ways, each of which must stay within 250,000 bytes:
# - per file: everything in dist/ (www/ as served, scripts/build-page.sh) plus pkg/*.js and
#   pkg/*.wasm, each gzip -9 (as a server would send them), summed as scripts/bench.sh section
#   "sizes" sums them;
# - as one stream: everything in dist/ and pkg/ (the TypeScript declarations, pkg/*.d.ts,
#   included) in one tar at gzip's default level: `tar czf - dist pkg | wc -c`, as is (the
#   files in the order the file system lists them; in name order it came out 280 bytes smaller
#   on 2026-12-02, so this is the figure a reader gets who runs the command).
# Run after the page's wasm-pack build (scripts/test.sh does). BUDGET overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${BUDGET:-250000}
total=0
files=$(find pkg -type f \( -name '*.js' -o -name '*.wasm' \); find dist -type f)
for f in $files; do
  total=$((total + $(gzip -9c "$f" | wc -c)))
done
wasm=$(gzip -9c pkg/imap_sandbox_bg.wasm | wc -c)
stream=$(tar czf - dist pkg | wc -c)
over=0
if [ "$total" -gt "$budget" ]; then
  echo "page size: $total bytes gzipped (wasm $wasm), over the budget of $budget" >&2
  over=1
else
  echo "page size: $total bytes gzipped (wasm $wasm), within the budget of $budget" >&2
fi
if [ "$stream" -gt "$budget" ]; then
  echo "page size: $stream bytes as one gzip stream (dist/ and pkg/ in one tar), over the budget of $budget" >&2
  over=1
else
  echo "page size: $stream bytes as one gzip stream (dist/ and pkg/ in one tar), within the budget of $budget" >&2
fi
exit "$over"
