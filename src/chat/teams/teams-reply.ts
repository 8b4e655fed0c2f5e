import { Activity, ActivityTypes, type ConversationReference } from '@microsoft/agents-activity';
import type { Message } from '../../domain/message.ts';
import type { PostedMessage, ReplyPort, Visibility } from '../../domain/reply.ts';
import { inSlice } from '../../integrations/cooperative.ts';
import { redactMessage } from '../redact-message.ts';
import { renderTeams } from './render.ts';
import { cardAttachment, type AdaptiveCard } from './render-card.ts';
import type { TeamsCloudAdapter } from './teams-cloud-adapter.ts';

export interface TeamsReplyOptions {
  adapter: TeamsCloudAdapter;
  /** The conversation of the message being answered, with that message's id: answers go in its thread. */
  reference: ConversationReference;
  redact: (text: string) => string;
}

/** `teams:<conversation id>|<activity id>`: conversation ids hold `:` and `;`, never `|`. */
const POSTED = /^teams:(.+)\|(.+)$/;

/**
 * A Teams message's reply port. Teams has had its HTTP answer before the request runs (or, for a press on a card that
 * changes, waits for that card, not for the acknowledgement), and the SDK revokes the TurnContext then, so
 * every post goes through a connector client of its own, as the app: a reply to the message (in its thread, in a
 * channel), updates in place, replies in a posted message's thread. Teams has no messages only one person sees:
 * a private answer in a channel or group chat is a reply in the thread of the message it answers. Everything
 * posted is redacted first, and posted as Adaptive Cards: a message too long for one card continues in the next
 * posts, and the first one is the message that is updated and replied to.
 */
export class TeamsReply implements ReplyPort {
  private readonly options: TeamsReplyOptions;

  constructor(options: TeamsReplyOptions) {
    this.options = options;
  }

  /** Nothing to tell Teams: its answer does not wait for the request (see the class). */
  async acknowledge(): Promise<void> {}

  async post(message: Message, _visibility: Visibility): Promise<PostedMessage> {
    const { reference } = this.options;
    const conversationId = reference.conversation.id;
    const client = await this.client(conversationId);
    let first: PostedMessage | undefined;
    for (const activity of await this.activities(message, reference)) {
      const { id } = reference.activityId ? await client.replyToActivity(conversationId, reference.activityId, activity) : await client.sendToConversation(conversationId, activity);
      first ??= postedIn(conversationId, id);
    }
    return first!;
  }

  /** The message as one card (what does not fit is cut with a marker): an update cannot add posts after the one it replaces. */
  async update(posted: PostedMessage, message: Message): Promise<void> {
    const { conversationId, activityId } = parsePosted(posted);
    const client = await this.client(conversationId);
    const [activity] = await this.activities(message, this.in(conversationId), 1);
    activity!.id = activityId;
    await client.updateActivity(conversationId, activityId, activity!);
  }

  /** In a channel, into the posted message's thread (Teams threads are one level deep); in a chat, which has none, below it. */
  async replyInThread(posted: PostedMessage, message: Message): Promise<PostedMessage> {
    const { conversationId, activityId } = parsePosted(posted);
    const inChannel = this.options.reference.conversation.conversationType === 'channel';
    const thread = inChannel && !conversationId.includes(';messageid=') ? `${conversationId};messageid=${activityId}` : conversationId;
    const client = await this.client(thread);
    let first: PostedMessage | undefined;
    for (const activity of await this.activities(message, this.in(thread))) {
      const { id } = await client.sendToConversation(thread, activity);
      first ??= postedIn(thread, id);
    }
    return first!;
  }

  private client(conversationId: string) {
    return this.options.adapter.connectorFor(this.options.reference.serviceUrl!, conversationId);
  }

  private in(conversationId: string): ConversationReference {
    return { ...this.options.reference, conversation: { ...this.options.reference.conversation, id: conversationId } };
  }

  /**
   * One message activity per card; the summary is what a notification shows. Rendered in a slice of the event loop:
   * fifty answers at once render a few at a time, between Teams' next requests, not in one block that holds them.
   */
  private async activities(message: Message, reference: ConversationReference, maxCards?: number): Promise<Activity[]> {
    const { summary, cards } = await inSlice(() => renderTeams(redactMessage(message, this.options.redact), maxCards === undefined ? {} : { maxCards }));
    const { activityId: _replyTo, ...where } = reference;
    return cards.map((card: AdaptiveCard) =>
      Activity.fromObject({ type: ActivityTypes.Message, summary, attachments: [cardAttachment(card)] }).applyConversationReference(where as ConversationReference),
    );
  }
}

/** The message as one card, redacted (what does not fit is cut with a marker): the answer to a press on the card it replaces. */
export function singleCard(message: Message, redact: (text: string) => string): AdaptiveCard {
  return renderTeams(redactMessage(message, redact), { maxCards: 1 }).cards[0]!;
}

/** A posted message's id, as the reply port and the outbox know it: the answer to a press names the message pressed on. */
export function postedIn(conversationId: string, activityId: string | undefined): PostedMessage {
  if (!activityId) throw new Error('Teams answered a post without the id of the message');
  return { id: `teams:${conversationId}|${activityId}` };
}

function parsePosted(posted: PostedMessage): { conversationId: string; activityId: string } {
  const match = POSTED.exec(posted.id);
  if (!match) throw new Error(`not a Teams message: ${posted.id}`);
  return { conversationId: match[1]!, activityId: match[2]! };
}
