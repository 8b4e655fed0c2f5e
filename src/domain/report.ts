import type { CheckId, CheckResult } from './check-result.ts';
import { worstStatus, type CheckStatus } from './status.ts';

export interface ConnectorReport {
  name: string;
  status: CheckStatus;
  checks: CheckResult[];
  /** Checks asked for that do not apply to this connector, and what would make them apply. Absent when none. */
  notChecked?: NotChecked[];
}

export interface NotChecked {
  id: CheckId;
  needs: string;
}

/** The results of a set of checks for one or more connectors. Its JSON form is a documented contract. */
export interface Report {
  status: CheckStatus;
  generatedAt: string;
  connectors: ConnectorReport[];
}

/** A connector of which nothing asked for could be checked is `unknown`, never an empty "ok". */
export function connectorReport(name: string, checks: CheckResult[], notChecked: NotChecked[] = []): ConnectorReport {
  const status = checks.length === 0 && notChecked.length > 0 ? 'unknown' : worstStatus(checks.map((c) => c.status));
  return { name, status, checks, ...(notChecked.length > 0 && { notChecked }) };
}

export function report(connectors: ConnectorReport[], now: Date = new Date()): Report {
  return {
    status: worstStatus(connectors.map((c) => c.status)),
    generatedAt: now.toISOString(),
    connectors,
  };
}
