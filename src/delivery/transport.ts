import type { Message } from '../domain/message.ts';

/**
 * How the outbox reaches one chat platform; each chat adapter implements it. `conversationId` is the id within
 * the platform: `C0OPS00001` of `slack:C0OPS00001`, empty for a platform of one conversation (`console`).
 * A call should give up well within the outbox worker's lease (2 min by default): a call still running after
 * it may be made again by another bot process on the same DATA_DIR.
 */
export interface ConversationTransport {
  platform: string;
  /**
   * Posts a new message, in the thread of the message `threadOf` names when given (where the platform has
   * threads); `ref` is what `update` needs to find it again, e.g. `chat:C0OPS00001:<ts>`.
   */
  post(conversationId: string, message: Message, options?: PostOptions): Promise<{ ref: string }>;
  /** Replaces a posted message for everyone; throws `MessageGoneError` when it is not there any more. */
  update(conversationId: string, ref: string, message: Message): Promise<void>;
}

export interface PostOptions {
  /** The ref of the message to reply to in its thread. */
  threadOf?: string;
}

/**
 * Thrown by a transport when the message to update (or to reply to) is not there any more: deleted, or not
 * one the platform lets the bot change. The outbox then posts anew, saying so.
 */
export class MessageGoneError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MessageGoneError';
  }
}

/** Thrown by a transport when the platform refused for good (the bot removed, the conversation unknown): not tried again. */
export class DeliveryRefusedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeliveryRefusedError';
  }
}

/** Thrown by a transport when the platform says when to try again (a rate limit). */
export class RetryLaterError extends Error {
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message = `retry after ${retryAfterMs} ms`, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryLaterError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** `slack:C0OPS00001` → platform `slack`, id `C0OPS00001`; `console` → platform `console`, id ``. */
export function parseConversation(conversation: string): { platform: string; id: string } {
  const colon = conversation.indexOf(':');
  return colon < 0 ? { platform: conversation, id: '' } : { platform: conversation.slice(0, colon), id: conversation.slice(colon + 1) };
}
