import type { ConversationReference } from '@microsoft/agents-activity';
import { HttpError } from '@microsoft/agents-hosting';
import { DeliveryRefusedError, MessageGoneError, RetryLaterError, type ConversationTransport } from '../../delivery/transport.ts';
import type { TeamsConversations } from '../../store/teams-conversations.ts';
import { retryAfterMs } from './connector-guard.ts';
import type { TeamsCloudAdapter } from './teams-cloud-adapter.ts';
import { TeamsReply } from './teams-reply.ts';

export interface TeamsTransportOptions {
  adapter: TeamsCloudAdapter;
  /** Where each conversation is reached: stored when the app was installed or messaged there. */
  conversations: TeamsConversations;
  redact: (text: string) => string;
}

/**
 * The outbox's way into Teams conversations (daily reports, alerts, the states and outcomes of operations):
 * through the conversation reference stored for it, as the app, posts with sendToConversation (a new post in a
 * channel, a reply in a posted message's thread) and updates in place. What Teams answers is told to the outbox
 * in its terms: a 429 with its Retry-After, a 5xx or no answer to try again, a message gone to post anew, a
 * refusal (the app removed, the conversation unknown) for good.
 */
export function teamsTransport(options: TeamsTransportOptions): ConversationTransport {
  const replyIn = (conversationId: string) => {
    const reference = options.conversations.referenceOf(`teams:${conversationId}`) as ConversationReference | undefined;
    if (!reference?.serviceUrl) throw new DeliveryRefusedError(`Teams: no conversation reference for ${conversationId}: the app was never installed or messaged there`);
    return new TeamsReply({ adapter: options.adapter, reference, redact: options.redact });
  };
  return {
    platform: 'teams',
    post: async (conversationId, message, post) => {
      if (post?.threadOf === undefined) return { ref: (await inTeamsTerms(replyIn(conversationId).post(message, 'conversation'), 'post')).id };
      return { ref: (await inTeamsTerms(replyIn(conversationId).replyInThread({ id: post.threadOf }, message), 'reply')).id };
    },
    update: async (conversationId, ref, message) => {
      if (!ref.startsWith('teams:')) throw new MessageGoneError(`${ref} is not a Teams message the bot can update`);
      await inTeamsTerms(replyIn(conversationId).update({ id: ref }, message), 'update');
    },
  };
}

/** Teams' HTTP answers as the outbox's errors; never the SDK's error itself, which carries the whole activity. */
async function inTeamsTerms<T>(call: Promise<T>, what: 'post' | 'reply' | 'update'): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const said = `Teams answered the ${what} with HTTP ${error.status}`;
    if (error.status === 429) throw new RetryLaterError(retryAfterMs(error), said);
    // eslint-disable-next-line preserve-caught-error -- the SDK's error carries the whole activity: its status is all anyone needs
    if (error.status >= 500 || error.status === 408) throw new Error(said);
    // The message to update, or the thread to reply in, is gone: the outbox posts anew.
    if (error.status === 404 && what !== 'post') throw new MessageGoneError(said);
    throw new DeliveryRefusedError(said);
  }
}
