import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, SocketModeReceiver, type BlockAction, type ButtonAction } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { SlackSettings } from '../../config/config.ts';
import type { RouteHandler } from '../../http/server.ts';
import { afterPendingAcks } from '../../integrations/cooperative.ts';
import { describeFailure } from '../../integrations/http/timeout.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Deliveries } from '../../store/deliveries.ts';
import { StoreError } from '../../store/store-error.ts';
import type { ChatAdapter, Dispatch } from '../adapter.ts';
import { boltLogger } from './bolt-logger.ts';
import { SLACK_EVENTS_PATH } from './events-path.ts';
import type { Message } from '../../domain/message.ts';
import { COMMAND_ACTION_PREFIX, renderSlack } from './render.ts';
import { SlackGroups } from './slack-groups.ts';
import { SlackPeople } from './slack-people.ts';
import { slackErrorOf, SlackPoster } from './slack-poster.ts';
import { SlackReply } from './slack-reply.ts';
import { screenSocketMessages } from './screen.ts';
import { SlackHttpReceiver } from './http-receiver.ts';
import { slackTransport } from './slack-transport.ts';
import type { ConversationTransport } from '../../delivery/transport.ts';
import { slackRequest } from './slack-request.ts';
import { SLASH_COMMAND_MATCHER } from './slash-commands.ts';

export interface SlackAdapterOptions {
  settings: SlackSettings;
  dispatch: Dispatch;
  deliveries: Deliveries;
  /** The `slack:@handle` groups the access settings name: their members are resolved for roles. */
  groupHandles: readonly string[];
  logger: Logger;
  redact: (text: string) => string;
  /** The overview the App Home tab shows, built when someone opens it. */
  home?: () => Promise<Message>;
  /** Counts a delivery refused before Bolt saw it (see delivery-shape.ts). */
  countRefused?: () => void;
}

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;
/** Button actions of ours, as the renderer names them. */
const COMMAND_ACTION = new RegExp(`^${COMMAND_ACTION_PREFIX.replace(/\./g, '\\.')}`);
const FATAL_AUTH = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/**
 * The Slack app: `/connector` and the buttons of our messages, in Socket Mode (app token) or over HTTP
 * (signing secret, /slack/events on the bot's own server). It makes sure of what Bolt leaves open: its own
 * auth.test with retries before Bolt starts (Bolt caches a failed one for good), a watchdog on the socket,
 * deduplication of redeliveries in the store, and a receiver of its own over HTTP (http-receiver.ts).
 */
export class SlackAdapter implements ChatAdapter {
  readonly name = 'slack';
  /** A server-side adapter does not end on its own. */
  readonly ended = new Promise<void>(() => undefined);
  readonly routes: RouteHandler[] = [];

  private readonly options: SlackAdapterOptions;
  private readonly client: WebClient;
  private readonly poster: SlackPoster;
  private readonly groups: SlackGroups;
  private readonly people: SlackPeople;
  private app?: App;
  private httpReceiver?: SlackHttpReceiver;
  private socketReceiver?: SocketModeReceiver;
  private connected = false;
  private problem = 'not started';
  private stopping = false;
  private connecting?: Promise<void>;

  constructor(options: SlackAdapterOptions) {
    this.options = options;
    const { settings, logger } = options;
    // Our calls retry per channel themselves (SlackPoster); the client must neither retry for half an hour nor pause every call on one 429.
    this.client = new WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: boltLogger(logger) });
    this.poster = new SlackPoster(this.client, logger);
    this.groups = new SlackGroups(this.client, options.groupHandles, logger);
    this.people = new SlackPeople(this.client, logger);
    if (settings.mode === 'http') {
      this.routes.push({ name: 'slack', handles: (path) => path === SLACK_EVENTS_PATH, handle: (req, res) => this.handleHttp(req, res) });
    }
  }

  /** Connects in the background: a Slack that is down at start delays the adapter, never the bot. */
  async start(): Promise<void> {
    this.connecting = this.connect();
  }

  /** Posting into Slack channels outside of any request (daily reports, alerts, the states of operations), for the outbox. */
  transport(): ConversationTransport {
    return slackTransport({ poster: this.poster, logger: this.options.logger, redact: this.options.redact });
  }

  notReady(): string[] {
    return this.connected ? [] : [`slack (${this.problem})`];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.socketReceiver?.stop().catch(() => undefined);
    await this.connecting?.catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const { settings, logger } = this.options;
    const identity = await this.authenticate();
    if (!identity) return;
    // At start, so that a workspace without user groups (a free plan) is told at once, not at the first click.
    void this.groups.refresh();
    const slackLogger = boltLogger(logger);
    if (settings.mode === 'socket') {
      if (settings.signingSecretUnused) logger.info('Slack: SLACK_SIGNING_SECRET is set but not used: SLACK_APP_TOKEN selects Socket Mode, where Slack signs nothing');
      this.socketReceiver = new SocketModeReceiver({
        appToken: settings.appToken,
        logger: slackLogger,
        installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl, retryConfig: { retries: 2 } } } as never,
      });
      this.watch(this.socketReceiver);
      screenSocketMessages(this.socketReceiver.client, (problem, envelopeId) => this.refused({ mode: 'socket', problem, ...(envelopeId && { envelopeId }) }));
    } else {
      this.httpReceiver = new SlackHttpReceiver({
        signingSecret: settings.signingSecret,
        logger: logger.child({ component: 'slack' }),
        refused: (problem) => this.refused({ mode: 'http', problem }),
      });
    }
    this.app = new App({
      token: settings.botToken,
      botId: identity.botId,
      botUserId: identity.userId,
      receiver: this.socketReceiver ?? this.httpReceiver!,
      logger: slackLogger,
      // The client Bolt hands to listeners would inherit 100 retries in Socket Mode: we post through our own.
      clientOptions: { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 } },
      // No conversation state is kept: Bolt's default store would make (and throw away) an Error for every delivery before its ack.
      convoStore: false,
    });
    this.listen(this.app);
    if (this.socketReceiver) {
      this.problem = 'opening the Socket Mode connection';
      await this.app.start().catch((error: unknown) => {
        this.problem = `Socket Mode: ${slackErrorOf(error) ?? describeFailure(error)}`;
        logger.error({ err: error }, 'Slack Socket Mode could not connect; it keeps trying');
      });
    } else {
      this.connected = true;
      this.problem = 'connected';
      logger.info({ mode: 'http', path: SLACK_EVENTS_PATH }, 'Slack adapter ready');
    }
  }

  /** auth.test, retried with backoff until Slack answers; a rejected token is said plainly (and retried slowly). */
  private async authenticate(): Promise<{ botId: string; userId: string } | undefined> {
    const { logger } = this.options;
    for (let delay = FIRST_RETRY_MS; !this.stopping; delay = Math.min(MAX_RETRY_MS, delay * 2)) {
      try {
        const auth = (await this.client.auth.test()) as { bot_id?: string; user_id?: string; team?: string };
        logger.info({ team: auth.team, botUserId: auth.user_id }, 'Slack: auth.test accepted the bot token');
        return { botId: auth.bot_id ?? '', userId: auth.user_id ?? '' };
      } catch (error) {
        const why = slackErrorOf(error);
        this.problem = `auth.test: ${why ?? describeFailure(error)}`;
        if (why && FATAL_AUTH.has(why)) logger.error({ error: why }, 'Slack rejected SLACK_BOT_TOKEN; check the token (it is retried every minute)');
        else logger.warn({ err: error, retryInMs: delay }, 'Slack is not reachable; retrying');
        await new Promise((resolve) => setTimeout(resolve, why && FATAL_AUTH.has(why) ? MAX_RETRY_MS : delay).unref());
      }
    }
    return undefined;
  }

  /** The socket's state is the adapter's readiness; the client reconnects by itself, the watchdog tells. */
  private watch(receiver: SocketModeReceiver): void {
    const client = receiver.client;
    client.on('connected', () => {
      this.connected = true;
      this.problem = 'connected';
      this.options.logger.info('Slack Socket Mode connected');
    });
    // A connection that drops ends in 'close' and a reconnection, without 'disconnected' (that one comes only
    // when the client gives up or is stopped): both say the socket is gone.
    const gone = () => {
      if (!this.connected) return;
      this.connected = false;
      this.problem = `Socket Mode disconnected since ${new Date().toISOString()}`;
      if (!this.stopping) this.options.logger.warn('Slack Socket Mode disconnected; reconnecting');
    };
    client.on('close', gone);
    client.on('disconnected', gone);
  }

  private listen(app: App): void {
    const { settings, logger } = this.options;
    const reply = (ack: () => Promise<void>, channel: string, responseUrl?: string) =>
      new SlackReply({ ack, channel, ...(responseUrl && { responseUrl }), poster: this.poster, reportsInChannel: settings.reportsInChannel, logger, redact: this.options.redact });

    app.command(SLASH_COMMAND_MATCHER, async ({ command, ack }) => {
      // Acknowledged before anything that could wait on Slack (names, groups): Slack allows 3 s.
      const acknowledged = ack();
      // The deliveries waiting behind this one get their acknowledgements before its work goes on.
      await afterPendingAcks();
      // A redelivery (Socket Mode retries, a replayed HTTP request) is acknowledged and runs nothing.
      if (!this.firstDelivery(`slack:command:${command.trigger_id}`)) return acknowledged;
      const request = slackRequest({
        text: command.text,
        userId: command.user_id,
        userName: await this.people.nameOf(command.user_id, command.user_name),
        channelId: command.channel_id,
        channelName: command.channel_name,
        origin: 'typed',
        groups: await this.groups.of(command.user_id),
      });
      await this.options.dispatch(request, reply(() => acknowledged, command.channel_id, command.response_url));
    });

    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: COMMAND_ACTION }, async ({ action, body, ack }) => {
      const acknowledged = ack();
      await afterPendingAcks();
      if (!this.firstDelivery(`slack:action:${body.user.id}:${action.action_ts}:${action.action_id}`)) return acknowledged;
      // A button of the App Home tab has no channel: its answers go to the app's direct messages with the person.
      const channel = body.channel?.id ?? body.container?.channel_id ?? body.user.id;
      const request = slackRequest({
        text: action.value ?? '',
        userId: body.user.id,
        userName: await this.people.nameOf(body.user.id, body.user.name ?? body.user.username ?? body.user.id),
        channelId: channel,
        ...(body.channel?.name && { channelName: body.channel.name }),
        origin: 'button',
        groups: await this.groups.of(body.user.id),
      });
      await this.options.dispatch(request, reply(() => acknowledged, channel, body.response_url));
    });

    app.event('app_home_opened', async ({ event, body }) => {
      const home = this.options.home;
      if (!home || event.tab !== 'home') return;
      if (!this.firstDelivery(`slack:event:${(body as { event_id?: string }).event_id ?? `${event.user}:${event.event_ts}`}`)) return;
      try {
        const rendered = renderSlack(await home());
        await this.poster.call(event.user, 'views.publish', { user_id: event.user, view: { type: 'home', blocks: rendered.blocks } });
      } catch (error) {
        logger.warn({ err: error }, 'could not publish the Slack App Home');
      }
    });

    app.error(async (error) => {
      logger.error({ err: error }, 'Slack listener failed');
    });
  }

  /**
   * True for the first delivery of a key, false for a redelivery. When the store cannot record it, the request goes
   * on all the same (acknowledged first, Slack has no reason to send it again): the person is answered, and what
   * needs the store is refused by the dispatcher with the cause.
   */
  private firstDelivery(key: string): boolean {
    try {
      return this.options.deliveries.claim(key, new Date());
    } catch (error) {
      if (error instanceof StoreError) return true;
      throw error;
    }
  }

  /** HTTP mode: until the adapter has authenticated and built its app, Slack is asked to come again. */
  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.httpReceiver || !this.app) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '10' }).end(`slack adapter not ready: ${this.problem}\n`);
      return;
    }
    await this.httpReceiver.handle(req, res);
  }

  private refused(what: { mode: 'http' | 'socket'; problem: string; envelopeId?: string }): void {
    this.options.logger.warn(what, 'Slack delivery refused before any handler ran');
    this.options.countRefused?.();
  }
}
