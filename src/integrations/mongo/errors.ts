import { maskUrlCredentials } from '../../logging/redact.ts';
import type { ConnectFailure } from './types.ts';

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  codeName?: unknown;
  cause?: unknown;
  reason?: { servers?: Map<string, { error?: unknown }> };
}

/**
 * Every error the driver gives for one failed attempt: the error, its causes, and for a failed
 * server selection the last error seen for each server (where "Authentication failed" hides).
 */
function errorChain(error: unknown): ErrorLike[] {
  const seen: ErrorLike[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.length < 20) {
    const next = pending.shift();
    if (!next || typeof next !== 'object' || seen.includes(next as ErrorLike)) continue;
    const e = next as ErrorLike;
    seen.push(e);
    pending.push(e.cause);
    for (const server of e.reason?.servers?.values() ?? []) pending.push(server.error);
  }
  return seen;
}

/** Why a connection could not be made, told apart so the check can name it. */
export function connectFailure(error: unknown): { failure: ConnectFailure; error: string } {
  const chain = errorChain(error);
  const has = (test: (e: ErrorLike) => boolean): boolean => chain.some(test);
  const described = describeMongoError(error);
  if (has((e) => e.code === 18 || e.codeName === 'AuthenticationFailed')) {
    return { failure: 'auth', error: described };
  }
  if (has((e) => e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? ''))) {
    return { failure: 'refused', error: described };
  }
  if (has((e) => e.name === 'MongoParseError' || e.name === 'MongoInvalidArgumentError')) {
    return { failure: 'invalid-uri', error: described };
  }
  if (has((e) => e.name === 'MongoNetworkTimeoutError' || /timed out/i.test(e.message ?? ''))) {
    return { failure: 'timeout', error: described };
  }
  return { failure: 'unreachable', error: described };
}

/** A one-line reason without credentials; "not authorised" named as such (code 13). */
export function describeMongoError(error: unknown): string {
  if (!(error instanceof Error)) return maskUrlCredentials(String(error));
  const code = (error as ErrorLike).code;
  const message = maskUrlCredentials(error.message.split('\n')[0] ?? error.message);
  if (code === 13) return `not authorised: ${message}`;
  // A failed server selection says only "timed out"; the last error per server says why.
  const cause = errorChain(error).slice(1).find((e) => e.message);
  if (error.name === 'MongoServerSelectionError' && cause?.message && !message.includes(cause.message)) {
    return `${message} (${maskUrlCredentials(cause.message)})`;
  }
  return message;
}
