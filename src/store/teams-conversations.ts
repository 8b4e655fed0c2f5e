import type { Store } from './store.ts';

/**
 * Where each Teams conversation is reached, by its key (`teams:<channel or chat id>`): the Agents SDK's conversation
 * reference as JSON, kept as Teams last sent it (a service URL can change), so that reports, alerts and the
 * states of operations can be posted there later. The store knows nothing of its shape.
 */
export class TeamsConversations {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Records the reference, or replaces an older one; written only when it changed. */
  remember(conversation: string, reference: object, now: Date): void {
    this.store.db
      .prepare(
        `INSERT INTO teams_conversations (conversation, reference, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (conversation) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at
         WHERE reference <> excluded.reference`,
      )
      .run(conversation, JSON.stringify(reference), now.getTime());
  }

  referenceOf(conversation: string): unknown {
    const row = this.store.db.prepare('SELECT reference FROM teams_conversations WHERE conversation = ?').get(conversation) as { reference: string } | undefined;
    return row ? JSON.parse(row.reference) : undefined;
  }

  /** The app was removed from the conversation: nothing can be posted there any more. */
  forget(conversation: string): void {
    this.store.db.prepare('DELETE FROM teams_conversations WHERE conversation = ?').run(conversation);
  }
}
