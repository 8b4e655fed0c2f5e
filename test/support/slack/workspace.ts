/**
 * The workspace the Slack stand-in pretends to be: team, app, bot, people, channels and user
 * groups. Tests read and change it at run time (`standin.workspace`); the Web API answers from it.
 */

export interface StandinUser {
  id: string;
  /** The legacy username (`user_name` in slash commands, `username` in interactions). */
  name: string;
  displayName: string;
  realName: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface StandinChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** Whether the bot is in the channel (default true); posting where it is not fails with `not_in_channel`. */
  isMember?: boolean;
  /** User ids in the channel; when set, an ephemeral message to anyone else fails with `user_not_in_channel`. */
  members?: string[];
}

export interface StandinUserGroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface Workspace {
  team: { id: string; domain: string; name: string };
  /** Set for an Enterprise Grid org; its fields then appear in the payloads as Slack sends them. */
  enterprise: { id: string; name: string } | null;
  appId: string;
  bot: { userId: string; botId: string; name: string };
  /** The legacy verification token Slack still puts in every payload (`token`). */
  verificationToken: string;
  users: StandinUser[];
  channels: StandinChannel[];
  /** `plan_upgrade_required`: a free workspace, where the usergroups methods answer with that error. */
  usergroups: StandinUserGroup[] | 'plan_upgrade_required';
}

export type WorkspaceOptions = Partial<Workspace>;

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  return {
    team: { id: 'T0STANDIN1', domain: 'standin', name: 'Stand-in Workspace' },
    enterprise: null,
    appId: 'A0STANDIN1',
    bot: { userId: 'U0BOTUSER1', botId: 'B0BOTBOT01', name: 'connector-ops' },
    verificationToken: 'standin-verification-token',
    users: [
      { id: 'U0ALICE001', name: 'alice', displayName: 'Alice', realName: 'Alice Admin' },
      { id: 'U0BOB00001', name: 'bob', displayName: 'Bob', realName: 'Bob Viewer' },
    ],
    channels: [{ id: 'C0OPS00001', name: 'connector-ops' }],
    usergroups: [{ id: 'S0ADMINS01', handle: 'connector-admins', name: 'Connector admins', users: ['U0ALICE001'] }],
    ...options,
  };
}

export function findUser(workspace: Workspace, id: string): StandinUser | undefined {
  return workspace.users.find((user) => user.id === id);
}

export function findChannel(workspace: Workspace, id: string): StandinChannel | undefined {
  return workspace.channels.find((channel) => channel.id === id);
}
