import type { Store } from './store.ts';

/** Leases on followed logs: the bot process that holds one is the only one counting that log. */
export class LogLeases {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Takes or renews the lease until `until`: true if `owner` holds it now (it was free, expired, or its own). */
  claim(connector: string, source: string, owner: string, now: Date, until: Date): boolean {
    const { changes } = this.store.db
      .prepare(
        `INSERT INTO log_leases (connector, source, owner, lease_until) VALUES (?, ?, ?, ?)
         ON CONFLICT (connector, source) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
         WHERE log_leases.owner = excluded.owner OR log_leases.lease_until < ?`,
      )
      .run(connector, source, owner, until.getTime(), now.getTime());
    return Number(changes) === 1;
  }

  /** Who holds the lease at `now`, if anyone. */
  holder(connector: string, source: string, now: Date): string | undefined {
    const row = this.store.db.prepare('SELECT owner, lease_until FROM log_leases WHERE connector = ? AND source = ?').get(connector, source) as
      | { owner: string; lease_until: number }
      | undefined;
    return row && row.lease_until >= now.getTime() ? row.owner : undefined;
  }

  release(connector: string, source: string, owner: string): void {
    this.store.db.prepare('DELETE FROM log_leases WHERE connector = ? AND source = ? AND owner = ?').run(connector, source, owner);
  }
}
