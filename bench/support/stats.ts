/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  return sorted(values)[Math.floor(values.length / 2)] ?? Number.NaN;
}

/** The smallest value that at least `p` percent of the values do not exceed (nearest rank: of 100, p99 is the 99th). */
export function percentile(values: readonly number[], p: number): number {
  return sorted(values)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? Number.NaN;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** `p50 / p99 ms`, as the benchmarks' tables show latencies. */
export function p50p99(values: readonly number[]): string {
  return `${percentile(values, 50).toFixed(0)} / ${percentile(values, 99).toFixed(0)} ms`;
}

/** Now as an epoch time in milliseconds with performance.now()'s resolution: comparable across processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
