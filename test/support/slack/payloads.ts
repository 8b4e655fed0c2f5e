import { randomBytes, randomInt } from 'node:crypto';
import { elementsOf, type Block } from './blocks.ts';
import type { ResponseTarget } from './response-url.ts';
import type { EphemeralMessage, PostedMessage } from './state.ts';
import { findChannel, findUser, type StandinUser, type Workspace } from './workspace.ts';

/**
 * What Slack sends to an app, with every field it sends: slash commands, `block_actions`,
 * `event_callback` (app_home_opened) and `url_verification`. The same payloads travel over HTTP
 * (see signing.ts) and inside Socket Mode envelopes.
 */

/** Form fields, all strings, as Slack posts them. */
export interface SlashCommandPayload {
  token: string;
  team_id: string;
  team_domain: string;
  /** Only in an Enterprise Grid org (with enterprise_name). */
  enterprise_id?: string;
  enterprise_name?: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: 'true' | 'false';
  response_url: string;
  trigger_id: string;
}

export interface ButtonActionPayload {
  type: 'button';
  action_id: string;
  block_id: string;
  text: { type: 'plain_text'; text: string; emoji?: boolean };
  value?: string;
  style?: string;
  action_ts: string;
}

export interface BlockActionsPayload {
  type: 'block_actions';
  user: { id: string; username: string; name: string; team_id: string };
  api_app_id: string;
  token: string;
  container: { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: boolean };
  trigger_id: string;
  team: { id: string; domain: string; enterprise_id?: string; enterprise_name?: string };
  enterprise: { id: string; name: string } | null;
  is_enterprise_install: boolean;
  channel: { id: string; name: string };
  /** Absent for a button in an ephemeral message: Slack does not send those back. */
  message?: { type: 'message'; user: string; ts: string; bot_id: string; app_id: string; team: string; text: string; blocks: Block[] };
  state: { values: Record<string, never> };
  response_url: string;
  actions: ButtonActionPayload[];
}

export interface EventCallbackPayload {
  token: string;
  team_id: string;
  enterprise_id?: string;
  api_app_id: string;
  event: { type: 'app_home_opened'; user: string; channel: string; tab: 'home'; event_ts: string };
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: { enterprise_id: string | null; team_id: string; user_id: string; is_bot: boolean; is_enterprise_install: boolean }[];
  is_ext_shared_channel: boolean;
  event_context: string;
}

export interface UrlVerificationPayload {
  token: string;
  challenge: string;
  type: 'url_verification';
}

export type SlackPayload = SlashCommandPayload | BlockActionsPayload | EventCallbackPayload | UrlVerificationPayload;

/** How Slack delivers a payload: a form post of fields, a form post of `payload=<json>`, or JSON. */
export function payloadKind(payload: SlackPayload): 'command' | 'interaction' | 'event' {
  if ('command' in payload) return 'command';
  return payload.type === 'block_actions' ? 'interaction' : 'event';
}

/** What the builders take from the stand-in. */
export interface PayloadSource {
  workspace: Workspace;
  responseUrl(id: string | undefined, target: ResponseTarget): string;
}

export interface SlashCommandOptions {
  command?: string;
  text?: string;
  /** User id (default: the workspace's first user). */
  user?: string;
  /** Channel id (default: the workspace's first channel). */
  channel?: string;
}

export function slashCommand(source: PayloadSource, options: SlashCommandOptions = {}): SlashCommandPayload {
  const { workspace } = source;
  const user = userOf(workspace, options.user);
  const channel = channelOf(workspace, options.channel);
  return {
    token: workspace.verificationToken,
    team_id: workspace.team.id,
    team_domain: workspace.team.domain,
    ...(workspace.enterprise ? { enterprise_id: workspace.enterprise.id, enterprise_name: workspace.enterprise.name } : {}),
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: user.id,
    user_name: user.name,
    command: options.command ?? '/connector',
    text: options.text ?? '',
    api_app_id: workspace.appId,
    is_enterprise_install: 'false',
    response_url: source.responseUrl(undefined, { channel: channel.id, user: user.id }),
    trigger_id: triggerId(),
  };
}

export interface BlockActionsOptions {
  /** The message the button is in, as the stand-in recorded it (from messagesIn or ephemeralsIn). */
  message: PostedMessage | EphemeralMessage;
  /** The action_id of the button pressed; it must be in the message's blocks. */
  actionId: string;
  /** Who pressed it (default: the ephemeral message's recipient, else the workspace's first user). */
  user?: string;
}

/** A press of a button the bot really rendered: block_id, text, value and style come from the message. */
export function blockActions(source: PayloadSource, options: BlockActionsOptions): BlockActionsPayload {
  const { workspace } = source;
  const { message, actionId } = options;
  const ephemeral = 'user' in message;
  const user = userOf(workspace, options.user ?? (ephemeral ? message.user : undefined));
  const channel = channelOf(workspace, message.channel);
  const found = [...elementsOf(message.blocks ?? [])].find(({ element }) => element.action_id === actionId);
  if (!found || found.element.type !== 'button') throw new Error(`no button with action_id ${actionId} in message ${message.ts}`);
  const { block, element } = found;
  const { bot, team, enterprise } = workspace;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: team.id },
    api_app_id: workspace.appId,
    token: workspace.verificationToken,
    container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: ephemeral },
    trigger_id: triggerId(),
    team: { id: team.id, domain: team.domain, ...(enterprise ? { enterprise_id: enterprise.id, enterprise_name: enterprise.name } : {}) },
    enterprise,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    ...(ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            user: bot.userId,
            ts: message.ts,
            bot_id: bot.botId,
            app_id: workspace.appId,
            team: team.id,
            text: message.text ?? '',
            blocks: message.blocks ?? [],
          },
        }),
    state: { values: {} },
    response_url: source.responseUrl(undefined, { channel: channel.id, user: user.id, messageTs: message.ts, ephemeral }),
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: String(block.block_id),
        text: element.text as ButtonActionPayload['text'],
        ...(typeof element.value === 'string' ? { value: element.value } : {}),
        ...(typeof element.style === 'string' ? { style: element.style } : {}),
        action_ts: slackTime(),
      },
    ],
  };
}

export function appHomeOpened(source: PayloadSource, options: { user?: string } = {}): EventCallbackPayload {
  const { workspace } = source;
  const user = userOf(workspace, options.user);
  const now = slackTime();
  return {
    token: workspace.verificationToken,
    team_id: workspace.team.id,
    ...(workspace.enterprise ? { enterprise_id: workspace.enterprise.id } : {}),
    api_app_id: workspace.appId,
    event: { type: 'app_home_opened', user: user.id, channel: `D${user.id.slice(1)}`, tab: 'home', event_ts: now },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Number(now)),
    authorizations: [
      { enterprise_id: workspace.enterprise?.id ?? null, team_id: workspace.team.id, user_id: workspace.bot.userId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(24).toString('base64url')}`,
  };
}

export function urlVerification(source: PayloadSource, challenge = randomBytes(24).toString('base64url')): UrlVerificationPayload {
  return { token: source.workspace.verificationToken, challenge, type: 'url_verification' };
}

function userOf(workspace: Workspace, id: string | undefined): StandinUser {
  const user = id === undefined ? workspace.users[0] : findUser(workspace, id);
  if (!user) throw new Error(`the stand-in workspace has no user ${id ?? ''}`);
  return user;
}

function channelOf(workspace: Workspace, id: string | undefined): { id: string; name: string } {
  const channel = id === undefined ? workspace.channels[0] : findChannel(workspace, id);
  if (!channel) throw new Error(`the stand-in workspace has no channel ${id ?? ''}`);
  return channel;
}

function triggerId(): string {
  return `${randomInt(1e9, 1e10)}.${randomInt(1e8, 1e9)}.${randomBytes(16).toString('hex')}`;
}

function slackTime(): string {
  return (Date.now() / 1000).toFixed(6);
}
