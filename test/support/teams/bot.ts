import { clearJwksClients } from '@microsoft/agents-hosting';
import type { Logger } from '../../../src/logging/logger.ts';
import type { Services } from '../../../src/root.ts';
import { silentLogger } from '../builders.ts';
import { startChatBot } from '../chat-bot.ts';
import { BotConnector } from './bot-connector.ts';
import { KeyServer, TEAMS_APP_ID, TEAMS_TENANT } from './keys.ts';
import { TokenService } from './token-service.ts';

const SDK = 'connections__serviceConnection__settings__';

/** The Microsoft side of Teams on loopback: the authority's keys, the token service, the Bot Connector. */
export interface TeamsStandins {
  keys: KeyServer;
  tokens: TokenService;
  connector: BotConnector;
  close(): Promise<void>;
}

export async function startTeamsStandins(): Promise<TeamsStandins> {
  const [keys, tokens, connector] = await Promise.all([KeyServer.start(), TokenService.start(), BotConnector.start()]);
  return { keys, tokens, connector, close: async () => void (await Promise.all([keys.close(), tokens.close(), connector.close()])) };
}

export interface TeamsBot {
  services: Services;
  /** `http://127.0.0.1:P/api/messages` */
  messagesUrl: string;
  stop(): Promise<void>;
}

/**
 * The bot as `connector-ops start` builds it, configured by the Agents SDK's own setting names, pointed at the
 * stand-ins: keys from the loopback authority, outbound tokens from the loopback token service, replies only to
 * 127.0.0.1 (the Bot Connector stand-in is the activities' serviceUrl); its outbox delivering.
 */
export async function startTeamsBot(standins: TeamsStandins, env: Record<string, string> = {}, logger: Logger = silentLogger()): Promise<TeamsBot> {
  // The SDK keeps one key client per key URL for the whole process: each bot reads its own key server afresh.
  clearJwksClients();
  const bot = await startChatBot(
    'teams',
    {
      [`${SDK}clientId`]: TEAMS_APP_ID,
      [`${SDK}tenantId`]: TEAMS_TENANT,
      [`${SDK}authType`]: 'EntraAuthSideCar',
      [`${SDK}sidecarBaseUrl`]: standins.tokens.url,
      [`${SDK}authorityEndpoint`]: standins.keys.url,
      connectionsMap__0__serviceUrl: '*',
      TEAMS_SERVICE_HOSTS: '127.0.0.1',
      ...env,
    },
    logger,
  );
  // Posts outside of a request (a request card updated for everyone, an operation's outcome) go through the outbox.
  bot.services.outboxWorker.start();
  return {
    services: bot.services,
    messagesUrl: `${bot.url}/api/messages`,
    stop: async () => {
      await bot.services.outboxWorker.stop();
      await bot.stop();
    },
  };
}

/** POSTs an activity as Bot Service does, with the token given (none: no Authorization header). */
export async function postActivity(url: string, activity: object, token: string | undefined): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(activity),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: await response.text() };
}
