import type { Middleware } from '../context.ts';

/** Logs each request's verb, actor and duration; the context's logger is already bound to the request id. */
export const logRequest: Middleware = async (context, next) => {
  const started = performance.now();
  const { request } = context;
  try {
    await next();
  } finally {
    context.logger.info(
      {
        verb: context.command?.verb ?? 'invalid',
        platform: request.conversation.platform,
        actor: request.actor.id,
        origin: request.origin,
        ms: Math.round(performance.now() - started),
      },
      'request handled',
    );
  }
};
