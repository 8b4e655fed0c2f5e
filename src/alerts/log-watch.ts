import { ErrorKeys } from '../checks/error-logs/grouper.ts';
import type { ErrorEvent } from '../checks/error-logs/event.ts';
import { knownError } from '../checks/error-logs/known-errors.ts';
import { LogEventParser } from '../checks/error-logs/parser.ts';
import type { Logger } from '../logging/logger.ts';
import type { LogPositions } from '../store/log-positions.ts';
import type { Store } from '../store/store.ts';
import type { ErrorBatch } from './engine.ts';
import { comparePositions, type FollowedLog, type FollowSink, type FollowStatus, type LogPosition, type WatchPosition } from './log-source.ts';

export interface LogWatchOptions {
  store: Store;
  positions: Pick<LogPositions, 'get' | 'set'>;
  /** Counts the errors; joins the transaction that stores the position. */
  recordErrors: (connector: string, batches: readonly ErrorBatch[], now: Date) => void;
  redact: (text: string) => string;
  logger: Logger;
  /** During a steady flow of errors, counts are committed this often (default 500 ms); at once when the log goes quiet. */
  commitEveryMs?: number;
  now?: () => Date;
}

/** A flow of lines without errors still moves the stored position on this often. */
const POSITION_EVERY_MS = 5_000;

interface StreamState {
  parser: LogEventParser;
  /** The positions after the last three lines: where to resume if what the parser holds began on one of them. */
  last?: LogPosition;
  prev?: LogPosition;
  prev2?: LogPosition;
  /** Every error up to here has been passed on. */
  safe?: LogPosition;
  /** Counted up to here in the store: lines up to it, read again after a resume, are skipped. */
  floor?: LogPosition;
}

/**
 * Follows one log of one connector and counts its ERROR and FATAL events into the alerts. The position and the
 * counts commit in one transaction, and a resumed reading skips what each stream had counted: after a restart of
 * the bot, the engine or the container, no line is lost and none is counted twice. An event still collecting its
 * stack is not counted (nor is the position moved past its first line) until it is complete.
 */
export class LogWatch {
  readonly connector: string;
  private readonly log: FollowedLog;
  private readonly options: LogWatchOptions;
  private readonly now: () => Date;
  private readonly keys: ErrorKeys;
  private readonly streams = new Map<string, StreamState>();
  private readonly batch = new Map<string, ErrorBatch>();
  private from: LogPosition | undefined;
  /** The log of the latest line read: a container's new id after a recreation. */
  private currentLog: string | undefined;
  private committedResume: LogPosition | undefined;
  private lastCommit = 0;
  private controller: AbortController | undefined;
  private following: Promise<void> | undefined;
  private status: FollowStatus = { state: 'waiting', reason: 'not started' };

  constructor(connector: string, log: FollowedLog, options: LogWatchOptions) {
    this.connector = connector;
    this.log = log;
    this.options = options;
    this.now = options.now ?? (() => new Date());
    this.keys = new ErrorKeys(options.redact);
  }

  get source(): string {
    return this.log.source;
  }

  get state(): FollowStatus {
    return this.status;
  }

  start(): void {
    if (this.following) return;
    const stored = this.options.positions.get(this.connector, this.log.source);
    this.from = stored?.resume;
    this.currentLog = stored?.resume?.log;
    this.committedResume = stored?.resume;
    this.streams.clear();
    for (const [stream, floor] of Object.entries(stored?.streams ?? {})) this.streams.set(stream, this.newStream(floor));
    this.controller = new AbortController();
    const sink: FollowSink = { line: (stream, bytes, start, end, after) => this.line(stream, bytes, start, end, after), idle: () => this.idle() };
    this.following = this.log
      .follow(this.from, sink, this.controller.signal, (status) => {
        this.status = status;
        this.options.logger.info({ connector: this.connector, source: this.log.source, ...status }, `log follower ${status.state}`);
      })
      .catch((error: unknown) => this.options.logger.error({ err: error, connector: this.connector, source: this.log.source }, 'log follower stopped unexpectedly'));
  }

  /** Stops following; what was read and is complete is committed first. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.following;
    this.following = undefined;
    this.commit();
  }

  private newStream(floor?: LogPosition): StreamState {
    const parser = new LogEventParser((event) => this.count(event));
    const start = floor ?? this.from;
    return { parser, ...(start && { last: start, safe: start }), ...(floor && { floor }) };
  }

  private line(stream: string, bytes: Buffer, start: number, end: number, after: LogPosition): void {
    let state = this.streams.get(stream);
    if (!state) {
      state = this.newStream();
      this.streams.set(stream, state);
    }
    if (state.floor) {
      if (state.floor.log !== after.log) delete state.floor;
      else if (comparePositions(after, state.floor) <= 0) return;
    }
    this.currentLog = after.log;
    state.prev2 = state.prev;
    state.prev = state.last;
    state.last = after;
    const parser = state.parser;
    const before = parser.heldFrom;
    parser.line(bytes, start, end);
    const held = parser.heldFrom;
    if (held === undefined) state.safe = after;
    else if (held !== before) state.safe = held === parser.lines ? state.prev : state.prev2;
    const sinceCommit = this.now().getTime() - this.lastCommit;
    if ((this.batch.size > 0 && sinceCommit >= (this.options.commitEveryMs ?? 500)) || sinceCommit >= POSITION_EVERY_MS) this.commit();
  }

  /** Nothing new for a moment: what each parser holds is complete. */
  private idle(): void {
    for (const state of this.streams.values()) {
      state.parser.end();
      if (state.last) state.safe = state.last;
    }
    this.commit();
  }

  private count(event: ErrorEvent): void {
    const key = this.keys.keyOf(event);
    const fatal = event.level === 'FATAL' ? 1 : 0;
    const existing = this.batch.get(key);
    if (existing) {
      existing.count++;
      existing.fatal += fatal;
      return;
    }
    const hint = knownError(event.message, this.connector);
    this.batch.set(key, { key, count: 1, fatal, sample: this.keys.sampleOf(event), ...(hint && { hint }) });
  }

  private commit(): void {
    const position = this.position();
    if (!position) return;
    const moved = !this.committedResume || !position.resume || comparePositions(position.resume, this.committedResume) !== 0 || position.resume.log !== this.committedResume.log;
    if (this.batch.size === 0 && !moved) return;
    const now = this.now();
    const batches = [...this.batch.values()];
    try {
      this.options.store.atomic(() => {
        this.options.recordErrors(this.connector, batches, now);
        this.options.positions.set(this.connector, this.log.source, position, now);
      });
    } catch (error) {
      // Kept for the next commit: nothing counted, nothing lost.
      this.options.logger.error({ err: error, connector: this.connector, source: this.log.source }, 'log follower: could not store what it read; trying again');
      return;
    }
    this.batch.clear();
    this.lastCommit = now.getTime();
    this.committedResume = position.resume;
    for (const state of this.streams.values()) if (state.safe) state.floor = state.safe;
  }

  /**
   * Resume from the earliest stream's safe point, within the log read most recently (after a recreation the
   * old container's streams are history). Undefined while a stream holds an event begun before any position.
   */
  private position(): WatchPosition | undefined {
    const live = [...this.streams.entries()].filter(([, state]) => state.last && state.last.log === this.currentLog);
    if (live.length === 0 || live.some(([, state]) => !state.safe)) return undefined;
    const streams = Object.fromEntries(live.map(([name, state]) => [name, state.safe!]));
    const resume = live.map(([, state]) => state.safe!).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    return { resume, streams };
  }
}
