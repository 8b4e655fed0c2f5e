const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30m`, `24h`, `7d` into milliseconds; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = UNITS[match[2] as string];
  return value > 0 && unit ? value * unit : undefined;
}

/** The `--since` text that parseDuration reads back, in the largest whole unit: 7d, not 10080m (over 4 digits). */
export function durationOption(ms: number): string {
  for (const unit of ['d', 'h'] as const) {
    if (ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  }
  return `${Math.round(ms / UNITS.m!)}m`;
}

export function formatDuration(ms: number): string {
  if (ms % UNITS.d! === 0) return `${ms / UNITS.d!} d`;
  if (ms % UNITS.h! === 0) return `${ms / UNITS.h!} h`;
  return `${Math.round(ms / UNITS.m!)} min`;
}
