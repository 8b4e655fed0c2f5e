#!/usr/bin/env bash
# Prints the path of a Node.js older than the bot supports (14 to 21), for the test of the version guard
# (src/bin.ts must refuse it in one line). The machine's own Node when it is that old (our machines ship
# Node 20), else Node 20 from the npm registry, cached as for scripts/node24.sh.
# Usage: export TEST_OLD_NODE="$(bash scripts/old-node.sh)"
set -euo pipefail
# shellcheck source=scripts/node-package.sh
. "$(dirname "${BASH_SOURCE[0]}")/node-package.sh"

for candidate in $(type -ap node) /usr/bin/node /usr/local/bin/node; do
  [[ -x "$candidate" ]] || continue
  major=$(node_major_of "$candidate")
  if (( major >= 14 && major < 22 )); then
    echo "$candidate"
    exit 0
  fi
done
node_package 20 old-node.sh
