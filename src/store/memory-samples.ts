import type { MemorySample } from '../domain/samples.ts';
import type { Store } from './store.ts';

/** Periodic samples of the host's memory use, kept for the daily report's chart. */
export class MemorySampleRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  add(sample: MemorySample): void {
    this.store.db
      .prepare('INSERT OR REPLACE INTO memory_samples (sampled_at, used_bytes, total_bytes) VALUES (?, ?, ?)')
      .run(sample.sampledAt.getTime(), sample.usedBytes, sample.totalBytes);
  }

  /** Samples since a moment, oldest first. */
  since(since: Date): MemorySample[] {
    const rows = this.store.db
      .prepare('SELECT sampled_at, used_bytes, total_bytes FROM memory_samples WHERE sampled_at >= ? ORDER BY sampled_at')
      .all(since.getTime()) as Array<{ sampled_at: number; used_bytes: number; total_bytes: number }>;
    return rows.map((row) => ({ sampledAt: new Date(row.sampled_at), usedBytes: row.used_bytes, totalBytes: row.total_bytes }));
  }

  /** Drops samples older than any chart looks back. */
  prune(before: Date): void {
    this.store.db.prepare('DELETE FROM memory_samples WHERE sampled_at < ?').run(before.getTime());
  }
}
