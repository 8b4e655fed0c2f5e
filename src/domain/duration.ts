const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30m`, `24h`, `7d` into milliseconds; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = UNITS[match[2] as string];
  return value > 0 && unit ? value * unit : undefined;
}

export function formatDuration(ms: number): string {
  if (ms % UNITS.d! === 0) return `${ms / UNITS.d!} d`;
  if (ms % UNITS.h! === 0) return `${ms / UNITS.h!} h`;
  return `${Math.round(ms / UNITS.m!)} min`;
}
