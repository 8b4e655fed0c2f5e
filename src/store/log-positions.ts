import type { WatchPosition } from '../logs/follow.ts';
import type { Store } from './store.ts';

/** Where each followed log of each connector was read to; written in the transaction that counts what was read. */
export class LogPositions {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  get(connector: string, source: string): WatchPosition | undefined {
    const row = this.store.db.prepare('SELECT position FROM log_positions WHERE connector = ? AND source = ?').get(connector, source) as { position: string } | undefined;
    return row && (JSON.parse(row.position) as WatchPosition);
  }

  set(connector: string, source: string, position: WatchPosition, now: Date): void {
    this.store.db
      .prepare('INSERT OR REPLACE INTO log_positions (connector, source, position, updated_at) VALUES (?, ?, ?, ?)')
      .run(connector, source, JSON.stringify(position), now.getTime());
  }
}
