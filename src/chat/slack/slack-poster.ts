import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logging/logger.ts';

const MAX_ATTEMPTS = 5;
/** Slack allows about one message per second per channel. */
const CHANNEL_SPACING_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/** A Slack Web API error as the client throws it: a rate limit, or Slack's own `{ ok: false, error }`. */
interface SlackError {
  code?: string;
  retryAfter?: number;
  data?: { error?: string };
  statusCode?: number;
}

/** Slack's own answer: posting again would not help. */
export function slackErrorOf(error: unknown): string | undefined {
  return (error as SlackError).data?.error;
}

/**
 * Every post to Slack goes through here: one queue per channel, so that a 429 in one busy channel (whose
 * Retry-After is honoured) does not stall the others, as the Web API client's own pause of all calls would;
 * about one message a second per channel; a failure of the network or a 5xx retried with backoff. A post
 * that still fails is reported to the caller, never thrown past the adapter.
 */
export class SlackPoster {
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly lastPost = new Map<string, number>();

  constructor(client: WebClient, logger: Logger) {
    this.client = client;
    this.logger = logger;
  }

  /** Calls a Web API method for a channel, after what the channel already has queued. */
  call<T = Record<string, unknown>>(channel: string, method: string, args: Record<string, unknown>): Promise<T> {
    const previous = this.queues.get(channel) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.attempt<T>(channel, method, args));
    this.queues.set(channel, next);
    void next.finally(() => {
      if (this.queues.get(channel) === next) this.queues.delete(channel);
    }).catch(() => undefined);
    return next;
  }

  private async attempt<T>(channel: string, method: string, args: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const wait = (this.lastPost.get(channel) ?? 0) + CHANNEL_SPACING_MS - Date.now();
      if (wait > 0) await sleep(wait);
      this.lastPost.set(channel, Date.now());
      try {
        return (await this.client.apiCall(method, args)) as T;
      } catch (error) {
        const slack = error as SlackError;
        if (slackErrorOf(error) || attempt >= MAX_ATTEMPTS) throw error;
        const delayMs =
          slack.code === 'slack_webapi_rate_limited_error' && slack.retryAfter !== undefined
            ? slack.retryAfter * 1000
            : Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
        this.logger.warn({ method, channel, attempt, delayMs, code: slack.code }, 'Slack call failed; retrying');
        await sleep(delayMs);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
