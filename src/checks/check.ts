import type { CheckId, CheckResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import type { SharedReadings } from './shared-readings.ts';

export interface CheckContext {
  connector: Connector;
  /** Aborted when the check's time is up; pass it to every outside call. */
  signal: AbortSignal;
  now: Date;
  /** How far back log-reading checks look, when the person asked (`--since`); their own default otherwise. */
  logWindowMs?: number;
  /** Readings shared by the checks of one report; absent when a check runs on its own. */
  shared?: SharedReadings;
}

/** A read-only look at one aspect of a connector. */
export interface Check {
  id: CheckId;
  /** Whether this check has anything to look at for this connector (e.g. database needs a MongoDB URI). */
  appliesTo(connector: Connector): boolean;
  /** What a connector needs for this check to apply, naming the setting: said when it does not apply. */
  readonly needs?: string;
  run(context: CheckContext): Promise<CheckResult>;
}
