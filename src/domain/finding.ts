import type { CheckStatus } from './status.ts';

/**
 * What a check found, as data beside the words of its details: alerts are derived from these, never from a
 * detail's wording. Keys are stable and values machine-readable: figures carry their unit in the key's name,
 * times are ISO 8601 strings, versions strings; everything is JSON. `line` is the index, in the result's
 * details, of the line that tells the finding in words (an alert shows those words).
 */
export type Finding<Id extends string = keyof FindingsOf> = Id extends keyof FindingsOf ? FindingsOf[Id] : never;

/** A finding whose line in the details is not known yet: its judging function places it once they are in order. */
export type Unplaced<F> = F extends unknown ? Omit<F, 'line'> : never;

/** The findings of each check that has typed ones. */
export interface FindingsOf {
  health: HealthFinding;
  resources: ResourceFinding;
  'key-material': KeyMaterialFinding;
  'image-update': ImageUpdateFinding;
}

export type HealthFinding =
  /** The Connector says it is unhealthy; `services` are those not healthy, with the state each reported. */
  | { kind: 'unhealthy'; httpStatus: number; services: Array<{ name: string; state: string }> }
  /** /health did not answer; `reason` as the report tells it. */
  | { kind: 'unreachable'; reason: string };

/** A figure against its thresholds: at or above `warnPercent` warns, at or above `criticalPercent` is critical. */
export interface ThresholdFigure {
  usedPercent: number;
  warnPercent: number;
  criticalPercent: number;
  status: CheckStatus;
  line: number;
}

/** What a measured path is to the bot (one path may be several). `docker-data-root` is any engine's: `check --json` carries the id. */
export type DiskRole = 'docker-data-root' | 'data-dir' | 'configured';

/** A role as details and alert titles word it: `/var/lib/docker (engine data root)`. */
export const DISK_ROLE_WORDS: Readonly<Record<DiskRole, string>> = { 'docker-data-root': 'engine data root', 'data-dir': 'DATA_DIR', configured: 'configured' };

export type ResourceFinding =
  /**
   * The host's 5-minute load per core. `remoteEngine`: the engine runs on another machine, so this is the host the
   * bot runs on, not the Connector's.
   */
  | ({ kind: 'host-cpu'; remoteEngine: boolean; cores: number; loadAverage: [number, number, number] } & ThresholdFigure)
  | ({ kind: 'host-memory'; remoteEngine: boolean; availableBytes: number; totalBytes: number } & ThresholdFigure)
  /** `usedPercent` is of what the container may use: its limit, or every online CPU without one. */
  | ({ kind: 'container-cpu'; container: string; oneCorePercent: number; onlineCpus: number; limitCpus?: number } & ThresholdFigure)
  | ({ kind: 'container-memory'; container: string; usedBytes: number; limitBytes: number; limited: boolean } & ThresholdFigure)
  /** One file system; `status` is the worse of its use and its forecast. */
  | ({
      kind: 'disk';
      paths: Array<{ path: string; roles: DiskRole[] }>;
      usedBytes: number;
      availableBytes: number;
      totalBytes: number;
      forecast?: DiskFullForecast;
    } & ThresholdFigure);

/** When a disk will be full at the rate its use has been rising, judged against the forecast's days. */
export type DiskFullForecast =
  | { full: true; status: CheckStatus }
  | { full: false; bytesPerDay: number; daysUntilFull: number; fullAt: string; status: CheckStatus };

export type KeyMaterialFinding =
  /** `publicKeyReadable` once the identity was read. */
  | { kind: 'identity'; status: CheckStatus; line: number; address?: string; publicKeyReadable?: boolean }
  /** `state` as the Connector's /health reports its backboneAuthentication service, when it does. */
  | { kind: 'backbone-authentication'; status: CheckStatus; line: number; state?: string }
  /** `accepted` once the Connector answered the bot's key one way or the other. */
  | { kind: 'api-key'; status: CheckStatus; line: number; configured: boolean; accepted?: boolean }
  /** The TLS certificate of an https Connector URL, once it was read. */
  | { kind: 'certificate'; status: CheckStatus; line: number; subject: string; expiresAt: string; daysLeft: number; trusted: boolean };

export type ImageUpdateFinding =
  | { kind: 'running'; version: string; source: 'tag' | 'connector' }
  /**
   * A newer version than the running one: within its major the routine update (the newest of that major), or
   * (`major`) the newest of a higher major, a migration. `recommended` is the tag as the registry names it.
   */
  | { kind: 'update'; current: string; recommended: string; major: boolean }
  /** The registry serves another image under the running tag. */
  | { kind: 'tag-moved'; tag: string; registryDigest: string; runningDigests: string[] }
  | { kind: 'tag-gone'; tag: string };
