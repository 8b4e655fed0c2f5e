import type { Message } from './message.ts';

/** Who sees a post: only the person who asked, or everyone in the conversation. */
export type Visibility = 'private' | 'conversation';

/** A message an adapter has posted, to update or reply to later; its id means something to that adapter only. */
export interface PostedMessage {
  readonly id: string;
}

/**
 * How a verb handler answers, implemented by each adapter. A platform wants its request acknowledged
 * first (Slack within 3 s): acknowledge, then post, update in place, or reply in a thread.
 */
export interface ReplyPort {
  /** Tells the platform the request arrived. Once only. */
  acknowledge(): Promise<void>;
  post(message: Message, visibility: Visibility): Promise<PostedMessage>;
  /** Replaces a posted message for everyone who sees it (the console prints it again). */
  update(posted: PostedMessage, message: Message): Promise<void>;
  replyInThread(posted: PostedMessage, message: Message): Promise<PostedMessage>;
}
