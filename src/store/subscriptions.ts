import type { NotificationTarget } from '../config/config.ts';
import type { Person } from '../domain/operation.ts';
import type { Store } from './store.ts';

export interface Subscription extends NotificationTarget {
  /** Who subscribed it in chat; absent for those of the configuration. */
  by?: Person;
  since?: Date;
}

/** Conversations subscribed in chat (`/connector subscribe`), persisted; the configuration's come on top. */
export class Subscriptions {
  private readonly store: Store;
  private readonly configured: readonly NotificationTarget[];

  constructor(store: Store, configured: readonly NotificationTarget[]) {
    this.store = store;
    this.configured = configured;
  }

  /** Adds `kind` for the conversation (or changes its minimum severity). */
  subscribe(conversation: string, kind: 'reports' | 'alerts', minSeverity: 'warn' | 'critical', by: Person, now: Date): void {
    this.store.db
      .prepare(
        `INSERT INTO subscriptions (conversation, kind, min_severity, subscribed_by, since) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conversation, kind) DO UPDATE SET min_severity = excluded.min_severity`,
      )
      .run(conversation, kind, minSeverity, JSON.stringify(by), now.getTime());
  }

  /** False when the conversation had no such subscription in chat. */
  unsubscribe(conversation: string, kind: 'reports' | 'alerts'): boolean {
    return Number(this.store.db.prepare('DELETE FROM subscriptions WHERE conversation = ? AND kind = ?').run(conversation, kind).changes) === 1;
  }

  /** Every subscription: the configuration's, then those made in chat. */
  all(): Subscription[] {
    const rows = this.store.db.prepare('SELECT * FROM subscriptions ORDER BY since').all() as Array<{
      conversation: string;
      kind: 'reports' | 'alerts';
      min_severity: 'warn' | 'critical';
      subscribed_by: string;
      since: number;
    }>;
    return [
      ...this.configured.map((target) => ({ ...target })),
      ...rows.map((row) => ({
        conversation: row.conversation,
        receives: [row.kind],
        minSeverity: row.min_severity,
        connectors: [],
        by: JSON.parse(row.subscribed_by) as Person,
        since: new Date(row.since),
      })),
    ];
  }

  /** The conversations that receive `kind`, each once. */
  receiving(kind: 'reports' | 'alerts'): string[] {
    return [...new Set(this.all().filter((s) => s.receives.includes(kind)).map((s) => s.conversation))];
  }
}
