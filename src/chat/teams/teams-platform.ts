import { Deliveries } from '../../store/deliveries.ts';
import { TeamsConversations } from '../../store/teams-conversations.ts';
import type { ChatPlatform } from '../adapter.ts';
import { DeferredAdapter } from '../deferred-adapter.ts';
import { TEAMS_MESSAGES_PATH } from './messages-route.ts';
import type { TeamsAdapterOptions } from './teams-adapter.ts';

/** Teams, when a client id is configured (the Agents SDK's own setting or TEAMS_APP_ID); the Agents SDK loads when it starts. */
export const teamsPlatform: ChatPlatform = (config, chat) => {
  if (!config.teams) return undefined;
  // Its own connection: a delivery's key is written before every answer, without waiting on the bot's other writes.
  const store = chat.openStore();
  const options: TeamsAdapterOptions = {
    settings: config.teams,
    dispatch: chat.dispatch,
    deliveries: new Deliveries(store),
    conversations: new TeamsConversations(store),
    logger: chat.logger,
    redact: chat.redact,
    connectors: chat.connectors,
    countRefused: () => chat.countRefused('teams'),
    updates: chat.updates,
  };
  return new DeferredAdapter({
    name: 'teams',
    paths: [TEAMS_MESSAGES_PATH],
    load: async () => new (await import('./teams-adapter.ts')).TeamsAdapter(options),
  });
};
