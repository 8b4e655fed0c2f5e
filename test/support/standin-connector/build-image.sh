#!/usr/bin/env bash
# Builds the stand-in enmeshed Connector image (a test fixture) from the static busybox binary
# and this folder's scripts, imports it into the Docker engine at DOCKER_HOST and pushes it to
# the local registry. Discovery finds Connectors by an image repository ending in
# "nmshd/connector", hence the name. Nothing is pulled: no public registry is reachable.
# The import is skipped when the image already holds exactly these inputs.
# Usage: build-image.sh [IMAGE_REF]   (default 127.0.0.1:5000/nmshd/connector:7.4.6)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ref=${1:-127.0.0.1:5000/nmshd/connector:7.4.6}
busybox=$(command -v busybox || true)
[[ -n "$busybox" ]] || { echo "build-image.sh: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
# A dynamically linked busybox would not run in an image that holds nothing else.
if ldd "$busybox" >/dev/null 2>&1; then
  echo "build-image.sh: $busybox is dynamically linked; install busybox-static" >&2
  exit 1
fi

scripts=(entrypoint.sh http-handler.sh connector-log.sh)
hash=$(cat "$busybox" "${scripts[@]/#/$here/}" "$here/build-image.sh" | sha256sum | cut -c1-32)
label=connector-ops.standin.hash

current=$(docker image inspect --format "{{index .Config.Labels \"$label\"}}" "$ref" 2>/dev/null || true)
if [[ "$current" != "$hash" ]]; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,opt/standin,state,tmp,etc}
  chmod 1777 "$rootfs/tmp"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  for script in "${scripts[@]}"; do install -m 0755 "$here/$script" "$rootfs/opt/standin/$script"; done
  tar -C "$rootfs" --owner=0 --group=0 --numeric-owner -c . |
    docker import \
      --change 'ENTRYPOINT ["/opt/standin/entrypoint.sh"]' \
      --change 'ENV PORT=80 PATH=/bin' \
      --change "LABEL $label=$hash" \
      - "$ref" >/dev/null
fi

# Pushing an image the registry already holds only confirms its layers.
if [[ "${STANDIN_PUSH:-1}" == 1 ]]; then
  docker push --quiet "$ref" >/dev/null
fi
echo "$ref"
