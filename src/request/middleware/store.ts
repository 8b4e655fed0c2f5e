import { textMessage } from '../../domain/message.ts';
import type { Middleware } from '../context.ts';

/** Whether the store can be written, as the request layer needs to know it. */
export interface StoreCondition {
  /** Why the store could not be written when last tried; undefined while it could. */
  problem(): string | undefined;
  /** Tries a write now (a broken store may have mended since): why it cannot be written, or undefined. */
  retry(): string | undefined;
}

/**
 * While the store cannot be written (a full disk, a read-only mount), a verb that records something (every
 * operation, a decision, a subscription, a silence) is refused with the cause and the fix, before anything of it
 * runs; a verb that only looks still runs, after a note that the store is broken. Either way the person is answered.
 */
export function requireWritableStore(store: StoreCondition): Middleware {
  return async (context, next) => {
    const { spec } = context;
    if (!spec || store.problem() === undefined) return next();
    const problem = spec.operation || spec.records ? store.retry() : store.problem();
    if (problem === undefined) return next();
    if (spec.operation || spec.records) {
      context.logger.warn({ verb: spec.verb }, 'request refused: the store cannot be written');
      await context.reply.post(textMessage(`Cannot record this request: ${problem}`, 'critical'), 'private');
      return;
    }
    await context.reply.post(
      textMessage(`Note: ${problem} Until it can, operations, decisions, subscriptions and silences are refused; looking still works.`, 'warn'),
      'private',
    );
    await next();
  };
}
