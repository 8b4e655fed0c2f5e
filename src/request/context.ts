import type { Command } from '../domain/command.ts';
import type { ReplyPort } from '../domain/reply.ts';
import type { ChatRequest } from '../domain/request.ts';
import type { VerbName, VerbSpec } from '../domain/verbs.ts';
import type { Logger } from '../logging/logger.ts';

/** One request on its way through the middleware to its verb handler: a context per request, as Probot has per event. */
export interface RequestContext {
  request: ChatRequest;
  reply: ReplyPort;
  /** Bound to the request id. */
  logger: Logger;
  /** Set by the parse middleware. */
  command?: Command;
  spec?: VerbSpec;
}

/** What the handler of the verbs `V` is given: the context with the command parsed, typed by its verb. */
export type VerbContext<V extends VerbName = VerbName> = RequestContext & { command: Command<V>; spec: VerbSpec };

export type Middleware = (context: RequestContext, next: () => Promise<void>) => Promise<void>;

/**
 * Runs the middleware in order, each deciding whether the rest runs by calling `next` (once), the last
 * step after them all. Modelled on bolt-js's processMiddleware.
 */
export async function runMiddleware(
  middleware: readonly Middleware[],
  context: RequestContext,
  last: (context: RequestContext) => Promise<void>,
): Promise<void> {
  const step = async (index: number): Promise<void> => {
    const current = middleware[index];
    if (!current) return last(context);
    let called = false;
    await current(context, () => {
      if (called) throw new Error('next() called twice by one middleware');
      called = true;
      return step(index + 1);
    });
  };
  await step(0);
}
