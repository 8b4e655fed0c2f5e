import { crc32, deflateSync } from 'node:zlib';
import type { Raster } from './raster.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BIT_DEPTH = 8;
const COLOUR_TYPE = { rgb: 2, rgba: 6 } as const;
const FILTER_NONE = 0;

/**
 * A PNG of an RGB raster: IHDR, one IDAT, IEND. Every scanline is filter type None: a chart is large areas
 * of one colour, which deflate packs well unfiltered. A fixed deflate level makes the same raster the same
 * bytes (for one zlib version), so golden files work.
 */
export function encodePng(raster: Raster): Buffer {
  return encode(raster.width, raster.height, 'rgb', raster.pixels);
}

/** A PNG with transparency: 4 bytes a pixel (red, green, blue, alpha), row by row from the top. */
export function encodeRgbaPng(width: number, height: number, pixels: Uint8Array): Buffer {
  return encode(width, height, 'rgba', pixels);
}

function encode(width: number, height: number, colour: keyof typeof COLOUR_TYPE, pixels: Uint8Array): Buffer {
  const stride = width * (colour === 'rgb' ? 3 : 4);
  if (pixels.length !== stride * height) throw new Error(`${pixels.length} bytes of pixels for ${width}×${height} ${colour}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  // Bit depth, colour type, then compression, filter method and interlace, all 0: deflate, adaptive, none.
  header.set([BIT_DEPTH, COLOUR_TYPE[colour], 0, 0, 0], 8);
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    scanlines[start] = FILTER_NONE;
    scanlines.set(pixels.subarray(y * stride, (y + 1) * stride), start + 1);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Length, type, data, and the CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const framed = Buffer.alloc(typed.length + 8);
  framed.writeUInt32BE(data.length, 0);
  typed.copy(framed, 4);
  framed.writeUInt32BE(crc32(typed), typed.length + 4);
  return framed;
}
