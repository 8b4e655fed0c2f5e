#!/usr/bin/env bash
# The real components the integration tests run against, on our Debian 12 machines:
# three Docker Engines, Podman (scripts/testenv-podman.sh), the Distribution registry, RabbitMQ, Mosquitto and
# Redis, all on loopback, plus the stand-in Connector image on every engine and the product image (Dockerfile,
# built by testenv-image.sh) on the first. Usage: testenv.sh start|stop|status
#
# The engines stand in for the Docker hosts that connectors may name: the first one (DOCKER_HOST)
# on a unix socket, a second one on another unix socket (TEST_DOCKER2_HOST) and a third one on
# tcp://127.0.0.1 with TLS verification of both sides (TEST_DOCKER_TLS_HOST), whose CA, server and
# client certificates this script makes with openssl; the client's are in TEST_DOCKER_TLS_CERT_PATH
# (ca.pem, cert.pem, key.pem, as DOCKER_CERT_PATH wants them). All run with host networking only.
#
# Every process is tracked by a pid file under TESTENV_DIR and stopped by it, never by name.
# `start` is idempotent: what already runs and answers (with a pid file, or listening on its
# port as the expected program) is adopted; missing Debian packages are installed first.
# `start` ends by writing $TESTENV_DIR/env, export lines that the tests load by themselves.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

D=${TESTENV_DIR:-/tmp/connector-ops-testenv}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The stand-in Connector images: one per version (each its own image ID, reporting its version on
# /Monitoring/Version), 7.4.6 the default, and a patch version that never becomes healthy (the
# image an update test must roll back from). All in the registry and on every engine.
STANDIN_REPOSITORY=127.0.0.1:5000/nmshd/connector
STANDIN_VERSIONS=(7.4.5 7.4.6 7.4.7 8.0.0)
STANDIN_IMAGE=$STANDIN_REPOSITORY:7.4.6
STANDIN_BROKEN=$STANDIN_REPOSITORY:7.4.8
STANDIN_IMAGES=("${STANDIN_VERSIONS[@]/#/$STANDIN_REPOSITORY:}" "$STANDIN_BROKEN")
RABBIT_DIR=$D/rabbitmq
# A fixed node name keeps RabbitMQ independent of whether the machine's hostname resolves.
export RABBITMQ_NODENAME=rabbit@localhost
export DOCKER_HOST=unix://$D/docker.sock
# Which engine a docker command talks to is this script's choice alone (see docker_at).
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
# The extra engines: each has its own directory with socket, data root, exec root, pid file, log.
E2=$D/engine2
ETLS=$D/engine-tls
TLS_PORT=${TESTENV_DOCKER_TLS_PORT:-2376}
TLS_CERTS=$ETLS/certs

# service -> "program pidfile logfile port"; program is what its /proc/PID/cmdline must hold.
declare -A SERVICE=(
  [dockerd]="dockerd $D/docker.pid $D/dockerd.log -"
  [dockerd2]="dockerd $E2/docker.pid $E2/dockerd.log -"
  [dockerd_tls]="dockerd $ETLS/docker.pid $ETLS/dockerd.log $TLS_PORT"
  [registry]="docker-registry $D/registry.pid $D/registry.log 5000"
  [rabbitmq]="beam $RABBIT_DIR/rabbitmq.pid $RABBIT_DIR/log/$RABBITMQ_NODENAME.log 5672"
  [mosquitto]="mosquitto $D/mosquitto.pid $D/mosquitto.log 1883"
  [redis]="redis-server $D/redis.pid $D/redis.log 6379"
)
ORDER=(dockerd dockerd2 dockerd_tls registry rabbitmq mosquitto redis)
# engine -> its exec root (runtime state: containerd, runc, shims), emptied when it stops.
declare -A ENGINE_EXEC=([dockerd]=$D/exec [dockerd2]=$E2/exec [dockerd_tls]=$ETLS/exec)
declare -A ENGINE_ROOT=([dockerd]=$D/root [dockerd2]=$E2/root [dockerd_tls]=$ETLS/root)
EXTRA_ENGINES=(dockerd2 dockerd_tls)

field() { local -a f; read -ra f <<<"${SERVICE[$1]}"; echo "${f[$2]}"; }
program_of() { field "$1" 0; }
pidfile_of() { field "$1" 1; }
logfile_of() { field "$1" 2; }
port_of() { field "$1" 3; }

# --- output -------------------------------------------------------------------------------
t0=0
begin() { t0=$EPOCHREALTIME; printf '%s… ' "$1"; }
elapsed() { awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
done_ok() { echo "${1:-ok} ($(elapsed))"; }
die() { echo "FAILED"; echo "testenv: $1" >&2; [[ -z "${2:-}" || ! -f "$2" ]] || { echo "--- last lines of $2:" >&2; tail -n 25 "$2" >&2; }; exit 1; }

# --- processes ----------------------------------------------------------------------------
# The pid in PIDFILE when that process is alive and runs PROGRAM (guards against reused pids).
live_pid() {
  local pidfile=$1 program=$2 pid
  [[ -s "$pidfile" ]] || return 1
  pid=$(tr -dc 0-9 <"$pidfile")
  [[ -n "$pid" && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -q -- "$program" || return 1
  echo "$pid"
}

# The pid of the process listening on 127.0.0.1/any-address PORT, if ss can tell.
listener_pid() {
  command -v ss >/dev/null 2>&1 || return 1
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}

# Alive and not a zombie (an exited daemon whose parent, pid 1 here, has not reaped it yet).
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

gone() { ! alive "$1"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs a foreground server detached from this shell (its own session, so a job-control kill of
# the caller does not take it along) and records its pid: the sh execs the server in place.
launch() {
  local pidfile=$1 log=$2
  shift 2
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 </dev/null &
}

wait_until() { # SECONDS COMMAND [ARGS...]
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

stop_service() {
  local name=$1 pidfile pid note=
  pidfile=$(pidfile_of "$name")
  begin "stopping $name"
  if ! pid=$(live_pid "$pidfile" "$(program_of "$name")"); then
    rm -f "$pidfile"
    [[ -z "${ENGINE_EXEC[$name]:-}" ]] || note=$(clean_exec_root "$name")
    done_ok "not running${note}"
    return
  fi
  # An engine stops its containers first, each with a short grace period: a container left
  # running would keep its containerd shim alive after the engine has gone.
  [[ -z "${ENGINE_EXEC[$name]:-}" ]] || note=$(stop_containers "$name")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 45))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  local how=ok
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    how="killed after 45 s"
  fi
  rm -f "$pidfile"
  [[ -z "${ENGINE_EXEC[$name]:-}" ]] || note+=$(clean_exec_root "$name")
  done_ok "${how}${note}"
}

# --- Docker engines -----------------------------------------------------------------------
# Runs the docker CLI against one of the engines: docker_at [-t SECONDS] ENGINE ARGS...
docker_at() {
  local limit=0 engine
  if [[ $1 == -t ]]; then
    limit=$2
    shift 2
  fi
  engine=$1
  shift
  local -a where
  case $engine in
    dockerd) where=(DOCKER_HOST="unix://$D/docker.sock") ;;
    dockerd2) where=(DOCKER_HOST="unix://$E2/docker.sock") ;;
    dockerd_tls) where=(DOCKER_HOST="tcp://127.0.0.1:$TLS_PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$TLS_CERTS") ;;
    *) echo "docker_at: no engine $engine" >&2; return 2 ;;
  esac
  # timeout 0 is no time limit
  env "${where[@]}" timeout "$limit" docker "$@"
}

engine_answers() { docker_at -t 10 "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Stops (never removes) the engine's running containers; prints a note for done_ok.
stop_containers() {
  local name=$1 ids
  engine_answers "$name" || return 0
  ids=$(docker_at -t 10 "$name" ps -q 2>/dev/null) || return 0
  [[ -n "$ids" ]] || return 0
  # shellcheck disable=SC2086 # one id a word
  docker_at -t 60 "$name" stop -t 5 $ids >/dev/null 2>&1 || true
  printf ', %s container(s) stopped first' "$(wc -w <<<"$ids")"
}

# The command line of a process, arguments separated by single spaces.
cmdline_of() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline"; }

# Pids of the processes whose command line contains TEXT and whose program is one of the
# containerd/runc family or dockerd: how the leftovers of one engine are told from another's.
engine_processes() {
  local text=$1 file pid argv0
  while read -r file; do
    pid=${file#/proc/}
    pid=${pid%/cmdline}
    [[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
    argv0=$(tr '\0' '\n' 2>/dev/null <"$file" | head -n 1) || continue
    case ${argv0##*/} in dockerd | containerd | containerd-shim* | runc) echo "$pid" ;; esac
  done < <(grep -lsF -- "$text" /proc/[0-9]*/cmdline)
}

# After an engine has stopped: ends what it left behind (its containerd, containers, shims),
# unmounts what is mounted under its exec root and removes the exec root. Prints a note.
clean_exec_root() {
  local name=$1 exec=${ENGINE_EXEC[$1]} pid left=0
  [[ -d "$exec" ]] || return 0
  # Still in use by a dockerd that has no (valid) pid file: leave it alone.
  for pid in $(engine_processes "$exec"); do
    if [[ " $(cmdline_of "$pid") " == *" --exec-root $exec "* ]]; then
      printf ', exec root %s kept: dockerd pid %s still uses it' "$exec" "$pid"
      return 0
    fi
  done
  # The containerd that a killed dockerd left running.
  if pid=$(live_pid "$exec/containerd/containerd.pid" "$exec/containerd/containerd.toml"); then
    kill -TERM "$pid" 2>/dev/null || true
    wait_until 10 gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
    left=$((left + 1))
  fi
  # Containers still running without their engine, then their shims.
  local runc_root=$exec/runtime-runc/moby id
  if [[ -d "$runc_root" ]] && command -v runc >/dev/null 2>&1; then
    for id in $(runc --root "$runc_root" list -q 2>/dev/null); do
      runc --root "$runc_root" kill "$id" KILL >/dev/null 2>&1 || true
      runc --root "$runc_root" delete --force "$id" >/dev/null 2>&1 || true
      left=$((left + 1))
    done
  fi
  for pid in $(engine_processes "$exec/containerd/containerd.sock"); do
    [[ $(cmdline_of "$pid") == *containerd-shim* ]] || continue
    kill -KILL "$pid" 2>/dev/null || true
    left=$((left + 1))
  done
  # A dockerd that bind-mounted its data root onto itself undoes that when it shuts down cleanly
  # (and marks it so in its exec root); after a kill the bind mount is still there.
  local root=${ENGINE_ROOT[$name]}
  if [[ -e "$exec/unmount-on-shutdown" ]] && awk -v root="$root" '$5 == root { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    umount "$root" 2>/dev/null || true
  fi
  # Mounts under the exec root (network namespaces, say), deepest first.
  local mount
  while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done < <(awk -v root="$exec" '$5 == root || index($5, root "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  if rm -rf --one-file-system "$exec" 2>/dev/null; then
    ((left == 0)) || printf ', %s leftover process(es) ended' "$left"
    printf ', exec root removed'
  else
    printf ', exec root %s NOT fully removed' "$exec"
  fi
}

# --- readiness checks ---------------------------------------------------------------------
dockerd_ready() { engine_answers dockerd; }
dockerd2_ready() { engine_answers dockerd2; }
dockerd_tls_ready() { engine_answers dockerd_tls; }

registry_ready() {
  local status
  status=$(
    exec 3<>/dev/tcp/127.0.0.1/5000 || exit 1
    printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    timeout 3 head -n 1 <&3
  ) 2>/dev/null || return 1
  [[ "$status" == *" 200 "* ]]
}

rabbitmq_ready() { # the AMQP 0-9-1 protocol header must be answered by a Connection.Start frame
  local answer
  answer=$(
    exec 3<>/dev/tcp/127.0.0.1/5672 || exit 1
    printf 'AMQP\x00\x00\x09\x01' >&3
    timeout 3 head -c 3 <&3 | od -An -tx1 | tr -d ' \n'
  ) 2>/dev/null || return 1
  [[ "$answer" == 010000 ]]
}

mosquitto_ready() { # an MQTT 3.1.1 CONNECT must be answered by CONNACK "accepted"
  local answer
  answer=$(
    exec 3<>/dev/tcp/127.0.0.1/1883 || exit 1
    printf '\x10\x10\x00\x04MQTT\x04\x02\x00\x3c\x00\x04cops' >&3
    timeout 3 head -c 4 <&3 | od -An -tx1 | tr -d ' \n'
  ) 2>/dev/null || return 1
  [[ "$answer" == 20020000 ]]
}

redis_ready() {
  local answer
  answer=$(
    exec 3<>/dev/tcp/127.0.0.1/6379 || exit 1
    printf 'PING\r\n' >&3
    timeout 3 head -n 1 <&3
  ) 2>/dev/null || return 1
  [[ "$answer" == +PONG* ]]
}

# --- starting -----------------------------------------------------------------------------
start_dockerd() {
  setsid dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$D/root" --exec-root "$D/exec" -H "unix://$D/docker.sock" --pidfile "$D/docker.pid" \
    >>"$D/dockerd.log" 2>&1 </dev/null &
}

# An extra engine with the first one's flags in its own directory DIR. Its own trust key gives
# it its own engine ID: Docker 20.10 derives the ID from /etc/docker/key.json otherwise, which
# would make every engine on the machine report the same ID.
start_engine() {
  local dir=$1
  shift
  mkdir -p "$dir"
  printf '{ "deprecated-key-path": "%s" }\n' "$dir/key.json" >"$dir/daemon.json"
  setsid dockerd --config-file "$dir/daemon.json" \
    --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$dir/root" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" "$@" \
    >>"$dir/dockerd.log" 2>&1 </dev/null &
}

start_dockerd2() { start_engine "$E2" -H "unix://$E2/docker.sock"; }

start_dockerd_tls() {
  start_engine "$ETLS" -H "tcp://127.0.0.1:$TLS_PORT" --tlsverify \
    --tlscacert "$ETLS/ca/ca.pem" --tlscert "$ETLS/server/cert.pem" --tlskey "$ETLS/server/key.pem"
}

start_registry() {
  cat >"$D/registry.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $D/registry-data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:5000
  secret: connector-ops-testenv
EOF
  launch "$D/registry.pid" "$D/registry.log" docker-registry serve "$D/registry.yml"
}

start_rabbitmq() {
  mkdir -p "$RABBIT_DIR/log"
  chown -R rabbitmq:rabbitmq "$RABBIT_DIR"
  # The Debian wrapper switches to the rabbitmq user and keeps these variables.
  RABBITMQ_MNESIA_BASE=$RABBIT_DIR/mnesia RABBITMQ_LOG_BASE=$RABBIT_DIR/log \
    RABBITMQ_PID_FILE=$RABBIT_DIR/rabbitmq.pid RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=5672 ERL_EPMD_ADDRESS=127.0.0.1 \
    setsid rabbitmq-server -detached >>"$RABBIT_DIR/log/startup.log" 2>&1 </dev/null
}

start_mosquitto() {
  cat >"$D/mosquitto.conf" <<EOF
listener 1883 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
EOF
  launch "$D/mosquitto.pid" "$D/mosquitto.log" mosquitto -c "$D/mosquitto.conf"
}

start_redis() {
  launch "$D/redis.pid" "$D/redis.log" redis-server --bind 127.0.0.1 --port 6379 \
    --save "" --appendonly no --daemonize no --dir "$D"
}

ensure_service() {
  local name=$1 program pidfile log port pid timeout=30
  program=$(program_of "$name")
  pidfile=$(pidfile_of "$name")
  log=$(logfile_of "$name")
  port=$(port_of "$name")
  [[ $name == rabbitmq ]] && timeout=120
  [[ $name == dockerd* ]] && timeout=60
  begin "starting $name"
  if pid=$(live_pid "$pidfile" "$program"); then
    wait_until "$timeout" "${name}_ready" || die "$name (pid $pid) runs but does not answer" "$log"
    done_ok "already running (pid $pid)"
    return
  fi
  rm -f "$pidfile"
  if [[ $port != - ]] && port_open "$port"; then
    # Started some other way (by hand, say): adopt it when it is the expected program.
    pid=$(listener_pid "$port" || true)
    [[ -n "$pid" ]] || die "port $port is in use, and the program holding it cannot be identified"
    tr '\0' ' ' </proc/"$pid"/cmdline | grep -q -- "$program" ||
      die "port $port is held by pid $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline)), not by $program"
    mkdir -p "$(dirname "$pidfile")"
    echo "$pid" >"$pidfile"
    wait_until "$timeout" "${name}_ready" || die "$name (pid $pid) holds port $port but does not answer" "$log"
    done_ok "adopted (pid $pid)"
    return
  fi
  "start_$name"
  wait_until "$timeout" "${name}_ready" || die "$name did not come up within $timeout s" "$log"
  wait_until 10 live_pid "$pidfile" "$program" || die "$name answers but wrote no pid file $pidfile" "$log"
  done_ok
}

# Debian packages that provide the commands used here; installed only when a command is missing.
install_missing() {
  local -A provider=(
    [dockerd]=docker.io [docker]=docker.io [docker-registry]=docker-registry
    [rabbitmq-server]=rabbitmq-server [mosquitto]=mosquitto [redis-server]=redis-server
    [openssl]=openssl [promtool]=prometheus [podman]=podman [debootstrap]=debootstrap
  )
  local -a wanted=()
  local cmd
  for cmd in "${!provider[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || wanted+=("${provider[$cmd]}")
  done
  # The stand-in image needs a statically linked busybox (the "busybox" package is dynamic).
  if ! command -v busybox >/dev/null 2>&1 || ldd "$(command -v busybox)" >/dev/null 2>&1; then
    wanted+=(busybox-static)
  fi
  ((${#wanted[@]})) || return 0
  mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | sort -u)
  [[ $(id -u) == 0 ]] || die "missing packages (${wanted[*]}); run as root to install them"
  begin "installing ${wanted[*]}"
  # Keep the packages' own services from starting: this script runs its own instances.
  local guard=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$guard"
    chmod 755 "$guard"
  fi
  local log=$D/apt.log status=0
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}"
  } >"$log" 2>&1 || status=$?
  [[ -z "$guard" ]] || rm -f "$guard"
  ((status == 0)) || die "apt-get install ${wanted[*]} failed" "$log"
  done_ok
}

build_standin_image() {
  begin "building stand-in Connector images"
  local log=$D/standin-build.log
  bash "$REPO/test/support/standin-connector/build-image.sh" \
    "${STANDIN_VERSIONS[@]/#/$STANDIN_REPOSITORY:}" --broken "$STANDIN_BROKEN" >"$log" 2>&1 ||
    die "the stand-in Connector images could not be built or pushed" "$log"
  done_ok "ok, $STANDIN_REPOSITORY:{$(IFS=,; echo "${STANDIN_VERSIONS[*]}")}, broken :${STANDIN_BROKEN##*:}"
}

# --- certificates of the TLS engine -------------------------------------------------------
# $ETLS/ca: the CA (key stays here); $ETLS/server: the engine's certificate for IP:127.0.0.1 and
# DNS:localhost; $TLS_CERTS: the client's ca.pem, cert.pem and key.pem (clientAuth), the layout
# of DOCKER_CERT_PATH. Made once, and again when one is missing, invalid or about to expire.
tls_certs_valid() {
  local file
  for file in "$ETLS/ca/ca.pem" "$ETLS/ca/key.pem" "$ETLS/server/cert.pem" "$ETLS/server/key.pem" \
    "$TLS_CERTS/ca.pem" "$TLS_CERTS/cert.pem" "$TLS_CERTS/key.pem"; do
    [[ -s "$file" ]] || return 1
  done
  cmp -s "$ETLS/ca/ca.pem" "$TLS_CERTS/ca.pem" || return 1
  openssl verify -CAfile "$ETLS/ca/ca.pem" -purpose sslserver "$ETLS/server/cert.pem" >/dev/null 2>&1 || return 1
  openssl verify -CAfile "$ETLS/ca/ca.pem" -purpose sslclient "$TLS_CERTS/cert.pem" >/dev/null 2>&1 || return 1
  local pair
  for pair in "$ETLS/ca/ca.pem:$ETLS/ca/key.pem" "$ETLS/server/cert.pem:$ETLS/server/key.pem" \
    "$TLS_CERTS/cert.pem:$TLS_CERTS/key.pem"; do
    openssl x509 -checkend 86400 -noout -in "${pair%%:*}" >/dev/null 2>&1 || return 1
    [[ "$(openssl x509 -pubkey -noout -in "${pair%%:*}" 2>/dev/null)" == \
      "$(openssl pkey -pubout -in "${pair#*:}" 2>/dev/null)" ]] || return 1
  done
}

make_tls_certs() {
  local work=$1
  cat >"$work/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = connector-ops testenv
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  local -a newkey=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 -new -config "$work/openssl.cnf" -extensions v3_ca "${newkey[@]}" -days 3650 \
    -subj "/CN=connector-ops testenv Docker CA" -keyout "$work/ca-key.pem" -out "$work/ca.pem"
  local who
  for who in server client; do
    openssl req -new -config "$work/openssl.cnf" "${newkey[@]}" \
      -subj "/CN=$([[ $who == server ]] && echo localhost || echo connector-ops-testenv-client)" \
      -keyout "$work/$who-key.pem" -out "$work/$who.csr"
    openssl x509 -req -in "$work/$who.csr" -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" \
      -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
      -extfile "$work/openssl.cnf" -extensions "v3_$who" -out "$work/$who-cert.pem"
  done
  rm -rf "$ETLS/ca" "$ETLS/server" "$TLS_CERTS"
  mkdir -p "$ETLS/ca" "$ETLS/server" "$TLS_CERTS"
  install -m 0644 "$work/ca.pem" "$ETLS/ca/ca.pem"
  install -m 0600 "$work/ca-key.pem" "$ETLS/ca/key.pem"
  install -m 0644 "$work/server-cert.pem" "$ETLS/server/cert.pem"
  install -m 0600 "$work/server-key.pem" "$ETLS/server/key.pem"
  install -m 0644 "$work/ca.pem" "$TLS_CERTS/ca.pem"
  install -m 0644 "$work/client-cert.pem" "$TLS_CERTS/cert.pem"
  install -m 0600 "$work/client-key.pem" "$TLS_CERTS/key.pem"
}

ensure_tls_certs() {
  begin "TLS certificates for dockerd_tls"
  if tls_certs_valid; then
    done_ok "present, $TLS_CERTS"
    return
  fi
  # An engine that runs with the old certificates would refuse the new client certificate.
  if live_pid "$(pidfile_of dockerd_tls)" dockerd >/dev/null; then
    echo "renewing; the engine restarts"
    stop_service dockerd_tls
    begin "TLS certificates for dockerd_tls"
  fi
  local work log=$ETLS/certs.log status=0
  mkdir -p "$ETLS"
  work=$(mktemp -d)
  (umask 077 && make_tls_certs "$work") >"$log" 2>&1 || status=$?
  rm -rf "$work"
  if ((status != 0)) || ! tls_certs_valid; then die "the TLS certificates could not be made" "$log"; fi
  done_ok "made, $TLS_CERTS"
}

# --- the stand-in images on the extra engines ---------------------------------------------
# Whether ENGINE holds REF as the image with ID: holds_image ENGINE REF ID
holds_image() { [[ "$(docker_at "$1" image inspect --format '{{.Id}}' "$2" 2>/dev/null)" == "$3" ]]; }

# Pulled from the local registry, where build_standin_image has just pushed them: the same images
# (same IDs) as on the first engine, with the RepoDigests a host that pulled them has. Loaded from
# the first engine instead when a registry tag has meanwhile moved on. Nothing is pushed.
standin_on_extra_engines() {
  local name ref log=$D/standin-engines.log
  local -A id=()
  for ref in "${STANDIN_IMAGES[@]}"; do
    id[$ref]=$(docker_at dockerd image inspect --format '{{.Id}}' "$ref" 2>/dev/null) ||
      die "the stand-in image $ref is missing on the first engine"
  done
  : >"$log"
  for name in "${EXTRA_ENGINES[@]}"; do
    begin "stand-in Connector images on $name"
    local -a missing=() unpulled=()
    for ref in "${STANDIN_IMAGES[@]}"; do holds_image "$name" "$ref" "${id[$ref]}" || missing+=("$ref"); done
    if ((${#missing[@]} == 0)); then
      done_ok "present"
      continue
    fi
    for ref in "${missing[@]}"; do
      if ! docker_at "$name" pull --quiet "$ref" >>"$log" 2>&1 || ! holds_image "$name" "$ref" "${id[$ref]}"; then
        unpulled+=("$ref")
      fi
    done
    if ((${#unpulled[@]} > 0)); then
      docker_at dockerd save "${unpulled[@]}" 2>>"$log" | docker_at "$name" load --quiet >>"$log" 2>&1 ||
        die "the stand-in images could not be loaded into $name" "$log"
      for ref in "${unpulled[@]}"; do
        holds_image "$name" "$ref" "${id[$ref]}" || die "$name holds another image as $ref after loading it" "$log"
      done
    fi
    done_ok "$((${#missing[@]} - ${#unpulled[@]})) pulled from the registry, ${#unpulled[@]} loaded from the first engine"
  done
}

# The product image (Dockerfile) on the first engine, on the base image scripts/testenv-image.sh makes; cached.
PRODUCT_IMAGE=connector-ops:testenv
build_product_image() {
  begin "building the product image $PRODUCT_IMAGE"
  local log=$D/product-image.log
  DOCKER_HOST=unix://$D/docker.sock bash "$REPO/scripts/testenv-image.sh" "$PRODUCT_IMAGE" >"$log" 2>&1 ||
    die "the product image could not be built" "$log"
  done_ok
}

write_env() {
  cat >"$D/env.tmp" <<EOF
export DOCKER_HOST=unix://$D/docker.sock
export TEST_DOCKER2_HOST=unix://$E2/docker.sock
export TEST_DOCKER_TLS_HOST=tcp://127.0.0.1:$TLS_PORT
export TEST_DOCKER_TLS_CERT_PATH=$TLS_CERTS
export TEST_REGISTRY=127.0.0.1:5000
export TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:5672
export TEST_MQTT_URL=mqtt://127.0.0.1:1883
export TEST_REDIS_URL=redis://127.0.0.1:6379
export TEST_STANDIN_IMAGE=$STANDIN_IMAGE
export TEST_STANDIN_VERSIONS="${STANDIN_VERSIONS[*]}"
export TEST_STANDIN_BROKEN=$STANDIN_BROKEN
export TEST_PRODUCT_IMAGE=$PRODUCT_IMAGE
EOF
  mv "$D/env.tmp" "$D/env"
}

cmd_start() {
  [[ $(id -u) == 0 ]] || { echo "testenv: start needs root (dockerd, apt-get)" >&2; exit 1; }
  mkdir -p "$D"
  install_missing
  ensure_tls_certs
  local name
  for name in "${ORDER[@]}"; do ensure_service "$name"; done
  build_standin_image
  standin_on_extra_engines
  build_product_image
  write_env
  bash "$REPO/scripts/testenv-podman.sh" start "${STANDIN_IMAGES[@]}"
  echo "test environment ready; settings in $D/env"
}

cmd_stop() {
  local name
  bash "$REPO/scripts/testenv-podman.sh" stop
  for name in "${ORDER[@]}"; do stop_service "$name"; done
  rm -f "$D/env"
}

cmd_status() {
  local name pid all=0 state
  for name in "${ORDER[@]}"; do
    if pid=$(live_pid "$(pidfile_of "$name")" "$(program_of "$name")"); then
      if "${name}_ready"; then state="running (pid $pid), answering"; else state="running (pid $pid), NOT answering"; all=1; fi
    else
      state="not running"
      all=1
    fi
    case $name in
      dockerd) state+=" at unix://$D/docker.sock" ;;
      dockerd2) state+=" at unix://$E2/docker.sock" ;;
      dockerd_tls) state+=" at tcp://127.0.0.1:$TLS_PORT (TLS, client certificates in $TLS_CERTS)" ;;
    esac
    printf '%-12s %s\n' "$name" "$state"
  done
  local -a absent
  local ref
  for name in dockerd "${EXTRA_ENGINES[@]}"; do
    absent=()
    if engine_answers "$name"; then
      for ref in "${STANDIN_IMAGES[@]}"; do
        docker_at "$name" image inspect "$ref" >/dev/null 2>&1 || absent+=("${ref##*:}")
      done
    else
      absent=("${STANDIN_IMAGES[@]##*:}")
    fi
    if ((${#absent[@]} == 0)); then
      printf '%-12s %s\n' image "$STANDIN_REPOSITORY:{$(IFS=,; echo "${STANDIN_IMAGES[*]##*:}")} present on $name"
    else
      printf '%-12s %s\n' image "$STANDIN_REPOSITORY: ${absent[*]} missing on $name"
      all=1
    fi
  done
  bash "$REPO/scripts/testenv-podman.sh" status || all=1
  [[ -f "$D/env" ]] && printf '%-12s %s\n' env "$D/env" || printf '%-12s %s\n' env "not written"
  return $all
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status   (TESTENV_DIR=${D})" >&2; exit 2 ;;
esac
