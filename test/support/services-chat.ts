import { renderText } from '../../src/chat/text/render.ts';
import type { Actor } from '../../src/domain/request.ts';
import type { Services } from '../../src/root.ts';
import { aRequest, RecordingReply, SLACK_CHANNEL } from './builders.ts';
import { MemoryTransport } from './memory-transport.ts';

/**
 * Chat with the services the bot runs on, as someone in SLACK_CHANNEL: requests go through the real request
 * path; what goes to the conversation (the answers, and what the outbox delivers) lands on a Slack in memory.
 */
export function chatWith(services: Services) {
  const slack = new MemoryTransport('slack');
  services.transports.set('slack', slack);
  return {
    slack,
    async ask(actor: Actor, text: string): Promise<RecordingReply> {
      const reply = new RecordingReply({ transport: slack, conversationId: SLACK_CHANNEL.id });
      await services.dispatcher.dispatch(aRequest(text, { actor }), reply);
      return reply;
    },
    /** The latest outcome of an operation: the reply in its request's thread, once the outbox delivered it. */
    async outcome(): Promise<string> {
      await services.outboxWorker.flush();
      const outcome = slack.messages(SLACK_CHANNEL.id).findLast((m) => m.threadOf !== undefined);
      if (!outcome) throw new Error(`no outcome was posted; the channel shows: ${slack.texts(SLACK_CHANNEL.id).join(' | ')}`);
      return renderText(outcome.message).text;
    },
  };
}
