import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/logs/lines.ts';
import type { LineSink } from '../../src/logs/lines.ts';

function collector(): { sink: LineSink; lines: string[] } {
  const lines: string[] = [];
  return { lines, sink: { line: (bytes, start, end) => lines.push(bytes.toString('utf8', start, end)) } };
}

function split(text: string, chunkSize: number, maxLineBytes?: number): string[] {
  const { sink, lines } = collector();
  const splitter = new LineSplitter(sink, maxLineBytes);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunkSize) splitter.push(bytes.subarray(at, at + chunkSize));
  splitter.end();
  expect(splitter.lines).toBe(lines.length);
  return lines;
}

describe('LineSplitter', () => {
  it('splits on LF and CRLF, keeps empty lines and a last line without newline, at any chunk size', () => {
    const text = 'one\r\ntwo\n\nthree ü\r\nlast';
    for (const size of [1, 2, 3, 5, 100]) expect(split(text, size)).toEqual(['one', 'two', '', 'three ü', 'last']);
  });

  it('hands out a range of a chunk and a range within a window of it', () => {
    const { sink, lines } = collector();
    const splitter = new LineSplitter(sink);
    const chunk = Buffer.from('xxa\nb\nyy');
    splitter.push(chunk, 2, 6);
    splitter.end();
    expect(lines).toEqual(['a', 'b']);
  });

  it('cuts a line that spans chunks at the limit and drops the rest of it', () => {
    const long = 'a'.repeat(50);
    expect(split(`${long}\nshort\n`, 7, 16)).toEqual(['a'.repeat(16), 'short']);
  });

  it('does not add a line for a trailing newline', () => {
    expect(split('a\n', 1)).toEqual(['a']);
    expect(split('', 1)).toEqual([]);
  });
});
