import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LogPosition } from '../../logs/follow.ts';
import { abortable } from '../abortable.ts';
import { withTimeout } from '../http/timeout.ts';
import { findLogFiles, globToRegExp } from './find.ts';
import { fileLog } from './tail-file.ts';

/** A file the pattern stands for, as it is now. */
export interface MatchedFile {
  path: string;
  log: string;
  size: number;
  modified: number;
}

/** Where to read a file from. */
export interface FileRead {
  path: string;
  log: string;
  offset: number;
}

/** What to read, in order: rotated files to their end, then the live file, which is followed. */
export interface ReadPlan {
  rotated: FileRead[];
  live: FileRead | undefined;
  /** The logs of the files the pattern matched when the plan was made. */
  matched: Set<string>;
}

/**
 * The files a followed pattern matches now: the path itself, or what a glob in its last segment matches
 * (without rotated siblings, and without gzip files, which cannot be followed). A missing directory matches
 * nothing: it may be created later.
 */
export async function matchingFiles(pattern: string, signal: AbortSignal, timeoutMs: number): Promise<MatchedFile[]> {
  const name = basename(pattern);
  const bounded = <T>(call: Promise<T>) => abortable(call, withTimeout(signal, timeoutMs));
  let paths = [pattern];
  if (/[*?]/.test(name)) {
    const names = await bounded(readdir(dirname(pattern))).catch(missingAs([] as string[]));
    const matches = globToRegExp(name);
    paths = names.filter((entry) => matches.test(entry) && !entry.endsWith('.gz')).map((entry) => join(dirname(pattern), entry));
  }
  const files: MatchedFile[] = [];
  for (const path of paths) {
    const info = await bounded(stat(path)).catch(missingAs(undefined)); // rotated away since readdir
    if (info?.isFile()) files.push({ path, log: fileLog(info), size: info.size, modified: info.mtimeMs });
  }
  return files;
}

/**
 * The file being written: the one last modified. File times are coarse (a few milliseconds), so of files
 * modified at the same time the last by name wins, as a dated name of today does over yesterday's.
 */
export function newestFile(files: readonly MatchedFile[]): MatchedFile | undefined {
  let newest: MatchedFile | undefined;
  for (const file of files) {
    if (!newest || file.modified > newest.modified || (file.modified === newest.modified && file.path > newest.path)) newest = file;
  }
  return newest;
}

/**
 * Where reading on from `resume` starts. The position's file still the newest match: on from its offset (from
 * 0 when it is shorter now: truncated). Found under another name (rotated while nobody read it, e.g.
 * `app.log.1`): that one to its end first, then the rotated files after it (by modification time), then the
 * newest match from 0. Not found at all (deleted, or compressed: rotated long ago): the newest match from 0,
 * which began after it. Without a position, the newest match from its end when `fromNow` (the past is not
 * read), otherwise from 0 (it appeared after the follower started).
 */
export async function locate(pattern: string, resume: LogPosition | undefined, fromNow: boolean, signal: AbortSignal, timeoutMs: number): Promise<ReadPlan> {
  const files = await matchingFiles(pattern, signal, timeoutMs);
  const matched = new Set(files.map((file) => file.log));
  const current = newestFile(files);
  if (!resume) return { rotated: [], live: current && { ...current, offset: fromNow ? current.size : 0 }, matched };
  const offset = Number(resume.at);
  if (current?.log === resume.log) return { rotated: [], live: { ...current, offset: current.size < offset ? 0 : offset }, matched };
  const live = current && { ...current, offset: 0 };
  const candidates = await rotationCandidates(pattern, signal, timeoutMs);
  const index = candidates.findIndex((file) => file.log === resume.log);
  if (index === -1) return { rotated: [], live, matched };
  const found = candidates[index] as MatchedFile;
  const later = candidates.slice(index + 1).filter((file) => file.log !== current?.log);
  return {
    rotated: [{ ...found, offset: found.size < offset ? 0 : offset }, ...later.map((file) => ({ ...file, offset: 0 }))],
    live,
    matched,
  };
}

/** Every file of the pattern including rotated siblings (as the error-logs check finds them), oldest first. */
async function rotationCandidates(pattern: string, signal: AbortSignal, timeoutMs: number): Promise<MatchedFile[]> {
  const bounded = <T>(call: Promise<T>) => abortable(call, withTimeout(signal, timeoutMs));
  const found = await bounded(findLogFiles(pattern, { since: new Date(0) })).catch(missingAs([]));
  const files: MatchedFile[] = [];
  for (const file of found) {
    if (file.gzip) continue;
    const info = await bounded(stat(file.path)).catch(missingAs(undefined));
    if (info?.isFile()) files.push({ path: file.path, log: fileLog(info), size: info.size, modified: info.mtimeMs });
  }
  return files;
}

/** For `.catch`: a path that does not exist (any more) stands for `value`; anything else is rethrown. */
function missingAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return value;
    throw error;
  };
}
