import type { CheckResult } from './check-result.ts';
import { worstStatus, type CheckStatus } from './status.ts';

export interface ConnectorReport {
  name: string;
  status: CheckStatus;
  checks: CheckResult[];
}

/** The results of a set of checks for one or more connectors. Its JSON form is a documented contract. */
export interface Report {
  status: CheckStatus;
  generatedAt: string;
  connectors: ConnectorReport[];
}

export function connectorReport(name: string, checks: CheckResult[]): ConnectorReport {
  return { name, status: worstStatus(checks.map((c) => c.status)), checks };
}

export function report(connectors: ConnectorReport[], now: Date = new Date()): Report {
  return {
    status: worstStatus(connectors.map((c) => c.status)),
    generatedAt: now.toISOString(),
    connectors,
  };
}
