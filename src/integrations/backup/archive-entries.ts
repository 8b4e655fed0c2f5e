import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { kindOf, reasonOf } from './fs-reason.ts';
import { walkSources, type FoundFile, type WalkSource } from './file-walk.ts';
import { END_OF_ARCHIVE, fileHeader, padding } from './tar-blocks.ts';

/** A file or directory on this host to put into a backup. */
export type BackupSource = WalkSource;

export interface ArchiveReport {
  entries: Array<{ name: string; bytes: number }>;
  /** What was left out, or only partly read, and why. */
  skipped: Array<{ path: string; reason: string }>;
}

export interface ArchiveContent {
  /** Goes in as container.json, pretty-printed. */
  definition: object;
  takenAt: Date;
  sources: readonly BackupSource[];
  /** Bytes of file content in all, container.json aside. */
  maxBytes: number;
  /** A directory never to read from: the one the archive is written to. */
  exclude: string;
  signal: AbortSignal | undefined;
  /** Filled in while the blocks are read. */
  report: ArchiveReport;
}

const CHUNK = 1024 * 1024;
const MiB = 1024 * 1024;
// O_NONBLOCK: a FIFO swapped in since the walk must not block the open; it does nothing to regular files.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** The uncompressed tar stream: container.json, then each file as `files/<host path>`. */
export async function* archiveBlocks(content: ArchiveContent): AsyncGenerator<Buffer> {
  const { report } = content;
  const definition = Buffer.from(`${JSON.stringify(content.definition, null, 2)}\n`);
  yield fileHeader({ path: 'container.json', size: definition.length, mode: 0o600, mtime: content.takenAt });
  yield definition;
  yield padding(definition.length);
  report.entries.push({ name: 'container.json', bytes: definition.length });
  let left = content.maxBytes;
  for await (const file of walkSources(content.sources, content.exclude, report.skipped, content.signal)) {
    left -= yield* fileBlocks(file, left, content);
  }
  yield END_OF_ARCHIVE;
}

/** One file's header and content; returns the bytes it took of the budget. */
async function* fileBlocks(file: FoundFile, left: number, content: ArchiveContent): AsyncGenerator<Buffer, number> {
  const { report, signal } = content;
  let handle: FileHandle;
  try {
    handle = await open(file.path, file.named ? OPEN_FLAGS : OPEN_FLAGS | constants.O_NOFOLLOW);
  } catch (error) {
    report.skipped.push({ path: file.path, reason: reasonOf(error) });
    return 0;
  }
  try {
    // What was opened counts, not what the walk saw: the path may have been replaced since.
    const stats = await handle.stat();
    if (!stats.isFile()) {
      report.skipped.push({ path: file.path, reason: `${kindOf(stats)}, not a regular file` });
      return 0;
    }
    const { size } = stats;
    if (size > left) {
      report.skipped.push({
        path: file.path,
        reason: `${mib(size)} would pass the backup's limit of ${mib(content.maxBytes)} (${mib(left)} left)`,
      });
      return 0;
    }
    const name = `files/${file.path.replace(/^\/+/, '')}`;
    yield fileHeader({ path: name, size, mode: stats.mode, mtime: stats.mtime, uid: stats.uid, gid: stats.gid });
    let done = 0;
    let stopped: string | undefined;
    while (done < size) {
      signal?.throwIfAborted();
      let chunk: Buffer;
      try {
        const { bytesRead, buffer } = await handle.read({ buffer: Buffer.allocUnsafe(Math.min(CHUNK, size - done)), position: done });
        chunk = buffer.subarray(0, bytesRead);
      } catch (error) {
        stopped = `read failed (${reasonOf(error)})`;
        break;
      }
      if (chunk.length === 0) {
        stopped = 'shrank while being read';
        break;
      }
      done += chunk.length;
      // Outside the try: an abort thrown in at this yield must end the archive, not pass for a read error.
      yield chunk;
    }
    if (stopped) {
      // The header promised `size` bytes; zeros keep the archive readable, as GNU tar does.
      yield Buffer.alloc(size - done);
      report.skipped.push({ path: file.path, reason: `${stopped} after ${done} of ${size} bytes: the rest is zeros in the archive` });
    }
    yield padding(size);
    report.entries.push({ name, bytes: size });
    return size;
  } finally {
    await handle.close();
  }
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
