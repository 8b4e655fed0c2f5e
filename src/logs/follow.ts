/**
 * Where a followed log stands: enough to resume reading it after a restart of the bot, the engine or the
 * container without losing a line or reading one twice. Stored as JSON in `log_positions`.
 */
export interface LogPosition {
  /** Which log: a container's id (its log survives restarts, not a recreation), or a file's `dev:inode`. */
  log: string;
  /**
   * Order within that log, comparable as strings: Docker's timestamp of the line as RFC 3339 with exactly nine
   * fractional digits (`2026-12-01T09:00:00.123456789Z`), or a file's byte offset after the line, zero-padded
   * to 16 digits.
   */
  at: string;
  /** Lines with exactly this `at` already read (Docker timestamps can repeat); 0 for files. */
  seq: number;
}

/** Receives the lines of a followed log, each with the position just after it. */
export interface FollowSink {
  /** `stream` tells apart outputs whose lines interleave (`stdout`, `stderr`; a file's path). */
  line(stream: string, bytes: Buffer, start: number, end: number, after: LogPosition): void;
  /** Nothing new arrived for a moment (default 250 ms): what the sink holds is complete. */
  idle(): void;
  /**
   * Reading from now (no position given) begins at `from`. A sink that stores positions keeps it, so that a reading
   * stopped before its first line resumes there, not from a later "now" that would skip what came between.
   */
  begun?(from: LogPosition): void;
}

/** What a follower says about itself, for the log and `/connector alerts`. */
export interface FollowStatus {
  state: 'following' | 'waiting';
  /** Why it waits: the container is not running, the engine cannot be reached, no file matches … */
  reason?: string;
}

/**
 * One followed log of a connector (its container's output, or one configured log file pattern). `follow`
 * reads from `from` (or, without a position, from now on: the log's past is not alerted on) until the signal
 * aborts, and only then resolves; it never throws: a stream that ends, an engine that goes away, a container
 * restarted or recreated, a file rotated are waited for and read on from where it stood.
 */
export interface FollowedLog {
  /** Stable per connector: `container`, or `file:<pattern>`. */
  readonly source: string;
  follow(from: LogPosition | undefined, sink: FollowSink, signal: AbortSignal, onStatus?: (status: FollowStatus) => void): Promise<void>;
}

/** Orders two positions of one log. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.seq - b.seq;
}

/** What is stored per followed log: where to resume reading, and up to where each stream's errors are counted. */
export interface WatchPosition {
  resume?: LogPosition;
  streams: Record<string, LogPosition>;
}
