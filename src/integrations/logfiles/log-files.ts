import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { inSlice } from '../cooperative.ts';
import { findLogFiles } from './find.ts';
import { LineSplitter } from '../../logs/lines.ts';
import type { LineSink, LogReadStats, LogWindow } from '../../logs/lines.ts';

export interface LogFilesReadStats extends LogReadStats {
  /** The files read, oldest first. */
  files: string[];
}

const READ_CHUNK_BYTES = 256 * 1024;

/** Reads log files (paths or globs, rotation-aware, gzip or plain) line by line with bounded memory. */
export class LogFiles {
  async read(patterns: readonly string[], window: LogWindow, sink: LineSink, signal: AbortSignal): Promise<LogFilesReadStats> {
    const stats: LogFilesReadStats = { lines: 0, bytes: 0, files: [] };
    const seen = new Set<string>();
    for (const pattern of patterns) {
      for (const file of await findLogFiles(pattern, window)) {
        if (seen.has(file.path)) continue;
        seen.add(file.path);
        signal.throwIfAborted();
        const splitter = new LineSplitter(sink);
        // Each read's lines are parsed in a slice of the event loop: the reads of many scans complete in one turn.
        const take = (chunk: Buffer, end: number): Promise<void> =>
          inSlice(() => {
            stats.bytes += end;
            splitter.push(chunk, 0, end);
          });
        if (file.gzip) await readGzip(file.path, take, signal);
        else await readPlain(file.path, take, signal);
        splitter.end();
        stats.lines += splitter.lines;
        stats.files.push(file.path);
      }
    }
    return stats;
  }
}

type Take = (chunk: Buffer, end: number) => Promise<void>;

/**
 * Into one buffer, read after read: a stream would allocate a fresh one per read, and twenty scans at once
 * allocating 256 KiB a read keep the garbage collector compacting.
 */
async function readPlain(path: string, take: Take, signal: AbortSignal): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      signal.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      await take(buffer, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function readGzip(path: string, take: Take, signal: AbortSignal): Promise<void> {
  await pipeline(
    createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }),
    createGunzip(),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) await take(chunk, chunk.length);
    },
    { signal },
  );
}
