import { approximateDuration, formatDuration } from '../domain/duration.ts';
import type { Service } from '../domain/service.ts';
import type { Logger } from '../logging/logger.ts';
import type { ScheduledRuns } from '../store/scheduled-runs.ts';
import { nextInstant, previousInstant } from '../time/cron.ts';
import { validateSchedule } from '../time/schedule.ts';
import { formatInZone } from '../time/zoned-time.ts';

/** Thrown by `markPosted` when another process posted the run meanwhile: the caller's transaction rolls back. */
export class AlreadyPostedError extends Error {
  constructor(schedule: string, scheduledFor: Date) {
    super(`the ${schedule} run of ${scheduledFor.toISOString()} was posted by another process`);
    this.name = 'AlreadyPostedError';
  }
}

export interface ReportScheduleOptions {
  /** Names the schedule's runs in the store. */
  name: string;
  cron: string;
  zone: string;
  /**
   * A report missed while the bot was down is made up when it starts within this (6 h) of its instant, and a run
   * cut off by a crash finished; an older one is only logged: a report that late would tell of another day.
   */
  graceMs?: number;
  runs: ScheduledRuns;
  /**
   * Runs the report of `scheduledFor`: the same instant again when a run cut off by a crash is finished.
   * Call `markPosted` inside the transaction that enqueues the report's posts,
   * `store.transaction(() => { markPosted(); outbox.enqueueMany(posts); })`, so that "posted" and "its posts
   * enqueued" commit together: a run cut off before that commit is run again, one cut off after it is not.
   * It throws AlreadyPostedError when another process took the run over and posted it (the duplicate rolls
   * back). A callback that resolves without calling it (nothing to post) is marked posted when it resolves.
   */
  run: (scheduledFor: Date, markPosted: () => void) => Promise<void>;
  logger: Logger;
  now?: () => Date;
}

const DEFAULT_GRACE_MS = 6 * 3_600_000;
/** Sleeps are cut into hours: a changed clock or a suspended machine is noticed within one. */
const MAX_SLEEP_MS = 3_600_000;
const HEARTBEAT_MS = 10_000;
/** A run whose heartbeat is this old has lost its process (it beats every 10 s) and may be taken over. */
const STALE_MS = 60_000;
/** A run that fails (or crashes the bot) is tried once more, not in a loop. */
const MAX_ATTEMPTS = 2;
/** Later than this after its instant, a run is a make-up. */
const MAKE_UP_AFTER_MS = 60_000;

/**
 * The daily report on its cron schedule, in its time zone, with its runs in the store. Each wake (at the start,
 * at each instant, at least hourly) first finishes runs claimed but never posted whose process is gone, then
 * runs the latest instant due if no run has it: at an instant that is the report itself; at the start, the make-up
 * of a report missed while the bot was down, within the grace. Then it sleeps until the next instant.
 */
export class ReportSchedule implements Service {
  readonly name: string;
  private readonly options: ReportScheduleOptions;
  private readonly now: () => Date;
  private readonly graceMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** When a run left unfinished (failed here, or in progress elsewhere) may be taken over. */
  private retakeAt?: number;
  /** Instants already said not to be run: the hourly wakes say it once. */
  private readonly noted = new Set<number>();

  constructor(options: ReportScheduleOptions) {
    const problem = validateSchedule(options.cron, options.zone);
    if (problem) throw new Error(problem);
    this.options = options;
    this.name = options.name;
    this.now = options.now ?? (() => new Date());
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.wakeOnce();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The next instant of the schedule. */
  next(): Date {
    return nextInstant(this.options.cron, this.options.zone, this.now());
  }

  private wakeOnce(): Promise<void> {
    this.running ??= this.wake()
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, schedule: this.options.name }, 'the report schedule failed');
      })
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.arm();
      });
    return this.running;
  }

  private arm(): void {
    const now = this.now().getTime();
    const at = Math.min(this.next().getTime(), this.retakeAt ?? Infinity, now + MAX_SLEEP_MS);
    this.timer = setTimeout(() => void this.wakeOnce(), Math.max(at - now, 0));
    this.timer.unref();
  }

  private async wake(): Promise<void> {
    this.retakeAt = undefined;
    await this.finishUnfinished();
    await this.runDue();
  }

  private async finishUnfinished(): Promise<void> {
    const { name, runs, logger } = this.options;
    for (const run of runs.unfinished(name)) {
      const now = this.now().getTime();
      const instant = this.local(run.scheduledFor);
      if (run.attempts >= MAX_ATTEMPTS) {
        this.note(run.scheduledFor, 'warn', `the report of ${instant} was begun ${run.attempts} times and never posted: not tried again`);
      } else if (now - run.scheduledFor.getTime() > this.graceMs) {
        this.note(run.scheduledFor, 'info', `the report of ${instant} was begun but never posted; older than the grace of ${formatDuration(this.graceMs)}: not finished`);
      } else if (now - run.heartbeatAt.getTime() < STALE_MS) {
        // In progress in another process (or failed a moment ago): its lease runs out first.
        this.retakeAt = Math.min(this.retakeAt ?? Infinity, run.heartbeatAt.getTime() + STALE_MS);
      } else if (runs.retake(run, new Date(now))) {
        logger.info({ schedule: name, scheduledFor: run.scheduledFor.toISOString() }, `finishing the report of ${instant}, begun but never posted`);
        await this.execute(run.scheduledFor, run.attempts + 1);
      }
    }
  }

  private async runDue(): Promise<void> {
    const { name, cron, zone, runs, logger } = this.options;
    const now = this.now();
    const due = previousInstant(cron, zone, new Date(now.getTime() + 1));
    const last = runs.last(name);
    // Run already: here, before a restart, or by another process on the same DATA_DIR.
    if (last && last.scheduledFor >= due) return;
    const late = now.getTime() - due.getTime();
    if (late > this.graceMs) {
      this.note(due, 'info', `missed the report of ${this.local(due)} (bot down); older than the grace of ${formatDuration(this.graceMs)}: not made up`);
      return;
    }
    if (!runs.claim(name, due, now)) return;
    const text = late > MAKE_UP_AFTER_MS ? `making up the report of ${this.local(due)} (bot down), ${approximateDuration(late)} late` : `the report of ${this.local(due)} is due`;
    logger.info({ schedule: name, scheduledFor: due.toISOString() }, text);
    await this.execute(due, 1);
  }

  /** A run that throws is left unfinished: tried once more when its lease has run out, then given up. */
  private async execute(scheduledFor: Date, attempt: number): Promise<void> {
    const { name, runs, logger } = this.options;
    const fields = { schedule: name, scheduledFor: scheduledFor.toISOString(), attempt };
    const heartbeat = setInterval(() => {
      try {
        runs.heartbeat(name, scheduledFor, this.now());
      } catch (error) {
        logger.warn({ err: error, ...fields }, 'the report run could not beat its heartbeat');
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await this.options.run(scheduledFor, () => {
        if (!runs.markPosted(name, scheduledFor, this.now())) throw new AlreadyPostedError(name, scheduledFor);
      });
      runs.markPosted(name, scheduledFor, this.now());
    } catch (error) {
      if (error instanceof AlreadyPostedError) {
        logger.info(fields, `the report of ${this.local(scheduledFor)} was posted by another process meanwhile; this run rolled back`);
        return;
      }
      const again = attempt < MAX_ATTEMPTS;
      if (again) this.retakeAt = Math.min(this.retakeAt ?? Infinity, this.now().getTime() + STALE_MS);
      logger.error({ err: error, ...fields }, `the report of ${this.local(scheduledFor)} failed; ${again ? 'tried once more in a minute' : 'not tried again'}`);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private note(instant: Date, level: 'info' | 'warn', text: string): void {
    if (this.noted.has(instant.getTime())) return;
    this.noted.add(instant.getTime());
    this.options.logger[level]({ schedule: this.options.name, scheduledFor: instant.toISOString() }, text);
  }

  private local(instant: Date): string {
    return formatInZone(instant, this.options.zone);
  }
}
