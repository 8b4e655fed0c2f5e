import { MessageGoneError, type ConversationTransport } from '../../delivery/transport.ts';
import type { Logger } from '../../logging/logger.ts';
import { slackErrorOf, type SlackPoster } from './slack-poster.ts';
import { SlackReply } from './slack-reply.ts';

/** Slack's ways of saying that the message to update, or to reply to, is not there (or not the bot's to change). */
const GONE = new Set(['message_not_found', 'thread_not_found', 'cant_update_message', 'edit_window_closed', 'channel_not_found']);

/**
 * The outbox's way into Slack channels (daily reports, alerts, the states and outcomes of operations): posts,
 * replies in a thread and updates through chat.postMessage and chat.update, as a channel reply port makes them.
 */
export function slackTransport(options: { poster: SlackPoster; logger: Logger; redact: (text: string) => string }): ConversationTransport {
  const replyIn = (channel: string) => new SlackReply({ ack: async () => undefined, channel, reportsInChannel: true, ...options });
  return {
    platform: 'slack',
    post: async (channel, message, post) => {
      if (post?.threadOf === undefined) return { ref: (await replyIn(channel).post(message, 'conversation')).id };
      return { ref: (await goneAs(replyIn(channel).replyInThread({ id: post.threadOf }, message))).id };
    },
    update: async (channel, ref, message) => {
      // A request answered through a response URL (the bot was not in the channel) has no message to update.
      if (!ref.startsWith('chat:')) throw new MessageGoneError(`${ref} is not a message the bot can update`);
      await goneAs(replyIn(channel).update({ id: ref }, message));
    },
  };
}

async function goneAs<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const why = slackErrorOf(error);
    if (why && GONE.has(why)) throw new MessageGoneError(`Slack: ${why}`, { cause: error });
    throw error;
  }
}
