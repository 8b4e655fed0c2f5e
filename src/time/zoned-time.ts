const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    // h23: midnight is 00, never 24.
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, format);
  }
  return format;
}

/** True for a zone of the IANA database (`Europe/Berlin`, `UTC`, in any case); false for offsets such as `+01:00`. */
export function isTimeZone(zone: string): boolean {
  try {
    return !/^[+-]/.test(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}

/** The wall clock of an instant in a zone, as the UTC milliseconds that read the same digits. */
export function wallClock(instant: number, zone: string): number {
  const part: Record<string, number> = {};
  for (const { type, value } of formatter(zone).formatToParts(instant)) part[type] = Number(value);
  const ms = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!) + ms;
}

/**
 * The instants a wall-clock time (as UTC milliseconds reading its digits) names in a zone: one; two in the
 * hour repeated when the clocks go back (earlier first); none in the hour skipped when they go forward. `shifted`
 * is where a skipped time lands read with the offset before the gap (02:30 → 03:30), as RFC 5545 and
 * java.time resolve it.
 */
export function instantsAt(wall: number, zone: string): { instants: number[]; shifted: number } {
  // The offsets a day either side: a transition in between is the only way a wall-clock time can be ambiguous.
  const before = wall - wallClock(wall - DAY_MS, zone) + (wall - DAY_MS);
  const after = wall - wallClock(wall + DAY_MS, zone) + (wall + DAY_MS);
  const instants = [...new Set([before, after])].filter((instant) => wallClock(instant, zone) === wall).sort((a, b) => a - b);
  return { instants, shifted: before };
}

/** `2026-03-30 08:00 Europe/Berlin`: an instant as the people of the zone read it. */
export function formatInZone(instant: Date, zone: string): string {
  return `${new Date(wallClock(instant.getTime(), zone)).toISOString().slice(0, 16).replace('T', ' ')} ${zone}`;
}
