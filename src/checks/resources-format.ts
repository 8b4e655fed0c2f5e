import type { CheckStatus } from '../domain/status.ts';

export interface Threshold {
  warn: number;
  critical: number;
}

/** Percent at or above `critical` is critical, at or above `warn` a warning. */
export function thresholdStatus(percent: number, threshold: Threshold): CheckStatus {
  if (percent >= threshold.critical) return 'critical';
  if (percent >= threshold.warn) return 'warn';
  return 'ok';
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units, as df -h and docker show them: `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatPercent(percent: number): string {
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent).toString()} %`;
}

const DAY_MS = 86_400_000;

/** An age or span in whole days, or hours and minutes below a day. */
export function formatAge(ms: number): string {
  if (ms >= DAY_MS) {
    const days = Math.floor(ms / DAY_MS);
    return days === 1 ? '1 day' : `${days} days`;
  }
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 1) return `${hours} h`;
  return `${Math.max(0, Math.floor(ms / 60_000))} min`;
}
