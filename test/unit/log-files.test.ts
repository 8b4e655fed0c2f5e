import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLogFiles, globToRegExp } from '../../src/integrations/logfiles/find.ts';
import { LogFiles } from '../../src/integrations/logfiles/log-files.ts';
import type { LineSink } from '../../src/logs/lines.ts';

const NOW = new Date('2026-08-20T12:00:00Z');
const WINDOW = { since: new Date(NOW.getTime() - 24 * 3_600_000), until: NOW };
const HOUR = 3_600_000;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-files-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer, hoursAgo: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  const time = new Date(NOW.getTime() - hoursAgo * HOUR);
  await utimes(path, time, time);
  return path;
}

function collect(): { sink: LineSink; lines: string[] } {
  const lines: string[] = [];
  return { lines, sink: { line: (bytes, start, end) => lines.push(bytes.toString('utf8', start, end)) } };
}

describe('findLogFiles', () => {
  it('finds the file and its rotations changed within the window, oldest first', async () => {
    await file('app.log', 'current\n', 1);
    await file('app.log.1', 'yesterday\n', 5);
    await file('app.log.2.gz', gzipSync('before\n'), 20);
    await file('app.log.3.gz', gzipSync('too old\n'), 30);
    await file('app.log.bak', 'not a rotation\n', 2);
    await file('other.log', 'other\n', 1);
    const found = await findLogFiles(join(dir, 'app.log'), WINDOW);
    expect(found.map((f) => [f.path.slice(dir.length + 1), f.gzip])).toEqual([
      ['app.log.2.gz', true],
      ['app.log.1', false],
      ['app.log', false],
    ]);
  });

  it('expands * and ? in the last segment and finds log4js dateFile rotations', async () => {
    await file('latest.log', 'a\n', 1);
    await file('latest.log.2026-08-19', 'b\n', 10);
    await file('latest.2026-08-19.log.gz', gzipSync('c\n'), 12);
    await file('audit-1.log', 'd\n', 1);
    await file('notes.txt', 'e\n', 1);
    const names = async (pattern: string): Promise<string[]> =>
      (await findLogFiles(join(dir, pattern), WINDOW)).map((f) => f.path.slice(dir.length + 1)).sort();
    expect(await names('*.log')).toEqual(['audit-1.log', 'latest.2026-08-19.log.gz', 'latest.log', 'latest.log.2026-08-19']);
    expect(await names('audit-?.log')).toEqual(['audit-1.log']);
    expect(await names('missing.log')).toEqual([]);
  });

  it('throws when the directory cannot be read', async () => {
    await expect(findLogFiles(join(dir, 'nope', '*.log'), WINDOW)).rejects.toThrow(/ENOENT/);
  });

  it('treats regular-expression characters in names literally', () => {
    expect(globToRegExp('app(1).log').test('app(1).log')).toBe(true);
    expect(globToRegExp('app.log').test('appxlog')).toBe(false);
  });
});

describe('LogFiles', () => {
  it('reads plain and gzip files line by line, each file once', async () => {
    await file('app.log', 'c1\nc2 no newline', 1);
    await file('app.log.1.gz', gzipSync('r1\r\nr2\n'), 3);
    const { sink, lines } = collect();
    const stats = await new LogFiles().read([join(dir, 'app.log'), join(dir, '*.log')], WINDOW, sink, AbortSignal.timeout(5000));
    expect(lines).toEqual(['r1', 'r2', 'c1', 'c2 no newline']);
    expect(stats).toEqual({ lines: 4, bytes: 7 + 16, files: [join(dir, 'app.log.1.gz'), join(dir, 'app.log')] });
  });

  it('reads a file of many reads whole, lines across their boundaries included', async () => {
    // Lines of 1 to 999 characters: over 700 KiB, so that lines straddle the reads of 256 KiB into one buffer.
    const written = Array.from({ length: 1500 }, (_, i) => `${i}:${'x'.repeat((i * 7919) % 1000)}`);
    await file('app.log', `${written.join('\n')}\n`, 1);
    const { sink, lines } = collect();
    const stats = await new LogFiles().read([join(dir, 'app.log')], WINDOW, sink, AbortSignal.timeout(5000));
    expect(lines).toEqual(written);
    expect(stats.lines).toBe(written.length);
  });

  it('stops when aborted', async () => {
    await file('app.log', 'line\n'.repeat(1000), 1);
    const { sink } = collect();
    await expect(new LogFiles().read([join(dir, 'app.log')], WINDOW, sink, AbortSignal.abort())).rejects.toThrow(/abort/i);
  });

  it('fails on a corrupt gzip file', async () => {
    await file('app.log.1.gz', Buffer.from('not gzip at all'), 1);
    const { sink } = collect();
    await expect(new LogFiles().read([join(dir, 'app.log.1.gz')], WINDOW, sink, AbortSignal.timeout(5000))).rejects.toThrow(/header/);
  });
});
