import type { CheckId, CheckResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';

export interface CheckContext {
  connector: Connector;
  /** Aborted when the check's time is up; pass it to every outside call. */
  signal: AbortSignal;
  now: Date;
  /** How far back log-reading checks look, when the person asked (`--since`); their own default otherwise. */
  logWindowMs?: number;
}

/** A read-only look at one aspect of a connector. */
export interface Check {
  id: CheckId;
  /** Whether this check has anything to look at for this connector (e.g. database needs a MongoDB URI). */
  appliesTo(connector: Connector): boolean;
  run(context: CheckContext): Promise<CheckResult>;
}
