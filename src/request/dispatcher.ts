import { textMessage } from '../domain/message.ts';
import type { ReplyPort } from '../domain/reply.ts';
import type { ChatRequest } from '../domain/request.ts';
import type { CommandOf } from '../domain/command.ts';
import type { VerbName } from '../domain/verbs.ts';
import type { Logger } from '../logging/logger.ts';
import { StoreError } from '../store/store-error.ts';
import { runMiddleware, type Middleware, type RequestContext, type VerbContext } from './context.ts';
import { GuardedReply } from './reply-guard.ts';

/** Handles the commands of the verbs `V`. */
export type VerbHandler<V extends VerbName = VerbName> = (context: VerbContext<V>) => Promise<void>;

/** A handler for every verb, given that verb's command: a new verb is a spec in domain/verbs.ts and one entry here, nothing else. */
export type VerbTable = { [V in VerbName]: VerbHandler<V> };

export interface DispatcherOptions {
  verbs: VerbTable;
  /** Run in order around every verb handler, for every adapter. */
  middleware: readonly Middleware[];
  logger: Logger;
  /** Slack's limit for acknowledging; the strictest of the platforms. */
  ackDeadlineMs?: number;
}

const DEFAULT_ACK_DEADLINE_MS = 3_000;

/**
 * Where every adapter hands its requests: acknowledged at once (no check runs before the acknowledgement),
 * then the middleware, then the verb's handler. Never throws: a failure of ours becomes a short private
 * message, and the stack goes to the log only.
 */
export class Dispatcher {
  private readonly options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.options = options;
  }

  async dispatch(request: ChatRequest, port: ReplyPort): Promise<void> {
    const logger = this.options.logger.child({ requestId: request.id });
    const reply = new GuardedReply(port, { requestId: request.id, logger, ackDeadlineMs: this.options.ackDeadlineMs ?? DEFAULT_ACK_DEADLINE_MS });
    const context: RequestContext = { request, reply, logger };
    try {
      await reply.acknowledge();
      await runMiddleware(this.options.middleware, context, (ready) => this.runVerb(ready));
    } catch (error) {
      logger.error({ err: error }, 'request failed');
      const verb = context.command ? `"/connector ${context.command.verb}"` : 'The request';
      // A store that stopped taking writes midway is no mystery: its message names the file, the cause and the fix.
      const what = error instanceof StoreError ? `could not be recorded: ${error.message}` : `failed unexpectedly: ${(error as Error).message}. The bot keeps running; see its log.`;
      await reply
        .post(textMessage(`${verb} ${what}`, 'unknown'), 'private')
        .catch((postError: unknown) => logger.warn({ err: postError }, 'could not tell of the failure'));
    } finally {
      reply.close();
    }
  }

  private async runVerb(context: RequestContext): Promise<void> {
    const { command, spec } = context;
    if (!command || !spec) throw new Error('no command parsed before the verb handler');
    await handle(this.options.verbs, { ...context, command, spec });
  }
}

/** The verb's own handler, given its command: indexed by the command's verb, so the two cannot be mismatched. */
function handle<V extends VerbName>(verbs: VerbTable, context: VerbContext<V> & { command: CommandOf<V> }): Promise<void> {
  return verbs[context.command.verb](context);
}
