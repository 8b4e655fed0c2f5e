import { encodeRgbaPng } from '../../src/chat/chart/png.ts';

/**
 * The app's two icons, drawn from geometry so that the same code makes the same bytes (no binary to trust):
 * a ring with a pulse line through it, the health of a Connector at a glance. The colour icon is 192×192, the
 * symbol white on the accent colour; the outline icon is 32×32, white on transparent, as Teams requires.
 */
export const ACCENT = '#1F6FB2';
export const COLOR_SIZE = 192;
export const OUTLINE_SIZE = 32;

type Point = readonly [number, number];

// In a unit square: the ring's centre and radius, and the pulse line's corners.
const RING = { x: 0.5, y: 0.5, r: 0.34 };
const PULSE: readonly Point[] = [
  [0.1, 0.52],
  [0.34, 0.52],
  [0.42, 0.34],
  [0.52, 0.7],
  [0.6, 0.44],
  [0.66, 0.52],
  [0.9, 0.52],
];
// Samples per pixel side: edges get partial cover, and stay the same bytes (no floating-point order effects).
const SUPERSAMPLE = 4;

export function colorIcon(): Buffer {
  const [r, g, b] = hex(ACCENT);
  return draw(COLOR_SIZE, 0.06, (cover) => [mix(r, 255, cover), mix(g, 255, cover), mix(b, 255, cover), 255]);
}

export function outlineIcon(): Buffer {
  return draw(OUTLINE_SIZE, 0.09, (cover) => [255, 255, 255, Math.round(255 * cover)]);
}

/** Each pixel's share of the symbol (0–1) turned into RGBA by `paint`; `pen` is the stroke width in the unit square. */
function draw(size: number, pen: number, paint: (cover: number) => readonly [number, number, number, number]): Buffer {
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const u = (x + (sx + 0.5) / SUPERSAMPLE) / size;
          const v = (y + (sy + 0.5) / SUPERSAMPLE) / size;
          if (onSymbol(u, v, pen / 2)) hits++;
        }
      }
      pixels.set(paint(hits / SUPERSAMPLE ** 2), (y * size + x) * 4);
    }
  }
  return encodeRgbaPng(size, size, pixels);
}

function onSymbol(u: number, v: number, half: number): boolean {
  if (Math.abs(Math.hypot(u - RING.x, v - RING.y) - RING.r) <= half) return true;
  for (let i = 1; i < PULSE.length; i++) if (segmentDistance([u, v], PULSE[i - 1]!, PULSE[i]!) <= half) return true;
  return false;
}

function segmentDistance(p: Point, a: Point, b: Point): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

function mix(from: number, to: number, share: number): number {
  return Math.round(from + (to - from) * share);
}

function hex(colour: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
}
