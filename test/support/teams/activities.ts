import { randomBytes } from 'node:crypto';
import { TEAMS_APP_ID, TEAMS_TENANT } from './keys.ts';

/** The person in every Teams test: her Entra object id is what roles name (`teams:<object id>`). */
export const ADA = { id: '29:1ada-teams-user', name: 'Ada Lovelace', aadObjectId: '00000000-0000-0000-0000-0000000000a1' };
/** Another person, for approvals (four eyes) and refusals. */
export const GRACE = { id: '29:1grace-teams-user', name: 'Grace Hopper', aadObjectId: '00000000-0000-0000-0000-0000000000b2' };
export const CAROL = { id: '29:1carol-teams-user', name: 'Carol Viewer', aadObjectId: '00000000-0000-0000-0000-0000000000c3' };
export const BOT_ACCOUNT = { id: `28:${TEAMS_APP_ID}`, name: 'connector-ops' };
export const OPS_CHANNEL = '19:ops-channel@thread.tacv2';
export const PERSONAL_CHAT = 'a:1personal-chat-with-ada';
export const GROUP_CHAT = '19:group-chat@thread.v2';

export type TeamsActivity = Record<string, unknown> & { id: string; serviceUrl: string };

/** A mention of the bot, as Teams sends it: the `<at>` text in the message and an entity naming the bot's account. */
const MENTION = { type: 'mention', mentioned: BOT_ACCOUNT, text: `<at>${BOT_ACCOUNT.name}</at>` };

type Person = typeof ADA;

function base(serviceUrl: string, type: string, from: Person = ADA): TeamsActivity {
  return {
    type,
    id: `1700000${randomBytes(4).readUInt32BE(0)}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: BOT_ACCOUNT,
    channelData: { tenant: { id: TEAMS_TENANT } },
    locale: 'en-US',
  };
}

/** A message in the personal chat with the bot: no mention needed. */
export function personalMessage(serviceUrl: string, text: string, from: Person = ADA): TeamsActivity {
  return { ...base(serviceUrl, 'message', from), text, textFormat: 'plain', conversation: { id: PERSONAL_CHAT, conversationType: 'personal', tenantId: TEAMS_TENANT } };
}

/** A new post in a channel that mentions the bot; `text` comes after the mention. Its conversation is the thread it starts. */
export function channelMessage(serviceUrl: string, text: string, from: Person = ADA): TeamsActivity {
  const activity = base(serviceUrl, 'message', from);
  return {
    ...activity,
    text: `${MENTION.text} ${text}\n`,
    textFormat: 'plain',
    entities: [MENTION],
    conversation: { id: `${OPS_CHANNEL};messageid=${activity.id}`, conversationType: 'channel', isGroup: true, tenantId: TEAMS_TENANT },
    channelData: { tenant: { id: TEAMS_TENANT }, team: { id: '19:team-general@thread.tacv2' }, channel: { id: OPS_CHANNEL } },
  };
}

/** A message in a group chat, `before` the mention and `after` it: `hey <at>connector-ops</at> /connector health`. */
export function groupChatMessage(serviceUrl: string, before: string, after: string): TeamsActivity {
  return {
    ...base(serviceUrl, 'message'),
    text: `${before} ${MENTION.text} ${after}`,
    textFormat: 'plain',
    entities: [MENTION],
    conversation: { id: GROUP_CHAT, conversationType: 'groupChat', isGroup: true, tenantId: TEAMS_TENANT },
  };
}

/** The app added to a team: Teams tells the bot with the bot itself among the members added. */
export function botAddedToTeam(serviceUrl: string): TeamsActivity {
  return {
    ...base(serviceUrl, 'conversationUpdate'),
    membersAdded: [BOT_ACCOUNT],
    conversation: { id: OPS_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TEAMS_TENANT },
    channelData: { tenant: { id: TEAMS_TENANT }, team: { id: '19:team-general@thread.tacv2' }, eventType: 'teamMemberAdded' },
  };
}

/**
 * A press of a button of ours (Action.Execute) on the card of a message the bot posted: an `adaptiveCard/action`
 * invoke in that message's conversation, replying to it, as Teams sends it.
 */
export function cardAction(serviceUrl: string, card: { conversationId: string; messageId: string; conversationType: 'personal' | 'channel' | 'groupChat' }, action: { title: string; command: string }, from: Person = ADA): TeamsActivity {
  return {
    ...base(serviceUrl, 'invoke', from),
    name: 'adaptiveCard/action',
    replyToId: card.messageId,
    conversation: { id: card.conversationId, conversationType: card.conversationType, ...(card.conversationType !== 'personal' && { isGroup: true }), tenantId: TEAMS_TENANT },
    channelData: { tenant: { id: TEAMS_TENANT }, source: { name: 'message' }, legacy: { replyToId: card.messageId } },
    value: { action: { type: 'Action.Execute', id: `action-${action.title}`, title: action.title, verb: 'connector.run', data: { command: action.command } }, trigger: 'manual' },
  };
}

/** The app installed, as Teams tells it besides the members added: in a personal chat with Ada, or in a team. */
export function appInstalled(serviceUrl: string, where: 'personal' | 'team'): TeamsActivity {
  const conversation =
    where === 'personal'
      ? { id: PERSONAL_CHAT, conversationType: 'personal', tenantId: TEAMS_TENANT }
      : { id: OPS_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TEAMS_TENANT };
  return { ...base(serviceUrl, 'installationUpdate'), action: 'add', conversation, channelData: { tenant: { id: TEAMS_TENANT }, ...(where === 'team' && { team: { id: '19:team-general@thread.tacv2' } }) } };
}

/** The bot added to the personal chat with Ada: the bot among the members added. */
export function botAddedToPersonalChat(serviceUrl: string): TeamsActivity {
  return { ...base(serviceUrl, 'conversationUpdate'), membersAdded: [BOT_ACCOUNT], conversation: { id: PERSONAL_CHAT, conversationType: 'personal', tenantId: TEAMS_TENANT } };
}
