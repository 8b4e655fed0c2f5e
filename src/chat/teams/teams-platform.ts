import type { IncomingMessage, ServerResponse } from 'node:http';
import { RetryLaterError, type ConversationTransport } from '../../delivery/transport.ts';
import type { RouteHandler } from '../../http/server.ts';
import { Deliveries } from '../../store/deliveries.ts';
import { TeamsConversations } from '../../store/teams-conversations.ts';
import type { ChatAdapter, ChatPlatform } from '../adapter.ts';
import { TEAMS_MESSAGES_PATH } from './messages-route.ts';
import type { TeamsAdapter, TeamsAdapterOptions } from './teams-adapter.ts';

/** Teams, when a client id is configured (the Agents SDK's own setting or TEAMS_APP_ID). */
export const teamsPlatform: ChatPlatform = (config, chat) => {
  if (!config.teams) return undefined;
  // Its own connection: a delivery's key is written before every answer, without waiting on the bot's other writes.
  const store = chat.openStore();
  return new DeferredTeamsAdapter({
    settings: config.teams,
    dispatch: chat.dispatch,
    deliveries: new Deliveries(store),
    conversations: new TeamsConversations(store),
    logger: chat.logger,
    redact: chat.redact,
    connectors: chat.connectors,
    countRefused: () => chat.countRefused('teams'),
    updates: chat.updates,
  });
};

/**
 * The Teams adapter, with the Agents SDK loaded when it starts: every command of the CLI imports the composition
 * root, and `check` or `audit` in a cron job should not load (and pay for) a chat platform's SDK they never use.
 * Until it has started, Teams is answered 503 with a Retry-After and sends the activity again.
 */
class DeferredTeamsAdapter implements ChatAdapter {
  readonly name = 'teams';
  readonly ended = new Promise<void>(() => undefined);
  readonly routes: readonly RouteHandler[] = [{ name: 'teams', handles: (path) => path === TEAMS_MESSAGES_PATH, handle: (req, res) => this.handle(req, res) }];
  private readonly options: TeamsAdapterOptions;
  private adapter?: TeamsAdapter;

  constructor(options: TeamsAdapterOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { TeamsAdapter } = await import('./teams-adapter.ts');
    const adapter = new TeamsAdapter(this.options);
    await adapter.start();
    this.adapter = adapter;
  }

  /** The started adapter's; until then, the outbox is asked to come again. */
  transport(): ConversationTransport {
    const started = (): ConversationTransport => {
      if (!this.adapter) throw new RetryLaterError(5_000, 'the Teams adapter has not started yet');
      return this.adapter.outbound;
    };
    return { platform: 'teams', post: (conversation, message, options) => started().post(conversation, message, options), update: (conversation, ref, message) => started().update(conversation, ref, message) };
  }

  notReady(): string[] {
    return this.adapter ? [] : ['teams (not started)'];
  }

  async stop(): Promise<void> {
    await this.adapter?.stop();
  }

  private handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    if (this.adapter) return this.adapter.route.handle(req, res);
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('teams adapter not started\n');
  }
}
