#!/usr/bin/env bash
# bench-all.sh — the benchmark record, for a quiet machine (software adapters run on the CPU, so
# anything else running changes every number; each JSON records the load at its start and end):
#   bench/lavapipe.json     Node on lavapipe, every suite and every peer (TF.js and jax-js on
#                           WebGPU and wasm, PyTorch on OpenBLAS with its threading search)
#   bench/swiftshader.json  Node on SwiftShader, quick sizes (no peers)
#   bench/chromium.json     the bench page in headless Chromium (SwiftShader) with TF.js-WebGPU
#                           and jax-js-WebGPU in the same browser, quick sizes
# then bench/RESULTS.md from those three files only (ratios within each run).
# usage: bash scripts/bench-all.sh            (about 30–40 minutes on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[bench-all] %s\n' "$*" >&2; }

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
awk -v l="$load" 'BEGIN { exit !(l > 0.5) }' && say "warning: 1-min load average is $load; the numbers will be slower than on a quiet machine"

bash scripts/setup-peers.sh
npm run build --silent
say "lavapipe, with every peer"
node bin/springloop.js bench --peers --adapter lavapipe --json bench/lavapipe.json
say "SwiftShader (quick)"
node bin/springloop.js bench --adapter swiftshader --quick --json bench/swiftshader.json
say "bench page in Chromium with its peers (quick)"
node dist/node/scripts/bench-page.js --preset quick --json bench/chromium.json
node dist/node/scripts/results-md.js bench/lavapipe.json bench/swiftshader.json bench/chromium.json
