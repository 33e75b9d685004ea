#!/usr/bin/env bash
# setup-peers.sh — the benchmark peers as their users run them (`springloop bench --peers`):
#   PyTorch from Debian (python3-torch) on OpenBLAS (libopenblas0-pthread; without it Debian's
#   libblas.so.3 is Netlib's reference BLAS, 3–4× slower, which the torch peer refuses), and the
#   npm peers (TF.js, jax-js: devDependencies, installed by scripts/setup.sh / npm ci).
# Idempotent: installs only what is missing (needs root for apt-get), then checks that torch
# imports and which BLAS it loads.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup-peers] %s\n' "$*"; }
die() { printf '[setup-peers] error: %s\n' "$*" >&2; exit 1; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for pkg in python3-torch libopenblas0-pthread; do
  if installed "$pkg"; then say "$pkg already installed ($(dpkg-query -W -f='${Version}' "$pkg"))"; else missing+=("$pkg"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}"
  command -v apt-get >/dev/null || die "apt-get not found: install PyTorch and OpenBLAS by hand (or set SPRINGLOOP_PYTHON to a Python with torch)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  say "installing ${missing[*]}"
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# libblas.so.3 is an alternative: OpenBLAS's priority wins in auto mode, but a manual choice stays.
triple=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
alt="libblas.so.3-$triple"
current=$(update-alternatives --query "$alt" 2>/dev/null | awk '/^Value:/{print $2}')
case "$current" in
  *openblas*|*blis*|*mkl*) say "libblas.so.3 → $current" ;;
  "") say "no libblas.so.3 alternative registered (torch may carry its own BLAS)" ;;
  *)
    [ "$(id -u)" -eq 0 ] || die "libblas.so.3 points at $current (reference BLAS); as root: update-alternatives --auto $alt"
    say "libblas.so.3 pointed at $current; switching $alt back to auto (OpenBLAS)"
    update-alternatives --auto "$alt" >/dev/null
    ;;
esac

python=${SPRINGLOOP_PYTHON:-/usr/bin/python3}
probe=$("$python" bench/peers/torch_step.py --probe) || die "$python cannot run bench/peers/torch_step.py (does it import torch?)"
say "torch probe: $probe"
case "$probe" in
  *openblas*|*mkl*|*blis*) say "ready: torch uses an optimised BLAS" ;;
  *) die "torch did not load an optimised BLAS; see the probe above" ;;
esac
