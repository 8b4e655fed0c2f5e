// ANSI escape sequences (colours, resets): ESC [ parameters intermediates final-byte.
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b/g;

export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

const TRAILING_CORRELATION_ID = /\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Removes the correlation id the Connector's layout appends to an event's last line, and trailing blanks. */
export function withoutCorrelationId(line: string): string {
  return line.trimEnd().replace(TRAILING_CORRELATION_ID, '');
}

/** Cuts text to `max` characters, marking the cut. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
