import { randomBytes } from 'node:crypto';
import { checkBlocks, fillIds, type Block } from './blocks.ts';
import type { Params } from './http-body.ts';
import type { StandinState } from './state.ts';
import { findChannel, findUser, type StandinUser } from './workspace.ts';

/** The Web API methods the stand-in answers, each from the state, with Slack's answer shapes and error names. */

export type Answer = { ok: boolean; [field: string]: unknown };

export interface ApiHost {
  /** `http://127.0.0.1:P/`, for URLs that point back at the stand-in. */
  baseUrl: string;
  /** A fresh `ws://` URL for Socket Mode (apps.connections.open). */
  socketUrl(): string;
}

type Method = (params: Params, state: StandinState, host: ApiHost) => Answer;

/** Methods that take the app-level token (`xapp-`); every other takes the bot token. */
export const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

const MAX_TEXT = 40_000;

export const webApiMethods: Record<string, Method> = {
  'auth.test': (_params, { workspace }) => ({
    ok: true,
    url: `https://${workspace.team.domain}.slack.com/`,
    team: workspace.team.name,
    user: workspace.bot.name,
    team_id: workspace.team.id,
    user_id: workspace.bot.userId,
    bot_id: workspace.bot.botId,
    ...(workspace.enterprise ? { enterprise_id: workspace.enterprise.id } : {}),
    is_enterprise_install: false,
  }),

  'chat.postMessage': (params, state) => {
    const channel = postableChannel(state, str(params, 'channel'));
    if (typeof channel !== 'string') return channel;
    const content = messageContent(state, params, true);
    if (!content.ok) return content;
    const ts = state.nextTs();
    const threadTs = str(params, 'thread_ts');
    state.messages.push({ channel, ts, text: content.text, blocks: content.blocks, threadTs, via: 'chat.postMessage', edits: 0, deleted: false });
    return {
      ok: true,
      channel,
      ts,
      message: botMessage(state, ts, content.text, content.blocks, threadTs),
      ...warnings(content.truncated),
    };
  },

  'chat.update': (params, state) => {
    const channel = str(params, 'channel') ?? '';
    if (!findChannel(state.workspace, channel)) return fail('channel_not_found');
    const message = state.findMessage(channel, str(params, 'ts') ?? '');
    if (!message) return fail('message_not_found');
    const content = messageContent(state, params, true);
    if (!content.ok) return content;
    if (content.text !== undefined) message.text = content.text;
    // As Slack does: blocks left out are kept, an empty array removes them.
    if (content.blocks !== undefined) message.blocks = content.blocks.length > 0 ? content.blocks : undefined;
    message.edits++;
    return {
      ok: true,
      channel,
      ts: message.ts,
      text: message.text ?? '',
      message: botMessage(state, message.ts, message.text, message.blocks, message.threadTs),
      ...warnings(content.truncated),
    };
  },

  'chat.postEphemeral': (params, state) => {
    const channel = postableChannel(state, str(params, 'channel'));
    if (typeof channel !== 'string') return channel;
    const user = str(params, 'user') ?? '';
    if (!findUser(state.workspace, user)) return fail('user_not_found');
    const members = findChannel(state.workspace, channel)?.members;
    if (members && !members.includes(user)) return fail('user_not_in_channel');
    const content = messageContent(state, params, true);
    if (!content.ok) return content;
    const ts = state.nextTs();
    state.ephemerals.push({ channel, user, ts, text: content.text, blocks: content.blocks, threadTs: str(params, 'thread_ts'), via: 'chat.postEphemeral' });
    return { ok: true, message_ts: ts };
  },

  'chat.delete': (params, state) => {
    const channel = str(params, 'channel') ?? '';
    if (!findChannel(state.workspace, channel)) return fail('channel_not_found');
    const message = state.findMessage(channel, str(params, 'ts') ?? '');
    if (!message) return fail('message_not_found');
    message.deleted = true;
    return { ok: true, channel, ts: message.ts };
  },

  'conversations.info': (params, { workspace }) => {
    const channel = findChannel(workspace, str(params, 'channel') ?? '');
    if (!channel) return fail('channel_not_found');
    return {
      ok: true,
      channel: {
        id: channel.id,
        name: channel.name,
        name_normalized: channel.name,
        is_channel: !channel.isPrivate,
        is_group: Boolean(channel.isPrivate),
        is_im: false,
        is_mpim: false,
        is_private: Boolean(channel.isPrivate),
        is_archived: false,
        is_general: false,
        is_shared: false,
        is_ext_shared: false,
        is_org_shared: false,
        is_member: channel.isMember ?? true,
        context_team_id: workspace.team.id,
        created: 1_700_000_000,
        creator: workspace.users[0]?.id ?? '',
      },
    };
  },

  // The App Home tab: up to 100 blocks, where a message has 50.
  'views.publish': (params, state) => {
    const user = str(params, 'user_id') ?? '';
    if (!findUser(state.workspace, user)) return fail('user_not_found');
    let view: unknown = params.view;
    if (typeof view === 'string') {
      try {
        view = JSON.parse(view);
      } catch {
        return fail('invalid_arguments');
      }
    }
    if (!view || typeof view !== 'object' || (view as { type?: unknown }).type !== 'home') return fail('invalid_arguments');
    const verdict = checkBlocks((view as { blocks?: unknown }).blocks, { ...state.blockLimits, maxBlocks: 100 });
    if (!verdict.ok) return { ok: false, error: verdict.error, ...(verdict.errors && { response_metadata: { messages: verdict.errors } }) };
    state.views.push({ user, view: view as Record<string, unknown>, time: Date.now() });
    return { ok: true, view: { id: `V${randomBytes(5).toString('hex').toUpperCase()}`, type: 'home', ...(view as object) } };
  },

  'users.info': (params, { workspace }) => {
    const user = findUser(workspace, str(params, 'user') ?? '');
    if (!user) return fail('user_not_found');
    return { ok: true, user: userObject(user, workspace.team.id) };
  },

  'usergroups.list': (params, { workspace }) => {
    if (workspace.usergroups === 'plan_upgrade_required') return fail('plan_upgrade_required');
    const includeUsers = str(params, 'include_users') === 'true';
    return {
      ok: true,
      usergroups: workspace.usergroups.map((group) => ({
        id: group.id,
        team_id: workspace.team.id,
        is_usergroup: true,
        is_subteam: true,
        name: group.name,
        description: '',
        handle: group.handle,
        is_external: false,
        date_create: 1_700_000_000,
        date_update: 1_700_000_000,
        date_delete: 0,
        auto_type: null,
        created_by: workspace.users[0]?.id ?? '',
        updated_by: workspace.users[0]?.id ?? '',
        deleted_by: null,
        prefs: { channels: [], groups: [] },
        user_count: group.users.length,
        ...(includeUsers ? { users: group.users } : {}),
      })),
    };
  },

  'usergroups.users.list': (params, { workspace }) => {
    if (workspace.usergroups === 'plan_upgrade_required') return fail('plan_upgrade_required');
    const group = workspace.usergroups.find((candidate) => candidate.id === str(params, 'usergroup'));
    if (!group) return fail('no_such_subteam');
    return { ok: true, users: group.users };
  },

  'files.getUploadURLExternal': (params, state, host) => {
    const filename = str(params, 'filename');
    const length = Number(str(params, 'length'));
    if (!filename || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
    const fileId = `F${randomBytes(5).toString('hex').toUpperCase()}`;
    state.uploads.push({ fileId, filename, length, content: undefined, completed: false });
    return { ok: true, upload_url: `${host.baseUrl}upload/v1/${fileId}`, file_id: fileId };
  },

  'files.completeUploadExternal': (params, state) => {
    const files = json(params, 'files');
    if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
    const channelId = str(params, 'channel_id');
    if (channelId !== undefined) {
      const channel = postableChannel(state, channelId);
      if (typeof channel !== 'string') return channel;
    }
    const uploads = files.map((file: { id?: unknown; title?: unknown }) => ({
      upload: state.uploads.find((candidate) => candidate.fileId === file.id && candidate.content !== undefined),
      title: typeof file.title === 'string' ? file.title : undefined,
    }));
    if (uploads.some(({ upload }) => upload === undefined)) return fail('file_not_found');
    return {
      ok: true,
      files: uploads.map(({ upload, title }) => {
        const done = upload as NonNullable<typeof upload>;
        Object.assign(done, {
          completed: true,
          title: title ?? done.filename,
          channelId,
          initialComment: str(params, 'initial_comment'),
          threadTs: str(params, 'thread_ts'),
        });
        return { id: done.fileId, name: done.filename, title: done.title, size: done.content?.length ?? 0 };
      }),
    };
  },

  'apps.connections.open': (_params, _state, host) => ({ ok: true, url: host.socketUrl() }),
};

type Content =
  | { ok: true; text: string | undefined; blocks: Block[] | undefined; truncated: boolean }
  | { ok: false; error: string; errors?: string[] };

/** text and blocks as Slack checks them: one of them needed (if `required`), blocks within the limits, text cut at 40,000. */
export function messageContent(state: StandinState, params: Params, required: boolean): Content {
  const verdict = checkBlocks(params.blocks, state.blockLimits);
  if (!verdict.ok) return verdict;
  const text = str(params, 'text');
  if (required && !text && verdict.blocks === undefined && params.attachments === undefined) return fail('no_text');
  const truncated = text !== undefined && text.length > MAX_TEXT;
  return { ok: true, text: truncated ? text.slice(0, MAX_TEXT) : text, blocks: verdict.blocks && fillIds(verdict.blocks), truncated };
}

/** The channel id if the bot may post there, else the error Slack answers. */
function postableChannel(state: StandinState, id: string | undefined): string | Answer {
  // A user id names the app's direct messages with that person (the App Home's messages tab), as Slack takes it.
  const user = findUser(state.workspace, id ?? '');
  if (user) return `D${user.id.slice(1)}`;
  const channel = findChannel(state.workspace, id ?? '');
  if (!channel) return fail('channel_not_found');
  if (channel.isMember === false) return fail('not_in_channel');
  return channel.id;
}

function botMessage(state: StandinState, ts: string, text: string | undefined, blocks: Block[] | undefined, threadTs: string | undefined): object {
  const { bot, appId, team } = state.workspace;
  return {
    type: 'message',
    user: bot.userId,
    bot_id: bot.botId,
    app_id: appId,
    team: team.id,
    ts,
    text: text ?? '',
    ...(blocks ? { blocks } : {}),
    ...(threadTs ? { thread_ts: threadTs } : {}),
  };
}

function userObject(user: StandinUser, teamId: string): object {
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: Boolean(user.deleted),
    real_name: user.realName,
    tz: 'Europe/Berlin',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    is_admin: false,
    is_owner: false,
    is_bot: Boolean(user.isBot),
    is_app_user: false,
    updated: 1_700_000_000,
    profile: {
      display_name: user.displayName,
      display_name_normalized: user.displayName,
      real_name: user.realName,
      real_name_normalized: user.realName,
      team: teamId,
    },
  };
}

function warnings(truncated: boolean): object {
  return truncated ? { response_metadata: { warnings: ['message_truncated'] } } : {};
}

export function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** A parameter as text: form fields are strings already, JSON bodies may hold numbers or booleans. */
export function str(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A parameter holding JSON: a JSON-encoded form field, or the value itself in a JSON body. */
function json(params: Params, key: string): unknown {
  const value = params[key];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
