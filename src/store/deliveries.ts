import type { Store } from './store.ts';

/** Redeliveries come within minutes; a key is kept well past that. */
const KEEP_MS = 60 * 60_000;
/** Old keys are dropped every so many claims: the table stays small without a timer of its own. */
const PRUNE_EVERY = 500;

/**
 * What a chat platform delivered, by a key that stays the same across its redeliveries (Slack's event_id,
 * trigger_id, user + action_ts + action_id): the first claim of a key wins, in this process or another
 * on the same DATA_DIR, so a redelivered command or click never runs twice.
 */
export class Deliveries {
  private readonly store: Store;
  private claims = 0;

  constructor(store: Store) {
    this.store = store;
  }

  /** True for the first delivery of this key; false for every later one. */
  claim(key: string, now: Date): boolean {
    const { changes } = this.store.db.prepare('INSERT OR IGNORE INTO deliveries (key, seen_at) VALUES (?, ?)').run(key, now.getTime());
    if (++this.claims % PRUNE_EVERY === 0) this.prune(now);
    return Number(changes) === 1;
  }

  prune(now: Date): void {
    this.store.db.prepare('DELETE FROM deliveries WHERE seen_at < ?').run(now.getTime() - KEEP_MS);
  }
}
