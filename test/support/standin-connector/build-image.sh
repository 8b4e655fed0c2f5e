#!/usr/bin/env bash
# Builds the stand-in enmeshed Connector images (test fixtures) from the static busybox binary
# and this folder's scripts, imports them into the Docker engine at DOCKER_HOST and pushes them to
# the local registry. Discovery finds Connectors by an image repository ending in
# "nmshd/connector", hence the name. Nothing is pulled: no public registry is reachable.
#
# Every REF is its own image (its own image ID) on one shared root filesystem layer: the image's
# config differs. Its tag is the version it stands for, STANDIN_IMAGE_VERSION in its environment,
# which /Monitoring/Version reports unless the state dir holds a "version" file. A REF after
# --broken also gets STANDIN_FORCE_HEALTH=unhealthy:database: /health answers 500 whatever the
# state dir says (the image an update must roll back from; see http-handler.sh).
# An import is skipped when the image already holds exactly these inputs (a label holds their
# hash), so a second run only confirms what the registry holds.
# Usage: build-image.sh [[--broken] IMAGE_REF]...   (default 127.0.0.1:5000/nmshd/connector:7.4.6)
# Prints each IMAGE_REF, one a line.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
busybox=$(command -v busybox || true)
[[ -n "$busybox" ]] || { echo "build-image.sh: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
# A dynamically linked busybox would not run in an image that holds nothing else.
if ldd "$busybox" >/dev/null 2>&1; then
  echo "build-image.sh: $busybox is dynamically linked; install busybox-static" >&2
  exit 1
fi

refs=() broken=()
next_broken=0
for arg in "$@"; do
  case $arg in
    --broken) next_broken=1 ;;
    -*) echo "build-image.sh: unknown option $arg" >&2; exit 2 ;;
    *)
      refs+=("$arg")
      broken+=("$next_broken")
      next_broken=0
      ;;
  esac
done
((next_broken == 0)) || { echo "build-image.sh: --broken needs an IMAGE_REF after it" >&2; exit 2; }
if ((${#refs[@]} == 0)); then
  refs=(127.0.0.1:5000/nmshd/connector:7.4.6)
  broken=(0)
fi

scripts=(entrypoint.sh http-handler.sh connector-log.sh)
inputs=$(cat "$busybox" "${scripts[@]/#/$here/}" "$here/build-image.sh" | sha256sum | cut -c1-32)
label=connector-ops.standin.hash

work=
trap '[[ -z "$work" ]] || rm -rf "$work"' EXIT

# The root filesystem as a tar, made once per run and only when an image needs importing. The
# tar is reproducible (sorted, fixed times and owners): the same inputs give the same layer.
rootfs_tar() {
  [[ -z "$work" ]] || return 0
  work=$(mktemp -d)
  local rootfs=$work/rootfs applet script
  mkdir -p "$rootfs"/{bin,opt/standin,state,tmp,etc}
  chmod 1777 "$rootfs/tmp"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  for script in "${scripts[@]}"; do install -m 0755 "$here/$script" "$rootfs/opt/standin/$script"; done
  tar -C "$rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/rootfs.tar" .
}

for i in "${!refs[@]}"; do
  ref=${refs[$i]}
  version=${ref##*:}
  [[ "$ref" == *:* && "$version" != */* && -n "$version" ]] ||
    { echo "build-image.sh: $ref has no tag (the tag is the version the image stands for)" >&2; exit 2; }
  env_line="ENV PORT=80 PATH=/bin STANDIN_IMAGE_VERSION=$version"
  ((broken[i] == 0)) || env_line+=" STANDIN_FORCE_HEALTH=unhealthy:database"
  hash=$(printf '%s\n%s\n' "$inputs" "$env_line" | sha256sum | cut -c1-32)
  current=$(docker image inspect --format "{{index .Config.Labels \"$label\"}}" "$ref" 2>/dev/null || true)
  if [[ "$current" != "$hash" ]]; then
    rootfs_tar
    docker import \
      --change 'ENTRYPOINT ["/opt/standin/entrypoint.sh"]' \
      --change "$env_line" \
      --change "LABEL $label=$hash" \
      "$work/rootfs.tar" "$ref" >/dev/null
  fi
  # Pushing an image the registry already holds only confirms its layers.
  if [[ "${STANDIN_PUSH:-1}" == 1 ]]; then
    docker push --quiet "$ref" >/dev/null
  fi
  echo "$ref"
done
