import type { Config } from '../config/config.ts';
import type { PostUpdates } from '../delivery/post-updates.ts';
import type { ConversationTransport } from '../delivery/transport.ts';
import type { Connector } from '../domain/connector.ts';
import type { Message } from '../domain/message.ts';
import type { ReplyPort } from '../domain/reply.ts';
import type { ChatRequest } from '../domain/request.ts';
import type { Service } from '../domain/service.ts';
import type { RouteHandler } from '../http/server.ts';
import type { Logger } from '../logging/logger.ts';
import type { Store } from '../store/store.ts';

/** How an adapter hands a request on: to the dispatcher, with the reply port it answers through. */
export type Dispatch = (request: ChatRequest, reply: ReplyPort) => Promise<void>;

/**
 * A chat platform's connection to the bot: the console, Slack, Teams next. main.ts starts every configured
 * adapter the same way, after the services it relies on, and stops them in reverse order.
 */
export interface ChatAdapter extends Service {
  /** Connects and begins handing requests to the dispatcher; resolves once it runs. */
  start(): Promise<void>;
  /** Resolves when the adapter has ended on its own (the console's input closed); never for a server-side adapter. */
  readonly ended: Promise<void>;
  /** Stops taking requests and lets those in flight finish. */
  stop(): Promise<void>;
  /** What keeps it from serving (Slack not connected, say), for /readyz; empty when ready. */
  notReady?(): string[];
  /** The endpoints it serves on the bot's HTTP server (Slack's events over HTTP, Teams' messages). */
  readonly routes?: readonly RouteHandler[];
  /** How the outbox posts to its conversations (reports, alerts, the states of operations). */
  transport?(): ConversationTransport;
}

/** What the composition root hands every chat platform: the one request path and the parts of the bot it shares. */
export interface ChatContext {
  dispatch: Dispatch;
  logger: Logger;
  redact: (text: string) => string;
  /** The overview a platform's home view shows (Slack's App Home), built when someone opens it. */
  home: () => Promise<Message>;
  /** The connectors the bot sees (configured and discovered), for a platform's welcome (Teams' card on installation). */
  connectors: () => Promise<readonly Connector[]>;
  /** Counts a delivery the platform refused before its SDK saw it (a signed request of a shape it never sends). */
  countRefused: (platform: string) => void;
  /** The updates of posted messages as they are queued (a request's message once decided), for a platform that answers a press with them. */
  updates: PostUpdates;
  /** A connection to the store of the platform's own, durable as far as the process and closed with the bot. */
  openStore: () => Store;
}

/** Builds a platform's adapter from the configuration; undefined when its settings are absent. */
export type ChatPlatform = (config: Config, context: ChatContext) => ChatAdapter | undefined;
