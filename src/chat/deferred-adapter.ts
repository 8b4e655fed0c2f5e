import type { IncomingMessage, ServerResponse } from 'node:http';
import { RetryLaterError, type ConversationTransport } from '../delivery/transport.ts';
import type { RouteHandler } from '../http/server.ts';
import type { ChatAdapter } from './adapter.ts';

export interface DeferredAdapterOptions {
  /** The platform, as the adapter and its transport name it (`slack`, `teams`). */
  name: string;
  /** The paths the adapter serves on the bot's HTTP server, known before its module loads. */
  paths: readonly string[];
  /** Imports the adapter's module (and with it the platform's SDK) and builds the adapter. */
  load: () => Promise<ChatAdapter>;
}

const RETRY_AFTER_SECONDS = 5;

/**
 * A chat platform's adapter with its module (and SDK) loaded when it starts: every command of the CLI may build
 * the composition root, and `audit` in a cron job should not load, and pay for, a chat SDK it never uses. Until
 * the adapter has started, its endpoints answer 503 with a Retry-After, and the outbox is asked to come again.
 */
export class DeferredAdapter implements ChatAdapter {
  readonly name: string;
  /** A server-side adapter does not end on its own. */
  readonly ended = new Promise<void>(() => undefined);
  readonly routes: readonly RouteHandler[];
  private readonly options: DeferredAdapterOptions;
  private adapter?: ChatAdapter;
  private outbound?: ConversationTransport;

  constructor(options: DeferredAdapterOptions) {
    this.options = options;
    this.name = options.name;
    this.routes = options.paths.map((path) => ({ name: options.name, handles: (candidate: string) => candidate === path, handle: (req: IncomingMessage, res: ServerResponse) => this.handle(path, req, res) }));
  }

  async start(): Promise<void> {
    const adapter = await this.options.load();
    await adapter.start();
    this.outbound = adapter.transport?.();
    this.adapter = adapter;
  }

  /** The started adapter's; until then, the outbox is asked to come again. */
  transport(): ConversationTransport {
    const started = (): ConversationTransport => {
      const transport = this.outbound;
      if (!transport) throw new RetryLaterError(RETRY_AFTER_SECONDS * 1000, `the ${this.name} adapter has not started yet`);
      return transport;
    };
    return {
      platform: this.name,
      post: (conversation, message, options) => started().post(conversation, message, options),
      update: (conversation, ref, message) => started().update(conversation, ref, message),
    };
  }

  notReady(): string[] {
    return this.adapter ? (this.adapter.notReady?.() ?? []) : [`${this.name} (not started)`];
  }

  async stop(): Promise<void> {
    await this.adapter?.stop();
  }

  private handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const route = this.adapter?.routes?.find((candidate) => candidate.handles(path, req));
    if (route) return route.handle(req, res);
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': String(RETRY_AFTER_SECONDS) }).end(`${this.name} adapter not started\n`);
  }
}
