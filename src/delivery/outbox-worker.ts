import { EventEmitter } from 'node:events';
import type { Logger } from '../logging/logger.ts';
import type { DueItem, Outbox, OutboxItem } from '../store/outbox.ts';
import { backoffMs, describeError, verdictOf } from './retry-policy.ts';
import { MessageGoneError, parseConversation, type ConversationTransport } from './transport.ts';
import { withNote } from '../domain/message.ts';

/** Said first in an update posted anew: the message it was to replace is not there to be updated. */
const GONE_NOTE = 'The message this updates is gone (deleted, or never posted), so here it is anew.';

type Sent = { ref: string; anew: true } | { ref?: string; anew: false };

export interface OutboxWorkerOptions {
  outbox: Outbox;
  /** By platform: `slack` for `slack:C0OPS00001`. */
  transports: ReadonlyMap<string, ConversationTransport>;
  logger: Logger;
  now?: () => Date;
  /** How often the outbox is looked at when nobody calls `wake()`; also the resolution of retry times. */
  pollMs?: number;
  /** A failed item is given up after this many attempts (default 20) … */
  maxAttempts?: number;
  /** … or once it is this old (default 24 h). */
  maxAgeMs?: number;
  /** How long an attempt holds its item (default 2 min); a crash mid-attempt delays the item by at most this. */
  leaseMs?: number;
  /** Listeners from the start, as `events.on(…)` adds them. */
  onDelivered?: (item: OutboxItem, ref: string | undefined) => void;
  onFailed?: (item: OutboxItem, error: string) => void;
  onRetried?: (item: OutboxItem, error: string) => void;
}

/** What became of an item: delivered (with the platform's ref of the post), retried later, or given up. */
export interface DeliveryEvents {
  delivered: [item: OutboxItem, ref: string | undefined];
  retried: [item: OutboxItem, error: string];
  failed: [item: OutboxItem, error: string];
}

export interface OutboxWorkerCounts {
  delivered: number;
  retried: number;
  failed: number;
}

/**
 * Delivers the outbox through each platform's transport: conversations in parallel (a slow or rate-limited one
 * holds up only itself), each strictly in order, one item at a time. A failed attempt is retried later (when the
 * platform said, else with backoff) and the conversation waits for it; Slack's refusal, or too many attempts or
 * too old an item, gives the item up (logged at error level, counted, `failed`) and the conversation goes on.
 * Items of a platform without a transport stay queued. An update whose message is gone (deleted, or never
 * delivered) is posted anew, saying so, and later updates go to the new post: a display is never lost. While it
 * runs, it looks at once when this process queues anything (the outbox's `enqueued`), so no producer has to wake it.
 *
 * Crashes: an item is claimed in the store before the platform is called and marked delivered the moment the
 * platform answers, so a kill -9 loses nothing: an unclaimed item goes out after the restart, a claimed one when
 * its lease ends. Between the platform's answer and that commit (one write) a crash makes the item go out a
 * second time: at-least-once is unavoidable at the transport boundary, for platforms without an idempotency key
 * (Slack's chat.postMessage has none).
 */
export class OutboxWorker {
  readonly counts: OutboxWorkerCounts = { delivered: 0, retried: 0, failed: 0 };
  /** Each item's fate, for whoever follows deliveries (the metrics, the alert engine). */
  readonly events = new EventEmitter<DeliveryEvents>();
  private readonly outbox: Outbox;
  private readonly transports: ReadonlyMap<string, ConversationTransport>;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly maxAgeMs: number;
  private readonly leaseMs: number;
  private readonly onEnqueued = () => this.wake();
  /** The delivery under way in each conversation. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly warnedPlatforms = new Set<string>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;

  constructor(options: OutboxWorkerOptions) {
    this.outbox = options.outbox;
    this.transports = options.transports;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.pollMs = options.pollMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 20;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60_000;
    this.leaseMs = options.leaseMs ?? 2 * 60_000;
    if (options.onDelivered) this.events.on('delivered', options.onDelivered);
    if (options.onFailed) this.events.on('failed', options.onFailed);
    if (options.onRetried) this.events.on('retried', options.onRetried);
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.outbox.events.on('enqueued', this.onEnqueued);
    this.loop = this.run();
  }

  /** Stops looking for work, and resolves once the deliveries under way are settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.outbox.events.off('enqueued', this.onEnqueued);
    this.wake();
    await this.loop;
    this.loop = undefined;
    await Promise.all(this.inFlight.values());
  }

  /** What is due goes out first (the outcome of an operation that just ended, say), then it stops: the bot's shutdown. */
  async finish(): Promise<void> {
    await this.flush();
    await this.stop();
  }

  /** Looks at the outbox now rather than at the next poll (as it does after each enqueue of this process). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** One pass: starts each conversation's due item (unless one of it is under way), resolves when they are settled. */
  async deliverDue(): Promise<number> {
    const started = this.startDue();
    await Promise.all(started);
    return started.length;
  }

  /** Delivers what is due now, one pass after another, until nothing is (items waiting to be retried are not). */
  async flush(): Promise<void> {
    for (;;) {
      await Promise.all(this.inFlight.values());
      if ((await this.deliverDue()) === 0) return;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        this.startDue();
      } catch (error) {
        this.logger.error({ err: error }, 'outbox: cannot read the due items');
      }
      await this.idle();
    }
  }

  private startDue(): Array<Promise<void>> {
    return this.outbox.due(this.now()).flatMap((item) => {
      if (this.inFlight.has(item.conversation)) return [];
      const { platform, id } = parseConversation(item.conversation);
      const transport = this.transports.get(platform);
      if (!transport) {
        this.warnNoTransport(platform, item.conversation);
        return [];
      }
      const delivery = this.deliver(item, transport, id)
        .catch((error: unknown) => this.logger.error({ err: error, id: item.id, conversation: item.conversation }, 'outbox: delivery broke off; the item is tried again when its lease ends'))
        .finally(() => {
          this.inFlight.delete(item.conversation);
          // The conversation's next item, at once.
          this.wake();
        });
      this.inFlight.set(item.conversation, delivery);
      return [delivery];
    });
  }

  private async deliver(item: DueItem, transport: ConversationTransport, conversationId: string): Promise<void> {
    const claimedAt = this.now();
    // Another bot process on the same store took it first.
    if (!this.outbox.claim(item.id, claimedAt, new Date(claimedAt.getTime() + this.leaseMs))) return;
    const attempt = item.attempts + 1;
    let sent: Sent;
    try {
      sent = await this.send(item, transport, conversationId);
    } catch (error) {
      return this.afterFailure(item, attempt, error);
    }
    // First thing after the platform's answer: the window in which a crash would deliver it twice.
    if (sent.anew) this.outbox.deliveredAnew(item, sent.ref);
    else this.outbox.delivered(item.id, sent.ref);
    this.counts.delivered++;
    this.logger.debug({ id: item.id, conversation: item.conversation, attempt, ref: sent.ref, anew: sent.anew }, 'outbox: delivered');
    this.events.emit('delivered', item, sent.ref);
  }

  /**
   * One attempt. An update whose post is gone (deleted, or never delivered) is posted anew, saying so, and the
   * new post takes over its key (its updates keep saying so); a reply whose post is gone goes to the conversation.
   */
  private async send(item: DueItem, transport: ConversationTransport, conversationId: string): Promise<Sent> {
    const noted = withNote(item.message, GONE_NOTE);
    const anew = async (): Promise<Sent> => ({ ref: (await transport.post(conversationId, noted)).ref, anew: true as const });
    if (item.updateOf !== undefined) {
      if (item.postRef === undefined) return anew();
      try {
        await transport.update(conversationId, item.postRef, item.postAnew ? noted : item.message);
        return { anew: false };
      } catch (error) {
        if (error instanceof MessageGoneError) return anew();
        throw error;
      }
    }
    if (item.postRef !== undefined) {
      try {
        return { ref: (await transport.post(conversationId, item.message, { threadOf: item.postRef })).ref, anew: false };
      } catch (error) {
        if (!(error instanceof MessageGoneError)) throw error;
      }
    }
    return { ref: (await transport.post(conversationId, item.message)).ref, anew: false };
  }

  private afterFailure(item: DueItem, attempt: number, error: unknown): void {
    const reason = describeError(error);
    const verdict = verdictOf(error);
    if (!verdict.retry) return this.giveUp(item, attempt, reason);
    const now = this.now();
    const ageMs = now.getTime() - item.createdAt.getTime();
    if (attempt >= this.maxAttempts || ageMs >= this.maxAgeMs) {
      return this.giveUp(item, attempt, `gave up after ${attempt} attempts in ${Math.round(ageMs / 1000)} s: ${reason}`);
    }
    const delayMs = verdict.afterMs ?? backoffMs(attempt);
    this.outbox.retryLater(item.id, new Date(now.getTime() + delayMs), reason);
    this.counts.retried++;
    this.logger.warn({ id: item.id, conversation: item.conversation, attempt, delayMs, error: reason }, 'outbox: delivery failed; retrying later');
    this.events.emit('retried', item, reason);
  }

  private giveUp(item: DueItem, attempts: number, error: string): void {
    this.outbox.failed(item.id, error);
    this.counts.failed++;
    this.logger.error(
      { id: item.id, conversation: item.conversation, key: item.key, updateOf: item.updateOf, attempts, error },
      'outbox: item given up, not delivered',
    );
    this.events.emit('failed', item, error);
  }

  private warnNoTransport(platform: string, conversation: string): void {
    if (this.warnedPlatforms.has(platform)) return;
    this.warnedPlatforms.add(platform);
    this.logger.warn({ platform, conversation }, 'outbox: no transport for this platform; its items stay queued');
  }

  /** Until the next poll, or sooner when woken. */
  private idle(): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      timer.unref();
      this.wakeUp = done;
    });
  }
}
