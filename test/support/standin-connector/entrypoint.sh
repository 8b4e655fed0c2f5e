#!/bin/sh
# Entrypoint of the stand-in enmeshed Connector (a test fixture, never product code).
# Serves the Connector's HTTP surface on $PORT (host networking: every container its own
# loopback port), prints the Connector 7.x's start-up and shutdown lines to stdout and follows
# $STATE/log, so a test can append lines that then appear in `docker logs`. The files in $STATE
# (a mounted directory) switch its behaviour; see http-handler.sh for the per-request ones.
# Read here, at start or at the signal:
#   crash       exit 1 at start; content "" or "database" (database unreachable), "backbone"
#               (Backbone unreachable at the first start), "broker" (a message broker unreachable)
#   stop-delay  seconds the graceful SIGTERM/SIGINT shutdown takes (default 0)
#   sigterm     "ignore": the shutdown never ends, as with a Connector that lost its brokers,
#               until Docker kills it
. /opt/standin/connector-log.sh

PORT=${PORT:-80}
STATE=${STATE_DIR:-/state}

# The modules of the Connector's default configuration in its order, "-" marking the disabled
# ones; the stand-in runs coreHttpApi and sync next to the four mandatory ones (see support_config
# in http-handler.sh).
MODULES="notification decider request attributeListener -autoAcceptPendingRelationships
  -autoDecomposeDeletionProposedRelationships coreHttpApi -webhooks -messageBrokerPublisher sync -sse"
ENABLED=$(for module in $MODULES; do case $module in -*) ;; *) echo "$module" ;; esac; done)

runtime_log() { connector_log INFO ConnectorRuntime "$1"; }

load_modules() { # MODULES [FAILING]: loads and initialises them, up to the one whose init fails
  runtime_log "Loading modules..."
  for module in $1; do
    case $module in
      -*) runtime_log "Skip loading module '${module#-}' because it is not enabled." ;;
      *) runtime_log "Module '$module' was loaded successfully." ;;
    esac
  done
  runtime_log "Initializing modules..."
  for module in $1; do
    case $module in -*) continue ;; esac
    [ "$module" = "${2:-}" ] && return
    runtime_log "Module '$module' was initialized successfully."
  done
}

# The yargs usage text that precedes a failed start command.
yargs_usage() {
  cat <<'EOF'
connector start

start the connector

Options:
      --version  Show version number                                   [boolean]
  -c, --config   the path to the config file                            [string]
  -h, --help     Show help                                             [boolean]

EOF
}

if [ -e "$STATE/crash" ]; then
  case $(cat "$STATE/crash") in
    backbone)
      # The first start creates the identity, which needs the Backbone. The error escapes the
      # runtime and reaches the CLI, which hands it to console.error: no layout, no colour.
      connector_log INFO Transport.Transport "Transport initialized"
      # The engine orders stdout and stderr by when it reads them: keep the real order visible.
      sleep 0.1
      {
        yargs_usage
        request_error POST /api/v2/Challenges "    at async ChallengeAuthClient.createChallenge (/usr/app/node_modules/@nmshd/transport/dist/modules/challenges/backbone/ChallengeAuthClient.js:12:16)
    at async ChallengeController.createAccountCreationChallenge (/usr/app/node_modules/@nmshd/transport/dist/modules/challenges/ChallengeController.js:64:28)
    at async AccountController.createIdentityAndDevice (/usr/app/node_modules/@nmshd/transport/dist/modules/accounts/AccountController.js:287:31)
    at async AccountController.init (/usr/app/node_modules/@nmshd/transport/dist/modules/accounts/AccountController.js:112:17)
    at async ConnectorRuntime.initAccount (/usr/app/dist/ConnectorRuntime.js:183:35)
    at async ConnectorRuntime.init (/usr/app/node_modules/@nmshd/runtime/dist/Runtime.js:127:9)
    at async ConnectorRuntime.create (/usr/app/dist/ConnectorRuntime.js:67:9)
    at async Object.startConnectorHandler [as handler] (/usr/app/dist/cli/commands/startConnector.js:9:21)"
      } >&2
      ;;
    broker)
      # The message broker publisher connects while the modules initialise; amqplib's refused
      # connection is a rejection nobody handles, so Node prints it and exits.
      connector_log INFO Transport.Transport "Transport initialized"
      load_modules "$(echo "$MODULES" | sed 's/-messageBrokerPublisher/messageBrokerPublisher/')" messageBrokerPublisher
      sleep 0.1
      cat >&2 <<'EOF'
node:internal/process/promises:394
    triggerUncaughtException(err, true /* fromPromise */);
    ^

Error: connect ECONNREFUSED 127.0.0.1:5672
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1637:16) {
  errno: -111,
  code: 'ECONNREFUSED',
  syscall: 'connect',
  address: '127.0.0.1',
  port: 5672
}

Node.js v22.17.1
EOF
      ;;
    *)
      # The real Connector logs this as ERROR (not FATAL), the error inspected after the message,
      # and calls process.exit(1).
      connector_log ERROR ConnectorRuntime "Could not connect to the configured database. Try to check the connection string and the database status. Root error: MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017
    at Topology.selectServer (/usr/app/node_modules/mongodb/lib/sdam/topology.js:321:38)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)
    at async Topology._connect (/usr/app/node_modules/mongodb/lib/sdam/topology.js:200:13)
    at async Topology.connect (/usr/app/node_modules/mongodb/lib/sdam/topology.js:152:13)
    at async topologyConnect (/usr/app/node_modules/mongodb/lib/mongo_client.js:258:17)
    at async MongoClient._connect (/usr/app/node_modules/mongodb/lib/mongo_client.js:271:13)
    at async MongoClient.connect (/usr/app/node_modules/mongodb/lib/mongo_client.js:196:13)
    at async MongoDbConnection.connect (/usr/app/node_modules/@js-soft/docdb-access-mongo/dist/MongoDbConnection.js:25:9)
    at async ConnectorRuntime.createDatabaseConnection (/usr/app/dist/ConnectorRuntime.js:142:13) {
  errorLabelSet: Set(0) {},
  reason: TopologyDescription {
    type: 'Unknown',
    servers: Map(1) { '127.0.0.1:27017' => [ServerDescription] },
    stale: false,
    compatible: true,
    heartbeatFrequencyMS: 10000,
    localThresholdMS: 15,
    setName: null,
    maxElectionId: null,
    maxSetVersion: null,
    commonWireVersion: 0,
    logicalSessionTimeoutMinutes: null
  },
  code: undefined,
  [cause]: MongoNetworkError: connect ECONNREFUSED 127.0.0.1:27017
      at Socket.<anonymous> (/usr/app/node_modules/mongodb/lib/cmap/connect.js:286:44)
      at Object.onceWrapper (node:events:633:26)
      at Socket.emit (node:events:518:28)
      at emitErrorNT (node:internal/streams/destroy:170:8)
      at emitErrorCloseNT (node:internal/streams/destroy:129:3)
      at process.processTicksAndRejections (node:internal/process/task_queues:90:21) {
    errorLabelSet: Set(1) { 'ResetPool' },
    beforeHandshake: false,
    [cause]: Error: connect ECONNREFUSED 127.0.0.1:27017
        at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1637:16) {
      errno: -111,
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '127.0.0.1',
      port: 27017
    }
  }
}"
      ;;
  esac
  exit 1
fi

# heal-on-restart: an unhealthy state that a restart clears, as a Connector stuck after a broker restart is.
# The container's own /tmp survives a restart (not a recreate), so a mark there tells a restart from the first start.
if [ -e "$STATE/heal-on-restart" ] && [ -e /tmp/started-once ]; then
  echo healthy >"$STATE/health"
  rm -f "$STATE/heal-on-restart"
fi
: >/tmp/started-once
date -u +%Y-%m-%dT%H:%M:%S.000Z >/tmp/started-at
: >/tmp/requests

# -F follows the file by name, so a log file that appears or is replaced later is picked up too.
tail -n 0 -F "$STATE/log" 2>/dev/null &
tail_pid=$!

connector_log INFO Transport.Transport "Transport initialized"
load_modules "$MODULES"

# busybox httpd only runs CGI under /cgi-bin/, so the Connector's routes (/health,
# /Monitoring/..., /api/...) are served by nc, which forks http-handler.sh per connection.
# The handler's stderr carries its request log lines, hence 2>&1.
nc -ll -p "$PORT" -e /opt/standin/http-handler.sh 2>&1 &
nc_pid=$!

# As the real runtime: the modules stop first (that is what takes long), the HTTP server last.
stopping=
shutdown() {
  # A second signal while the first one's shutdown runs changes nothing.
  [ -n "$stopping" ] && return
  stopping=1
  runtime_log "Received signal $1, stopping the Connector"
  runtime_log "Stopping modules..."
  if [ "$(cat "$STATE/sigterm" 2>/dev/null)" = ignore ]; then
    # The broker connections never close: the stop hangs until Docker sends SIGKILL.
    while :; do sleep 3600; done
  fi
  sleep "$(cat "$STATE/stop-delay" 2>/dev/null || echo 0)"
  for module in $ENABLED; do runtime_log "Module '$module' was stopped successfully."; done
  runtime_log "Stopped all modules."
  kill "$nc_pid" "$tail_pid" 2>/dev/null
  runtime_log "Connector stopped"
  exit 0
}
trap 'shutdown SIGTERM' TERM
trap 'shutdown SIGINT' INT

connector_log INFO HttpServer "Listening on port $PORT"
runtime_log "Starting modules..."
# With the Backbone down at start, the sync module's first run fails (and the Connector starts
# anyway, as the real one does once its identity exists).
if [ "${STANDIN_FORCE_HEALTH:-$(cat "$STATE/health" 2>/dev/null)}" = unhealthy:backbone ]; then
  connector_log ERROR SyncModule "Sync failed $(request_error POST /api/v2/SyncRuns "    at async SyncController.startSyncRun (/usr/app/node_modules/@nmshd/transport/dist/modules/sync/SyncController.js:238:26)
    at async SyncController.syncExternalEvents (/usr/app/node_modules/@nmshd/transport/dist/modules/sync/SyncController.js:87:29)
    at async SyncController._syncEverything (/usr/app/node_modules/@nmshd/transport/dist/modules/sync/SyncController.js:69:9)
    at async SyncController.syncEverything (/usr/app/node_modules/@nmshd/transport/dist/modules/sync/SyncController.js:58:20)
    at async AccountController.syncEverything (/usr/app/node_modules/@nmshd/transport/dist/modules/accounts/AccountController.js:338:16)
    at async SyncEverythingUseCase.executeInternal (/usr/app/node_modules/@nmshd/runtime/dist/useCases/transport/account/SyncEverything.js:52:13)
    at async SyncEverythingUseCase.execute (/usr/app/node_modules/@nmshd/runtime/dist/useCases/common/UseCase.js:21:20)
    at async /usr/app/dist/modules/sync/SyncModule.js:19:28")" "$(cat /proc/sys/kernel/random/uuid)"
fi
for module in $ENABLED; do runtime_log "Module '$module' was started successfully."; done
runtime_log "Started all modules."

# A trapped signal interrupts wait (the shutdown then runs); a second one returns to the loop.
while kill -0 "$nc_pid" 2>/dev/null; do wait "$nc_pid"; done
connector_log FATAL HttpServer "HTTP server on port $PORT stopped unexpectedly"
kill "$tail_pid" 2>/dev/null
exit 1
