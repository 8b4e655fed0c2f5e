import { quoted } from './inert.ts';

const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `30m`, `24h`, `7d` into milliseconds; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const [, digits, unit] = match;
  const value = Number(digits);
  return value > 0 && isUnit(unit) ? value * UNITS[unit] : undefined;
}

function isUnit(text: string | undefined): text is keyof typeof UNITS {
  return text !== undefined && Object.hasOwn(UNITS, text);
}

const MAX_SINCE_MS = 30 * UNITS.d;

/** The value of `--since`, in chat and in `connector-ops check` alike. */
export function parseSince(text: string): { ms: number } | { problem: string } {
  const ms = parseDuration(text);
  if (ms === undefined || ms > MAX_SINCE_MS) return { problem: `${quoted(`--since ${text}`)} is not a duration; expected e.g. 30m, 24h or 7d (at most 30d).` };
  return { ms };
}

/** The `--since` text that parseDuration reads back, in the largest whole unit: 7d, not 10080m (over 4 digits). */
export function durationOption(ms: number): string {
  for (const unit of ['d', 'h'] as const) {
    if (ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  }
  return `${Math.round(ms / UNITS.m)}m`;
}

export function formatDuration(ms: number): string {
  if (ms % UNITS.d === 0) return `${ms / UNITS.d} d`;
  if (ms % UNITS.h === 0) return `${ms / UNITS.h} h`;
  return `${Math.round(ms / UNITS.m)} min`;
}

/** A length of time as a person says it, in its largest sensible unit: 45 s, 20 min, 1 h, 1.5 h, 36 h, 12 d. */
export function approximateDuration(ms: number): string {
  if (ms < UNITS.m) return `${Math.round(ms / 1000)} s`;
  if (ms < UNITS.h) return `${Math.round(ms / UNITS.m)} min`;
  if (ms < 48 * UNITS.h) return `${inUnit(ms, UNITS.h)} h`;
  return `${inUnit(ms, UNITS.d)} d`;
}

/** Whole units, or one decimal below ten (1.5 h reads truer than 2 h). */
function inUnit(ms: number, unit: number): string {
  const value = ms / unit;
  return value < 10 && Math.round(value * 10) % 10 !== 0 ? value.toFixed(1) : String(Math.round(value));
}
