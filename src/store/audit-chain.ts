import { hash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';

/** The previous hash the first entry records: the chain starts from nothing. */
export const CHAIN_START = '0'.repeat(64);

/** An audit entry exactly as the store holds it: every column. */
export interface StoredAuditRow {
  seq: number;
  at: number;
  event: string;
  request_id: string | null;
  connector: string | null;
  operation: string | null;
  actor: string | null;
  actor_name: string | null;
  detail: string;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * SHA-256 (hex) of every stored column but the hash itself, as a JSON array in a fixed order: values keep their
 * stored types, so a number rewritten as text, or a null as an empty string, changes the hash too.
 */
export function entryHash(row: Omit<StoredAuditRow, 'hash'>): string {
  const canonical = JSON.stringify([row.seq, row.at, row.event, row.request_id, row.connector, row.operation, row.actor, row.actor_name, row.detail, row.prev_hash]);
  // The one-shot hash: a third of createHash's cost on inputs this small, which a big log's verification feels.
  return hash('sha256', canonical, 'hex');
}

/** The first entry that does not hold, and what is wrong with it. */
export interface ChainBreak {
  seq: number;
  /** When and what it says it is; absent for an entry that is missing. */
  at?: Date;
  event?: string;
  problem: string;
}

/** An operator's note of one entry's hash, taken earlier and kept elsewhere (`--anchor <seq>:<hash>`). */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

export type ChainVerdict =
  | { intact: true; entries: number; latest?: { seq: number; at: Date; hash: string } }
  | { intact: false; entries: number; broken: ChainBreak };

/**
 * Walks the log oldest first, one entry at a time: each must hash to what it stores, record its predecessor's
 * hash, and follow it without a gap in the sequence. `entries` counts those that held.
 */
export class ChainWalk {
  private readonly anchor: ChainAnchor | undefined;
  private previous: StoredAuditRow | undefined;
  private anchorSeen = false;
  entries = 0;

  constructor(anchor?: ChainAnchor) {
    this.anchor = anchor;
  }

  get lastSeq(): number {
    return this.previous?.seq ?? 0;
  }

  check(row: StoredAuditRow): ChainBreak | undefined {
    const named = { seq: row.seq, at: new Date(row.at), event: row.event };
    const expectedSeq = this.lastSeq + 1;
    if (row.seq > expectedSeq) {
      const gone = row.seq - 1 === expectedSeq ? '' : ` (through entry ${row.seq - 1})`;
      return { seq: expectedSeq, problem: `missing${gone}, deleted: the log goes from ${this.lastSeq ? `entry ${this.lastSeq}` : 'its start'} to entry ${row.seq} (${describe(named)})` };
    }
    if (row.seq < expectedSeq) return { ...named, problem: `its sequence number ${row.seq} is out of place after entry ${this.lastSeq} (inserted)` };
    if (row.hash === null || row.prev_hash === null) return { ...named, problem: 'it has no hash: it was written past connector-ops (inserted)' };
    if (entryHash(row) !== row.hash) return { ...named, problem: 'its content does not match its hash: it was changed after it was written, or forged' };
    if (row.prev_hash !== (this.previous?.hash ?? CHAIN_START)) {
      return { ...named, problem: `it does not follow entry ${this.lastSeq || 'none'}: it was inserted, or the entry before it was changed and hashed again` };
    }
    if (this.anchor?.seq === row.seq) {
      if (row.hash !== this.anchor.hash.toLowerCase()) return { ...named, problem: 'its hash is not the anchor noted for it: the log up to here was written again' };
      this.anchorSeen = true;
    }
    this.previous = row;
    this.entries++;
    return undefined;
  }

  /**
   * The end of the log: SQLite's AUTOINCREMENT remembers the highest sequence number ever given out, so entries
   * deleted from the end show as a gap there. An anchor beyond the end is an entry that went missing too.
   */
  end(highestEverGiven: number): ChainVerdict {
    if (highestEverGiven > this.lastSeq) {
      const first = this.lastSeq + 1;
      const gone = highestEverGiven === first ? '' : ` (through entry ${highestEverGiven})`;
      return { intact: false, entries: this.entries, broken: { seq: first, problem: `missing${gone} from the end, deleted: the store gave out sequence numbers up to ${highestEverGiven}` } };
    }
    if (this.anchor && !this.anchorSeen) {
      return { intact: false, entries: this.entries, broken: { seq: this.anchor.seq, problem: 'the anchor names it, but it is not in the log (deleted)' } };
    }
    const last = this.previous;
    return { intact: true, entries: this.entries, ...(last?.hash && { latest: { seq: last.seq, at: new Date(last.at), hash: last.hash } }) };
  }
}

/** One line naming the first bad entry: its number, time and event where it still exists, and what is wrong. */
export function describeBreak(broken: ChainBreak): string {
  return `entry ${broken.seq}${broken.at ? ` (${describe(broken as Required<ChainBreak>)})` : ''}: ${broken.problem}`;
}

function describe(entry: { at: Date; event: string }): string {
  const at = Number.isNaN(entry.at.getTime()) ? 'no valid time' : entry.at.toISOString();
  return `${at}, ${entry.event}`;
}

/**
 * Chains the entries written before the chain existed, oldest first: they are trusted as of the upgrade. Runs in
 * the migration's transaction, with the trigger that refuses changes lifted for the moment and put back.
 */
export function chainExistingEntries(db: DatabaseSync, restoreTrigger: string): void {
  db.exec('DROP TRIGGER audit_log_never_changed');
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as unknown as StoredAuditRow[];
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
  let previous = CHAIN_START;
  for (const row of rows) {
    const hash = entryHash({ ...row, prev_hash: previous });
    update.run(previous, hash, row.seq);
    previous = hash;
  }
  db.exec(restoreTrigger);
}
