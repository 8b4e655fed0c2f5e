import { ErrorKeys } from '../logs/grouper.ts';
import type { ErrorEvent } from '../logs/event.ts';
import { knownError } from '../logs/known-errors.ts';
import { LogEventParser } from '../logs/parser.ts';
import type { Logger } from '../logging/logger.ts';
import type { LogLeases } from '../store/log-leases.ts';
import type { LogPositions } from '../store/log-positions.ts';
import type { Store } from '../store/store.ts';
import { StoreError } from '../store/store-error.ts';
import { pause } from '../logs/follow-wait.ts';
import type { ErrorBatch } from './engine.ts';
import { comparePositions, type FollowedLog, type FollowSink, type FollowStatus, type LogPosition, type WatchPosition } from '../logs/follow.ts';

export interface LogWatchOptions {
  store: Store;
  positions: Pick<LogPositions, 'get' | 'set'>;
  /** One bot process at a time follows a log: another on the same DATA_DIR waits until the lease is free. */
  leases: Pick<LogLeases, 'claim' | 'holder' | 'release'>;
  /** This process, as leases name it. */
  owner: string;
  /** How long a lease lasts unrenewed (default 30 s; renewed every third of it): a bot gone is taken over after it. */
  leaseMs?: number;
  /** Counts the errors; joins the transaction that stores the position. */
  recordErrors: (connector: string, batches: readonly ErrorBatch[], now: Date) => void;
  redact: (text: string) => string;
  logger: Logger;
  /** During a steady flow of errors, counts are committed this often (default 500 ms); at once when the log goes quiet. */
  commitEveryMs?: number;
  now?: () => Date;
}

const DEFAULT_LEASE_MS = 30_000;
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
  private running: Promise<void> | undefined;
  /** Ends the reading under way (not the watch) when the lease is lost. */
  private holding: AbortController | undefined;
  /** The lease went to another process: nothing more is committed from this reading. */
  private lost = false;
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
    if (this.running) return;
    this.controller = new AbortController();
    this.running = this.run(this.controller.signal).catch((error: unknown) =>
      this.options.logger.error({ err: error, connector: this.connector, source: this.log.source }, 'log follower stopped unexpectedly'),
    );
  }

  /** Stops following; what was read and is complete is committed first, and the lease is given back. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
  }

  /** Waits for the lease, follows while it holds it, and waits again if another process took it over. */
  private async run(signal: AbortSignal): Promise<void> {
    const leaseMs = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    while (!signal.aborted) {
      const claimed = this.claim(leaseMs);
      if (claimed === undefined) {
        this.report({ state: 'waiting', reason: 'the store cannot be written (see /readyz)' });
        await pause(leaseMs / 3, signal);
        continue;
      }
      if (!claimed) {
        const holder = this.options.leases.holder(this.connector, this.log.source, this.now());
        this.report({ state: 'waiting', reason: `followed by another connector-ops process on this DATA_DIR (${holder ?? 'lease just ended'})` });
        await pause(leaseMs / 3, signal);
        continue;
      }
      await this.followWhileHeld(signal, leaseMs);
    }
  }

  private async followWhileHeld(signal: AbortSignal, leaseMs: number): Promise<void> {
    const stored = this.options.positions.get(this.connector, this.log.source);
    this.from = stored?.resume;
    this.currentLog = stored?.resume?.log;
    this.committedResume = stored?.resume;
    this.batch.clear();
    this.streams.clear();
    for (const [stream, floor] of Object.entries(stored?.streams ?? {})) this.streams.set(stream, this.newStream(floor));
    const held = (this.holding = new AbortController());
    const stopHolding = () => held.abort();
    signal.addEventListener('abort', stopHolding, { once: true });
    const renewal = setInterval(() => {
      // A store that cannot be written cannot renew the lease either: reading goes on, and what is read waits for a
      // commit, which checks the lease under the write lock first.
      if (this.claim(leaseMs) === false) {
        this.options.logger.warn({ connector: this.connector, source: this.log.source }, 'log follower: lost its lease to another process; what it had not stored is left to that one');
        this.lost = true;
        held.abort();
      }
    }, leaseMs / 3);
    renewal.unref();
    const sink: FollowSink = {
      line: (stream, bytes, start, end, after) => this.line(stream, bytes, start, end, after),
      idle: () => this.idle(),
      begun: (from) => this.begun(from),
    };
    try {
      await this.log.follow(this.from, sink, held.signal, (status) => this.report(status));
    } finally {
      clearInterval(renewal);
      signal.removeEventListener('abort', stopHolding);
    }
    if (this.lost) {
      this.lost = false;
      return;
    }
    this.commit();
    // Unwritable, the lease is not given back: it runs out by itself.
    this.unlessUnwritable(() => this.options.leases.release(this.connector, this.log.source, this.options.owner));
  }

  /** Whether this process holds the lease now; undefined when the store cannot be written (its health says why). */
  private claim(leaseMs: number): boolean | undefined {
    const now = this.now();
    return this.unlessUnwritable(() => this.options.leases.claim(this.connector, this.log.source, this.options.owner, now, new Date(now.getTime() + leaseMs)));
  }

  private unlessUnwritable<T>(write: () => T): T | undefined {
    try {
      return write();
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.options.logger.debug({ connector: this.connector, source: this.log.source, err: error }, 'log follower: the store cannot be written; the lease waits');
      return undefined;
    }
  }

  private report(status: FollowStatus): void {
    if (status.state === this.status.state && status.reason === this.status.reason) return;
    this.status = status;
    this.options.logger.info({ connector: this.connector, source: this.log.source, ...status }, `log follower ${status.state}`);
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

  /** Reading from now began at `from`: stored at once (when nothing is), so a bot stopped before any line resumes there. */
  private begun(from: LogPosition): void {
    if (this.committedResume) return;
    this.from = from;
    this.currentLog = from.log;
    this.store({ resume: from, streams: {} }, []);
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
    if (this.lost) return;
    const position = this.position();
    if (!position) return;
    const moved = !this.committedResume || !position.resume || comparePositions(position.resume, this.committedResume) !== 0 || position.resume.log !== this.committedResume.log;
    if (this.batch.size === 0 && !moved) return;
    if (!this.store(position, [...this.batch.values()])) return;
    this.batch.clear();
    for (const state of this.streams.values()) if (state.safe) state.floor = state.safe;
  }

  /** Stores the position and the counts in one transaction while this process holds the lease; whether it did. */
  private store(position: WatchPosition, batches: readonly ErrorBatch[]): boolean {
    const now = this.now();
    try {
      const stillHeld = this.options.store.atomic(() => {
        // Under the write lock: a lease lost meanwhile commits nothing, so the next holder counts it once.
        if (this.options.leases.holder(this.connector, this.log.source, now) !== this.options.owner) return false;
        this.options.recordErrors(this.connector, batches, now);
        this.options.positions.set(this.connector, this.log.source, position, now);
        return true;
      });
      if (!stillHeld) {
        // This reading ends; the watch waits for the lease again (another process may have it, or none).
        this.lost = true;
        this.holding?.abort();
        return false;
      }
    } catch (error) {
      // Kept for the next commit: nothing counted, nothing lost. A store that cannot be written is said once, by its health.
      const level = error instanceof StoreError ? 'debug' : 'error';
      this.options.logger[level]({ err: error, connector: this.connector, source: this.log.source }, 'log follower: could not store what it read; trying again');
      return false;
    }
    this.lastCommit = now.getTime();
    this.committedResume = position.resume;
    return true;
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
