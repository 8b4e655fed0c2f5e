import type { ErrorLevel } from './event.ts';

/**
 * The level of a one-line JSON log event, read from the raw bytes so that the many INFO lines of a
 * log are never decoded or parsed. A quoted key cannot occur inside a JSON string (its quotes would
 * be escaped there), so finding `"@l"` followed by a colon finds the key itself.
 *
 * 'other' is an event of a lower level; 'none' means the line is no JSON log event at all (a JSON
 * dump inside a stack trace, say) and continues the event before it.
 */
export function jsonLevel(view: Buffer): ErrorLevel | 'other' | 'none' {
  for (const key of LEVEL_KEYS) {
    const at = valueAt(view, key);
    if (at < 0) continue;
    const byte = view[at];
    if (byte === QUOTE) return levelOfName(view, at + 1);
    if (byte !== undefined && byte >= ZERO && byte <= NINE) return levelOfNumber(view, at);
  }
  // Serilog's compact JSON leaves `@l` out for Information events. A line cut short (over-long)
  // may lack its closing brace; without a level it is only an event when it is complete.
  if (view[lastNonBlank(view)] !== CLOSE_BRACE) return 'none';
  return EVENT_KEYS.some((key) => valueAt(view, key) >= 0) ? 'other' : 'none';
}

const QUOTE = 0x22;
const COLON = 0x3a;
const CLOSE_BRACE = 0x7d;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_LEVEL_NAME = 16;

// `@l`: Serilog compact JSON; `levelStr`: log4js's JSON-ish layouts; `level`: pino, bunyan, winston.
const LEVEL_KEYS = ['"@l"', '"levelStr"', '"level"', '"severity"'].map((key) => Buffer.from(key));
const EVENT_KEYS = ['"@t"', '"@mt"', '"@m"'].map((key) => Buffer.from(key));

const NAMES: Record<string, ErrorLevel> = {
  error: 'ERROR',
  err: 'ERROR',
  eror: 'ERROR',
  fatal: 'FATAL',
  ftl: 'FATAL',
  critical: 'FATAL',
  crit: 'FATAL',
  alert: 'FATAL',
  emerg: 'FATAL',
  emergency: 'FATAL',
};

function levelOfName(view: Buffer, start: number): ErrorLevel | 'other' {
  const close = view.indexOf(QUOTE, start);
  if (close < 0 || close - start > MAX_LEVEL_NAME) return 'other';
  return NAMES[view.toString('latin1', start, close).toLowerCase()] ?? 'other';
}

/** pino and bunyan: 50 error, 60 fatal. */
function levelOfNumber(view: Buffer, start: number): ErrorLevel | 'other' {
  let value = 0;
  for (let at = start; at < view.length && at < start + 6; at++) {
    const byte = view[at] ?? 0;
    if (byte < ZERO || byte > NINE) break;
    value = value * 10 + (byte - ZERO);
  }
  if (value >= 60) return 'FATAL';
  return value >= 50 ? 'ERROR' : 'other';
}

/** Where the value of `key` starts, or -1. */
function valueAt(view: Buffer, key: Buffer): number {
  let from = 0;
  for (;;) {
    const found = view.indexOf(key, from);
    if (found < 0) return -1;
    let at = skipBlanks(view, found + key.length);
    if (view[at] === COLON) {
      at = skipBlanks(view, at + 1);
      return at < view.length ? at : -1;
    }
    from = found + 1;
  }
}

function skipBlanks(view: Buffer, pos: number): number {
  let at = pos;
  while (at < view.length && (view[at] === 0x20 || view[at] === 0x09)) at++;
  return at;
}

function lastNonBlank(view: Buffer): number {
  let at = view.length - 1;
  while (at > 0 && (view[at] === 0x20 || view[at] === 0x09 || view[at] === 0x0d)) at--;
  return at;
}
