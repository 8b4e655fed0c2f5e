import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { effectiveUser } from '../integrations/host/user.ts';

/** SQLite's primary result codes that mean the store itself cannot be used (not a constraint, not a bug of ours). */
const SQLITE_FAILURES: ReadonlyMap<number, string> = new Map([
  [3, 'SQLITE_PERM'],
  [5, 'SQLITE_BUSY'],
  [6, 'SQLITE_LOCKED'],
  [8, 'SQLITE_READONLY'],
  [10, 'SQLITE_IOERR'],
  [11, 'SQLITE_CORRUPT'],
  [13, 'SQLITE_FULL'],
  [14, 'SQLITE_CANTOPEN'],
  [22, 'SQLITE_NOLFS'],
  [26, 'SQLITE_NOTADB'],
]);

/** The file-system errors of making DATA_DIR, by the same causes. */
const FS_FAILURES: ReadonlySet<string> = new Set(['ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'EIO', 'EDQUOT']);

/** What the store is doing when it fails: opening names the cause as much as writing does. */
export type StoreAction = 'opened' | 'written' | 'read';

/**
 * The store cannot be used: which file, as which user, why, and what to do. Its `code` (SQLITE_FULL, EROFS, …)
 * marks it as a failure of the host, not of the bot, so that it is told by its message, without a stack.
 */
export class StoreError extends Error {
  readonly path: string;
  readonly code: string;
  /** A few words: "the disk is full". */
  readonly reason: string;
  /** What the operator does about it. */
  readonly fix: string;

  constructor(path: string, action: StoreAction, code: string, reason: string, fix: string, cause: unknown) {
    super(`the store ${path} cannot be ${action} by ${effectiveUser()}: ${reason} (${code}). ${fix}`, { cause });
    this.name = 'StoreError';
    this.path = path;
    this.code = code;
    this.reason = reason;
    this.fix = fix;
  }
}

/**
 * The StoreError an error of SQLite or of the file system amounts to, or undefined when it is not the store's
 * failure (a constraint, a trigger's refusal, a mistake in SQL): those pass through as they are.
 */
export function storeFailure(error: unknown, path: string, action: StoreAction): StoreError | undefined {
  if (error instanceof StoreError) return error;
  const code = failureCode(error);
  if (code === undefined) return undefined;
  const [reason, fix] = explain(code, path);
  return new StoreError(path, action, code, reason, fix, error);
}

/** The cause in a few words, and what the operator does about it. */
function explain(code: string, path: string): [string, string] {
  const dir = dirname(path);
  switch (code) {
    case 'SQLITE_FULL':
    case 'ENOSPC':
    case 'EDQUOT':
      return ['the disk is full', `Free space on the file system of ${dir}; the bot carries on by itself once it can write.`];
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return accessProblem(path);
    case 'ENOTDIR':
    case 'EEXIST':
      return [`${dir} is not a directory`, 'Set DATA_DIR to a directory (it is made when missing).'];
    case 'SQLITE_NOTADB':
      return ['the file is not an SQLite database', "Move it aside (it is not connector-ops's store, or it was overwritten), or set DATA_DIR to the right directory; a new store is made where none is."];
    case 'SQLITE_CORRUPT':
      return ['the file is damaged', 'Stop every bot on this DATA_DIR, keep a copy, and restore the store from a backup (or move it aside to start a new one).'];
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return ['another process holds it locked for more than 5 s', `Find what keeps it busy (fuser ${path}); only connector-ops processes should open it.`];
    default:
      return ['an I/O error', `Check the disk and the kernel log (dmesg) of the host that holds ${dir}.`];
  }
}

/**
 * SQLite says only "unable to open database file" or "attempt to write a readonly database": the file system
 * tells which of a read-only mount, a directory the user may not write, a file of another user, or no file.
 */
function accessProblem(path: string): [string, string] {
  const dir = dirname(path);
  const user = effectiveUser();
  const grant = `Give ${user} read and write access to ${dir} and the files in it (e.g. chown -R ${process.geteuid?.() ?? '<uid>'} ${dir}), or set DATA_DIR to a directory it may write.`;
  const stat = statOrUndefined(path);
  if (stat?.isDirectory()) return [`${path} is a directory`, `Move it aside, or set DATA_DIR to the store's directory.`];
  const dirAccess = accessCode(dir, constants.W_OK | constants.X_OK);
  if (dirAccess === 'EROFS') return ['its file system is mounted read-only', `Mount ${dir} read-write, or set DATA_DIR to a writable directory.`];
  if (dirAccess === 'ENOENT') return [`${dir} does not exist`, 'Set DATA_DIR to a directory the bot may make or write.'];
  if (dirAccess !== undefined) return [`${user} may not write ${dir} (owned by uid ${statOrUndefined(dir)?.uid ?? '?'})`, grant];
  if (stat && accessCode(path, constants.R_OK | constants.W_OK) !== undefined) {
    return [`the file belongs to uid ${stat.uid} (mode ${(stat.mode & 0o777).toString(8)}) and ${user} may not write it`, grant];
  }
  return ['it cannot be opened for writing', grant];
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The error code of access(2) for these modes, or undefined when allowed. */
function accessCode(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

/** SQLITE_FULL, EROFS, …: the name of a failure of the store, or undefined for any other error. */
function failureCode(error: unknown): string | undefined {
  const { errcode, code } = (error ?? {}) as { errcode?: unknown; code?: unknown };
  // node:sqlite gives the extended code (SQLITE_IOERR_WRITE is 778): the primary one is its low byte.
  if (typeof errcode === 'number') return SQLITE_FAILURES.get(errcode & 0xff);
  return typeof code === 'string' && FS_FAILURES.has(code) ? code : undefined;
}
