import type { LineSink } from './lines.ts';
import { parseJsonEvent } from './json-event.ts';
import { MAX_MESSAGE_CHARS, MAX_STACK_LINE_CHARS, MAX_STACK_LINES } from './event.ts';
import type { ErrorEvent, ErrorLevel } from './event.ts';
import { jsonLevel } from './json-level.ts';
import { stripAnsi, withoutCorrelationId } from './text.ts';
import { parseEventTime } from './time.ts';

const ESC = 0x1b;
const SPACE = 0x20;
const TAB = 0x09;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const DASH = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const UPPER_T = 0x54;
/** OR-ing this bit turns an ASCII capital into its lower-case letter. */
const LOWER_CASE_BIT = 0x20;

/** How far into a line the closing bracket of a date or level may sit. */
const MAX_DATE_CHARS = 40;
const MAX_LEVEL_CHARS = 8;
const MAX_DOCKER_TIMESTAMP_CHARS = 40;

/**
 * Turns log lines into ERROR and FATAL events. Understands
 * - the Connector's log4js pattern layout `%[[%d] [%p] %c - %m %x{correlationId}%]` and the basic
 *   layout `[%d] [%p] %c - %m`, with ANSI colour codes anywhere (the reset may end the first or the
 *   last line of an event);
 * - one JSON object per line: Serilog-style compact JSON (`@t`, `@mt`/`@m`, `@l`, `@x`) and
 *   `level`/`time`/`msg` shapes;
 * - a Docker timestamp in front of each line (`docker logs -t`), and `\r\n` line ends.
 * A line that does not start an event continues the one before it (stack traces).
 *
 * Built for throughput: the level is read from the raw bytes, and only lines of ERROR and FATAL
 * events are ever decoded into strings.
 */
export class LogEventParser implements LineSink {
  /** Events of any level recognised: none in many lines means a layout this parser does not know. */
  events = 0;
  private pending: ErrorEvent | undefined;
  /** An error-like first line outside the layout, counted once an `at` frame follows it. */
  private candidate: ErrorEvent | undefined;
  /** The pending event came from outside the layout: a further error-like line starts another one. */
  private pendingOutside = false;
  /** Lines seen, counting from 1: what `heldFrom` refers to. */
  lines = 0;
  private pendingLine = 0;
  private candidateLine = 0;
  private readonly onError: (event: ErrorEvent) => void;

  constructor(onError: (event: ErrorEvent) => void) {
    this.onError = onError;
  }

  line(bytes: Buffer, start: number, end: number): void {
    this.lines++;
    let pos = skipEscapes(bytes, start, end);
    const timestampStart = pos;
    const timestampEnd = dockerTimestampEnd(bytes, pos, end);
    if (timestampEnd > 0) pos = skipEscapes(bytes, timestampEnd, end);
    const first = bytes[pos];
    if (first === OPEN_BRACKET && this.patternEvent(bytes, pos, end)) return;
    if (first === OPEN_BRACE && this.jsonEvent(bytes, pos, end)) return;
    const outside = this.pending === undefined || this.pendingOutside;
    if (outside && this.outsideLayout(bytes, pos, end, timestampEnd > 0 ? [timestampStart, timestampEnd] : undefined)) return;
    this.continuation(bytes, pos, end);
  }

  /**
   * The first line (by `lines`) of what the parser holds and has not passed on yet (an event still collecting
   * its stack, an error-like line waiting for a frame); undefined when it holds nothing. A reader that resumes
   * must read again from that line.
   */
  get heldFrom(): number | undefined {
    const pending = this.pending ? this.pendingLine : Infinity;
    const candidate = this.candidate ? this.candidateLine : Infinity;
    const first = Math.min(pending, candidate);
    return first === Infinity ? undefined : first;
  }

  /** Passes on the event still being collected. Call when the input is exhausted. */
  end(): void {
    this.flush();
  }

  /** `[date] [LEVEL] category - message`; false when the line only looks like it. */
  private patternEvent(bytes: Buffer, pos: number, end: number): boolean {
    if (!isDigit(bytes[pos + 1])) return false;
    const dateEnd = indexWithin(bytes, CLOSE_BRACKET, pos + 1, Math.min(end, pos + MAX_DATE_CHARS));
    if (dateEnd < 0) return false;
    const levelOpen = skipEscapes(bytes, skipSpaces(bytes, dateEnd + 1, end), end);
    if (bytes[levelOpen] !== OPEN_BRACKET) return false;
    const levelEnd = indexWithin(bytes, CLOSE_BRACKET, levelOpen + 1, Math.min(end, levelOpen + 2 + MAX_LEVEL_CHARS));
    if (levelEnd < 0) return false;
    this.flush();
    this.events++;
    const level = errorLevelOf(bytes, levelOpen + 1, levelEnd);
    if (!level) return true;
    const rest = stripAnsi(bytes.toString('utf8', levelEnd + 1, Math.min(end, levelEnd + 1 + 2 * MAX_MESSAGE_CHARS)));
    const separator = rest.indexOf(' - ');
    const message = (separator >= 0 ? rest.slice(separator + 3) : rest).trim();
    this.pendingLine = this.lines;
    this.pending = {
      level,
      time: parseEventTime(bytes.toString('latin1', pos + 1, dateEnd)),
      message: message.slice(0, MAX_MESSAGE_CHARS),
      stack: [],
    };
    return true;
  }

  private jsonEvent(bytes: Buffer, pos: number, end: number): boolean {
    const view = bytes.subarray(pos, end);
    const level = jsonLevel(view);
    if (level === 'none') return false;
    this.flush();
    this.events++;
    if (level === 'other') return true;
    this.pendingLine = this.lines;
    this.pending = parseJsonEvent(view, level);
    return true;
  }

  /**
   * Output that bypassed log4js (console.error of a start-up failure, Node's report of an uncaught
   * exception), outside a log4js error event: a line that looks like an error's first line starts an
   * event of its own. `Uncaught …` and unhandled rejections count at once; `…Error: text` at column 0
   * only once an `at` frame follows, so that a message quoting an error in plain output is not counted.
   * Inside a log4js ERROR event such lines are its stack (a cause), never a second event.
   */
  private outsideLayout(bytes: Buffer, pos: number, end: number, dockerTimestamp: [number, number] | undefined): boolean {
    const candidate = this.candidate;
    if (candidate) {
      this.candidate = undefined;
      if (isStackFrame(bytes, pos, end)) {
        this.start(candidate, this.candidateLine);
        return false;
      }
    }
    // A cheap first look, as most lines here are indented dumps: an error's first line starts with a letter,
    // "(" (`(node:1) Unhandled…`) or "[" (`[UnhandledPromiseRejection: …`).
    if (!mayStartUncaught(bytes[pos])) return false;
    const text = stripAnsi(bytes.toString('utf8', pos, Math.min(end, pos + 2 * MAX_MESSAGE_CHARS))).trimEnd();
    const kind = uncaughtKind(text);
    if (!kind) return false;
    const event: ErrorEvent = {
      level: 'ERROR',
      time: dockerTimestamp ? parseEventTime(bytes.toString('latin1', dockerTimestamp[0], dockerTimestamp[1])) : undefined,
      message: text.slice(0, MAX_MESSAGE_CHARS),
      stack: [],
    };
    if (kind === 'certain') this.start(event, this.lines);
    else {
      this.candidate = event;
      this.candidateLine = this.lines;
    }
    return true;
  }

  private start(event: ErrorEvent, line: number): void {
    this.flush();
    this.events++;
    this.pending = event;
    this.pendingLine = line;
    this.pendingOutside = true;
  }

  private continuation(bytes: Buffer, pos: number, end: number): void {
    const pending = this.pending;
    if (!pending || pending.stack.length >= MAX_STACK_LINES) return;
    const text = stripAnsi(bytes.toString('utf8', pos, Math.min(end, pos + 2 * MAX_STACK_LINE_CHARS))).trimEnd();
    if (text.trim() === '') return;
    pending.stack.push(text.slice(0, MAX_STACK_LINE_CHARS));
  }

  private flush(): void {
    this.candidate = undefined;
    this.pendingOutside = false;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    // The pattern ends with ` %x{correlationId}`, so the id trails the event's last line.
    const last = pending.stack.length - 1;
    if (last >= 0) pending.stack[last] = withoutCorrelationId(pending.stack[last] ?? '');
    else pending.message = withoutCorrelationId(pending.message);
    this.onError(pending);
  }
}

/** `Error: …`, `RequestError: …`, `TypeError [ERR_X]: …`, `MongoServerSelectionError: …` at column 0. */
const ERROR_FIRST_LINE = /^(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception)(?: \[[\w.-]+\])?: \S/;
const CERTAIN_FIRST_LINE = /^(?:Uncaught\b|\[?UnhandledPromiseRejection\b|\(node:\d+\) (?:\[[\w-]+\] )?UnhandledPromiseRejectionWarning\b|process\.on\(['"]unhandledRejection)/;

function uncaughtKind(text: string): 'certain' | 'needs-frame' | undefined {
  if (CERTAIN_FIRST_LINE.test(text)) return 'certain';
  return ERROR_FIRST_LINE.test(text) ? 'needs-frame' : undefined;
}

function mayStartUncaught(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  const lower = byte | LOWER_CASE_BIT;
  return (lower >= 0x61 && lower <= 0x7a) || byte === 0x28 || byte === OPEN_BRACKET || byte === 0x5f || byte === 0x24;
}

/** `    at fn (file:1:2)`: a V8 stack frame. */
function isStackFrame(bytes: Buffer, pos: number, end: number): boolean {
  let at = pos;
  while (at < end && (bytes[at] === SPACE || bytes[at] === TAB)) at++;
  return at > pos && bytes[at] === 0x61 && bytes[at + 1] === 0x74 && bytes[at + 2] === SPACE; // "at "
}

function errorLevelOf(bytes: Buffer, start: number, end: number): ErrorLevel | undefined {
  let from = start;
  let to = end;
  while (from < to && bytes[from] === SPACE) from++;
  while (to > from && bytes[to - 1] === SPACE) to--;
  const initial = (bytes[from] ?? 0) | LOWER_CASE_BIT;
  if (to - from !== 5 || (initial !== 0x65 && initial !== 0x66)) return undefined; // e(rror), f(atal)
  const word = bytes.toString('latin1', from, to).toUpperCase();
  return word === 'ERROR' || word === 'FATAL' ? word : undefined;
}

/** Skips ANSI escape sequences (`ESC [ params final`) at `pos`. */
function skipEscapes(bytes: Buffer, pos: number, end: number): number {
  let at = pos;
  while (at < end && bytes[at] === ESC) {
    at++;
    if (bytes[at] !== OPEN_BRACKET) continue;
    at++;
    while (at < end) {
      const byte = bytes[at++] ?? 0;
      if (byte >= 0x40 && byte <= 0x7e) break;
    }
  }
  return at;
}

function skipSpaces(bytes: Buffer, pos: number, end: number): number {
  let at = pos;
  while (at < end && (bytes[at] === SPACE || bytes[at] === TAB)) at++;
  return at;
}

/** The end of a `2026-08-20T09:14:03.512345678Z ` prefix (docker logs --timestamps), else 0. */
function dockerTimestampEnd(bytes: Buffer, pos: number, end: number): number {
  if (!isDigit(bytes[pos]) || bytes[pos + 4] !== DASH || bytes[pos + 10] !== UPPER_T) return 0;
  const space = indexWithin(bytes, SPACE, pos + 19, Math.min(end, pos + MAX_DOCKER_TIMESTAMP_CHARS));
  return space < 0 ? 0 : space + 1;
}

function indexWithin(bytes: Buffer, byte: number, from: number, to: number): number {
  for (let at = from; at < to; at++) if (bytes[at] === byte) return at;
  return -1;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}
