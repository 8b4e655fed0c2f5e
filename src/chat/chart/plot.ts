import type { Chart, ChartSeries } from '../../domain/message.ts';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.ts';
import { encodePng } from './png.ts';
import { Raster, type Rgb } from './raster.ts';

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 300;

/** Okabe and Ito's colours: told apart with every common colour blindness, and on white. */
export const SERIES_COLOURS: readonly Rgb[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [0, 0, 0],
];
const BACKGROUND: Rgb = [255, 255, 255];
const INK: Rgb = [40, 40, 40];
const AXIS: Rgb = [96, 96, 96];
const GRID: Rgb = [222, 222, 222];

const MARGIN = 12;
const TEXT_SCALE = 2;
const TEXT_HEIGHT = GLYPH_HEIGHT * TEXT_SCALE;
const GAP = 8;
const LEGEND_BOX = TEXT_HEIGHT;
const LEGEND_SPACING = 24;
const MAX_LABEL_CHARS = 32;
const MAX_LEGEND_ROWS = 3;
const PEN = 2;
/** Points further apart than this are not joined: the bot was down, and a line would invent what it did not see. */
const MAX_GAP_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;

export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface LegendEntry {
  x: number;
  y: number;
  /** The series' index; none for the "+N MORE" of the series left out. */
  series?: number;
  label: string;
}

/** The chart as a PNG of CHART_WIDTH × CHART_HEIGHT; the same chart is the same bytes. */
export function chartPng(chart: Chart): Buffer {
  return encodePng(plotChart(chart));
}

/**
 * Draws the chart: the title, 0/50/100 % gridlines, a tick and date (UTC) at each midnight, one line per
 * series, and a legend of colour boxes below (colours repeat after seven series).
 */
function plotChart(chart: Chart): Raster {
  const raster = new Raster(CHART_WIDTH, CHART_HEIGHT, BACKGROUND);
  const { area, legend } = layout(chart);
  drawText(raster, MARGIN, MARGIN, chart.title, INK, TEXT_SCALE);
  drawGrid(raster, area);
  drawDays(raster, area, Date.parse(chart.from), Date.parse(chart.to));
  chart.series.forEach((series, i) => drawSeries(raster, area, chart, series.points, colourOf(i)));
  for (const entry of legend) {
    const x = entry.series === undefined ? entry.x : entry.x + LEGEND_BOX + GAP;
    if (entry.series !== undefined) raster.fill(entry.x, entry.y, LEGEND_BOX, LEGEND_BOX, colourOf(entry.series));
    drawText(raster, x, entry.y, entry.label, INK, TEXT_SCALE);
  }
  return raster;
}

/** Where the lines are drawn: what the title, the axis labels and the legend leave. */
export function plotArea(chart: Chart): PlotArea {
  return layout(chart).area;
}

function layout(chart: Chart): { area: PlotArea; legend: LegendEntry[] } {
  const { rows, hidden } = legendRows(chart);
  const legendTop = CHART_HEIGHT - MARGIN - rows.length * (TEXT_HEIGHT + GAP) + GAP;
  const rowY = (r: number) => legendTop + r * (TEXT_HEIGHT + GAP);
  const legend: LegendEntry[] = rows.flatMap((row, r) => row.map(({ x, series, label }) => ({ x, y: rowY(r), series, label })));
  if (hidden > 0) legend.push({ x: rowEnd(rows.at(-1)!), y: rowY(rows.length - 1), label: moreLabel(hidden) });
  const top = MARGIN + TEXT_HEIGHT + 2 * GAP;
  const area = { left: MARGIN + textWidth('100%', TEXT_SCALE) + GAP, top, right: CHART_WIDTH - 2 * MARGIN, bottom: legendTop - 2 * GAP - TEXT_HEIGHT };
  return { area, legend };
}

interface LegendSlot {
  x: number;
  width: number;
  series: number;
  label: string;
}

/**
 * The legend's entries, flowed into at most MAX_LEGEND_ROWS rows so that the lines keep their room; the
 * series that do not fit are counted on the last row ("+3 MORE"), in place of as many entries as that takes.
 */
function legendRows(chart: Chart): { rows: LegendSlot[][]; hidden: number } {
  const rows: LegendSlot[][] = [[]];
  const right = CHART_WIDTH - MARGIN;
  let shown = 0;
  for (const [series, { label: full }] of chart.series.entries()) {
    const label = shortLabel(full);
    const width = LEGEND_BOX + GAP + textWidth(label, TEXT_SCALE);
    if (rowEnd(rows.at(-1)!) + width > right && rows.at(-1)!.length > 0) {
      if (rows.length === MAX_LEGEND_ROWS) break;
      rows.push([]);
    }
    rows.at(-1)!.push({ x: rowEnd(rows.at(-1)!), width, series, label });
    shown++;
  }
  let hidden = chart.series.length - shown;
  const last = rows.at(-1)!;
  while (hidden > 0 && last.length > 0 && rowEnd(last) + textWidth(moreLabel(hidden), TEXT_SCALE) > right) {
    last.pop();
    hidden++;
  }
  return { rows, hidden };
}

/** Where the next entry of a row starts. */
function rowEnd(row: readonly LegendSlot[]): number {
  const last = row.at(-1);
  return last ? last.x + last.width + LEGEND_SPACING : MARGIN;
}

function moreLabel(hidden: number): string {
  return `+${hidden} more`;
}

function drawGrid(raster: Raster, area: PlotArea): void {
  for (const percent of [100, 50, 0]) {
    const y = yOf(area, percent);
    raster.line(area.left, y, area.right, y, percent === 0 ? AXIS : GRID);
    const label = `${percent}%`;
    drawText(raster, area.left - GAP - textWidth(label, TEXT_SCALE), y - TEXT_HEIGHT / 2, label, INK, TEXT_SCALE);
  }
  raster.line(area.left, area.top, area.left, area.bottom, AXIS);
}

/** A tick at each UTC midnight, labelled MM-DD where the label has room. */
function drawDays(raster: Raster, area: PlotArea, from: number, to: number): void {
  let free = area.left;
  for (let day = Math.ceil(from / DAY_MS) * DAY_MS; day <= to; day += DAY_MS) {
    const x = xOf(area, from, to, day);
    raster.line(x, area.bottom, x, area.bottom + GAP / 2, AXIS);
    const label = new Date(day).toISOString().slice(5, 10);
    const left = x - textWidth(label, TEXT_SCALE) / 2;
    if (left < free || left + textWidth(label, TEXT_SCALE) > CHART_WIDTH) continue;
    drawText(raster, Math.round(left), area.bottom + GAP, label, INK, TEXT_SCALE);
    free = left + textWidth(label, TEXT_SCALE) + GAP;
  }
}

function drawSeries(raster: Raster, area: PlotArea, chart: Chart, points: ChartSeries['points'], colour: Rgb): void {
  const from = Date.parse(chart.from);
  const to = Date.parse(chart.to);
  let previous: { at: number; x: number; y: number } | undefined;
  for (const point of points) {
    const at = Date.parse(point.at);
    const here = { at, x: xOf(area, from, to, at), y: yOf(area, point.percent) };
    if (previous && at - previous.at <= MAX_GAP_MS) raster.line(previous.x, previous.y, here.x, here.y, colour, PEN);
    // A point alone (the first after a gap) is a dot, so that it shows.
    else raster.fill(here.x - PEN, here.y - PEN, 2 * PEN, 2 * PEN, colour);
    previous = here;
  }
}

function xOf(area: PlotArea, from: number, to: number, at: number): number {
  const share = to > from ? (at - from) / (to - from) : 1;
  return Math.round(area.left + clamp(share) * (area.right - area.left));
}

function yOf(area: PlotArea, percent: number): number {
  return Math.round(area.bottom - clamp(percent / 100) * (area.bottom - area.top));
}

function clamp(share: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0));
}

function colourOf(i: number): Rgb {
  return SERIES_COLOURS[i % SERIES_COLOURS.length]!;
}

/** A long path keeps its end, which tells disks apart. */
function shortLabel(label: string): string {
  const chars = Array.from(label);
  return chars.length <= MAX_LABEL_CHARS ? label : `..${chars.slice(-(MAX_LABEL_CHARS - 2)).join('')}`;
}
