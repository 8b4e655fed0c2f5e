import { randomUUID } from 'node:crypto';
import type { Activity } from '@microsoft/agents-activity';
import type { Actor, ChatRequest, Conversation, Origin } from '../../domain/request.ts';
import { findVerb } from '../../domain/verbs.ts';
import { TEAMS_COMMAND_VERB } from './render-card.ts';

/** A channel thread's conversation id: `19:…@thread.tacv2;messageid=<root>`. */
const THREAD = /^(.*);messageid=(.+)$/;
/** Where our grammar starts in a message that says more: `hey @connector-ops /connector health main`. */
const COMMAND_START = /(?:^|\s)\/?connector(?:-ops)?(?=\s|$)/i;

/**
 * The command a Teams message carries. The SDK removes the bot's own mention (found through the mention entity,
 * not through the app's name, which users can change), which leaves two spaces where it stood mid-text; Teams
 * may send non-breaking spaces. A leading `/` is taken, with or without `connector`: `/connector health`, `/health`.
 * Words before the command are dropped only when the message names it (`hey /connector health`): a message that
 * starts with a verb is the command itself, whatever its arguments are called.
 */
export function commandText(activity: Activity): string {
  activity.removeRecipientMention();
  const text = (activity.text ?? '').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
  const first = text.split(' ')[0]!.replace(/^\//, '');
  if (findVerb(first.toLowerCase())) return text.replace(/^\//, '');
  const start = COMMAND_START.exec(text);
  return start ? text.slice(start.index).trim() : text;
}

/**
 * The command a button of ours carries: an `adaptiveCard/action` invoke's Action.Execute with our one verb and
 * the command line in its data, as the renderer writes them. Undefined for anything else.
 */
export function buttonCommand(value: unknown): string | undefined {
  const action = (value as { action?: { type?: unknown; verb?: unknown; data?: { command?: unknown } } } | undefined)?.action;
  if (action?.type !== 'Action.Execute' || action.verb !== TEAMS_COMMAND_VERB) return undefined;
  const command = action.data?.command;
  return typeof command === 'string' && command.trim() !== '' ? command.trim() : undefined;
}

/** A channel's or chat's id, and the thread within a channel. */
export function conversationOf(activity: Activity): Conversation {
  const id = activity.conversation?.id ?? '';
  const thread = THREAD.exec(id);
  return {
    platform: 'teams',
    id: thread ? thread[1]! : id,
    ...(thread && { threadId: thread[2]! }),
    private: activity.conversation?.conversationType === 'personal',
  };
}

/**
 * What the bot takes from a message or a button's press: the person by their Entra object id (roles name `teams:<object id>`), the
 * conversation, the command. Nothing else of Teams travels further.
 */
export function teamsRequest(activity: Activity, text: string, origin: Origin = 'typed'): ChatRequest {
  const from = activity.from;
  const actor: Actor = { platform: 'teams', id: from?.aadObjectId ?? from?.id ?? 'unknown', displayName: from?.name || 'someone in Teams' };
  return { id: randomUUID(), text, actor, conversation: conversationOf(activity), origin, receivedAt: new Date() };
}
