#!/usr/bin/env bash
# setup.sh — make a fresh Debian machine ready for springloop: npm packages, then
# software WebGPU adapters when no hardware adapter is found:
#   Mesa lavapipe >= 25 (mesa-vulkan-drivers from <suite>-backports) for Node/Dawn,
#   Debian's chromium (SwiftShader + the browser the puppeteer tests drive).
# Idempotent: re-running it installs nothing that is already there.
# `--peers` also sets up the benchmark peers (scripts/setup-peers.sh: PyTorch on OpenBLAS).
set -euo pipefail
peers=no
for arg in "$@"; do
  case "$arg" in
    --peers) peers=yes ;;
    *) printf '[setup] error: unknown option %s (known: --peers)\n' "$arg" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed; install Node.js >= 20 first"
command -v npm >/dev/null || die "npm is not installed"

if [ -d node_modules/webgpu ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "npm packages already installed"
else
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# Does Dawn see a hardware adapter? (prints the adapter's name or nothing)
probe_adapter() {
  node --input-type=module -e '
    import { create, globals } from "webgpu";
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    console.log(adapter ? (adapter.info?.description || adapter.info?.device || adapter.info?.vendor || "unknown") + "|" + (adapter.info?.architecture||"") + "|" + (adapter.info?.vendor||"") : "");
    process.exit(0);
  ' 2>/dev/null || true
}

lavapipe_version() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^[0-9]+://; s/[^0-9.].*$//' || true
}

need_apt=()
found=$(probe_adapter)
case "$found" in
  ""|*llvmpipe*|*lavapipe*|*SwiftShader*|*swiftshader*) hardware=no ;;
  *) hardware=yes ;;
esac

if [ "$hardware" = yes ]; then
  say "hardware adapter found: ${found%%|*} — not installing lavapipe"
else
  ver=$(lavapipe_version)
  major=${ver%%.*}
  if [ -n "$ver" ] && [ "${major:-0}" -ge 25 ]; then
    say "Mesa lavapipe $ver already installed"
  else
    need_apt+=(lavapipe)
  fi
fi
if [ -x /usr/bin/chromium ]; then
  say "chromium already installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
else
  need_apt+=(chromium)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${need_apt[*]} (run as root, or install them yourself: mesa-vulkan-drivers>=25 from bookworm-backports, chromium)"
  command -v apt-get >/dev/null || die "apt-get not found: this script targets Debian; install Mesa lavapipe >= 25 and chromium by hand"
  export DEBIAN_FRONTEND=noninteractive
  if [[ " ${need_apt[*]} " == *" lavapipe "* ]]; then
    # Derive the backports source from the machine's own Debian source (deb822 or one-line).
    codename=$(. /etc/os-release; echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || die "cannot tell the Debian codename from /etc/os-release"
    bp_list=/etc/apt/sources.list.d/springloop-backports.sources
    if ! grep -rqsE "(^|\s)${codename}-backports(\s|$)" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      uri=""
      if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        uri=$(awk -v c="$codename" '/^URIs:/{u=$2} /^Suites:/{ for(i=2;i<=NF;i++) if($i==c){print u; exit} }' /etc/apt/sources.list.d/debian.sources)
      fi
      if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk -v c="$codename" '$1=="deb" { for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){ if($(i+1)==c){print $i; exit} } }' /etc/apt/sources.list)
      fi
      [ -n "$uri" ] || die "no Debian apt source for '$codename' found to derive ${codename}-backports from"
      say "adding ${codename}-backports from $uri"
      printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" "$codename" > "$bp_list"
    fi
    apt-get update -qq
    say "installing mesa-vulkan-drivers from ${codename}-backports"
    apt-get install -y -qq -t "${codename}-backports" mesa-vulkan-drivers >/dev/null
    ver=$(lavapipe_version); major=${ver%%.*}
    [ "${major:-0}" -ge 25 ] || die "installed mesa-vulkan-drivers $ver, but Dawn needs lavapipe >= 25"
    say "installed Mesa lavapipe $ver"
  else
    apt-get update -qq
  fi
  if [[ " ${need_apt[*]} " == *" chromium "* ]]; then
    say "installing chromium (SwiftShader + headless browser for tests)"
    apt-get install -y -qq chromium >/dev/null
    say "installed $(/usr/bin/chromium --version 2>/dev/null | head -1)"
  fi
fi

sw=$(dpkg -L chromium chromium-common 2>/dev/null | grep -m1 'vk_swiftshader_icd.json' || true)
[ -n "$sw" ] && say "SwiftShader ICD: $sw"
found=$(probe_adapter)
[ -n "$found" ] || die "Dawn still finds no WebGPU adapter after set-up"
say "Dawn's default adapter: ${found%%|*}"
[ "$peers" = yes ] && bash scripts/setup-peers.sh
exit 0
