import type { Connector } from '../domain/connector.ts';

export interface Thresholds {
  warn: number;
  critical: number;
}

export interface RegistryCredentials {
  username?: string;
  password?: string;
  insecure: boolean;
}

/** The whole configuration, loaded once and validated at start. */
export interface Config {
  dataDir: string;
  http: { host: string; port: number };
  log: { level: string; format: 'json' | 'pretty' | 'auto' };
  /** Configured connectors; when empty, connectors are discovered on the Docker engine. */
  connectors: Connector[];
  checks: {
    timeoutMs: number;
    concurrency: number;
    resources: { cpu: Thresholds; memory: Thresholds; disk: Thresholds; paths: string[] };
    /** Reading a day of logs through Docker goes at ~30 MB/s: this check gets its own, longer limit. */
    errorLogs: { windowHours: number; timeoutMs: number };
    imageUpdate: { includePrereleases: boolean };
    /** When the age of the last sync run warns: a multiple of the sync interval, or a fixed age when it is unknown. */
    sync: { intervalMultiple: number; maxAgeMinutes: number };
    versions: { minDockerVersion?: string; minKernel?: string };
    oldMaterial: { logRetentionDays: number; backupRetentionDays: number };
  };
  registries: Record<string, RegistryCredentials>;
  /** Every secret value of the configuration, for the redactor. */
  secrets: string[];
}
