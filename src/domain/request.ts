/**
 * What a person (or the scheduler) asked, as every adapter hands it on: nothing platform-specific beyond
 * ids, so that the middleware and the verb handlers serve the console, Slack and Teams alike.
 */
export type Platform = 'console' | 'slack' | 'teams' | 'schedule';

export interface Actor {
  platform: Platform;
  /** The platform's id for the person: a Slack user id, an Entra object id, `console`. */
  id: string;
  displayName: string;
  /** Groups the platform resolved for the person (Slack user groups), for roles granted to a group. */
  groups?: readonly string[];
}

export interface Conversation {
  platform: Platform;
  /** Channel or chat id; `console` for the terminal. */
  id: string;
  /** The thread the request came from, when it came from one. */
  threadId?: string;
  /** A direct message or the terminal: nobody else reads the replies. */
  private: boolean;
}

/** How the request came: typed, a button pressed, or a scheduled run. */
export type Origin = 'typed' | 'button' | 'schedule';

export interface ChatRequest {
  /** For logs: every line about this request carries it. */
  id: string;
  /** The command as typed or as the button carries it, e.g. `/connector health main`. */
  text: string;
  actor: Actor;
  conversation: Conversation;
  origin: Origin;
  receivedAt: Date;
}

/** How the outbox and subscriptions name a conversation: `slack:C0123ABCD`, `console` (the terminal is one). */
export function conversationKey(conversation: Conversation): string {
  return conversation.platform === 'console' ? 'console' : `${conversation.platform}:${conversation.id}`;
}
