import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { archiveBlocks, type ArchiveReport, type BackupSource } from './archive-entries.ts';
import { archiveName } from './archive-name.ts';

/** Bytes of file content one backup takes at most, all files together. */
export const DEFAULT_MAX_BACKUP_BYTES = 256 * 1024 * 1024;

export interface BackupArchiveRequest {
  /** Created (0700) when missing. */
  directory: string;
  connector: string;
  takenAt: Date;
  /** The container's definition (its `docker inspect`), kept as container.json. */
  definition: object;
  /** Host files and directories, e.g. `connectorFiles(...).files`. */
  files: readonly BackupSource[];
  signal?: AbortSignal;
  /** A file that would take the content past this is left out; default DEFAULT_MAX_BACKUP_BYTES. */
  maxBytes?: number;
}

export interface BackupArchive extends ArchiveReport {
  path: string;
  /** Size of the archive file. */
  bytes: number;
}

/**
 * Writes `<connector>-<UTC timestamp>.tar.gz` into the directory: container.json and the files
 * under `files/<host path>`. It holds secrets (the environment, API keys), so it is 0600 from its
 * first byte on. It is written under a temporary name and renamed when complete and synced, so the
 * final name never shows half an archive; on failure or abort the temporary file is removed.
 */
export async function writeBackupArchive(request: BackupArchiveRequest): Promise<BackupArchive> {
  const { connector, signal } = request;
  const directory = resolve(request.directory);
  const name = archiveName(connector, request.takenAt);
  const path = join(directory, name);
  if (signal?.aborted) throw abortedError(connector, signal.reason);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // Dot first: listings of backups pass over it.
  const temporary = join(directory, `.${name}.${randomUUID()}.partial`);
  const report: ArchiveReport = { entries: [], skipped: [] };
  // Created with its final mode, never chmod'ed: not readable by others even for a moment. 'wx' refuses to reuse a file.
  const out = createWriteStream(temporary, { flags: 'wx', mode: 0o600, flush: true });
  try {
    const blocks = archiveBlocks({
      definition: request.definition,
      takenAt: request.takenAt,
      sources: request.files,
      maxBytes: request.maxBytes ?? DEFAULT_MAX_BACKUP_BYTES,
      exclude: directory,
      signal,
      report,
    });
    await pipeline(blocks, createGzip(), out, { signal });
    // rename would replace a backup taken in the same second; refuse instead.
    if (await exists(path)) throw new Error(`${path} already exists: a backup of ${connector} was taken in the same second`);
    await rename(temporary, path);
  } catch (error) {
    if (!out.closed) await once(out, 'close');
    await rm(temporary, { force: true });
    throw signal?.aborted ? abortedError(connector, signal.reason) : error;
  }
  return { path, bytes: out.bytesWritten, ...report };
}

function abortedError(connector: string, reason: unknown): Error {
  return new Error(`backup of ${connector} aborted: no archive was kept`, { cause: reason });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
