import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OperationKind, Person } from '../domain/operation.ts';
import { CHAIN_START, ChainWalk, entryHash, type ChainAnchor, type ChainVerdict, type StoredAuditRow } from './audit-chain.ts';
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
  /** The chain: the hash of the entry before it (zeros for the first) and its own (see audit-chain.ts). */
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  connector?: string;
  since?: Date;
  limit?: number;
}

/** Entries verified between two turns of the event loop: a big log is verified without holding up the bot. */
const VERIFY_SLICE = 500;

/**
 * The audit log: append only (the store's triggers refuse any change or deletion), and chained: each entry stores
 * the hash of the one before it and its own, so that a change made past the triggers shows (see `verify`).
 */
export class AuditLog {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /**
   * The previous entry is read under the write lock (in the caller's transaction or a new one): another bot
   * process on the same store cannot append between the read and the insert, so the chain never forks.
   */
  append(entry: AuditEntry): void {
    const { db } = this.store;
    this.store.atomic(() => {
      const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string | null } | undefined;
      // The highest number ever given out, not the last row's: an entry deleted from the end stays a gap.
      const given = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as { seq: number } | undefined;
      const row: Omit<StoredAuditRow, 'hash'> = {
        seq: Math.max(given?.seq ?? 0, last?.seq ?? 0) + 1,
        at: entry.at.getTime(),
        event: entry.event,
        request_id: entry.requestId ?? null,
        connector: entry.connector ?? null,
        operation: entry.operation ?? null,
        actor: entry.actor ? `${entry.actor.platform}:${entry.actor.id}` : null,
        actor_name: entry.actor?.displayName ?? null,
        detail: JSON.stringify(entry.detail),
        prev_hash: last ? (last.hash ?? '') : CHAIN_START,
      };
      db.prepare(
        'INSERT INTO audit_log (seq, at, event, request_id, connector, operation, actor, actor_name, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(row.seq, row.at, row.event, row.request_id, row.connector, row.operation, row.actor, row.actor_name, row.detail, row.prev_hash, entryHash(row));
    });
  }

  /**
   * Verifies the whole chain, oldest first, in slices that leave the event loop free between them; stops at the
   * first entry that does not hold. Undefined when `signal` aborts it (the bot is stopping).
   */
  async verify(options: { anchor?: ChainAnchor; signal?: AbortSignal } = {}): Promise<ChainVerdict | undefined> {
    const { db } = this.store;
    const first = db.prepare('SELECT * FROM audit_log ORDER BY seq LIMIT ?');
    const next = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    // One statement, one snapshot: an entry appended meanwhile is either in both numbers or in neither.
    const end = db.prepare("SELECT (SELECT MAX(seq) FROM audit_log) AS last, (SELECT seq FROM sqlite_sequence WHERE name = 'audit_log') AS given");
    const walk = new ChainWalk(options.anchor);
    for (let slice = 0; ; slice++) {
      if (slice > 0) await nextTurn();
      if (options.signal?.aborted || !this.store.isOpen) return undefined;
      const rows = (slice === 0 ? first.all(VERIFY_SLICE) : next.all(walk.lastSeq, VERIFY_SLICE)) as unknown as StoredAuditRow[];
      for (const row of rows) {
        const broken = walk.check(row);
        if (broken) return { intact: false, entries: walk.entries, broken };
      }
      if (rows.length < VERIFY_SLICE) {
        const { last, given } = end.get() as { last: number | null; given: number | null };
        if ((last ?? 0) <= walk.lastSeq) return walk.end(given ?? 0);
      }
    }
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
      .all(...values) as unknown as StoredAuditRow[];
    return rows.map(fromRow);
  }
}

function fromRow(row: StoredAuditRow): AuditRecord {
  const actor = row.actor ? personFrom(row.actor, row.actor_name) : undefined;
  return {
    seq: row.seq,
    at: new Date(row.at),
    event: row.event as AuditEvent,
    ...(row.request_id && { requestId: row.request_id }),
    ...(row.connector && { connector: row.connector }),
    ...(row.operation && { operation: row.operation as OperationKind }),
    ...(actor && { actor }),
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash ?? '',
    hash: row.hash ?? '',
  };
}

function personFrom(identity: string, name: string | null): Person {
  const colon = identity.indexOf(':');
  return { platform: identity.slice(0, colon) as Person['platform'], id: identity.slice(colon + 1), displayName: name ?? '' };
}
