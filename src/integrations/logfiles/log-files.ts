import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { findLogFiles } from './find.ts';
import { LineSplitter } from './lines.ts';
import type { LineSink, LogReadStats, LogWindow } from './lines.ts';

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
        const input = createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES });
        const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
          for await (const chunk of source) {
            stats.bytes += chunk.length;
            splitter.push(chunk);
          }
        };
        if (file.gzip) await pipeline(input, createGunzip(), consume, { signal });
        else await pipeline(input, consume, { signal });
        splitter.end();
        stats.lines += splitter.lines;
        stats.files.push(file.path);
      }
    }
    return stats;
  }
}
