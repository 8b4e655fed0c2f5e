#!/usr/bin/env bash
# Podman's Docker-compatible service as one more engine of the test environment (scripts/testenv.sh
# calls it), the engine kind RHEL and its kin run Connectors on. Usage: testenv-podman.sh start|stop|status
#
# Debian's podman (4.3) as root, with configuration files of its own under $TESTENV_DIR/podman (passed
# through CONTAINERS_STORAGE_CONF, CONTAINERS_CONF and CONTAINERS_REGISTRIES_CONF, so the machine's own
# Podman settings and storage are never used): vfs storage, cgroupfs, a file events logger, containers
# without a network namespace unless they ask for one, and the loopback registry marked insecure (Podman,
# unlike Docker, does not take a loopback registry for plain HTTP). `start` pulls the stand-in Connector
# images from that registry (where testenv.sh pushed them) and adds TEST_PODMAN_HOST to $TESTENV_DIR/env.
# The service is tracked by its pid file and stopped by it, never by name.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

D=${TESTENV_DIR:-/tmp/connector-ops-testenv}
P=$D/podman
SOCKET=$P/podman.sock
PIDFILE=$P/podman.pid
LOG=$P/podman.log
REGISTRY=127.0.0.1:5000
export CONTAINERS_STORAGE_CONF=$P/storage.conf CONTAINERS_CONF=$P/containers.conf CONTAINERS_REGISTRIES_CONF=$P/registries.conf

die() { echo "FAILED"; echo "testenv-podman: $1" >&2; [[ ! -f "${2:-}" ]] || { echo "--- last lines of $2:" >&2; tail -n 25 "$2" >&2; }; exit 1; }

# The pid in the pid file when that process is alive and is this Podman service (guards against reused pids).
service_pid() {
  local pid
  [[ -s "$PIDFILE" ]] || return 1
  pid=$(tr -dc 0-9 <"$PIDFILE")
  [[ -n "$pid" && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "system service --time=0 unix://$SOCKET" || return 1
  echo "$pid"
}

remote() { timeout "${LIMIT:-60}" podman --remote --url "unix://$SOCKET" "$@"; }

answers() { LIMIT=10 remote version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Whether COMMAND succeeds within SECONDS, tried every 0.3 s: poll SECONDS COMMAND [ARGS...]
poll() { local deadline=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do ((SECONDS < deadline)) || return 1; sleep 0.3; done; }

# No static_dir: the libpod database then lies under graphroot, where the cleanup that conmon runs when a
# container exits (it gets --root, not this file's static_dir) finds it; restart policies depend on that.
# Containers may not raise a limit on these machines ("error setting rlimit type 6/7"), and an
# engine's default above its own limit would do just that: the defaults are the service's own
# limits (it inherits this shell's), nproc at most kernel.pid_max.
write_config() {
  local nofile nproc pid_max
  nofile=$(ulimit -Sn)
  nproc=$(ulimit -Su)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  [[ $nproc == unlimited ]] || ((nproc <= pid_max)) || nproc=$pid_max
  [[ $nproc != unlimited ]] || nproc=$pid_max
  [[ $nofile != unlimited ]] || nofile=1048576
  mkdir -p "$P"
  cat >"$P/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$P/root"
runroot = "$P/run"
EOF
  cat >"$P/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
tmp_dir = "$P/tmp"
volume_path = "$P/volumes"
EOF
  cat >"$P/registries.conf" <<EOF
unqualified-search-registries = []

[[registry]]
location = "$REGISTRY"
insecure = true
EOF
}

# The stand-in images the tests run, as testenv.sh wrote them into the env file (or as given).
standin_images() {
  if (($#)); then printf '%s\n' "$@"; return; fi
  [[ -f "$D/env" ]] || die "no $D/env: run scripts/testenv.sh start first"
  # shellcheck disable=SC1091
  (. "$D/env" && printf '%s\n' "${TEST_STANDIN_VERSIONS// /$'\n'}" | sed "s|^|${TEST_STANDIN_IMAGE%:*}:|" && echo "$TEST_STANDIN_BROKEN")
}

# Pulled every time: testenv.sh may have rebuilt a tag, and a pull of what is there already is quick.
pull_images() {
  local ref pulled=0
  : >"$P/pull.log"
  while read -r ref; do
    remote pull --quiet "$ref" >>"$P/pull.log" 2>&1 || die "podman could not pull $ref from the registry" "$P/pull.log"
    pulled=$((pulled + 1))
  done < <(standin_images "$@")
  echo "$pulled"
}

# TEST_PODMAN_HOST in the env file the tests load, replacing an earlier line (or removing it: `unset`).
env_line() {
  [[ -f "$D/env" ]] || return 0
  grep -v '^export TEST_PODMAN_HOST=' "$D/env" >"$D/env.podman.tmp" || true
  [[ $1 == unset ]] || echo "export TEST_PODMAN_HOST=unix://$SOCKET" >>"$D/env.podman.tmp"
  mv "$D/env.podman.tmp" "$D/env"
}

cmd_start() {
  [[ $(id -u) == 0 ]] || { echo "testenv-podman: start needs root" >&2; exit 1; }
  command -v podman >/dev/null 2>&1 || die "podman is not installed (apt-get install podman)"
  printf 'starting podman… '
  local pid
  if pid=$(service_pid); then
    poll 30 answers || die "podman (pid $pid) runs but does not answer" "$LOG"
    echo "already running (pid $pid)"
  else
    write_config
    rm -f "$PIDFILE" "$SOCKET"
    # Its own session, so a job-control kill of the caller does not take it along; the sh execs it in place.
    setsid sh -c 'echo $$ >"$0"; exec podman system service --time=0 "unix://$1"' "$PIDFILE" "$SOCKET" >>"$LOG" 2>&1 </dev/null &
    poll 30 answers || die "podman did not come up within 30 s" "$LOG"
    echo "ok (pid $(cat "$PIDFILE"))"
  fi
  printf 'stand-in Connector images on podman… '
  echo "$(pull_images "$@") pulled from the registry"
  env_line set
}

cmd_stop() {
  printf 'stopping podman… '
  local pid
  env_line unset
  if ! pid=$(service_pid); then
    rm -f "$PIDFILE"
    echo "not running"
    return
  fi
  # Podman's containers run under their own conmon and outlive the service: stop them first.
  answers && LIMIT=60 remote stop --all --time 5 >/dev/null 2>&1 || true
  kill -TERM "$pid" 2>/dev/null || true
  poll 30 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE" "$SOCKET"
  echo ok
}

cmd_status() {
  local pid
  if pid=$(service_pid) && answers; then
    echo "podman       running (pid $pid), answering at unix://$SOCKET"
  else
    echo "podman       not running"
    return 1
  fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start [IMAGE...]|stop|status   (TESTENV_DIR=${D})" >&2; exit 2 ;;
esac
