import { DeliveryRefusedError } from './transport.ts';

/** What to do after a failed attempt: try again (after `afterMs` when the platform said so), or give up at once. */
export type Verdict = { retry: true; afterMs?: number } | { retry: false };

const MAX_BACKOFF_MS = 5 * 60_000;

/** Slack errors that say "not now" rather than "no": its documented transient ones. */
const SLACK_TRANSIENT = new Set(['ratelimited', 'internal_error', 'service_unavailable']);

interface TransportError {
  retryAfterMs?: unknown;
  code?: unknown;
  retryAfter?: unknown;
  data?: { error?: unknown };
  message?: unknown;
}

/**
 * A transport's `DeliveryRefusedError` is final; its `RetryLaterError` (or any error with `retryAfterMs`) and Slack's rate limit are retried when
 * the platform said; Slack's own refusal (`data.error`, e.g. channel_not_found) is final; anything else (the
 * network, a 5xx) is retried with backoff.
 */
export function verdictOf(error: unknown): Verdict {
  if (error instanceof DeliveryRefusedError) return { retry: false };
  const e = (error ?? {}) as TransportError;
  if (typeof e.retryAfterMs === 'number') return { retry: true, afterMs: e.retryAfterMs };
  if (e.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') return { retry: true, afterMs: e.retryAfter * 1000 };
  if (typeof e.data?.error === 'string') return SLACK_TRANSIENT.has(e.data.error) ? { retry: true } : { retry: false };
  return { retry: true };
}

/** 1 s after the first failed attempt, then 2 s, 4 s … at most 5 min. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempt - 1));
}

/** One line for the log and the store: Slack's error code when it gave one. */
export function describeError(error: unknown): string {
  const e = (error ?? {}) as TransportError;
  if (typeof e.data?.error === 'string') return `refused: ${e.data.error}`;
  return typeof e.message === 'string' ? e.message : String(error);
}
