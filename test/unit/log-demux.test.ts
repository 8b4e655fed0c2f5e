import { describe, expect, it } from 'vitest';
import { DockerStreamDemuxer } from '../../src/integrations/docker/logs.ts';

function frame(stream: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function demux(chunks: Buffer[]): { stdout: string; stderr: string } {
  const out: Record<number, Buffer[]> = { 1: [], 2: [] };
  const demuxer = new DockerStreamDemuxer((stream, chunk, start, end) => out[stream]?.push(Buffer.from(chunk.subarray(start, end))));
  for (const chunk of chunks) demuxer.push(chunk);
  return { stdout: Buffer.concat(out[1] ?? []).toString(), stderr: Buffer.concat(out[2] ?? []).toString() };
}

const STREAM = Buffer.concat([
  frame(1, '[2026-08-20T09:14:03.512] [INFO] a - one\n'),
  frame(2, '[2026-08-20T09:14:03.513] [ERROR] a - two\n'),
  frame(1, ''),
  frame(1, 'x'.repeat(70_000)),
  frame(1, '\n'),
  frame(2, '    at f (f.js:1:1)\n'),
]);
const EXPECTED = {
  stdout: `[2026-08-20T09:14:03.512] [INFO] a - one\n${'x'.repeat(70_000)}\n`,
  stderr: '[2026-08-20T09:14:03.513] [ERROR] a - two\n    at f (f.js:1:1)\n',
};

describe('DockerStreamDemuxer', () => {
  it('separates stdout and stderr frames from one chunk', () => {
    expect(demux([STREAM])).toEqual(EXPECTED);
  });

  it('copes with a split at every position, inside headers as well as payloads', () => {
    for (let cut = 1; cut < 200; cut++) {
      expect(demux([STREAM.subarray(0, cut), STREAM.subarray(cut)])).toEqual(EXPECTED);
    }
  });

  it('copes with chunks of one byte and with chunks of odd sizes', () => {
    const small = Buffer.concat([frame(1, 'ab\n'), frame(2, 'cd\n'), frame(1, 'ef\n')]);
    const bytes = [...small].map((byte) => Buffer.from([byte]));
    expect(demux(bytes)).toEqual({ stdout: 'ab\nef\n', stderr: 'cd\n' });
    for (const size of [3, 7, 9, 4096]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < STREAM.length; at += size) chunks.push(STREAM.subarray(at, at + size));
      expect(demux(chunks)).toEqual(EXPECTED);
    }
  });

  it('passes on the engine\'s own error frames (stream 3)', () => {
    const seen: number[] = [];
    const demuxer = new DockerStreamDemuxer((stream) => seen.push(stream));
    demuxer.push(Buffer.concat([frame(1, 'a\n'), frame(3, 'error from daemon: file corrupt')]));
    expect(seen).toEqual([1, 3]);
  });

  it('refuses a stream that is not multiplexed', () => {
    expect(() => demux([Buffer.from('[2026-08-20T09:14:03.512] [INFO] raw tty output\n')])).toThrow(/not multiplexed/);
  });
});
