import { checkResult, type CheckResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import { maskUrlCredentials } from '../logging/redact.ts';
import type { MongoSnapshot, Reading } from '../integrations/mongo/types.ts';
import type { Check, CheckContext } from './check.ts';
import { backupFinding, scanBackups, type BackupScan } from './database-backup.ts';
import {
  DEFAULT_DATABASE_THRESHOLDS,
  databaseResult,
  type DatabaseThresholds,
  type Finding,
} from './database-interpret.ts';

export interface DatabaseCheckOptions {
  /** Bound for server selection, connecting and each answer from MongoDB. */
  timeoutMs: number;
  thresholds: DatabaseThresholds;
  /** A directory holding the MongoDB backups; when set, the newest file's age is checked. */
  backupPath?: string;
  /** A newest backup older than this is a warning (older than thresholds.backupCriticalHours is critical). */
  backupMaxAgeHours: number;
}

export const DEFAULT_DATABASE_CHECK_OPTIONS: DatabaseCheckOptions = {
  timeoutMs: 5_000,
  thresholds: DEFAULT_DATABASE_THRESHOLDS,
  backupMaxAgeHours: 26,
};

/** What a caller may set; everything left out takes its default. */
export type DatabaseCheckSettings = Partial<Omit<DatabaseCheckOptions, 'thresholds'>> & {
  thresholds?: Partial<DatabaseThresholds>;
};

/** Reads the state of the MongoDB behind a connection string; never throws. */
export type InspectMongo = (uri: string, timeoutMs: number, signal: AbortSignal) => Promise<MongoSnapshot>;

/** The guide's database section: reachability, replica set health, oplog, disk, and backup age. */
export class DatabaseCheck implements Check {
  readonly id = 'database' as const;
  readonly options: DatabaseCheckOptions;
  readonly #inspect: InspectMongo;

  constructor(settings: DatabaseCheckSettings, inspect: InspectMongo) {
    this.options = {
      ...DEFAULT_DATABASE_CHECK_OPTIONS,
      ...withoutUndefined(settings),
      thresholds: { ...DEFAULT_DATABASE_THRESHOLDS, ...withoutUndefined(settings.thresholds ?? {}) },
    };
    this.#inspect = inspect;
  }

  readonly needs = 'a MongoDB URI: set CONNECTOR_MONGODB_URI (or mongodbUri in the YAML file)';

  appliesTo(connector: Connector): boolean {
    return Boolean(connector.mongodbUri);
  }

  async run({ connector, signal, now }: CheckContext): Promise<CheckResult> {
    const uri = connector.mongodbUri;
    if (!uri) return checkResult('database', 'unknown', 'no MongoDB connection string configured');
    try {
      const [snapshot, backup] = await Promise.all([
        this.#inspect(uri, this.options.timeoutMs, signal),
        this.#backupFinding(connector.backupPath ?? this.options.backupPath, signal, now),
      ]);
      return databaseResult(snapshot, this.options.thresholds, backup ? [backup] : []);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return checkResult('database', 'unknown', `database check failed: ${maskUrlCredentials(reason)}`);
    }
  }

  async #backupFinding(backupPath: string | undefined, signal: AbortSignal, now: Date): Promise<Finding | undefined> {
    const { backupMaxAgeHours, thresholds } = this.options;
    if (!backupPath) return undefined;
    let scan: Reading<BackupScan>;
    try {
      scan = { ok: true, value: await scanBackups(backupPath, signal) };
    } catch (error) {
      scan = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    return backupFinding(backupPath, scan, now, backupMaxAgeHours, thresholds.backupCriticalHours);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
