import type { ReplyPort } from '../domain/reply.ts';
import type { ChatRequest } from '../domain/request.ts';

/** How an adapter hands a request on: to the dispatcher, with the reply port it answers through. */
export type Dispatch = (request: ChatRequest, reply: ReplyPort) => Promise<void>;

/**
 * A chat platform's connection to the bot: the console now, Slack and Teams next. main.ts starts every
 * configured adapter the same way and stops them in reverse order.
 */
export interface ChatAdapter {
  readonly name: string;
  /** Connects and begins handing requests to the dispatcher; resolves once it runs. */
  start(): Promise<void>;
  /** Resolves when the adapter has ended on its own (the console's input closed); never for a server-side adapter. */
  readonly ended: Promise<void>;
  /** Stops taking requests and lets those in flight finish. */
  stop(): Promise<void>;
  /** What keeps it from serving (Slack not connected, say), for /readyz; empty when ready. */
  notReady?(): string[];
}
