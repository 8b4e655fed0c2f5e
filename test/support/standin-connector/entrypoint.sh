#!/bin/sh
# Entrypoint of the stand-in enmeshed Connector (a test fixture, never product code).
# Serves the Connector's HTTP surface on $PORT (host networking: every container its own
# loopback port), prints Connector-style log lines to stdout and follows $STATE/log, so a
# test can append lines that then appear in `docker logs`. The files in $STATE (a mounted
# directory) switch its behaviour; see http-handler.sh.
. /opt/standin/connector-log.sh

PORT=${PORT:-80}
STATE=${STATE_DIR:-/state}
version=$(cat "$STATE/version" 2>/dev/null || echo 7.4.6)

connector_log INFO Runtime "Starting enmeshed Connector $version"

if [ -e "$STATE/crash" ]; then
  # What the real Connector prints before it exits when its database cannot be reached.
  connector_log FATAL Runtime "Could not connect to the configured database. Try to check the connection string and the database status. Root error: MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017
    at Timeout._onTimeout (/usr/app/node_modules/mongodb/lib/sdam/topology.js:278:38)
    at listOnTimeout (node:internal/timers:588:17)
    at process.processTimers (node:internal/timers:523:7)"
  exit 1
fi

date -u +%Y-%m-%dT%H:%M:%S.000Z >/tmp/started-at
: >/tmp/requests

# -F follows the file by name, so a log file that appears or is replaced later is picked up too.
tail -n 0 -F "$STATE/log" 2>/dev/null &
tail_pid=$!

# busybox httpd only runs CGI under /cgi-bin/, so the Connector's routes (/health,
# /Monitoring/..., /api/...) are served by nc, which forks http-handler.sh per connection.
# The handler's stderr carries its request log lines, hence 2>&1.
nc -ll -p "$PORT" -e /opt/standin/http-handler.sh 2>&1 &
nc_pid=$!

shutdown() {
  connector_log INFO Runtime "Received signal, shutting down gracefully"
  kill "$nc_pid" "$tail_pid" 2>/dev/null
  connector_log INFO Runtime "Connector stopped"
  exit 0
}
trap shutdown TERM INT

connector_log INFO Runtime "Started enmeshed Connector $version"
connector_log INFO HttpServer "Starting HTTP server on port $PORT"

wait "$nc_pid"
connector_log FATAL HttpServer "HTTP server on port $PORT stopped unexpectedly"
kill "$tail_pid" 2>/dev/null
exit 1
