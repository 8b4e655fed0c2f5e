import type { DiskRole } from './finding.ts';

/**
 * What a check read, as one object with stable keys: the `data` of each check in `check --json`, and what the
 * Prometheus gauges read. Built beside the check's words from the same readings (and, for the checks that
 * raise alerts, from the very findings the alerts are raised from). Figures carry their unit in the key
 * (`Bytes`, `Seconds`, `Hours`, `Days`), ratios are 0..1, times ISO 8601 strings; a key is absent when the
 * check could not read it.
 */
export interface DataOf {
  health: HealthData;
  resources: ResourcesData;
  'image-update': ImageUpdateData;
  'error-logs': ErrorLogsData;
  'key-material': KeyMaterialData;
  database: DatabaseData;
  'old-material': OldMaterialData;
}

/** The data of a check, `never` for a check that has none. */
export type CheckData<Id extends string> = Id extends keyof DataOf ? DataOf[Id] : never;

export interface HealthData {
  /** Absent when /health did not answer. */
  httpStatus?: number;
  /** Every service /health named, with its state. */
  services: Array<{ name: string; state: string }>;
  /** As /Monitoring/Version tells it. */
  version?: string;
  /** The last completed sync run: `null` when the Connector never completed one since its start; absent when not read. */
  lastSyncAt?: string | null;
}

export interface ResourcesData {
  /** The machine the engine runs on, or the bot's own when `remoteEngine`. */
  host: {
    remoteEngine: boolean;
    cpu?: { cores: number; loadAverage: [number, number, number]; usedRatio: number };
    memory?: { usedBytes: number; totalBytes: number; usedRatio: number };
  };
  containers: Array<{
    name: string;
    /** Of what the container may use: its limit, or every online CPU without one. */
    cpu?: { usedRatio: number; oneCoreRatio: number; onlineCpus: number; limitCpus?: number };
    /** `limitBytes` is the host's memory when no limit is set (`limited: false`). */
    memory?: { usedBytes: number; limitBytes: number; limited: boolean; usedRatio: number };
  }>;
  disks: Array<{
    paths: Array<{ path: string; roles: DiskRole[] }>;
    usedBytes: number;
    availableBytes: number;
    totalBytes: number;
    usedRatio: number;
    /** Absent without enough samples, or when use is not rising. */
    forecast?: { full: true } | { full: false; bytesPerDay: number; fullAt: string };
  }>;
}

export interface ImageUpdateData {
  /** The running version (from the tag, or as the Connector tells it); absent when neither names one. */
  current?: string;
  /** The newest version of the running major, when newer than the running one. */
  recommended?: string;
  /** The newest version of a higher major (a migration), when there is one. */
  newestMajor?: string;
  /** Updates waiting: `recommended` and `newestMajor` that are there. */
  updatesPending: number;
  tag?: string;
  /** The digest the registry serves under the running tag, when it was compared. */
  registryDigest?: string;
  /** The running image's digests from this repository. */
  runningDigests: string[];
  /** Whether the registry serves another image under the running tag (`gone`: not at all); absent when not compared. */
  tagState?: 'same' | 'moved' | 'gone' | 'not-from-registry';
}

export interface ErrorLogsData {
  /** The window looked at. */
  since: string;
  until: string;
  /** ERROR and FATAL events in the window, and how many of them FATAL. */
  events: number;
  fatal: number;
  /** Every group, by normalised message; errors beyond the cap of groups are only counted in `otherEvents`. */
  groups: Array<{ message: string; level: 'error' | 'fatal'; count: number; fatal: number; firstSeen?: string; lastSeen?: string }>;
  otherEvents: number;
}

export interface KeyMaterialData {
  identity?: { address?: string; publicKeyReadable?: boolean };
  backboneAuthentication?: { state?: string };
  apiKey: { configured: boolean; accepted?: boolean };
  certificate?: { subject: string; expiresAt: string; daysToExpiry: number; trusted: boolean };
}

export interface DatabaseData {
  reachable: boolean;
  roundTripSeconds?: number;
  version?: string;
  topology?: 'standalone' | 'replica-set' | 'mongos';
  replicaSet?: string;
  primary?: string;
  /** Replica sets, when replSetGetStatus could be read. */
  members?: Array<{ name: string; state: string; healthy: boolean; lagSeconds?: number }>;
  oplogWindowHours?: number;
  dataBytes?: number;
  fsFreeBytes?: number;
  fsTotalBytes?: number;
}

export interface OldMaterialData {
  /** Listed in full, not only the first ones the details show; a kind is absent when it was not looked at (no paths configured) or could not be read. */
  unusedImages?: Array<{ id: string; references: string[]; sizeBytes: number; createdAt: string }>;
  exitedContainers?: Array<{ id: string; name: string; image: string; state: string; createdAt: string }>;
  oldLogFiles?: Array<{ path: string; sizeBytes: number; modifiedAt: string }>;
  oldBackups?: Array<{ path: string; sizeBytes: number; modifiedAt: string }>;
}
