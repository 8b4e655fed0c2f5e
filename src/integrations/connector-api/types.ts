/** Shapes of the Connector's HTTP answers, as docs/connector-interface.md describes them. */

export interface HealthBody {
  isHealthy: boolean;
  services: Record<string, string>;
}

export type HealthAnswer =
  | { kind: 'healthy'; httpStatus: number; body: HealthBody }
  | { kind: 'unhealthy'; httpStatus: number; body: HealthBody }
  /**
   * Refused, reset, timed out, or answered with something that is not the health shape. `timedOutMs`
   * is set when the route gave no answer in time: a real Connector's /health hangs while its Backbone does.
   */
  | { kind: 'unreachable'; reason: string; timedOutMs?: number };

export interface VersionInfo {
  version: string;
  build?: string;
  date?: string;
  commit?: string;
  runtimeVersion?: string;
}

export interface IdentityInfo {
  address: string;
  publicKey: string;
}

export interface SupportInfo {
  version?: unknown;
  health?: unknown;
  /** Sanitised by the Connector, but the bot masks credentials again before showing anything. */
  configuration?: Record<string, unknown>;
  identityInfo?: IdentityInfo | { error: unknown };
}

/** After a fresh start only `lastSyncRun` is present; both stay at their last success while the Backbone is down. */
export interface SyncInfo {
  lastDatawalletSync?: { completedAt: string };
  lastSyncRun?: { completedAt: string };
}

/** The answer of an authenticated route: the value, or why there is none. */
export type ApiAnswer<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'rejected'; httpStatus: 401 | 403; reason: string }
  /**
   * `httpStatus` when the Connector did answer (an error status, or a body of the wrong shape); `timedOutMs`
   * when the route gave no answer in time (Support waits for the health check, which can hang).
   */
  | { kind: 'failed'; reason: string; httpStatus?: number; timedOutMs?: number };
