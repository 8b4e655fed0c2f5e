import type { Store } from './store.ts';

/** One run of a schedule: the instant it was due, and how far it got. */
export interface ScheduledRun {
  schedule: string;
  scheduledFor: Date;
  claimedAt: Date;
  /** When the process running it last said so: a run whose heartbeat is old has lost its process. */
  heartbeatAt: Date;
  /** Times it was begun: the claim is the first, each retake one more. */
  attempts: number;
  postedAt?: Date;
}

// A type alias, not an interface: only it takes the implicit index signature that node:sqlite's records need.
type Row = {
  schedule: string;
  scheduled_for: number;
  claimed_at: number;
  heartbeat_at: number;
  attempts: number;
  posted_at: number | null;
};

const COLUMNS = 'schedule, scheduled_for, claimed_at, heartbeat_at, attempts, posted_at';

/**
 * The runs of the schedules (the daily report), one row per schedule and instant: the first claim of an
 * instant wins, in this process or another on the same DATA_DIR, and a restart finds what it already ran.
 * A run claimed and never posted is unfinished: its process died in the middle.
 */
export class ScheduledRuns {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** True for exactly one caller per schedule and instant; false for every later one. */
  claim(schedule: string, scheduledFor: Date, now: Date): boolean {
    const { changes } = this.store.db
      .prepare('INSERT OR IGNORE INTO scheduled_runs (schedule, scheduled_for, claimed_at, heartbeat_at) VALUES (?, ?, ?, ?)')
      .run(schedule, scheduledFor.getTime(), now.getTime(), now.getTime());
    return Number(changes) === 1;
  }

  /**
   * Takes over an unfinished run as read by `unfinished`: true for exactly one caller, as long as nobody began
   * it or beat its heartbeat since.
   */
  retake(run: ScheduledRun, now: Date): boolean {
    const { changes } = this.store.db
      .prepare(
        `UPDATE scheduled_runs SET attempts = attempts + 1, heartbeat_at = ?
         WHERE schedule = ? AND scheduled_for = ? AND posted_at IS NULL AND attempts = ? AND heartbeat_at = ?`,
      )
      .run(now.getTime(), run.schedule, run.scheduledFor.getTime(), run.attempts, run.heartbeatAt.getTime());
    return Number(changes) === 1;
  }

  heartbeat(schedule: string, scheduledFor: Date, now: Date): void {
    this.store.db
      .prepare('UPDATE scheduled_runs SET heartbeat_at = ? WHERE schedule = ? AND scheduled_for = ? AND posted_at IS NULL')
      .run(now.getTime(), schedule, scheduledFor.getTime());
  }

  /**
   * True when this call marked the run posted; false when it already was (by a process that took it over).
   * A single statement: inside the caller's transaction, part of it.
   */
  markPosted(schedule: string, scheduledFor: Date, now: Date): boolean {
    const { changes } = this.store.db
      .prepare('UPDATE scheduled_runs SET posted_at = ? WHERE schedule = ? AND scheduled_for = ? AND posted_at IS NULL')
      .run(now.getTime(), schedule, scheduledFor.getTime());
    return Number(changes) === 1;
  }

  /** Runs claimed and never posted, oldest first. */
  unfinished(schedule: string): ScheduledRun[] {
    const rows = this.store.db
      .prepare(`SELECT ${COLUMNS} FROM scheduled_runs WHERE schedule = ? AND posted_at IS NULL ORDER BY scheduled_for`)
      .all(schedule) as Row[];
    return rows.map(toRun);
  }

  /** The run of the latest instant, posted or not. */
  last(schedule: string): ScheduledRun | undefined {
    const row = this.store.db
      .prepare(`SELECT ${COLUMNS} FROM scheduled_runs WHERE schedule = ? ORDER BY scheduled_for DESC LIMIT 1`)
      .get(schedule) as Row | undefined;
    return row && toRun(row);
  }
}

function toRun(row: Row): ScheduledRun {
  return {
    schedule: row.schedule,
    scheduledFor: new Date(row.scheduled_for),
    claimedAt: new Date(row.claimed_at),
    heartbeatAt: new Date(row.heartbeat_at),
    attempts: row.attempts,
    ...(row.posted_at !== null && { postedAt: new Date(row.posted_at) }),
  };
}
