#!/bin/sh
# Answers one HTTP request on stdin/stdout (nc forks it per connection) the way the enmeshed
# Connector 7.x does, for the routes connector-ops reads. Behaviour comes from files in $STATE,
# read on every request so a test can switch it while the container runs:
#   apikey               the valid X-API-KEY (no file: every key is refused)
#   scopes               the key's scopes, comma-separated; "*" is one segment, "**" any
#                        (no file: all scopes, as a key configured without scopes)
#   auth-delay           whole seconds a refused key waits for its 401 (default: 1-4 at random)
#   health               "healthy" (default) | "unhealthy:<service>" (500) | "unhealthy:backbone"
#                        (Backbone refuses connections: both Backbone services unhealthy and a
#                        WARN dump per health check) | "hang" (/health and Support wait 60 s)
#   version              the version reported (default: the image's, STANDIN_IMAGE_VERSION, else 7.4.6)
#   runtime-version      the bundled @nmshd/runtime version reported (default 7.5.2)
#   support-config.json  the "configuration" of /Monitoring/Support, replacing the default
#   address              the identity address
#   identity-error       Support's identityInfo is {"error": <its content>}
#   last-sync            completedAt of the last sync run, or "never" (no sync run, no datawallet
#                        sync); default: the last POST Sync, else the start
# and the environment: PORT, STANDIN_NAME (answered on /__standin/ready, for the test helper), and
# what build-image.sh bakes into an image: STANDIN_IMAGE_VERSION (the version the image stands
# for) and STANDIN_FORCE_HEALTH (a "health" value that wins over the state file: the broken image
# that never becomes healthy, while an update's old and new containers share one state dir).
# Request log lines go to stderr, which the entrypoint sends to the container's stdout.
# Runs under busybox ash, whose bash-isms (read -t, ${v:0:3}, $EPOCHREALTIME, $RANDOM) it uses.
. /opt/standin/connector-log.sh

STATE=${STATE_DIR:-/state}
PORT=${PORT:-80}
CR=$(printf '\r')

to_ms() { _s=${1%.*} _f=${1#*.}000; _f=1${_f:0:3}; echo $((_s * 1000 + _f - 1000)); }
started_ms=$(to_ms "$EPOCHREALTIME")
state() { cat "$STATE/$1" 2>/dev/null; }

# A JSON string literal of $1 (quotes, backslashes and control characters escaped).
json_string() {
  printf '"%s"' "$(printf %s "$1" | awk 'BEGIN { ORS = "" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r"); if (NR > 1) print "\\n"; print }')"
}

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

# The Connector's error envelope (production mode): an id of "ERR" and 17 characters from the
# alphabet below, 20 in all, as HttpErrorId makes them.
error_body() { # CODE MESSAGE
  _id=ERR$(tr -dc ABCDEFGHJKLMNPQRSTUVWXYZ23456789 </dev/urandom | head -c 17)
  echo "{\"error\":{\"code\":\"$1\",\"message\":\"$2\",\"id\":\"$_id\",\"time\":\"$(iso_now)\",\"docs\":\"https://enmeshed.eu/integrate/error-codes#$1\"}}"
}

health() { # sets health_ok and health_body
  _h=${STANDIN_FORCE_HEALTH:-$(state health)}
  [ "$_h" = hang ] && sleep 60
  _db=healthy _bc=healthy _ba=healthy _extra='' health_ok=true
  case $_h in
    unhealthy:*)
      health_ok=false
      case ${_h#unhealthy:} in
        database) _db=unhealthy ;;
        backboneConnection) _bc=unhealthy ;;
        backboneAuthentication) _ba=unhealthy ;;
        # A refused connection fails both checks; the authentication check fails on any error.
        # log4js formats the error after the message as util.format does: on the same line.
        backbone)
          _bc=unhealthy _ba=unhealthy
          connector_log WARN HealthChecker "An error occured during the Backbone connection health check $(request_error GET /api/v2/Tags "    at async HealthChecker.checkBackboneConnection (/usr/app/dist/HealthChecker.js:48:13)
    at async HealthChecker._getReport (/usr/app/dist/HealthChecker.js:32:36)
    at async HealthChecker.getReport (/usr/app/dist/HealthChecker.js:24:24)
    at async ConnectorRuntime.getHealth (/usr/app/dist/ConnectorRuntime.js:208:24)
    at async /usr/app/dist/infrastructure/httpServer/HttpServer.js:211:28")" >&2
          ;;
        *) _extra=",\"${_h#unhealthy:}\":\"unhealthy\"" ;;
      esac
      ;;
  esac
  health_body="{\"isHealthy\":$health_ok,\"services\":{\"database\":\"$_db\",\"backboneConnection\":\"$_bc\",\"backboneAuthentication\":\"$_ba\"$_extra}}"
}

version_body() {
  _v=$(state version)
  _v=${_v:-${STANDIN_IMAGE_VERSION:-7.4.6}}
  _runtime=$(state runtime-version)
  _info="\"version\":\"$_v\",\"build\":\"4711\",\"date\":\"2026-08-01T10:00:00.000Z\",\"commit\":\"5f3c1e0b9d2a4c6e8f0a1b2c3d4e5f6a7b8c9d0e\""
  echo "{$_info,\"runtimeVersion\":\"${_runtime:-7.5.2}\",\"modules\":{\"coreHttpApi\":{$_info},\"sync\":{$_info}}}"
}

identity_body() {
  _address=$(state address)
  _address=${_address:-did:e:localhost:dids:$(printf '%022x' "$PORT")}
  echo "{\"address\":\"$_address\",\"publicKey\":\"eyJwdWIiOiJ6N3E2WmJ6X3N0YW5kaW4iLCJhbGciOjN9\"}"
}

# What the real Support route reports: the whole merged configuration, every module with its
# name (the runtime adds it while loading), secrets partly masked. Nothing in it points at a
# third-party system: discovery must find no probe targets by default.
support_config() {
  state support-config.json && return
  _module() { echo "\"$1\":{\"enabled\":$2,\"location\":\"$3\",\"name\":\"$1\"$4}"; }
  cat <<EOF
{"debug":false,"transportLibrary":{"allowIdentityCreation":true,"baseUrl":"https://backbone.example.org","platformClientId":"standin","platformClientSecret":"***"},
"database":{"driver":"mongodb","dbName":"default","dbNamePrefix":"acc-","connectionString":"***"},
"logging":{"appenders":{"consoleAppender":{"type":"stdout","layout":{"type":"pattern","pattern":"%[[%d] [%p] %c - %m %x{correlationId}%]","tokens":{}}},"console":{"type":"logLevelFilter","level":"INFO","appender":"consoleAppender"}},"categories":{"default":{"appenders":["console"],"level":"TRACE"}}},
"infrastructure":{"httpServer":{"enabled":true,"port":$PORT,"cors":{"origin":false},"authentication":{"apiKey":"redacted (enabled)","oidc":"redacted (disabled)","jwtBearer":"redacted (disabled)"}}},
"modules":{$(_module notification true @nmshd/runtime:NotificationModule),
$(_module decider true @nmshd/runtime:DeciderModule),
$(_module request true @nmshd/runtime:RequestModule),
$(_module attributeListener true @nmshd/runtime:AttributeListenerModule),
$(_module autoAcceptPendingRelationships false @nmshd/connector:AutoAcceptPendingRelationshipsModule),
$(_module autoDecomposeDeletionProposedRelationships false @nmshd/connector:AutoDecomposeDeletionProposedRelationshipsModule),
$(_module coreHttpApi true @nmshd/connector:CoreHttpApiModule ',"requiredInfrastructure":["httpServer"],"docs":{"enabled":false,"rapidoc":{"persistAuth":false}}'),
$(_module webhooks false @nmshd/connector:WebhooksModule ',"targets":{},"webhooks":[]'),
$(_module messageBrokerPublisher false @nmshd/connector:MessageBrokerPublisherModule ',"brokers":[]'),
$(_module sync true @nmshd/connector:SyncModule ',"interval":60'),
$(_module sse false @nmshd/connector:SseModule)}}
EOF
}

support_identity() {
  [ -e "$STATE/identity-error" ] || { identity_body; return; }
  echo "{\"error\":$(json_string "$(state identity-error)")}"
}

sync_info() {
  _last=$(state last-sync)
  case $_last in
    never) echo '{}' ;;
    '')
      # A sync run also syncs the datawallet; after a fresh start only the run is known.
      if [ -e /tmp/synced-at ]; then
        _at=$(cat /tmp/synced-at)
        echo "{\"lastDatawalletSync\":{\"completedAt\":\"$_at\"},\"lastSyncRun\":{\"completedAt\":\"$_at\"}}"
      else
        echo "{\"lastSyncRun\":{\"completedAt\":\"$(cat /tmp/started-at)\"}}"
      fi
      ;;
    *) echo "{\"lastSyncRun\":{\"completedAt\":\"$_last\"}}" ;;
  esac
}

# Whether the key's scopes grant SCOPE, as typescript-rest matches roles: "*" stands for one
# segment, "**" for any number. A subshell, so the changed IFS and globbing stay in here.
has_scope() ( # SCOPE
  [ -e "$STATE/scopes" ] || exit 0
  wanted=$1
  segments() { printf %s "$1" | tr -cd : | wc -c; }
  set -f
  IFS=,
  for granted in $(tr -d ' \r\n' <"$STATE/scopes"); do
    case $granted in
      *'**'*) ;;
      *'*'*) [ "$(segments "$granted")" = "$(segments "$wanted")" ] || continue ;;
    esac
    # Unquoted, so the stars match as a pattern.
    # shellcheck disable=SC2254
    case $wanted in $granted) exit 0 ;; esac
  done
  exit 1
)

# Fixture only: lets the test helper tell this container from another server on the port.
if [ "$path" = /__standin/ready ]; then
  respond "200 OK" "$STANDIN_NAME"
fi

if [ "$path" = /health ]; then
  health
  if [ "$health_ok" = true ]; then respond "200 OK" "$health_body"; fi
  respond "500 Internal Server Error" "$health_body"
fi

# Everything but /health needs the API key. The real Connector answers a missing or wrong one
# after 1, 2, 3 or 4 whole seconds.
expected_key=$(state apikey)
if [ -z "$api_key" ] || [ "$api_key" != "$expected_key" ]; then
  # From /dev/urandom: handlers forked in the same instant would often draw the same $RANDOM.
  delay=$(state auth-delay)
  sleep "${delay:-$(($(od -An -N1 -tu1 /dev/urandom) % 4 + 1))}"
  respond "401 Unauthorized" "$(error_body error.connector.unauthorized 'Unauthorized.')"
fi

case "$method $path" in
  "GET /Monitoring/Version") scope=monitoring:version ;;
  "GET /Monitoring/Requests") scope=monitoring:requests ;;
  "GET /Monitoring/Support") scope=monitoring:support ;;
  "GET /api/core/v1/Account/IdentityInfo" | "GET /api/core/v1/Account/SyncInfo" | "POST /api/core/v1/Account/Sync") scope=core:account ;;
  *) respond "404 Not Found" "$(error_body error.connector.http.routeDoesNotExist 'The requested route does not exist.')" ;;
esac
# A known key without the route's scope: no delay, the Connector's forbidden error.
has_scope "$scope" || respond "403 Forbidden" "$(error_body error.connector.forbidden 'You are not allowed to access this endpoint.')"

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
    respond "200 OK" "{\"version\":$(version_body),\"health\":$health_body,\"configuration\":$(support_config),\"identityInfo\":$(support_identity)}"
    ;;
  "GET /api/core/v1/Account/IdentityInfo")
    respond "200 OK" "{\"result\":$(identity_body)}"
    ;;
  "GET /api/core/v1/Account/SyncInfo")
    respond "200 OK" "{\"result\":$(sync_info)}"
    ;;
  "POST /api/core/v1/Account/Sync")
    iso_now >/tmp/synced-at
    respond "204 No Content" ""
    ;;
esac
