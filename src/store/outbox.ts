import { EventEmitter } from 'node:events';
import type { Message } from '../domain/message.ts';
import type { Store } from './store.ts';

/** Delivered and failed items are kept this long (a failure was logged at error level when it happened). */
const KEEP_MS = 7 * 24 * 60 * 60_000;
/** Old items are dropped every so many settlements: the table stays small without a timer of its own. */
const PRUNE_EVERY = 100;

export interface EnqueueOptions {
  /** Names the post, within its conversation, so that later items can update it or reply in its thread. */
  key?: string;
  /** Makes this item an update of the latest delivered post with this key in its conversation. */
  updateOf?: string;
  /** Makes this post a reply in the thread of the latest delivered post with this key (in the conversation when there is none). */
  threadOf?: string;
}

export interface OutboxEntry extends EnqueueOptions {
  /** `<platform>:<id>`, e.g. `slack:C0OPS00001`, or `console`. */
  conversation: string;
  message: Message;
}

export interface OutboxItem extends OutboxEntry {
  id: number;
  /** Attempts begun so far: a claim counts one, even if a crash cut it off. */
  attempts: number;
  createdAt: Date;
  lastError?: string;
}

export interface DueItem extends OutboxItem {
  /** For an update or a reply: the platform's reference of the post it names; absent when that post was never delivered. */
  postRef?: string;
  /** That post replaces one that was gone: its updates keep saying so. */
  postAnew?: boolean;
}

export interface OutboxCounts {
  total: number;
  byConversation: Map<string, number>;
}

/**
 * Every post that no request waits for (daily reports, alerts, the states and outcomes of operations) on its
 * way out, in the store: nothing lost, in order per
 * conversation. The id is the order: items of one conversation go strictly one after another, the oldest
 * pending one first, so an update always comes after its post has been settled (and a post still waiting to
 * be retried holds back everything after it in its conversation). Safe for several processes on one file:
 * an item is claimed with a conditional write before it goes out (see `claim`).
 *
 * Transactions: node:sqlite has no nested transactions, so `enqueueMany` opens one only when none is open,
 * and otherwise joins the caller's: inside `store.transaction(() => { markRunPosted(); outbox.enqueueMany(posts) })`
 * the posts commit, or roll back, with the run's own write. `enqueue` is a single statement: atomic alone,
 * and part of the caller's transaction inside one. The other methods are single statements too, but for
 * `deliveredAnew`, which joins or opens one as `enqueueMany` does.
 */
export class Outbox {
  /** `enqueued` after each item this process queues (inside a transaction, before it commits: look after this turn). */
  readonly events = new EventEmitter<{ enqueued: [item: OutboxEntry & { id: number }] }>();
  private readonly store: Store;
  private readonly clock: () => Date;
  private settlements = 0;

  constructor(store: Store, clock: () => Date = () => new Date()) {
    this.store = store;
    this.clock = clock;
  }

  /** Queues one item, deliverable at once; returns its id. */
  enqueue(conversation: string, message: Message, options: EnqueueOptions = {}): number {
    if (options.updateOf !== undefined && (options.key !== undefined || options.threadOf !== undefined)) {
      throw new Error('an outbox item is a post (with a key, in a thread) or an update, not both');
    }
    const now = this.clock().getTime();
    const { lastInsertRowid } = this.store.db
      .prepare('INSERT INTO outbox (conversation, message, key, update_of, thread_of, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(conversation, JSON.stringify(message), options.key ?? null, options.updateOf ?? null, options.threadOf ?? null, now, now);
    const id = Number(lastInsertRowid);
    this.events.emit('enqueued', { id, conversation, message, ...options });
    return id;
  }

  /**
   * A post made outside the outbox (the answer to a command), known from now on by `key` in its conversation:
   * later items update it and reply in its thread as if the outbox had posted it.
   */
  record(conversation: string, key: string, ref: string, message: Message, anew = false): void {
    const now = this.clock().getTime();
    this.store.db
      .prepare(`INSERT INTO outbox (conversation, message, key, state, created_at, next_at, ref, settled_at, anew) VALUES (?, ?, ?, 'delivered', ?, ?, ?, ?, ?)`)
      .run(conversation, JSON.stringify(message), key, now, now, ref, now, Number(anew));
  }

  /** The platform's reference of the latest delivered post with `key` in its conversation: what an update of that key replaces. */
  postRef(conversation: string, key: string): string | undefined {
    const row = this.store.db.prepare(`SELECT ref FROM outbox WHERE conversation = ? AND key = ? AND state = 'delivered' ORDER BY id DESC LIMIT 1`).get(conversation, key) as
      | { ref: string | null }
      | undefined;
    return row?.ref ?? undefined;
  }

  /** Whether the post `ref` is known by a key, so that updates of it may be queued (a request's message, an alert). */
  knowsPost(ref: string): boolean {
    return this.store.db.prepare(`SELECT 1 FROM outbox WHERE ref = ? AND key IS NOT NULL AND state = 'delivered' LIMIT 1`).get(ref) !== undefined;
  }

  /** Queues all of them or none, in this order; inside an open transaction, as part of it. */
  enqueueMany(entries: readonly OutboxEntry[]): number[] {
    const work = () => entries.map(({ conversation, message, ...options }) => this.enqueue(conversation, message, options));
    return this.store.atomic(work);
  }

  /**
   * The next item of each conversation, oldest conversation first: its oldest pending item, if that one's
   * time has come (an item claimed by a worker, or waiting to be retried, holds back its conversation). An
   * update or a reply comes with the reference of the post it names: the latest delivered one with that key
   * (the items before it in its conversation are settled by then; a post recorded or posted anew later counts).
   */
  due(now: Date): DueItem[] {
    const rows = this.store.db
      .prepare(
        `SELECT o.*, p.ref AS post_ref, p.anew AS post_anew
         FROM (SELECT MIN(id) AS id FROM outbox WHERE state = 'pending' GROUP BY conversation) head
         JOIN outbox o ON o.id = head.id
         LEFT JOIN outbox p ON p.id = (SELECT MAX(id) FROM outbox WHERE conversation = o.conversation AND key = COALESCE(o.update_of, o.thread_of) AND state = 'delivered')
         WHERE o.next_at <= ?
         ORDER BY o.id`,
      )
      .all(now.getTime()) as unknown as Array<OutboxRow & { post_ref: string | null; post_anew: number | null }>;
    return rows.map((row) => ({ ...fromRow(row), ...(row.post_ref !== null && { postRef: row.post_ref }), ...(row.post_anew === 1 && { postAnew: true }) }));
  }

  /**
   * Takes a due item for one attempt, until `until` (its lease): true if this caller got it. It is then not
   * due for anyone, this process or another on the same file, until the lease ends, so a worker that died
   * (kill -9) mid-attempt leaves it to be tried again then.
   */
  claim(id: number, now: Date, until: Date): boolean {
    const { changes } = this.store.db
      .prepare(`UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE id = ? AND state = 'pending' AND next_at <= ?`)
      .run(until.getTime(), id, now.getTime());
    return Number(changes) === 1;
  }

  /** Done; `ref` is the platform's reference of a post (e.g. `chat:C0OPS00001:1733040000.000100`), for its updates. */
  delivered(id: number, ref?: string): void {
    this.settle(`UPDATE outbox SET state = 'delivered', ref = ?, settled_at = ? WHERE id = ? AND state = 'pending'`, ref ?? null, id);
  }

  /**
   * An update delivered as a new post `ref` (the post it updates was gone): done, and the new post takes over the
   * key, so that the next updates and replies go to it.
   */
  deliveredAnew(item: OutboxItem, ref: string): void {
    this.store.atomic(() => {
      this.delivered(item.id, ref);
      if (item.updateOf !== undefined) this.record(item.conversation, item.updateOf, ref, item.message, true);
    });
  }

  retryLater(id: number, at: Date, error: string): void {
    this.store.db.prepare(`UPDATE outbox SET next_at = ?, last_error = ? WHERE id = ? AND state = 'pending'`).run(at.getTime(), error, id);
  }

  /** Given up: the item is settled, and its conversation goes on with the next one. */
  failed(id: number, error: string): void {
    this.settle(`UPDATE outbox SET state = 'failed', last_error = ?, settled_at = ? WHERE id = ? AND state = 'pending'`, error, id);
  }

  /** Items not yet delivered nor given up, in all and per conversation. */
  pending(): OutboxCounts {
    const rows = this.store.db
      .prepare(`SELECT conversation, COUNT(*) AS count FROM outbox WHERE state = 'pending' GROUP BY conversation`)
      .all() as Array<{ conversation: string; count: number }>;
    return {
      total: rows.reduce((sum, row) => sum + row.count, 0),
      byConversation: new Map(rows.map((row) => [row.conversation, row.count])),
    };
  }

  get(id: number): (OutboxItem & { state: OutboxState; ref?: string }) | undefined {
    const row = this.store.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row ? { ...fromRow(row), state: row.state, ...(row.ref !== null && { ref: row.ref }) } : undefined;
  }

  /** Drops delivered and failed items settled more than 7 days before `now`. */
  prune(now: Date): void {
    this.store.db.prepare(`DELETE FROM outbox WHERE state <> 'pending' AND settled_at < ?`).run(now.getTime() - KEEP_MS);
  }

  private settle(sql: string, value: string | null, id: number): void {
    const now = this.clock();
    this.store.db.prepare(sql).run(value, now.getTime(), id);
    if (++this.settlements % PRUNE_EVERY === 0) this.prune(now);
  }
}

export type OutboxState = 'pending' | 'delivered' | 'failed';

interface OutboxRow {
  id: number;
  conversation: string;
  message: string;
  key: string | null;
  update_of: string | null;
  thread_of: string | null;
  state: OutboxState;
  attempts: number;
  created_at: number;
  next_at: number;
  last_error: string | null;
  ref: string | null;
}

function fromRow(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    conversation: row.conversation,
    message: JSON.parse(row.message) as Message,
    ...(row.key !== null && { key: row.key }),
    ...(row.update_of !== null && { updateOf: row.update_of }),
    ...(row.thread_of !== null && { threadOf: row.thread_of }),
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    ...(row.last_error !== null && { lastError: row.last_error }),
  };
}
