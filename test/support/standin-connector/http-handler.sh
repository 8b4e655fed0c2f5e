#!/bin/sh
# Answers one HTTP request on stdin/stdout (nc forks it per connection) the way the enmeshed
# Connector 7.x does, for the routes connector-ops reads. Behaviour comes from files in $STATE,
# read on every request so a test can switch it while the container runs:
#   apikey               the valid X-API-KEY (no file: every key is refused)
#   health               "healthy" (default) | "unhealthy:<service>" (500) | "hang" (60 s delay)
#   version              the version reported (default 7.4.6)
#   support-config.json  the "configuration" of /Monitoring/Support
#   address              the identity address
#   last-sync            completedAt of the last sync run (default: last POST Sync, else start)
# and the environment: PORT, STANDIN_NAME (answered on /__standin/ready, for the test helper).
# Request log lines go to stderr, which the entrypoint sends to the container's stdout.
# Runs under busybox ash, whose bash-isms (read -t, ${v:0:3}, $EPOCHREALTIME, $RANDOM) it uses.
. /opt/standin/connector-log.sh

STATE=${STATE_DIR:-/state}
PORT=${PORT:-80}
CR=$(printf '\r')

to_ms() { _s=${1%.*} _f=${1#*.}000; _f=1${_f:0:3}; echo $((_s * 1000 + _f - 1000)); }
started_ms=$(to_ms "$EPOCHREALTIME")
now_iso() { date -u +%Y-%m-%dT%H:%M:%S.000Z; }
state() { cat "$STATE/$1" 2>/dev/null; }

IFS= read -r -t 10 request_line || exit 0
request_line=${request_line%"$CR"}
method=${request_line%% *}
target=${request_line#* }
target=${target%% *}
path=${target%%\?*}

api_key=
content_length=0
while IFS= read -r -t 10 header; do
  header=${header%"$CR"}
  [ -z "$header" ] && break
  value=${header#*:}
  value=${value# }
  case ${header%%:*} in
    [Xx]-[Aa][Pp][Ii]-[Kk][Ee][Yy]) api_key=$value ;;
    [Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]) content_length=$value ;;
  esac
done
# Read a request body fully, so that closing the socket does not reset the connection.
if [ "$content_length" -gt 0 ] 2>/dev/null; then head -c "$content_length" >/dev/null; fi

respond() { # STATUS-LINE BODY
  duration=$(($(to_ms "$EPOCHREALTIME") - started_ms))
  length=$(printf %s "$2" | wc -c)
  printf 'HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %s\r\nX-Response-Duration-ms: %s\r\nConnection: close\r\n\r\n' "$1" "$length" "$duration"
  [ "$method" = HEAD ] || printf %s "$2"
  [ "$path" = /__standin/ready ] && exit 0
  echo "${1%% *}" >>/tmp/requests
  connector_log INFO HttpServer "$method $target ${1%% *} -- ${duration}ms" >&2
  exit 0
}

error_body() { # CODE MESSAGE
  echo "{\"error\":{\"id\":\"$1\",\"code\":\"$1\",\"message\":\"$2\",\"docs\":\"https://enmeshed.eu/integrate/error-codes#$1\",\"time\":\"$(now_iso)\"}}"
}

health() { # sets health_ok and health_body
  _h=$(state health)
  [ "$_h" = hang ] && sleep 60
  _db=healthy _bc=healthy _ba=healthy _extra='' health_ok=true
  case $_h in
    unhealthy:*)
      health_ok=false
      case ${_h#unhealthy:} in
        database) _db=unhealthy ;;
        backboneConnection) _bc=unhealthy ;;
        backboneAuthentication) _ba=unhealthy ;;
        *) _extra=",\"${_h#unhealthy:}\":\"unhealthy\"" ;;
      esac
      ;;
  esac
  health_body="{\"isHealthy\":$health_ok,\"services\":{\"database\":\"$_db\",\"backboneConnection\":\"$_bc\",\"backboneAuthentication\":\"$_ba\"$_extra}}"
}

version_body() {
  _v=$(state version)
  _v=${_v:-7.4.6}
  _info="\"version\":\"$_v\",\"build\":\"4711\",\"date\":\"2026-08-01T10:00:00.000Z\",\"commit\":\"5f3c1e0b9d2a4c6e8f0a1b2c3d4e5f6a7b8c9d0e\""
  echo "{$_info,\"runtimeVersion\":\"6.64.0\",\"modules\":{\"coreHttpApi\":{$_info},\"sync\":{$_info}}}"
}

identity_body() {
  _address=$(state address)
  _address=${_address:-did:e:localhost:dids:$(printf '%022x' "$PORT")}
  echo "{\"address\":\"$_address\",\"publicKey\":\"eyJwdWIiOiJ6N3E2WmJ6X3N0YW5kaW4iLCJhbGciOjN9\"}"
}

support_config() {
  state support-config.json && return
  echo "{\"debug\":false,\"transportLibrary\":{\"baseUrl\":\"https://backbone.example.org\",\"platformClientId\":\"standin\",\"platformClientSecret\":\"***\"},\"database\":{\"driver\":\"mongodb\",\"dbName\":\"default\",\"connectionString\":\"***\"},\"infrastructure\":{\"httpServer\":{\"enabled\":true,\"port\":$PORT,\"apiKey\":\"***\"}},\"modules\":{\"sync\":{\"enabled\":true,\"interval\":60}}}"
}

# Fixture only: lets the test helper tell this container from another server on the port.
if [ "$path" = /__standin/ready ]; then
  respond "200 OK" "$STANDIN_NAME"
fi

if [ "$path" = /health ]; then
  health
  if [ "$health_ok" = true ]; then respond "200 OK" "$health_body"; fi
  respond "500 Internal Server Error" "$health_body"
fi

# Everything but /health needs the API key; the real Connector answers a wrong one after 1-4 s.
expected_key=$(state apikey)
if [ -z "$api_key" ] || [ "$api_key" != "$expected_key" ]; then
  sleep "1.$((RANDOM % 10))"
  respond "401 Unauthorized" "$(error_body error.connector.unauthorized 'Unauthorized.')"
fi

case "$method $path" in
  "GET /Monitoring/Version")
    respond "200 OK" "$(version_body)"
    ;;
  "GET /Monitoring/Requests")
    counts=$(sort /tmp/requests 2>/dev/null | uniq -c | awk '{printf "%s\"%s\":%s", (NR > 1 ? "," : ""), $2, $1}')
    respond "200 OK" "{\"since\":\"$(cat /tmp/started-at)\",\"requestCount\":$(wc -l </tmp/requests),\"requestCountByStatus\":{$counts}}"
    ;;
  "GET /Monitoring/Support")
    health
    respond "200 OK" "{\"version\":$(version_body),\"health\":$health_body,\"configuration\":$(support_config),\"identityInfo\":$(identity_body)}"
    ;;
  "GET /api/core/v1/Account/IdentityInfo")
    respond "200 OK" "{\"result\":$(identity_body)}"
    ;;
  "GET /api/core/v1/Account/SyncInfo")
    completed=$(state last-sync || cat /tmp/synced-at 2>/dev/null || cat /tmp/started-at)
    respond "200 OK" "{\"result\":{\"lastSyncRun\":{\"completedAt\":\"$completed\"}}}"
    ;;
  "POST /api/core/v1/Account/Sync")
    now_iso >/tmp/synced-at
    respond "204 No Content" ""
    ;;
esac
respond "404 Not Found" "$(error_body error.connector.notFound 'The requested route was not found.')"
