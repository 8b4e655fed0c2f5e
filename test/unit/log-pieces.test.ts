import { describe, expect, it } from 'vitest';
import { PieceTimestamps } from '../../src/integrations/docker/log-pieces.ts';

/** Feeds frames (each a list of the ranges it arrives in) and returns what reached the stream. */
function through(frames: string[][]): string {
  let out = '';
  const pieces = new PieceTimestamps((chunk, start, end) => (out += chunk.toString('utf8', start, end)));
  for (const frame of frames) frame.forEach((range, index) => pieces.payload(Buffer.from(`##${range}##`), 2, 2 + Buffer.byteLength(range), index === 0));
  return out;
}

describe('PieceTimestamps', () => {
  it('drops the timestamp of a frame that continues a line, and keeps every other', () => {
    expect(through([['2026-12-08T00:09:12Z first line\n'], ['2026-12-08T00:09:12Z [ERROR] Runtime - Burst'], ['2026-12-08T00:09:13Z  error 45\n'], ['2026-12-08T00:09:13Z next\n']])).toBe(
      '2026-12-08T00:09:12Z first line\n2026-12-08T00:09:12Z [ERROR] Runtime - Burst error 45\n2026-12-08T00:09:13Z next\n',
    );
  });

  it('finds the timestamp when the frame arrives in pieces that cut it, and Docker timestamps with a fraction and an offset', () => {
    expect(through([['2026-12-08T00:09:12.1234Z a '], ['2026-12-0', '8T00:09:12.99+01:00', ' b\n']])).toBe('2026-12-08T00:09:12.1234Z a b\n');
  });

  it('keeps the start of a continuation that is no timestamp, long or short', () => {
    expect(through([['2026-12-08T00:09:12Z a'], ['not-a-time b\n']])).toBe('2026-12-08T00:09:12Z anot-a-time b\n');
    const long = 'x'.repeat(60);
    expect(through([['2026-12-08T00:09:12Z a'], [long, ' b\n']])).toBe(`2026-12-08T00:09:12Z a${long} b\n`);
    expect(through([['2026-12-08T00:09:12Z a'], ['2026', '-12\n']])).toBe('2026-12-08T00:09:12Z a2026-12\n');
  });
});
