import type { DiskSample, DiskSampleReader } from '../domain/samples.ts';
import type { Store } from './store.ts';

/** Periodic disk-use samples, kept so the resources check can forecast when a disk is full. */
export class DiskSampleRepository implements DiskSampleReader {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  add(sample: DiskSample): void {
    this.store.db
      .prepare(
        'INSERT OR REPLACE INTO disk_samples (path, sampled_at, used_bytes, total_bytes) VALUES (?, ?, ?, ?)',
      )
      .run(sample.path, sample.sampledAt.getTime(), sample.usedBytes, sample.totalBytes);
  }

  /** Samples of one path since a moment, oldest first. */
  since(path: string, since: Date): DiskSample[] {
    const rows = this.store.db
      .prepare(
        'SELECT path, sampled_at, used_bytes, total_bytes FROM disk_samples WHERE path = ? AND sampled_at >= ? ORDER BY sampled_at',
      )
      .all(path, since.getTime()) as Array<{ path: string; sampled_at: number; used_bytes: number; total_bytes: number }>;
    return rows.map((row) => ({
      path: row.path,
      sampledAt: new Date(row.sampled_at),
      usedBytes: row.used_bytes,
      totalBytes: row.total_bytes,
    }));
  }

  /** Drops samples older than the horizon the forecast looks at. */
  prune(before: Date): void {
    this.store.db.prepare('DELETE FROM disk_samples WHERE sampled_at < ?').run(before.getTime());
  }
}
