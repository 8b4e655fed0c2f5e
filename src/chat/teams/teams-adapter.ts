import { ActivityTypes, type Activity, type ConversationReference } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import type { TeamsSettings } from '../../config/config.ts';
import { conversationKey, type ChatRequest } from '../../domain/request.ts';
import type { RouteHandler } from '../../http/server.ts';
import type { Connector } from '../../domain/connector.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Deliveries } from '../../store/deliveries.ts';
import { StoreError } from '../../store/store-error.ts';
import type { TeamsConversations } from '../../store/teams-conversations.ts';
import type { PostUpdates } from '../../delivery/post-updates.ts';
import type { ConversationTransport } from '../../delivery/transport.ts';
import type { ChatAdapter, Dispatch } from '../adapter.ts';
import { describeConnectorFailure, type ConnectorCallPolicy } from './connector-guard.ts';
import { answerInvoke, type InvokeAnswer } from './invoke-response.ts';
import { afterPendingAcks } from '../../integrations/cooperative.ts';
import { messagesRoute, TEAMS_MESSAGES_PATH } from './messages-route.ts';
import { TeamsCloudAdapter } from './teams-cloud-adapter.ts';
import { welcomeMessage } from './render-welcome.ts';
import { postedIn, singleCard, TeamsReply } from './teams-reply.ts';
import { teamsTransport } from './teams-transport.ts';
import { buttonCommand, commandText, conversationOf, teamsRequest } from './teams-request.ts';

export interface TeamsAdapterOptions {
  settings: TeamsSettings;
  dispatch: Dispatch;
  deliveries: Deliveries;
  conversations: TeamsConversations;
  logger: Logger;
  redact: (text: string) => string;
  /** The connectors the bot sees, for the welcome card. */
  connectors: () => Promise<readonly Connector[]>;
  /** Counts a request refused before any handler ran. */
  countRefused?: () => void;
  /** The updates of posted cards as they are queued: a press that decides is answered with the card as it now is. */
  updates: PostUpdates;
}

/** Teams' two activities of one installation come together; a reinstallation later is welcomed again. */
const WELCOME_ONCE_MS = 10 * 60_000;

/**
 * How long a press on a card that may change (a request's, an alert's) waits for the card as it now is: the
 * decision is written within milliseconds of the press; Teams gives up on an invoke after about 15 s.
 */
const PRESSED_CARD_WAIT_MS = 3_000;

const RECEIVED: InvokeAnswer = { kind: 'message', text: 'Received: the answer follows in the chat.' };

/** Answers within a request: a call gets 10 s, and one 429 is waited out if Teams asks for at most 5 s. */
const REPLY_CALLS: ConnectorCallPolicy = { timeoutMs: 10_000, attempts: 2, maxRetryAfterMs: 5_000 };

/**
 * The Teams app, on the Microsoft 365 Agents SDK: Teams posts activities to /api/messages on the bot's own server
 * (see messages-route.ts for what is checked before any of them is handled). A message is the same request as a
 * Slack command (`connector health` in a personal chat, `@connector-ops connector health` in a channel), answered
 * through the same dispatcher; its turn ends before the request runs, and the answers are posted after it, as
 * Adaptive Cards. A card's button (an `adaptiveCard/action` invoke) is a request of the person who pressed it. A
 * redelivered activity runs nothing; where the bot is installed or messaged is remembered, for later posts (the
 * outbox's, through `outbound`), and an installation is welcomed with a card.
 */
export class TeamsAdapter implements ChatAdapter {
  readonly name = 'teams';
  /** A server-side adapter does not end on its own. */
  readonly ended = new Promise<void>(() => undefined);
  readonly routes: readonly RouteHandler[];
  private readonly outbound: ConversationTransport;

  private readonly options: TeamsAdapterOptions;
  private readonly adapter: TeamsCloudAdapter;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: TeamsAdapterOptions) {
    this.options = options;
    this.adapter = new TeamsCloudAdapter(options.settings, REPLY_CALLS, options.logger);
    this.routes = [
      messagesRoute({
      adapter: this.adapter,
      logic: (context) => this.turn(context),
      logger: options.logger,
      ...(options.countRefused && { countRefused: options.countRefused }),
    }),
    ];
    this.outbound = teamsTransport({ adapter: this.adapter, conversations: options.conversations, redact: options.redact });
  }

  /** Posting into Teams conversations outside of any request (reports, alerts, the states of operations), for the outbox. */
  transport(): ConversationTransport {
    return this.outbound;
  }

  async start(): Promise<void> {
    this.options.logger.info({ path: TEAMS_MESSAGES_PATH, appId: this.options.settings.clientId }, 'Teams adapter ready');
  }

  /** Lets the answers under way be posted. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async turn(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.type === ActivityTypes.Message) return this.message(activity);
    if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') return this.action(context);
    if (activity.type === ActivityTypes.ConversationUpdate && activity.membersAdded?.some((member) => member.id === activity.recipient?.id)) {
      this.remember(activity);
      this.options.logger.info({ conversationType: activity.conversation?.conversationType }, 'Teams: the app was added to a conversation');
      this.welcome(activity);
    }
    if (activity.type === ActivityTypes.InstallationUpdate) {
      if (activity.action === 'remove') this.forget(activity);
      else this.remember(activity);
      if (activity.action === 'add') this.welcome(activity);
    }
  }

  /**
   * A message: its turn ends at once (Teams has its answer); its work comes after the answers of the activities
   * waiting behind it. Teams sends an activity again when its answer was late: the first claim of it runs, in any
   * bot process.
   */
  private message(activity: Activity): void {
    const request = teamsRequest(activity, commandText(activity));
    const reference = activity.getConversationReference();
    this.afterPendingAnswers(() => void this.run(activity, `teams:activity:${activity.conversation?.id}:${activity.id}`, request, reference));
  }

  /**
   * A button of one of our cards (Action.Execute): its command runs as if the person who pressed it had typed it,
   * answered in the chat below the card. The invoke is answered always with HTTP 200 (Teams shows "Unable to reach
   * app" for anything else, and presses again when no answer came in time). A card that may change (a request's,
   * an alert's) is answered with the card as the press made it, when its update is queued within a few seconds (the
   * outbox still updates it for everyone, and nothing waits for either); any other press at once, as a message is.
   */
  private async action(context: TurnContext): Promise<void> {
    const { activity } = context;
    const command = buttonCommand(activity.value);
    if (command === undefined) return answerInvoke(context, { kind: 'error', statusCode: 400, code: 'BadRequest', text: 'This button is not one of connector-ops.' });
    const key = `teams:invoke:${activity.conversation?.id}:${activity.id}`;
    const request = teamsRequest(activity, command, 'button');
    const { activityId: _invoke, ...where } = activity.getConversationReference();
    // Answers go below the card pressed: the message holding it is the one the invoke replies to.
    const reference = { ...where, ...(activity.replyToId && { activityId: activity.replyToId }) } as ConversationReference;
    const pressed = activity.replyToId ? postedIn(activity.conversation?.id ?? '', activity.replyToId).id : undefined;
    if (pressed === undefined || !this.inStoreOr(() => this.options.updates.updatable(pressed), false)) {
      this.afterPendingAnswers(() => void this.run(activity, key, request, reference));
      return answerInvoke(context, RECEIVED);
    }
    const waited = new AbortController();
    const timer = setTimeout(() => waited.abort(), PRESSED_CARD_WAIT_MS);
    try {
      const updated = this.options.updates.next(pressed, waited.signal);
      const done = this.run(activity, key, request, reference);
      if (!done) return answerInvoke(context, { kind: 'message', text: 'Already received: the answer follows in the chat.' });
      const card = await Promise.race([updated, done.then(() => undefined)]);
      answerInvoke(context, card ? { kind: 'card', card: singleCard(card, this.options.redact) } : RECEIVED);
    } finally {
      clearTimeout(timer);
      waited.abort();
    }
  }

  /** A message's or a press's request, unless it was delivered before (undefined then): remembered where, and handed on. */
  private run(activity: Activity, key: string, request: ChatRequest, reference: ConversationReference): Promise<void> | undefined {
    if (activity.id && !this.firstDelivery(key)) return undefined;
    this.remember(activity);
    return this.handOn(request, reference);
  }

  /** Work of an activity answered already, after the answers of those queued behind it: a burst is answered first, then worked through. */
  private afterPendingAnswers(work: () => void): void {
    void this.track(
      afterPendingAcks()
        .then(work)
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'Teams: an activity could not be handled')),
    );
  }

  /** Through the dispatcher, answered through a reply port of its own; resolves when the request is done. */
  private handOn(request: ChatRequest, reference: ConversationReference): Promise<void> {
    const reply = new TeamsReply({ adapter: this.adapter, reference, redact: this.options.redact });
    return this.track(this.options.dispatch(request, reply).catch((error: unknown) => this.options.logger.error({ err: error }, 'Teams: a request failed')));
  }

  /**
   * The welcome card, Teams' counterpart of Slack's App Home: what to type there and which connectors the bot sees,
   * posted into the conversation the app was installed in. Teams tells of one installation twice (the bot among the
   * members added, and the installation itself): the first of them within a few minutes welcomes.
   */
  private welcome(activity: Activity): void {
    const where = this.whereOf(activity);
    if (!this.firstDelivery(`teams:welcome:${conversationKey(conversationOf(activity))}:${Math.floor(Date.now() / WELCOME_ONCE_MS)}`)) return;
    const place = activity.conversation?.conversationType === 'personal' ? 'personal' : 'channel';
    const reply = new TeamsReply({ adapter: this.adapter, reference: where, redact: this.options.redact });
    this.track(
      this.options
        .connectors()
        .then((connectors) => reply.post(welcomeMessage(connectors, place, activity.recipient?.name || undefined), 'conversation'))
        .then(
          () => undefined,
          (error: unknown) => this.options.logger.warn({ ...describeConnectorFailure(error) }, 'Teams: could not post the welcome card'),
        ),
    );
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** Where a conversation is reached, kept for posts outside of any request; a store that fails is logged, and the request goes on. */
  private remember(activity: Activity): void {
    const where = this.whereOf(activity);
    this.inStore(() => this.options.conversations.remember(conversationKey(conversationOf(activity)), where, new Date()));
  }

  /** A channel's reference names the channel itself, not the thread the message came in: later posts start threads of their own. */
  private whereOf(activity: Activity): ConversationReference {
    const { activityId: _message, ...reference } = activity.getConversationReference();
    return { ...reference, conversation: { ...reference.conversation, id: conversationOf(activity).id } };
  }

  private forget(activity: Activity): void {
    this.inStore(() => this.options.conversations.forget(conversationKey(conversationOf(activity))));
    this.options.logger.info({ conversationType: activity.conversation?.conversationType }, 'Teams: the app was removed from a conversation');
  }

  /**
   * True for the first delivery of a key, false for a redelivery. When the store cannot record it, the request goes
   * on all the same: the person is answered, and what needs the store is refused by the dispatcher with the cause.
   */
  private firstDelivery(key: string): boolean {
    return this.inStoreOr(() => this.options.deliveries.claim(key, new Date()), true);
  }

  private inStore(work: () => void): void {
    this.inStoreOr(work, undefined);
  }

  private inStoreOr<T>(work: () => T, otherwise: T): T {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.options.logger.warn({ err: error }, 'Teams: the store could not record or read an activity');
      return otherwise;
    }
  }
}
