# Sourced by the stand-in Connector's scripts (busybox ash).
# Writes one log event in the Connector's default log4js layout
#   %[[%d] [%p] %c - %m %x{correlationId}%]
# i.e. the whole event (stack lines included) wrapped in the level's ANSI colour, an ISO 8601
# local time without zone and with milliseconds, and the space that precedes the correlation id
# (empty unless given). Usage: connector_log LEVEL CATEGORY MESSAGE [CORRELATION_ID]
# (MESSAGE may hold newlines).

connector_log() {
  _level=$1 _category=$2 _message=$3 _correlation=${4:-}
  # log4js's level colours; its "red" is the bright 91, not 31.
  case $_level in
    TRACE) _colour=34 ;;
    DEBUG) _colour=36 ;;
    INFO) _colour=32 ;;
    WARN) _colour=33 ;;
    ERROR) _colour=91 ;;
    FATAL) _colour=35 ;;
    *) _colour=90 ;;
  esac
  _now=$EPOCHREALTIME
  _frac=${_now#*.}000
  _stamp="$(date -d "@${_now%.*}" +%Y-%m-%dT%H:%M:%S).${_frac:0:3}"
  printf '\033[%sm[%s] [%s] %s - %s %s\033[39m\n' "$_colour" "$_stamp" "$_level" "$_category" "$_message" "$_correlation"
}

# The current time as the Connector writes it into errors and API answers: UTC, milliseconds, Z.
iso_now() {
  _now=$EPOCHREALTIME
  _frac=${_now#*.}000
  printf '%s.%sZ\n' "$(date -u -d "@${_now%.*}" +%Y-%m-%dT%H:%M:%S)" "${_frac:0:3}"
}

# What Node prints for the RequestError that the transport library raises when the Backbone
# refuses connections: the stack, then util.inspect's block of the error's own properties (the
# real one runs to some 230 lines; this keeps its shape). FRAMES are the caller's "    at ..."
# lines, newline-separated. Usage: request_error METHOD PATH FRAMES
request_error() {
  _method=$1 _path=$2 _at=$(iso_now)
  _verb=$(echo "$_method" | tr '[:upper:]' '[:lower:]')
  _reason="connect ECONNREFUSED 127.0.0.1:18191"
  # util.inspect opens the property block on the last stack line.
  printf '%s {\n' "RequestError: error.transport.request.unknown (500): '$_reason' for $_method $_path at $_at
    at RequestError.fromAxiosError (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RequestError.js:87:24)
    at RESTClientAuthenticate.runRequest (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RESTClient.js:190:40)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)
    at async RESTClientAuthenticate.$_verb (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RESTClient.js:251:16)
$3"
  cat <<EOF
  code: 'error.transport.request.unknown',
  data: undefined,
  method: '$_method',
  path: '$_path',
  platformParameters: undefined,
  reason: '$_reason',
  requestId: '',
  status: 500,
  time: '$_at',
  object: {
    message: '$_reason',
    name: 'Error',
    stack: 'Error: $_reason\n' +
      '    at Function.AxiosError.from (/usr/app/node_modules/axios/dist/node/axios.cjs:876:14)\n' +
      '    at RedirectableRequest.handleRequestError (/usr/app/node_modules/axios/dist/node/axios.cjs:3156:25)\n' +
      '    at RedirectableRequest.emit (node:events:518:28)\n' +
      '    at eventHandlers.<computed> (/usr/app/node_modules/follow-redirects/index.js:49:24)\n' +
      '    at ClientRequest.emit (node:events:518:28)\n' +
      '    at emitErrorEvent (node:_http_client:104:11)\n' +
      '    at Socket.socketErrorListener (node:_http_client:518:5)\n' +
      '    at Socket.emit (node:events:518:28)\n' +
      '    at emitErrorNT (node:internal/streams/destroy:170:8)\n' +
      '    at emitErrorCloseNT (node:internal/streams/destroy:129:3)\n' +
      '    at Axios.request (/usr/app/node_modules/axios/dist/node/axios.cjs:4258:41)\n' +
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)\n' +
      '    at async RESTClientAuthenticate.runRequest (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RESTClient.js:172:30)',
    config: {
      transitional: [Object],
      timeout: 60000,
      xsrfCookieName: 'XSRF-TOKEN',
      xsrfHeaderName: 'X-XSRF-TOKEN',
      maxContentLength: -1,
      maxBodyLength: -1,
      env: [Object],
      headers: [Object],
      baseURL: 'http://127.0.0.1:18191',
      proxy: false,
      maxRedirects: 10,
      method: '$_verb',
      url: '$_path',
      allowAbsoluteUrls: true
    },
    code: 'ECONNREFUSED',
    status: null
  }
}
EOF
}
