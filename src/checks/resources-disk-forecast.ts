import type { DiskSample } from '../domain/samples.ts';

/** When a file system will be full at the rate its use has been rising. */
export type DiskForecast =
  | { kind: 'full' }
  /** `fullAt`: the latest sample's time plus the days it lasts. */
  | { kind: 'filling'; daysUntilFull: number; bytesPerDay: number; fullAt: Date }
  | { kind: 'none'; reason: 'too-few-samples' | 'not-rising' };

export interface ForecastRules {
  minSamples: number;
  /** The samples must span at least this long: a trend over minutes says nothing about days. */
  minSpanMs: number;
}

export const DEFAULT_FORECAST_RULES: ForecastRules = { minSamples: 3, minSpanMs: 3_600_000 };

const DAY_MS = 86_400_000;
// The slope must stand this many standard errors above zero to count as rising, so that
// noise around a flat line does not produce a forecast.
const RISING_T = 3;

/**
 * Fits a least-squares line through used bytes over time and, when it clearly rises, tells how many
 * days the space still available (a sample's totalBytes is used + available) lasts at that rate.
 * Pure: the caller picks the window (e.g. the last 7 days) and hands in the samples.
 */
export function forecastDiskFull(samples: readonly DiskSample[], rules: ForecastRules = DEFAULT_FORECAST_RULES): DiskForecast {
  const ordered = [...samples].sort((a, b) => a.sampledAt.getTime() - b.sampledAt.getTime());
  const latest = ordered.at(-1);
  if (latest && latest.usedBytes >= latest.totalBytes) return { kind: 'full' };
  const first = ordered[0];
  if (!latest || !first || ordered.length < rules.minSamples) return { kind: 'none', reason: 'too-few-samples' };
  const origin = first.sampledAt.getTime();
  if (latest.sampledAt.getTime() - origin < rules.minSpanMs) return { kind: 'none', reason: 'too-few-samples' };

  // Days since the first sample keep the sums small enough for exact floating point.
  const xs = ordered.map((s) => (s.sampledAt.getTime() - origin) / DAY_MS);
  const ys = ordered.map((s) => s.usedBytes);
  const fit = leastSquares(xs, ys);
  if (fit.slope <= 0 || fit.slope <= RISING_T * fit.slopeStandardError) return { kind: 'none', reason: 'not-rising' };
  const remaining = latest.totalBytes - latest.usedBytes;
  const daysUntilFull = remaining / fit.slope;
  return { kind: 'filling', daysUntilFull, bytesPerDay: fit.slope, fullAt: new Date(latest.sampledAt.getTime() + daysUntilFull * DAY_MS) };
}

function leastSquares(xs: number[], ys: number[]): { slope: number; slopeStandardError: number } {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    sxx += dx * dx;
    sxy += dx * ((ys[i] as number) - meanY);
  }
  if (sxx === 0) return { slope: 0, slopeStandardError: 0 };
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let residuals = 0;
  for (let i = 0; i < n; i++) {
    const r = (ys[i] as number) - (intercept + slope * (xs[i] as number));
    residuals += r * r;
  }
  const slopeStandardError = n > 2 ? Math.sqrt(residuals / (n - 2) / sxx) : 0;
  return { slope, slopeStandardError };
}
