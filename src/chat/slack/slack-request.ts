import { randomUUID } from 'node:crypto';
import type { Actor, ChatRequest, Conversation, Origin } from '../../domain/request.ts';

/** What a slash command or a click carries that the bot uses; nothing else of Slack travels further. */
export interface SlackDelivery {
  text: string;
  userId: string;
  userName: string;
  channelId: string;
  channelName?: string;
  origin: Origin;
  groups: readonly string[];
}

export function slackRequest(delivery: SlackDelivery): ChatRequest {
  const actor: Actor = { platform: 'slack', id: delivery.userId, displayName: delivery.userName, groups: delivery.groups };
  // D…: a direct message with the bot; `directmessage` is how a slash command names one.
  const conversation: Conversation = {
    platform: 'slack',
    id: delivery.channelId,
    private: delivery.channelId.startsWith('D') || delivery.channelName === 'directmessage',
  };
  return { id: randomUUID(), text: delivery.text, actor, conversation, origin: delivery.origin, receivedAt: new Date() };
}
