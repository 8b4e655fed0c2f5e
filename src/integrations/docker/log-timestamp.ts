/**
 * Docker's log timestamps as log positions: RFC 3339 in UTC with exactly nine fractional digits, so that they
 * order as strings. Docker writes RFC3339Nano, which trims trailing zeros (and the dot with them).
 */

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;
/** `2026-12-01T09:00:00.123456789+01:00` is the longest form. */
const MAX_TIMESTAMP_CHARS = 35;
const SPACE = 0x20;

/** `2026-12-01T09:00:00.1Z` → `2026-12-01T09:00:00.100000000Z`; undefined for anything else. */
export function normaliseDockerTime(text: string): string | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match?.[1] || !match[3]) return undefined;
  const fraction = (match[2] ?? '').padEnd(9, '0');
  if (match[3] === 'Z') return `${match[1]}.${fraction}Z`;
  const utc = new Date(`${match[1]}${match[3]}`);
  return Number.isNaN(utc.getTime()) ? undefined : `${utc.toISOString().slice(0, 19)}.${fraction}Z`;
}

/** The normalised timestamp a line of `timestamps=1` output starts with (`<timestamp> <line>`). */
export function dockerLineTime(bytes: Buffer, start: number, end: number): string | undefined {
  const space = bytes.indexOf(SPACE, start);
  if (space === -1 || space >= end || space - start > MAX_TIMESTAMP_CHARS) return undefined;
  return normaliseDockerTime(bytes.toString('latin1', start, space));
}

/** The whole seconds of a normalised timestamp, as Docker's `since` takes them (inclusive). */
export function wholeSeconds(at: string): number {
  return Math.floor(Date.parse(`${at.slice(0, 19)}Z`) / 1000);
}
