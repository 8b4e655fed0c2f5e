import { describeFailure, withTimeout } from '../http/timeout.ts';
import type {
  ApiAnswer,
  HealthAnswer,
  HealthBody,
  IdentityInfo,
  SupportInfo,
  SyncInfo,
  VersionInfo,
} from './types.ts';
import { isObject } from '../is-object.ts';

export interface ConnectorApiTarget {
  url: string;
  apiKey?: string;
  apiKeyHeader: string;
}

const DEFAULT_TIMEOUT_MS = 8_000;

/** The Connector's HTTP API: /health, the monitoring routes and the account routes (v7 and v6 prefixes). */
export class ConnectorApiClient {
  private readonly timeoutMs: number;

  constructor(timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.timeoutMs = timeoutMs;
  }

  async health(target: ConnectorApiTarget, signal?: AbortSignal): Promise<HealthAnswer> {
    let response: Response;
    try {
      response = await fetch(joinUrl(target.url, '/health'), {
        signal: withTimeout(signal, this.timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      return { kind: 'unreachable', reason: describeFailure(error), ...this.timedOut(error, signal) };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { kind: 'unreachable', reason: `HTTP ${response.status} with a body that is not JSON` };
    }
    if (!isHealthBody(body)) {
      return { kind: 'unreachable', reason: `HTTP ${response.status} with a body that is not the health report` };
    }
    // Before 6.14.4 /health answered 200 even when unhealthy: the body decides, not the status alone.
    if (response.status === 200 && body.isHealthy) return { kind: 'healthy', httpStatus: 200, body };
    if (response.status === 200 || response.status === 500) {
      return { kind: 'unhealthy', httpStatus: response.status, body };
    }
    return { kind: 'unreachable', reason: `HTTP ${response.status} from /health` };
  }

  version(target: ConnectorApiTarget, signal?: AbortSignal): Promise<ApiAnswer<VersionInfo>> {
    return this.getJson(target, '/Monitoring/Version', signal, (body) =>
      isObject(body) && typeof body.version === 'string' ? (body as unknown as VersionInfo) : undefined,
    );
  }

  support(target: ConnectorApiTarget, signal?: AbortSignal): Promise<ApiAnswer<SupportInfo>> {
    return this.getJson(target, '/Monitoring/Support', signal, (body) =>
      isObject(body) ? (body as SupportInfo) : undefined,
    );
  }

  identityInfo(target: ConnectorApiTarget, signal?: AbortSignal): Promise<ApiAnswer<IdentityInfo>> {
    return this.getAccount(target, 'IdentityInfo', signal, (result) =>
      isObject(result) && typeof result.address === 'string' ? (result as unknown as IdentityInfo) : undefined,
    );
  }

  syncInfo(target: ConnectorApiTarget, signal?: AbortSignal): Promise<ApiAnswer<SyncInfo>> {
    return this.getAccount(target, 'SyncInfo', signal, (result) => (isObject(result) ? (result as SyncInfo) : undefined));
  }

  /** Our own time limit ran out (not the caller's): the route accepted the call and did not answer. */
  private timedOut(error: unknown, signal: AbortSignal | undefined): { timedOutMs?: number } {
    const ours = error instanceof Error && error.name === 'TimeoutError' && !signal?.aborted;
    return ours ? { timedOutMs: this.timeoutMs } : {};
  }

  /** Asks the Connector to sync with the Backbone now (204); how a start confirms that sync runs. */
  async sync(target: ConnectorApiTarget, signal?: AbortSignal): Promise<ApiAnswer<true>> {
    if (!target.apiKey) return { kind: 'failed', reason: 'no API key configured' };
    for (const prefix of ['/api/core/v1', '/api/v2']) {
      let response: Response;
      try {
        response = await fetch(joinUrl(target.url, `${prefix}/Account/Sync`), {
          method: 'POST',
          redirect: 'error',
          signal: withTimeout(signal, this.timeoutMs),
          headers: { accept: 'application/json', [target.apiKeyHeader]: target.apiKey },
        });
      } catch (error) {
        return { kind: 'failed', reason: describeFailure(error), ...this.timedOut(error, signal) };
      }
      await response.body?.cancel();
      if (response.status === 404 && prefix === '/api/core/v1') continue;
      if (response.status === 401 || response.status === 403) {
        return { kind: 'rejected', httpStatus: response.status, reason: response.status === 401 ? 'API key rejected (401)' : 'API key lacks the core:account scope (403)' };
      }
      if (response.ok) return { kind: 'ok', value: true };
      return { kind: 'failed', reason: `HTTP ${response.status} from ${prefix}/Account/Sync`, httpStatus: response.status };
    }
    return { kind: 'failed', reason: 'the Connector has no sync route' };
  }

  /** Account routes live under /api/core/v1 since 7.0 and under /api/v2 before: try the new one first. */
  private async getAccount<T>(
    target: ConnectorApiTarget,
    route: string,
    signal: AbortSignal | undefined,
    parse: (result: unknown) => T | undefined,
  ): Promise<ApiAnswer<T>> {
    const unwrap = (body: unknown): T | undefined => (isObject(body) ? parse(body.result) : undefined);
    const current = await this.getJson(target, `/api/core/v1/Account/${route}`, signal, unwrap);
    if (current.kind === 'failed' && current.reason.startsWith('HTTP 404')) {
      return this.getJson(target, `/api/v2/Account/${route}`, signal, unwrap);
    }
    return current;
  }

  private async getJson<T>(
    target: ConnectorApiTarget,
    path: string,
    signal: AbortSignal | undefined,
    parse: (body: unknown) => T | undefined,
  ): Promise<ApiAnswer<T>> {
    if (!target.apiKey) return { kind: 'failed', reason: 'no API key configured' };
    let response: Response;
    try {
      response = await fetchWithKey(
        joinUrl(target.url, path),
        { accept: 'application/json', [target.apiKeyHeader]: target.apiKey },
        withTimeout(signal, this.timeoutMs),
      );
    } catch (error) {
      return { kind: 'failed', reason: describeFailure(error), ...this.timedOut(error, signal) };
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return {
        kind: 'rejected',
        httpStatus: response.status,
        reason: response.status === 401 ? 'API key rejected (401)' : `API key lacks the scope for ${path} (403)`,
      };
    }
    const httpStatus = response.status;
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: 'failed', reason: `HTTP ${httpStatus} from ${path}`, httpStatus };
    }
    try {
      const value = parse(await response.json());
      return value === undefined ? { kind: 'failed', reason: `unexpected answer from ${path}`, httpStatus } : { kind: 'ok', value };
    } catch {
      return { kind: 'failed', reason: `answer from ${path} is not JSON`, httpStatus };
    }
  }
}

const MAX_REDIRECTS = 5;

/**
 * A GET carrying the API key. fetch would follow a redirect to any host and take the key header along
 * (it drops only Authorization), so redirects are followed here on the Connector's own host alone
 * (http to https, a path prefix), never from https down to http.
 */
async function fetchWithKey(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  const origin = new URL(url);
  let current = origin;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { signal, headers, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.hostname !== origin.hostname) {
      throw new Error(`redirected to another host (${next.host}): not followed with the API key`);
    }
    if (next.protocol !== 'https:' && (next.protocol !== 'http:' || current.protocol === 'https:')) {
      throw new Error(`redirected from ${current.protocol} to ${next.protocol}: not followed with the API key`);
    }
    if (hop === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    current = next;
  }
}

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}


function isHealthBody(value: unknown): value is HealthBody {
  return isObject(value) && typeof value.isHealthy === 'boolean' && isObject(value.services);
}
