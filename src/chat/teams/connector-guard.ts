import { HttpError, type ConnectorClient, type HttpRequestConfig } from '@microsoft/agents-hosting';
import { nodeHttpSend } from './connector-transport.ts';

export interface ConnectorCallPolicy {
  /** Each call's limit: the SDK's HTTP client has none, and a Bot Connector that never answers would hold a reply forever. */
  timeoutMs: number;
  /** Calls in all for one request that Teams refused with 429 (it processed nothing); 1: no retry. */
  attempts: number;
  /** A longer Retry-After is not waited for: the call fails, and whoever made it decides. */
  maxRetryAfterMs: number;
}

/**
 * Every call of a connector client (reply, post, update, delete, create conversation) goes through its HTTP client:
 * wrapped there, each gets a timeout, and a 429 is tried again after the time Teams names. A 5xx or a timeout is
 * not: the Bot Connector has no idempotency key, and the message may have been posted.
 */
export function guardConnectorClient(client: ConnectorClient, policy: ConnectorCallPolicy): ConnectorClient {
  const http = client.httpClient;
  const request = nodeHttpSend(http, http.request.bind(http));
  http.request = async <T>(config: HttpRequestConfig) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request<T>({ ...config, signal: AbortSignal.timeout(policy.timeoutMs) });
      } catch (error) {
        const waitMs = error instanceof HttpError && error.status === 429 ? retryAfterMs(error) : undefined;
        if (waitMs === undefined || waitMs > policy.maxRetryAfterMs || attempt >= policy.attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  };
  return client;
}

const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Retry-After in seconds (what the Bot Connector sends) or as an HTTP date; absent: a second. */
export function retryAfterMs(error: HttpError): number {
  const header = error.response.headers.get('retry-after');
  if (header === null) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - Date.now());
}

/** What a failed call tells the log: never the error itself, which carries the whole outgoing activity. */
export function describeConnectorFailure(error: unknown): Record<string, unknown> {
  if (error instanceof HttpError) return { status: error.status, method: error.config.method, code: codeOf(error.response.data) };
  if (error instanceof Error) return { error: error.name === 'TimeoutError' ? 'no answer in time' : error.message };
  return { error: String(error) };
}

function codeOf(data: unknown): string | undefined {
  const code = (data as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
