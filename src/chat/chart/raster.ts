export type Rgb = readonly [number, number, number];

/** An RGB image in memory, 3 bytes a pixel, row by row from the top; drawing outside it is clipped. */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;

  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, background);
  }

  fill(x: number, y: number, width: number, height: number, colour: Rgb): void {
    const left = Math.max(0, Math.round(x));
    const top = Math.max(0, Math.round(y));
    const right = Math.min(this.width, Math.round(x + width));
    const bottom = Math.min(this.height, Math.round(y + height));
    for (let row = top; row < bottom; row++) {
      for (let column = left; column < right; column++) this.pixels.set(colour, (row * this.width + column) * 3);
    }
  }

  /** A line `pen` pixels wide (Bresenham's, with a square pen): whole pixels only, so the same drawing is the same bytes. */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, pen = 1): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const toX = Math.round(x1);
    const toY = Math.round(y1);
    const dx = Math.abs(toX - x);
    const dy = -Math.abs(toY - y);
    const stepX = x < toX ? 1 : -1;
    const stepY = y < toY ? 1 : -1;
    const offset = Math.floor((pen - 1) / 2);
    for (let error = dx + dy; ; ) {
      this.fill(x - offset, y - offset, pen, pen, colour);
      if (x === toX && y === toY) return;
      const twice = 2 * error;
      if (twice >= dy) {
        error += dy;
        x += stepX;
      }
      if (twice <= dx) {
        error += dx;
        y += stepY;
      }
    }
  }
}
