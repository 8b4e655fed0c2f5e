/** Shapes of the Connector's HTTP answers, as documented in shared/docs/connector-interface.md. */

export interface HealthBody {
  isHealthy: boolean;
  services: Record<string, string>;
}

export type HealthAnswer =
  | { kind: 'healthy'; httpStatus: number; body: HealthBody }
  | { kind: 'unhealthy'; httpStatus: number; body: HealthBody }
  /** Refused, reset, timed out, or answered with something that is not the health shape. */
  | { kind: 'unreachable'; reason: string };

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

export interface SyncInfo {
  lastDatawalletSync?: { completedAt: string };
  lastSyncRun?: { completedAt: string };
}

/** The answer of an authenticated route: the value, or why there is none. */
export type ApiAnswer<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'rejected'; httpStatus: 401 | 403; reason: string }
  | { kind: 'failed'; reason: string };
