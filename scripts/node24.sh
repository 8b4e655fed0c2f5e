#!/usr/bin/env bash
# Prints the bin directory of a Node.js 24 (or newer) installation.
# Our machines ship an older Node; Node 24 then comes from the npm registry, where the
# node-linux-<arch> package holds the official binary. It is cached, so a second run
# skips the download. Usage: export PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail
# shellcheck source=scripts/node-package.sh
. "$(dirname "${BASH_SOURCE[0]}")/node-package.sh"

if command -v node >/dev/null 2>&1 && (( $(node_major_of node) >= 24 )); then
  dirname "$(command -v node)"
  exit 0
fi
dirname "$(node_package 24 node24.sh)"
