#!/usr/bin/env bash
# The product image on the test engine, for the integration test that runs it (test/integration/image.test.ts).
# No base image can be pulled on our machines, so the one the Dockerfile names (node:24-slim) is made
# here: a minimal Debian root file system (debootstrap --variant=minbase from Debian's mirror), Node 24
# and npm from the npm registry (the build stage runs npm ci), a node user (uid 1000, as in the official
# image) and the host's CA bundle in NODE_EXTRA_CA_CERTS, because outbound TLS from these machines is
# re-signed. That bundle belongs to this stand-in base only, never to the product Dockerfile.
#
# Usage: testenv-image.sh PRODUCT_TAG   (DOCKER_HOST names the engine; prints the image ID when done)
# Cached: the root file system as a tarball under $CONNECTOR_OPS_CACHE, the base image on the engine
# (labelled with what it was made of), and the product build by the classic builder's layer cache.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/node-package.sh
. "$REPO/scripts/node-package.sh"
PRODUCT=${1:?usage: testenv-image.sh PRODUCT_TAG}
CACHE=${CONNECTOR_OPS_CACHE:-$HOME/.cache/connector-ops}
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
ROOTFS=$CACHE/debian-$SUITE-minbase.tar
BASE=$(sed -n 's/^FROM \([^ ]*\) AS build$/\1/p' "$REPO/Dockerfile")
NPM_MAJOR=11
HOST_CA=/etc/ssl/certs/ca-certificates.crt
# What the official Debian-based images set; an imported file system has no environment at all.
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL=org.connector-ops.testenv-base

say() { echo "testenv-image: $*" >&2; }
fail() { say "$1"; [[ -z "${2:-}" || ! -f "$2" ]] || tail -n 25 "$2" >&2; exit 1; }

[[ -n "$BASE" ]] || fail "the Dockerfile names no build stage base image (FROM … AS build)"
[[ -s "$HOST_CA" ]] || fail "no CA bundle at $HOST_CA"

# Debian's minimal root file system, without documentation, manuals and apt's package lists (as the
# slim images do), as a tarball: made once, in a few minutes.
rootfs_tarball() {
  [[ -s "$ROOTFS" ]] && return 0
  command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is missing (Debian package debootstrap; scripts/testenv.sh start installs it)"
  local dir log=$CACHE/debootstrap.log
  mkdir -p "$CACHE"
  dir=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  # mktemp's 0700 would become the mode of the image's / and lock out every user but root.
  chmod 755 "$dir"
  say "debootstrap --variant=minbase $SUITE from $MIRROR (log: $log)"
  if ! debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR" >"$log" 2>&1; then
    rm -rf "$dir"
    fail "debootstrap failed" "$log"
  fi
  rm -rf "$dir"/usr/share/{doc,man,info,locale}/* "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar --numeric-owner -C "$dir" -cf "$ROOTFS.tmp" .
  rm -rf "$dir"
  mv "$ROOTFS.tmp" "$ROOTFS"
}

# npm from the npm registry (its tarball bundles its dependencies), cached next to Node.
npm_package() {
  local dir=$CACHE/npm$NPM_MAJOR tarball
  if [[ ! -f "$dir/package/bin/npm-cli.js" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    tarball=$(cd "$dir" && npm pack "npm@$NPM_MAJOR" --silent 2>"$dir/npm-pack.log" | tail -n 1) || true
    [[ -n "$tarball" && -f "$dir/$tarball" ]] || fail "npm pack npm@$NPM_MAJOR failed" "$dir/npm-pack.log"
    tar -xzf "$dir/$tarball" -C "$dir"
    rm -f "$dir/$tarball"
  fi
  echo "$dir/package"
}

base_image() {
  rootfs_tarball
  local node npm key context
  node=$(node_package 24 testenv-image.sh) || exit 1
  npm=$(npm_package)
  # Each instruction costs a copy of the whole file system on the engine's vfs storage: as few as can be.
  local recipe
  recipe="FROM connector-ops-testenv/debian:$SUITE
COPY local /usr/local/
RUN echo 'node:x:1000:1000::/home/node:/bin/bash' >>/etc/passwd \\
 && echo 'node:x:1000:' >>/etc/group \\
 && echo 'node:*:20000:0:99999:7:::' >>/etc/shadow \\
 && mkdir -p /home/node && chown 1000:1000 /home/node \\
 && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/testenv-host-ca.pem"
  # What the base is made of, this recipe included: rebuilt when any of it changes.
  key="rootfs $(stat -c %s-%Y "$ROOTFS") node $("$node" --version) npm $("$node" "$npm/bin/npm-cli.js" --version)"
  key+=" ca $(sha256sum "$HOST_CA" | cut -c1-12) recipe $(sha256sum <<<"$IMAGE_PATH $recipe" | cut -c1-12)"
  if [[ "$(docker image inspect --format "{{index .Config.Labels \"$LABEL\"}}" "$BASE" 2>/dev/null)" == "$key" ]]; then
    return 0
  fi
  say "making $BASE ($key)"
  docker import --change "ENV PATH=$IMAGE_PATH" --change 'CMD ["node"]' "$ROOTFS" "connector-ops-testenv/debian:$SUITE" >/dev/null
  context=$(mktemp -d)
  mkdir -p "$context/local/bin" "$context/local/lib/node_modules" "$context/local/share"
  cp "$node" "$context/local/bin/node"
  cp -a "$npm" "$context/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$context/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$context/local/bin/npx"
  cp "$HOST_CA" "$context/local/share/testenv-host-ca.pem"
  printf '%s\nLABEL %s="%s"\n' "$recipe" "$LABEL" "$key" >"$context/Dockerfile"
  local log status=0
  log=$(mktemp)
  DOCKER_BUILDKIT=0 docker build --network host -t "$BASE" "$context" >"$log" 2>&1 || status=$?
  rm -rf "$context"
  ((status == 0)) || fail "building $BASE failed" "$log"
  rm -f "$log"
}

base_image
log=$(mktemp)
DOCKER_BUILDKIT=0 docker build --network host -t "$PRODUCT" "$REPO" >"$log" 2>&1 || fail "building $PRODUCT failed" "$log"
rm -f "$log"
docker image inspect --format '{{.Id}}' "$PRODUCT"
