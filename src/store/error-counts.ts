import type { Store } from './store.ts';

const HOUR_MS = 3_600_000;
const KEEP_MS = 8 * 86_400_000;

/** Errors of one group within one hour: what the follower counted. */
export interface ErrorCount {
  connector: string;
  key: string;
  count: number;
  fatal: number;
  sample: string;
}

/**
 * Error events counted per connector, group and hour as the log follower reads them, so that "yesterday's
 * error groups" is a sum over at most 24 rows per group, whatever the volume of the logs.
 */
export class ErrorCounts {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  add(entry: ErrorCount, at: Date): void {
    const hour = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
    this.store.db
      .prepare(
        `INSERT INTO error_counts (connector, key, hour, count, fatal, sample) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (connector, key, hour) DO UPDATE SET count = count + excluded.count, fatal = fatal + excluded.fatal`,
      )
      .run(entry.connector, entry.key, hour, entry.count, entry.fatal, entry.sample);
  }

  /** The groups counted within [from, to), the largest first. */
  between(from: Date, to: Date): ErrorCount[] {
    return this.store.db
      .prepare(
        `SELECT connector, key, SUM(count) AS count, SUM(fatal) AS fatal, MIN(sample) AS sample FROM error_counts
         WHERE hour >= ? AND hour < ? GROUP BY connector, key ORDER BY count DESC, connector, key`,
      )
      .all(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS, to.getTime()) as unknown as ErrorCount[];
  }

  prune(now: Date): void {
    this.store.db.prepare('DELETE FROM error_counts WHERE hour < ?').run(now.getTime() - KEEP_MS);
  }
}
