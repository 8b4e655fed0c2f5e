import type { Message } from '../domain/message.ts';
import type { Outbox, OutboxEntry } from '../store/outbox.ts';

/**
 * The updates of posted messages as they are queued in the outbox, for a platform that answers a button's press
 * with the message it was pressed on as it now is (Teams' invoke response): a decision on a request queues the
 * request message's update, and the press is answered with it, while the outbox still updates it for everyone.
 */
export class PostUpdates {
  private readonly outbox: Outbox;
  private readonly waiting = new Map<string, Set<(update: { id: number; message: Message }) => void>>();

  constructor(outbox: Outbox) {
    this.outbox = outbox;
    outbox.events.on('enqueued', (item) => this.queued(item));
  }

  /** Whether the post `ref` (the platform's reference, as the outbox records it) may be updated by what a request does. */
  updatable(ref: string): boolean {
    return this.outbox.knowsPost(ref);
  }

  /**
   * The next update of the post `ref` this process queues, once committed; undefined when `signal` aborts first.
   * Call before the request that may decide runs: what was queued before is not seen.
   */
  next(ref: string, signal: AbortSignal): Promise<Message | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiters = this.waiting.get(ref) ?? new Set();
      this.waiting.set(ref, waiters);
      const done = (update?: { id: number; message: Message }) => {
        waiters.delete(waiter);
        if (waiters.size === 0 && this.waiting.get(ref) === waiters) this.waiting.delete(ref);
        signal.removeEventListener('abort', abort);
        // Queued inside the decision's transaction: seen here only after it ended, and shown only if it committed.
        resolve(update && this.outbox.get(update.id) ? update.message : undefined);
      };
      const waiter = (update: { id: number; message: Message }) => queueMicrotask(() => done(update));
      const abort = () => done();
      waiters.add(waiter);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  private queued(item: OutboxEntry & { id: number }): void {
    if (this.waiting.size === 0 || item.updateOf === undefined) return;
    const ref = this.outbox.postRef(item.conversation, item.updateOf);
    const waiters = ref === undefined ? undefined : this.waiting.get(ref);
    for (const waiter of [...(waiters ?? [])]) waiter({ id: item.id, message: item.message });
  }
}
