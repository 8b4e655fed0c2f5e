import { randomBytes } from 'node:crypto';
import type { Silence } from '../domain/alert.ts';
import type { Store } from './store.ts';

/** Silences, persisted: they hold across restarts and end by themselves at their end time. */
export class SilenceStore {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  add(silence: Omit<Silence, 'id'>): Silence {
    const id = `s-${randomBytes(3).toString('hex')}`;
    this.store.db
      .prepare('INSERT INTO silences (id, scope, target, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, silence.scope, silence.target, silence.startsAt.getTime(), silence.endsAt.getTime(), silence.reason ?? null, silence.createdBy ? JSON.stringify(silence.createdBy) : null);
    return { ...silence, id };
  }

  /** Ends a silence before its time; false when there is no such active silence. */
  end(id: string, now: Date): boolean {
    const { changes } = this.store.db.prepare('UPDATE silences SET ended_at = ? WHERE id = ? AND ended_at IS NULL AND ends_at > ?').run(now.getTime(), id, now.getTime());
    return Number(changes) === 1;
  }

  /** Moves a silence's end earlier (never later): an operation that ended before its longest time. */
  shorten(id: string, endsAt: Date): void {
    this.store.db.prepare('UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?').run(endsAt.getTime(), id, endsAt.getTime());
  }

  /** Silences in force at `now`, the soonest to end first. */
  active(now: Date): Silence[] {
    const rows = this.store.db
      .prepare('SELECT * FROM silences WHERE ended_at IS NULL AND starts_at <= ? AND ends_at > ? ORDER BY ends_at')
      .all(now.getTime(), now.getTime()) as unknown as SilenceRow[];
    return rows.map(fromRow);
  }

  /** The earliest moment after `now` at which a silence ends: alerts held back by it may be due then. */
  nextEnd(now: Date): Date | undefined {
    const row = this.store.db.prepare('SELECT MIN(ends_at) AS at FROM silences WHERE ended_at IS NULL AND ends_at > ?').get(now.getTime()) as { at: number | null } | undefined;
    return row?.at != null ? new Date(row.at) : undefined;
  }

  prune(now: Date): void {
    this.store.db.prepare('DELETE FROM silences WHERE ends_at < ?').run(now.getTime() - 30 * 86_400_000);
  }
}

interface SilenceRow {
  id: string;
  scope: 'alert' | 'connector';
  target: string;
  starts_at: number;
  ends_at: number;
  reason: string | null;
  created_by: string | null;
  ended_at: number | null;
}

function fromRow(row: SilenceRow): Silence {
  return {
    id: row.id,
    scope: row.scope,
    target: row.target,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    ...(row.reason !== null && { reason: row.reason }),
    ...(row.created_by !== null && { createdBy: JSON.parse(row.created_by) as Silence['createdBy'] }),
    ...(row.ended_at !== null && { endedAt: new Date(row.ended_at) }),
  };
}
