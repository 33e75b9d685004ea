#!/usr/bin/env bash
# device-bench.sh — the benchmark suite on a GPU host that has neither Node nor node_modules
# (e.g. a data-centre card reached through a remote runner). Prepare here, first:
#   npm run build && bash ../shared/device/pack.sh dist      # Node + dawn.node + dist → .devpack/
#   (and the Vulkan loader as .gl/*.deb if the host lacks libvulkan1; for `--peers` on the GPU,
#   pack the JavaScript peers too: ... pack.sh dist node_modules/@jax-js node_modules/@tensorflow)
# then, on the host, from the repository root:
#   source .devpack/unpack.sh; bash scripts/device-bench.sh [OUTDIR [BENCH FLAGS...]]
# It checks the adapter, runs `springloop bench` (every kernel validated against its float64
# reference before it is timed; the default set includes the streaming rows stream/lstm/seed@1
# and @60) and writes OUTDIR/device.json (with the CPU, the load averages at start and end and
# the peers' settings) + OUTDIR/bench.log; render them into bench/RESULTS.md here with
# `node dist/node/scripts/results-md.js OUTDIR/device.json`.
set -euo pipefail
out=${1:-${OUT:-.}}
shift || true   # the rest goes to `springloop bench` (e.g. --quick --only runtime,rk4 for a dry run)
mkdir -p "$out" node_modules
# ESM ignores NODE_PATH: link the packed dawn.node where `import('webgpu')` looks.
[ -e node_modules/webgpu ] || ln -s "$PWD/.devpack/node_modules/webgpu" node_modules/webgpu
for scope in @jax-js @tensorflow; do   # packed JavaScript peers, if any (--peers skips the rest)
  [ -d ".devpack/$scope" ] && [ ! -e "node_modules/$scope" ] && ln -s "$PWD/.devpack/$scope" "node_modules/$scope"
done
[ -d dist ] || cp -r .devpack/dist dist
node bin/springloop.js info 2>&1 | head -3 | tee "$out/info.txt"
node bin/springloop.js bench --json "$out/device.json" "$@" 2>&1 | tee "$out/bench.log"
