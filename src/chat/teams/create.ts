import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TeamsSettings } from '../../config/config.ts';
import type { Metrics } from '../../http/metrics.ts';
import type { RouteHandler } from '../../http/server.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Redactor } from '../../logging/redact.ts';
import type { Dispatcher } from '../../request/dispatcher.ts';
import { Deliveries } from '../../store/deliveries.ts';
import type { Store } from '../../store/store.ts';
import { TeamsConversations } from '../../store/teams-conversations.ts';
import type { ChatAdapter } from '../adapter.ts';
import { TEAMS_MESSAGES_PATH } from './messages-route.ts';
import type { TeamsAdapter, TeamsAdapterOptions } from './teams-adapter.ts';

/** What the composition root hands the Teams adapter. */
export interface TeamsServices {
  store: Store;
  dispatcher: Dispatcher;
  logger: Logger;
  redactor: Redactor;
  metrics: Metrics;
}

/** The Teams adapter as the composition root builds it, when a client id is configured. */
export function createTeamsAdapter(settings: TeamsSettings, services: TeamsServices): ChatAdapter & { route: RouteHandler } {
  const { store, dispatcher, logger, redactor, metrics } = services;
  return new DeferredTeamsAdapter({
    settings,
    dispatch: (request, reply) => dispatcher.dispatch(request, reply),
    deliveries: new Deliveries(store),
    conversations: new TeamsConversations(store),
    logger,
    redact: (text) => redactor.redact(text),
    countRefused: () => metrics.refusedDeliveries.inc({ platform: 'teams' }),
  });
}

/**
 * The Teams adapter, with the Agents SDK loaded when it starts: every command of the CLI imports the composition
 * root, and `check` or `audit` in a cron job should not load (and pay for) a chat platform's SDK they never use.
 * Until it has started, Teams is answered 503 with a Retry-After and sends the activity again.
 */
class DeferredTeamsAdapter implements ChatAdapter {
  readonly name = 'teams';
  readonly ended = new Promise<void>(() => undefined);
  readonly route: RouteHandler = { name: 'teams', handles: (path) => path === TEAMS_MESSAGES_PATH, handle: (req, res) => this.handle(req, res) };
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
