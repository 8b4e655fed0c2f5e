import { MAX_MESSAGE_CHARS, MAX_STACK_LINE_CHARS, MAX_STACK_LINES } from './event.ts';
import type { ErrorEvent, ErrorLevel } from './event.ts';
import { parseEventTime } from './time.ts';
import { stripAnsi } from './text.ts';

type LogRecord = Record<string, unknown>;

/**
 * An ERROR or FATAL event from one JSON line: Serilog compact JSON (`@t`, `@m` or the template
 * `@mt` with its properties, `@x` the exception text) or the `time`/`msg`/`stack` shapes of other
 * loggers. A line that does not parse (cut off, say) still counts, with its raw text as message.
 */
export function parseJsonEvent(view: Buffer, level: ErrorLevel): ErrorEvent {
  const record = parseRecord(view);
  if (!record) {
    const raw = stripAnsi(view.toString('utf8', 0, Math.min(view.length, 2 * MAX_MESSAGE_CHARS)));
    return { level, time: undefined, message: raw.slice(0, MAX_MESSAGE_CHARS), stack: [] };
  }
  const lines = [...linesOf(messageOf(record)), ...linesOf(exceptionOf(record))];
  return {
    level,
    time: timeOf(record['@t'] ?? record.time ?? record.timestamp ?? record.startTime),
    message: (lines[0] ?? '').slice(0, MAX_MESSAGE_CHARS),
    stack: lines.slice(1, 1 + MAX_STACK_LINES).map((line) => line.slice(0, MAX_STACK_LINE_CHARS)),
  };
}

function parseRecord(view: Buffer): LogRecord | undefined {
  try {
    const value: unknown = JSON.parse(view.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(record: LogRecord): string {
  if (typeof record['@m'] === 'string') return record['@m'];
  if (typeof record['@mt'] === 'string') return renderTemplate(record['@mt'], record);
  for (const key of ['msg', 'message']) {
    const value = record[key];
    if (typeof value === 'string') return value;
  }
  // log4js's own JSON output keeps the logged arguments in `data`.
  if (Array.isArray(record.data)) return record.data.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ');
  return '';
}

function exceptionOf(record: LogRecord): string {
  for (const key of ['@x', 'exception', 'stack']) {
    const value = record[key];
    if (typeof value === 'string') return value;
  }
  const error = record.err ?? record.error;
  if (typeof error === 'object' && error !== null) {
    const stack = (error as { stack?: unknown }).stack;
    if (typeof stack === 'string') return stack;
  }
  return '';
}

const HOLE = /\{\{|\}\}|\{[@$]?([A-Za-z0-9_]+)(?:[,:][^}]*)?\}/g;

/** Fills a message template's `{Name}` holes from the event's properties, as Serilog renders it. */
function renderTemplate(template: string, record: LogRecord): string {
  return template.replace(HOLE, (hole: string, name: string | undefined) => {
    if (hole === '{{') return '{';
    if (hole === '}}') return '}';
    const value = name === undefined ? undefined : record[name];
    if (value === undefined) return hole;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function linesOf(text: string): string[] {
  if (text === '') return [];
  return text
    .split(/\r?\n/, 1 + MAX_STACK_LINES)
    .map((line) => stripAnsi(line).trimEnd())
    .filter((line) => line.trim() !== '');
}

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'string') return parseEventTime(value);
  // Epoch milliseconds (pino) or seconds.
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? value : value * 1000;
  return undefined;
}
