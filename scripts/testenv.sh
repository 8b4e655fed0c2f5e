#!/usr/bin/env bash
# The real components the integration tests run against, on our Debian 12 machines:
# Docker Engine, the Distribution registry, RabbitMQ, Mosquitto and Redis, all on loopback,
# plus the stand-in Connector image. Usage: testenv.sh start|stop|status
#
# Every process is tracked by a pid file under TESTENV_DIR and stopped by it, never by name.
# `start` is idempotent: what already runs and answers (with a pid file, or listening on its
# port as the expected program) is adopted; missing Debian packages are installed first.
# `start` ends by writing $TESTENV_DIR/env, export lines that the tests load by themselves.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

D=${TESTENV_DIR:-/tmp/connector-ops-testenv}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STANDIN_IMAGE=127.0.0.1:5000/nmshd/connector:7.4.6
RABBIT_DIR=$D/rabbitmq
# A fixed node name keeps RabbitMQ independent of whether the machine's hostname resolves.
export RABBITMQ_NODENAME=rabbit@localhost
export DOCKER_HOST=unix://$D/docker.sock

# service -> "program pidfile logfile port"; program is what its /proc/PID/cmdline must hold.
declare -A SERVICE=(
  [dockerd]="dockerd $D/docker.pid $D/dockerd.log -"
  [registry]="docker-registry $D/registry.pid $D/registry.log 5000"
  [rabbitmq]="beam $RABBIT_DIR/rabbitmq.pid $RABBIT_DIR/log/$RABBITMQ_NODENAME.log 5672"
  [mosquitto]="mosquitto $D/mosquitto.pid $D/mosquitto.log 1883"
  [redis]="redis-server $D/redis.pid $D/redis.log 6379"
)
ORDER=(dockerd registry rabbitmq mosquitto redis)

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
  local name=$1 pidfile pid
  pidfile=$(pidfile_of "$name")
  begin "stopping $name"
  if ! pid=$(live_pid "$pidfile" "$(program_of "$name")"); then
    rm -f "$pidfile"
    done_ok "not running"
    return
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 45))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    rm -f "$pidfile"
    done_ok "killed after 45 s"
  else
    rm -f "$pidfile"
    done_ok
  fi
}

# --- readiness checks ---------------------------------------------------------------------
dockerd_ready() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

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
  [[ $name == dockerd ]] && timeout=60
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
  begin "building stand-in Connector image"
  local log=$D/standin-build.log
  bash "$REPO/test/support/standin-connector/build-image.sh" "$STANDIN_IMAGE" >"$log" 2>&1 ||
    die "the stand-in Connector image could not be built or pushed" "$log"
  done_ok "ok, $STANDIN_IMAGE"
}

write_env() {
  cat >"$D/env.tmp" <<EOF
export DOCKER_HOST=unix://$D/docker.sock
export TEST_REGISTRY=127.0.0.1:5000
export TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:5672
export TEST_MQTT_URL=mqtt://127.0.0.1:1883
export TEST_REDIS_URL=redis://127.0.0.1:6379
export TEST_STANDIN_IMAGE=$STANDIN_IMAGE
EOF
  mv "$D/env.tmp" "$D/env"
}

cmd_start() {
  [[ $(id -u) == 0 ]] || { echo "testenv: start needs root (dockerd, apt-get)" >&2; exit 1; }
  mkdir -p "$D"
  install_missing
  local name
  for name in "${ORDER[@]}"; do ensure_service "$name"; done
  build_standin_image
  write_env
  echo "test environment ready; settings in $D/env"
}

cmd_stop() {
  local name
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
    printf '%-10s %s\n' "$name" "$state"
  done
  if dockerd_ready && docker image inspect "$STANDIN_IMAGE" >/dev/null 2>&1; then
    printf '%-10s %s\n' image "$STANDIN_IMAGE present"
  else
    printf '%-10s %s\n' image "$STANDIN_IMAGE missing"
    all=1
  fi
  [[ -f "$D/env" ]] && printf '%-10s %s\n' env "$D/env" || printf '%-10s %s\n' env "not written"
  return $all
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status   (TESTENV_DIR=${D})" >&2; exit 2 ;;
esac
