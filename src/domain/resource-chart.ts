import type { DiskSample, MemorySample } from './samples.ts';
import type { Chart, ChartSeries } from './message.ts';

export interface ResourceChartInput {
  /** Each disk's samples, under the path it is labelled with. */
  disks: Array<{ path: string; samples: DiskSample[] }>;
  memory: MemorySample[];
  now: Date;
  days?: number;
}

/** The days the daily report's chart shows: also how far back its samples are read. */
export const RESOURCE_CHART_DAYS = 7;
const DAY_MS = 86_400_000;
const BUCKET_MS = 3_600_000;

/**
 * The daily report's chart: host memory and each disk in percent used, over the last days. The sampler
 * writes every 15 minutes; the chart keeps one point per clock hour, the hour's highest sample: a chart
 * for operators must show the peak that nearly filled a disk or the memory, which an average smooths away.
 * No samples in the window at all: no chart.
 */
export function resourceChart(input: ResourceChartInput): Chart | undefined {
  const days = input.days ?? RESOURCE_CHART_DAYS;
  const to = input.now.getTime();
  const from = to - days * DAY_MS;
  const series: ChartSeries[] = [
    { label: 'memory', samples: input.memory },
    ...input.disks.map((disk) => ({ label: disk.path, samples: disk.samples })),
  ]
    .map(({ label, samples }) => ({ label, points: hourlyPeaks(samples, from, to) }))
    .filter((s) => s.points.length > 0);
  if (series.length === 0) return undefined;
  return {
    title: `Disk and memory use, last ${days === 1 ? 'day' : `${days} days`}`,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    series,
  };
}

type Sample = Pick<DiskSample, 'sampledAt' | 'usedBytes' | 'totalBytes'>;

/** The highest sample of each clock hour within [from, to], at the time it was taken, oldest first. */
function hourlyPeaks(samples: readonly Sample[], from: number, to: number): ChartSeries['points'] {
  const peaks = new Map<number, { at: number; percent: number }>();
  for (const sample of samples) {
    const at = sample.sampledAt.getTime();
    // A size of 0 (a file system that vanished) has no percentage.
    if (at < from || at > to || sample.totalBytes <= 0) continue;
    const percent = Math.min(100, Math.max(0, (sample.usedBytes / sample.totalBytes) * 100));
    const hour = Math.floor(at / BUCKET_MS);
    const peak = peaks.get(hour);
    if (!peak || percent > peak.percent) peaks.set(hour, { at, percent });
  }
  return [...peaks.values()].sort((a, b) => a.at - b.at).map(({ at, percent }) => ({ at: new Date(at).toISOString(), percent }));
}
