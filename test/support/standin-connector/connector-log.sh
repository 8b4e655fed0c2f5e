# Sourced by the stand-in Connector's scripts (busybox ash).
# Writes one log event in the Connector's default log4js layout
#   %[[%d] [%p] %c - %m %x{correlationId}%]
# i.e. the whole event (stack lines included) wrapped in the level's ANSI colour, an ISO 8601
# local time without zone and with milliseconds, and the space that precedes the (empty)
# correlation id. Usage: connector_log LEVEL CATEGORY MESSAGE (MESSAGE may hold newlines).

connector_log() {
  _level=$1 _category=$2 _message=$3
  case $_level in
    TRACE) _colour=34 ;;
    DEBUG) _colour=36 ;;
    INFO) _colour=32 ;;
    WARN) _colour=33 ;;
    ERROR) _colour=31 ;;
    FATAL) _colour=35 ;;
    *) _colour=90 ;;
  esac
  _now=$EPOCHREALTIME
  _frac=${_now#*.}000
  _stamp="$(date -d "@${_now%.*}" +%Y-%m-%dT%H:%M:%S).${_frac:0:3}"
  printf '\033[%sm[%s] [%s] %s - %s \033[39m\n' "$_colour" "$_stamp" "$_level" "$_category" "$_message"
}
