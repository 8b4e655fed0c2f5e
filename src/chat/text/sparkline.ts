import type { Chart, ChartSeries } from '../../domain/message.ts';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Columns of the line: 7 days of 3-hour buckets, within the 60 a console line leaves. */
const WIDTH = 56;
const MAX_LABEL_CHARS = 28;

/**
 * A chart as one text line per series, `memory  ▁▂▃▅▇ 41 % → 63 %`: each column is the highest percentage of
 * its stretch of time (a blank where nothing was sampled), on the same 0–100 % scale as the image, so that a
 * disk steady at 70 % looks steady, not like a cliff; then the first and the last value.
 */
export function sparklines(chart: Chart): string[] {
  const width = Math.min(MAX_LABEL_CHARS, Math.max(0, ...chart.series.map((series) => series.label.length)));
  const from = Date.parse(chart.from);
  const to = Date.parse(chart.to);
  return chart.series.map((series) => {
    const first = series.points[0];
    const last = series.points.at(-1);
    const ends = first && last ? ` ${percent(first.percent)} → ${percent(last.percent)}` : '';
    return `${series.label.padEnd(width)}  ${sparkline(series.points, from, to)}${ends}`;
  });
}

function sparkline(points: ChartSeries['points'], from: number, to: number): string {
  const peaks: Array<number | undefined> = new Array<number | undefined>(WIDTH).fill(undefined);
  for (const point of points) {
    const share = to > from ? (Date.parse(point.at) - from) / (to - from) : 1;
    if (!Number.isFinite(share)) continue;
    const column = Math.min(WIDTH - 1, Math.max(0, Math.floor(share * WIDTH)));
    peaks[column] = Math.max(peaks[column] ?? 0, point.percent);
  }
  return peaks.map((peak) => (peak === undefined ? ' ' : BARS[Math.min(BARS.length - 1, Math.max(0, Math.floor((peak / 100) * BARS.length)))])).join('');
}

function percent(value: number): string {
  return `${Math.round(value)} %`;
}
