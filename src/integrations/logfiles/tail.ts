import type { FollowedLog, FollowSink, FollowStatus, LogPosition } from '../../logs/follow.ts';
import { backoff, pause, statusReporter } from '../../logs/follow-wait.ts';
import { describeFailure } from '../http/timeout.ts';
import { offsetAt, TailedFile } from './tail-file.ts';
import type { FileLineSink } from './tail-file.ts';
import { locate, matchingFiles, newestFile } from './tail-locate.ts';
import type { FileRead } from './tail-locate.ts';

export interface LogFileFollowerOptions {
  /** How often the file is looked at for new lines, truncation and rotation (default 250 ms). */
  pollMs?: number;
  /** No new line for this long after some lines: the sink is told it is idle (default 250 ms). */
  idleMs?: number;
  /** The wait after the first failure (a file that cannot be read); it doubles up to `maxBackoffMs` (1 s, 10 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Time limit of each call on the file system (default 10 s). */
  callTimeoutMs?: number;
}

/** What one follow() knows between reads: where it stands, and whether lines came since the sink's last idle. */
interface Progress {
  /** The position after the last line passed on, or where reading of the current file began. */
  resume: LogPosition | undefined;
  /**
   * No position was given: the file there at the start is read from its end (what it holds is past). Cleared
   * when nothing matched: a file that appears later is new, and read from its start.
   */
  fromNow: boolean;
  lastLine: number;
  unsettled: boolean;
}

/**
 * Follows the newest file a log-file setting (a path, or a glob in its last segment) stands for, by polling
 * (`FollowedLog`). Positions name the file by `dev:ino` and a line by the offset after it.
 * - Rename-and-create: the renamed file is read to its end through its descriptor, until a poll finds
 *   nothing new, then the new file from 0.
 * - Copytruncate (the file got shorter than the offset): from 0 again, positions of that log starting over.
 *   What was written between the last poll and the truncation is lost (it is in the copy), and a file
 *   refilled past the old offset within one poll is not seen as truncated.
 * - A glob: a newer matching file that was not there when reading the current one began (daily names) is a
 *   rotation too; two files written at once under one glob are not both followed.
 * - Resuming: see `locate`.
 * Not handled: an inode reused by a new file at the path looks like the old file (read on at the old offset,
 * or from 0 when shorter); gzip files are never read.
 */
export class LogFileFollower implements FollowedLog {
  readonly source: string;
  private readonly pattern: string;
  private readonly pollMs: number;
  private readonly idleMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly callTimeoutMs: number;

  constructor(pattern: string, options: LogFileFollowerOptions = {}) {
    this.pattern = pattern;
    this.source = `file:${pattern}`;
    this.pollMs = options.pollMs ?? 250;
    this.idleMs = options.idleMs ?? 250;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  async follow(from: LogPosition | undefined, sink: FollowSink, signal: AbortSignal, onStatus?: (status: FollowStatus) => void): Promise<void> {
    const report = statusReporter(onStatus);
    const progress: Progress = { resume: from, fromNow: from === undefined, lastLine: 0, unsettled: false };
    const lines: FileLineSink = (path, bytes, start, end, after) => {
      sink.line(path, bytes, start, end, after);
      progress.resume = after;
      progress.lastLine = performance.now();
      progress.unsettled = true;
    };
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.readOn(progress, lines, sink, signal, report, () => (failures = 0));
      } catch (error) {
        if (signal.aborted) break;
        // Taken up again from the last line passed on, whatever was open.
        report({ state: 'waiting', reason: `cannot read ${this.pattern}: ${describeFailure(error)}` });
        await pause(backoff(failures++, this.backoffMs, this.maxBackoffMs), signal);
      }
    }
  }

  /**
   * Reads from where `progress` stands: rotated files to their end, then the live file until it is rotated
   * (returns, to be called again), or until the signal aborts.
   */
  private async readOn(
    progress: Progress,
    lines: FileLineSink,
    sink: FollowSink,
    signal: AbortSignal,
    report: (status: FollowStatus) => void,
    succeeded: () => void,
  ): Promise<void> {
    const plan = await locate(this.pattern, progress.resume, progress.fromNow, signal, this.callTimeoutMs);
    for (const read of plan.rotated) {
      const file = await this.open(read, progress, lines, signal);
      if (!file) continue; // gone since it was found
      try {
        await file.readNew(signal);
        file.finish();
      } finally {
        await file.close();
      }
    }
    succeeded();
    // Nothing there yet: whatever appears is new. (Once a file is open, `resume` says where it stands.)
    if (!plan.live) progress.fromNow = false;
    const live = plan.live && (await this.open(plan.live, progress, lines, signal));
    if (live && progress.fromNow && progress.resume) {
      progress.fromNow = false;
      sink.begun?.(progress.resume);
    }
    if (!live) {
      if (!plan.live) report({ state: 'waiting', reason: `no file matches ${this.pattern}` });
      this.settleWhenQuiet(progress, sink);
      await pause(this.pollMs, signal);
      return;
    }
    report({ state: 'following' });
    try {
      await this.followLive(live, plan.matched, progress, sink, signal);
    } finally {
      await live.close();
    }
  }

  /**
   * Reads the live file poll by poll until it was rotated and then read to its end. `known`: the matches when
   * it became the live one; only a file new since then replaces it.
   */
  private async followLive(live: TailedFile, known: Set<string>, progress: Progress, sink: FollowSink, signal: AbortSignal): Promise<void> {
    let rotated = false;
    while (!signal.aborted) {
      if (!rotated && (await live.size(signal)) < live.offset) {
        live.restart();
        progress.resume = { log: live.log, at: offsetAt(0), seq: 0 };
      }
      const read = await live.readNew(signal);
      if (rotated && read === 0) {
        live.finish();
        return;
      }
      if (!rotated) {
        const files = await matchingFiles(this.pattern, signal, this.callTimeoutMs);
        const atPath = files.find((file) => file.path === live.path);
        const newest = newestFile(files);
        // Renamed away (a new file or none at its path), or a newer file began: read this one to its end.
        rotated = atPath?.log !== live.log || (newest !== undefined && newest.log !== live.log && !known.has(newest.log));
      }
      this.settleWhenQuiet(progress, sink);
      await pause(this.pollMs, signal);
    }
  }

  private async open(read: FileRead, progress: Progress, lines: FileLineSink, signal: AbortSignal): Promise<TailedFile | undefined> {
    const file = await TailedFile.open(read.path, read.log, read.offset, lines, signal, this.callTimeoutMs);
    // Where this file's reading begins is where a failure takes it up again, even before its first line.
    if (file) progress.resume = { log: file.log, at: offsetAt(file.offset), seq: 0 };
    return file;
  }

  /** The sink hears once that what it holds is complete, when no line came for the idle delay. */
  private settleWhenQuiet(progress: Progress, sink: FollowSink): void {
    if (!progress.unsettled || performance.now() - progress.lastLine < this.idleMs) return;
    progress.unsettled = false;
    sink.idle();
  }
}
