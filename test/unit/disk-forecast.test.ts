import { describe, expect, it } from 'vitest';
import { forecastDiskFull } from '../../src/checks/resources-disk-forecast.ts';
import type { DiskSample } from '../../src/domain/samples.ts';

const GiB = 1024 ** 3;
const HOUR = 3_600_000;
const START = Date.parse('2026-08-01T00:00:00Z');

/** Hourly samples of a 100 GiB disk whose used bytes follow `used(hour)`. */
function hourly(hours: number, used: (hour: number) => number, totalBytes = 100 * GiB): DiskSample[] {
  return Array.from({ length: hours }, (_, hour) => ({
    path: '/data',
    sampledAt: new Date(START + hour * HOUR),
    usedBytes: Math.round(used(hour)),
    totalBytes,
  }));
}

/** Deterministic noise in [-1, 1): a fixed linear congruential sequence. */
function noise(seed: number): (i: number) => number {
  const values: number[] = [];
  let state = seed;
  for (let i = 0; i < 1000; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    values.push((state / 2 ** 31) * 2 - 1);
  }
  return (i) => values[i % values.length] as number;
}

describe('forecastDiskFull', () => {
  it('forecasts the days until full from a steady rise', () => {
    // 50 GiB used, rising 1 GiB per day: the 50 GiB left last 50 days from the first sample,
    // i.e. 50 - 2 days after two days of samples.
    const samples = hourly(49, (h) => 50 * GiB + (h / 24) * GiB);
    const forecast = forecastDiskFull(samples);
    expect(forecast.kind).toBe('filling');
    if (forecast.kind !== 'filling') return;
    expect(forecast.bytesPerDay / GiB).toBeCloseTo(1, 6);
    expect(forecast.daysUntilFull).toBeCloseTo(48, 3);
    // The last sample is two days in: full 48 days later, on the 50th day.
    expect(Math.abs(forecast.fullAt.getTime() - Date.parse('2026-09-20T00:00:00Z'))).toBeLessThan(60_000);
  });

  it('gives no forecast for flat use', () => {
    expect(forecastDiskFull(hourly(48, () => 60 * GiB))).toEqual({ kind: 'none', reason: 'not-rising' });
  });

  it('gives no forecast for falling use', () => {
    expect(forecastDiskFull(hourly(48, (h) => 80 * GiB - h * 0.1 * GiB))).toEqual({ kind: 'none', reason: 'not-rising' });
  });

  it('sees a clear rise through noise', () => {
    const jitter = noise(7);
    // Rising 2 GiB a day with ±0.5 GiB of noise each hour, over three days.
    const samples = hourly(72, (h) => 40 * GiB + (h / 24) * 2 * GiB + jitter(h) * 0.5 * GiB);
    const forecast = forecastDiskFull(samples);
    expect(forecast.kind).toBe('filling');
    if (forecast.kind !== 'filling') return;
    expect(forecast.bytesPerDay / GiB).toBeGreaterThan(1.7);
    expect(forecast.bytesPerDay / GiB).toBeLessThan(2.3);
  });

  it('does not mistake noise around a flat line for a rise', () => {
    for (const seed of [1, 2, 3, 4, 5, 11, 42]) {
      const jitter = noise(seed);
      const samples = hourly(72, (h) => 60 * GiB + jitter(h) * 2 * GiB);
      expect(forecastDiskFull(samples), `seed ${seed}`).toEqual({ kind: 'none', reason: 'not-rising' });
    }
  });

  it('needs at least three samples', () => {
    const two = hourly(48, (h) => 50 * GiB + h * GiB).filter((_, i) => i === 0 || i === 47);
    expect(forecastDiskFull(two)).toEqual({ kind: 'none', reason: 'too-few-samples' });
    expect(forecastDiskFull([])).toEqual({ kind: 'none', reason: 'too-few-samples' });
  });

  it('needs samples that span at least an hour', () => {
    const minutes = Array.from({ length: 6 }, (_, i) => ({
      path: '/data',
      sampledAt: new Date(START + i * 10 * 60_000),
      usedBytes: 50 * GiB + i * GiB,
      totalBytes: 100 * GiB,
    }));
    expect(forecastDiskFull(minutes)).toEqual({ kind: 'none', reason: 'too-few-samples' });
    expect(forecastDiskFull(minutes, { minSamples: 3, minSpanMs: 30 * 60_000 }).kind).toBe('filling');
  });

  it('says full when nothing is left, whatever the trend', () => {
    const samples = hourly(3, () => 100 * GiB);
    expect(forecastDiskFull(samples)).toEqual({ kind: 'full' });
    expect(forecastDiskFull(samples.slice(-1))).toEqual({ kind: 'full' });
  });

  it('orders samples by time itself', () => {
    const samples = hourly(24, (h) => 50 * GiB + h * 0.5 * GiB).reverse();
    const forecast = forecastDiskFull(samples);
    expect(forecast.kind).toBe('filling');
    if (forecast.kind === 'filling') expect(forecast.bytesPerDay / GiB).toBeCloseTo(12, 6);
  });
});
