import type { OperationKind, Person } from '../domain/operation.ts';
import type { Store } from './store.ts';

/** What happened: a request, a decision, a start, a milestone, an outcome, a refusal. */
export type AuditEvent =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'started'
  | 'progress'
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  | 'refused'
  | 'silenced'
  | 'unsilenced';

export interface AuditEntry {
  at: Date;
  event: AuditEvent;
  requestId?: string;
  connector?: string;
  operation?: OperationKind;
  /** Who did it; absent for what the bot did on its own (an expiry, a crash found at start). */
  actor?: Person;
  /** The reason given, the result, the state found: whatever the entry needs said. */
  detail: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  /** Its place in the log: entries are never changed or deleted, so this only grows. */
  seq: number;
}

export interface AuditQuery {
  connector?: string;
  since?: Date;
  limit?: number;
}

/** The audit log: append only (the store's triggers refuse any change or deletion). */
export class AuditLog {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  append(entry: AuditEntry): void {
    this.store.db
      .prepare(
        'INSERT INTO audit_log (at, event, request_id, connector, operation, actor, actor_name, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        entry.at.getTime(),
        entry.event,
        entry.requestId ?? null,
        entry.connector ?? null,
        entry.operation ?? null,
        entry.actor ? `${entry.actor.platform}:${entry.actor.id}` : null,
        entry.actor?.displayName ?? null,
        JSON.stringify(entry.detail),
      );
  }

  /** Oldest first; with a limit, the newest `limit` entries (still oldest first). */
  list(query: AuditQuery = {}): AuditRecord[] {
    const where: string[] = [];
    const values: Array<string | number> = [];
    if (query.connector) {
      where.push('connector = ?');
      values.push(query.connector);
    }
    if (query.since) {
      where.push('at >= ?');
      values.push(query.since.getTime());
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = query.limit ? `LIMIT ${Math.max(1, Math.floor(query.limit))}` : '';
    const rows = this.store.db
      .prepare(`SELECT * FROM (SELECT * FROM audit_log ${clause} ORDER BY seq DESC ${limit}) ORDER BY seq`)
      .all(...values) as unknown as AuditRow[];
    return rows.map(fromRow);
  }
}

interface AuditRow {
  seq: number;
  at: number;
  event: AuditEvent;
  request_id: string | null;
  connector: string | null;
  operation: OperationKind | null;
  actor: string | null;
  actor_name: string | null;
  detail: string;
}

function fromRow(row: AuditRow): AuditRecord {
  const actor = row.actor ? personFrom(row.actor, row.actor_name) : undefined;
  return {
    seq: row.seq,
    at: new Date(row.at),
    event: row.event,
    ...(row.request_id && { requestId: row.request_id }),
    ...(row.connector && { connector: row.connector }),
    ...(row.operation && { operation: row.operation }),
    ...(actor && { actor }),
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

function personFrom(identity: string, name: string | null): Person {
  const colon = identity.indexOf(':');
  return { platform: identity.slice(0, colon) as Person['platform'], id: identity.slice(colon + 1), displayName: name ?? '' };
}
