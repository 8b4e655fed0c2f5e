import { describe, expect, it } from 'vitest';
import { resourceChart } from '../../src/domain/resource-chart.ts';
import type { DiskSample, MemorySample } from '../../src/domain/samples.ts';

const GiB = 1024 ** 3;
const NOW = new Date('2026-12-01T08:00:00Z');
const HOUR = 3_600_000;

const at = (iso: string) => new Date(iso);
const memory = (iso: string, usedGiB: number, totalGiB = 16): MemorySample => ({ sampledAt: at(iso), usedBytes: usedGiB * GiB, totalBytes: totalGiB * GiB });
const disk = (path: string, iso: string, usedGiB: number, totalGiB = 100): DiskSample => ({ path, sampledAt: at(iso), usedBytes: usedGiB * GiB, totalBytes: totalGiB * GiB });

describe('resourceChart', () => {
  it('one series for memory, then one per disk labelled with its path, in percent of the total, over the last 7 days', () => {
    const chart = resourceChart({
      memory: [memory('2026-11-30T10:00:00Z', 4)],
      disks: [
        { path: '/var/lib/docker', samples: [disk('/var/lib/docker', '2026-11-30T10:00:00Z', 41)] },
        { path: '/data', samples: [disk('/data', '2026-11-30T10:00:00Z', 90, 120)] },
      ],
      now: NOW,
    });
    expect(chart).toEqual({
      title: 'Disk and memory use, last 7 days',
      from: '2026-11-24T08:00:00.000Z',
      to: '2026-12-01T08:00:00.000Z',
      series: [
        { label: 'memory', points: [{ at: '2026-11-30T10:00:00.000Z', percent: 25 }] },
        { label: '/var/lib/docker', points: [{ at: '2026-11-30T10:00:00.000Z', percent: 41 }] },
        { label: '/data', points: [{ at: '2026-11-30T10:00:00.000Z', percent: 75 }] },
      ],
    });
  });

  it("keeps one point per clock hour, the hour's highest, at the time it was sampled", () => {
    const samples = [
      memory('2026-11-30T10:00:00Z', 4),
      memory('2026-11-30T10:15:00Z', 12),
      memory('2026-11-30T10:30:00Z', 8),
      memory('2026-11-30T10:45:00Z', 4),
      memory('2026-11-30T11:00:00Z', 2),
      memory('2026-11-30T11:59:59Z', 3),
    ];
    const chart = resourceChart({ memory: samples, disks: [], now: NOW });
    expect(chart?.series[0]?.points).toEqual([
      { at: '2026-11-30T10:15:00.000Z', percent: 75 },
      { at: '2026-11-30T11:59:59.000Z', percent: 18.75 },
    ]);
  });

  it('a week of samples every 15 minutes becomes at most one point an hour, oldest first', () => {
    const samples = Array.from({ length: 7 * 24 * 4 }, (_, i) => memory(new Date(NOW.getTime() - i * 15 * 60_000).toISOString(), (i % 16) + 0.5));
    const points = resourceChart({ memory: samples, disks: [], now: NOW })!.series[0]!.points;
    expect(points.length).toBeLessThanOrEqual(7 * 24 + 1);
    expect(points.length).toBeGreaterThanOrEqual(7 * 24);
    const times = points.map((p) => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times.map((t) => Math.floor(t / HOUR))).size).toBe(points.length);
  });

  it('leaves out samples outside the window and samples of a size of 0; percentages stay within 0–100', () => {
    const chart = resourceChart({
      memory: [memory('2026-11-23T08:00:00Z', 8), memory('2026-11-30T10:00:00Z', 20), memory('2026-11-30T12:00:00Z', 1, 0)],
      disks: [],
      now: NOW,
    });
    expect(chart?.series[0]?.points).toEqual([{ at: '2026-11-30T10:00:00.000Z', percent: 100 }]);
  });

  it('a series without samples in the window is left out; no samples at all is no chart', () => {
    const onlyDisk = resourceChart({ memory: [], disks: [{ path: '/data', samples: [disk('/data', '2026-11-30T10:00:00Z', 50)] }, { path: '/empty', samples: [] }], now: NOW });
    expect(onlyDisk?.series.map((s) => s.label)).toEqual(['/data']);
    expect(resourceChart({ memory: [], disks: [{ path: '/data', samples: [] }], now: NOW })).toBeUndefined();
    expect(resourceChart({ memory: [memory('2026-11-01T10:00:00Z', 4)], disks: [], now: NOW })).toBeUndefined();
  });

  it('looks back as many days as asked', () => {
    const chart = resourceChart({ memory: [memory('2026-11-29T10:00:00Z', 4), memory('2026-11-30T10:00:00Z', 4)], disks: [], now: NOW, days: 1 });
    expect(chart).toMatchObject({ title: 'Disk and memory use, last day', from: '2026-11-30T08:00:00.000Z' });
    expect(chart?.series[0]?.points).toHaveLength(1);
  });
});
