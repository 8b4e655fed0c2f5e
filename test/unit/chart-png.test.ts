import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, chartPng, plotArea, SERIES_COLOURS } from '../../src/chat/chart/plot.ts';
import { encodePng } from '../../src/chat/chart/png.ts';
import { Raster } from '../../src/chat/chart/raster.ts';
import type { Chart } from '../../src/domain/message.ts';
import { resourceChart } from '../../src/domain/resource-chart.ts';

const GOLDEN = new URL('../fixtures/chart-golden/', import.meta.url);
const FROM = Date.parse('2026-11-24T08:00:00Z');
const TO = Date.parse('2026-12-01T08:00:00Z');
const HOUR = 3_600_000;
const WHITE = [255, 255, 255];

// ---- a PNG decoder of our own, as strict as a viewer -------------------------------------------------

interface Png {
  width: number;
  height: number;
  header: { bitDepth: number; colourType: number; compression: number; filter: number; interlace: number };
  filters: number[];
  /** RGB, row by row. */
  pixels: Buffer;
}

function decode(png: Buffer): Png {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typed = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of chunk ${chunks.length}`).toBe(crc32(typed));
    chunks.push({ type: typed.subarray(0, 4).toString('ascii'), data: typed.subarray(4) });
    at += 12 + length;
  }
  const types = chunks.map((c) => c.type);
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  expect(types.slice(1, -1).every((t) => t === 'IDAT')).toBe(true);
  const ihdr = chunks[0]!.data;
  expect(ihdr.length).toBe(13);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const header = { bitDepth: ihdr[8]!, colourType: ihdr[9]!, compression: ihdr[10]!, filter: ihdr[11]!, interlace: ihdr[12]! };
  expect(header).toEqual({ bitDepth: 8, colourType: 2, compression: 0, filter: 0, interlace: 0 });
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 3;
  expect(raw.length).toBe(height * (stride + 1));
  const filters: number[] = [];
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const line = raw.subarray(y * (stride + 1), (y + 1) * (stride + 1));
    filters.push(line[0]!);
    // Filter type None is all the encoder writes; anything else here would need unfiltering.
    expect(line[0]).toBe(0);
    line.copy(pixels, y * stride, 1);
  }
  return { width, height, header, filters, pixels };
}

function pixel(png: Png, x: number, y: number): number[] {
  const i = (y * png.width + x) * 3;
  return [...png.pixels.subarray(i, i + 3)];
}

function flat(label: string, percent: number, everyMs = HOUR): Chart['series'][number] {
  const points = [];
  for (let t = FROM; t <= TO; t += everyMs) points.push({ at: new Date(t).toISOString(), percent });
  return { label, points };
}

function chartOf(...series: Chart['series']): Chart {
  return { title: 'Disk and memory use, last 7 days', from: new Date(FROM).toISOString(), to: new Date(TO).toISOString(), series };
}

/** Where the plot puts a moment and a percentage, by its own area. */
function positionOf(chart: Chart, at: number, percent: number): { x: number; y: number } {
  const area = plotArea(chart);
  return {
    x: Math.round(area.left + ((at - FROM) / (TO - FROM)) * (area.right - area.left)),
    y: Math.round(area.bottom - (percent / 100) * (area.bottom - area.top)),
  };
}

/** The week the golden file shows: memory swinging daily, Docker's disk filling, a quiet data disk, a day-long gap. */
function aWeek(): Chart {
  const GiB = 1024 ** 3;
  const now = new Date(TO);
  const memory = [];
  const docker = [];
  const data = [];
  for (let t = FROM; t <= TO; t += 15 * 60_000) {
    if (t > TO - 4.2 * 86_400_000 && t < TO - 3.6 * 86_400_000) continue;
    const day = ((t / HOUR) % 24) / 24;
    const week = (t - FROM) / (TO - FROM);
    memory.push({ sampledAt: new Date(t), usedBytes: Math.round((0.4 + 0.2 * Math.sin(day * 2 * Math.PI)) * 8 * GiB), totalBytes: 8 * GiB });
    docker.push({ path: '/var/lib/docker', sampledAt: new Date(t), usedBytes: Math.round((0.6 + 0.2 * week) * 100 * GiB), totalBytes: 100 * GiB });
    data.push({ path: '/data', sampledAt: new Date(t), usedBytes: 12 * GiB, totalBytes: 100 * GiB });
  }
  return resourceChart({ memory, disks: [{ path: '/var/lib/docker', samples: docker }, { path: '/data', samples: data }], now })!;
}

// ---- tests -------------------------------------------------------------------------------------------

describe('encodePng', () => {
  it('a valid PNG of the raster: signature, chunk CRCs, IHDR, one filter byte per scanline, the pixels back', () => {
    const raster = new Raster(3, 2, [255, 255, 255]);
    raster.fill(0, 0, 1, 1, [255, 0, 0]);
    raster.fill(2, 1, 1, 1, [0, 0, 255]);
    const png = decode(encodePng(raster));
    expect([png.width, png.height]).toEqual([3, 2]);
    expect(png.filters).toEqual([0, 0]);
    expect([...png.pixels]).toEqual([255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 255]);
  });
});

describe('chartPng', () => {
  it(`is a ${CHART_WIDTH}×${CHART_HEIGHT} PNG with a filter byte on each of its ${CHART_HEIGHT} scanlines`, () => {
    const png = decode(chartPng(aWeek()));
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(png.filters).toHaveLength(CHART_HEIGHT);
  });

  it('draws each series in its colour where the data says, and nothing between the lines', () => {
    const chart = chartOf(flat('memory', 30), flat('/data', 80));
    const png = decode(chartPng(chart));
    const middle = FROM + 3.5 * 86_400_000 + HOUR / 2;
    const memory = positionOf(chart, middle, 30);
    const data = positionOf(chart, middle, 80);
    expect(pixel(png, memory.x, memory.y)).toEqual([...SERIES_COLOURS[0]!]);
    expect(pixel(png, data.x, data.y)).toEqual([...SERIES_COLOURS[1]!]);
    expect(pixel(png, memory.x, positionOf(chart, middle, 60).y)).toEqual(WHITE);
  });

  it('follows a rising line, and does not join points across a gap of more than 3 hours', () => {
    // 0 → 40 % in two days, hour by hour; then the bot was down for a day.
    const points = Array.from({ length: 49 }, (_, h) => ({ at: new Date(FROM + h * HOUR).toISOString(), percent: (40 * h) / 48 }));
    points.push({ at: new Date(FROM + 3 * 86_400_000).toISOString(), percent: 90 });
    const chart = chartOf({ label: 'memory', points });
    const png = decode(chartPng(chart));
    const blue = [...SERIES_COLOURS[0]!];
    const rising = positionOf(chart, FROM + 86_400_000, 20);
    expect(pixel(png, rising.x, rising.y)).toEqual(blue);
    const inGap = positionOf(chart, FROM + 2.5 * 86_400_000, 65);
    const column = Array.from({ length: CHART_HEIGHT }, (_, y) => pixel(png, inGap.x, y));
    expect(column.some((colour) => colour.join() === blue.join())).toBe(false);
    const dot = positionOf(chart, FROM + 3 * 86_400_000, 90);
    expect(pixel(png, dot.x, dot.y)).toEqual(blue);
  });

  it('a crowded chart (12 disks with long paths) or an empty one still draws the whole image', () => {
    const crowded = chartOf(...Array.from({ length: 12 }, (_, i) => flat(`/srv/connectors/tenant-${i}/very/long/mount/point/data`, 5 * i, 6 * HOUR)));
    expect([decode(chartPng(crowded)).height, decode(chartPng(chartOf())).height]).toEqual([CHART_HEIGHT, CHART_HEIGHT]);
    const area = plotArea(crowded);
    expect(area.bottom - area.top).toBeGreaterThanOrEqual(100);
  });

  it('the same chart is the same bytes, those of the golden file (test/fixtures/chart-golden; UPDATE_GOLDEN=1 writes it)', () => {
    const png = chartPng(aWeek());
    expect(chartPng(aWeek()).equals(png)).toBe(true);
    const file = new URL('resources-7-days.png', GOLDEN);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, png);
    }
    if (!existsSync(file)) throw new Error(`golden file ${file.pathname} is missing: run the test with UPDATE_GOLDEN=1 and look at it`);
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(sha256(png)).toBe(sha256(readFileSync(file)));
  });
});
