import type { Platform } from '../../domain/request.ts';
import type { Middleware } from '../context.ts';

/** Counts each request by verb (`invalid` when it did not parse) and platform, once it is handled. */
export function countRequests(count: (verb: string, platform: Platform) => void): Middleware {
  return async (context, next) => {
    try {
      await next();
    } finally {
      count(context.command?.verb ?? 'invalid', context.request.conversation.platform);
    }
  };
}
