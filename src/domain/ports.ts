import type { CheckId } from './check-result.ts';
import type { Connector } from './connector.ts';
import type { Report } from './report.ts';

/** The connectors the bot operates: configured ones, or those discovered on the Docker engine. */
export interface ConnectorDirectory {
  list(signal?: AbortSignal): Promise<{ connectors: Connector[]; problem?: string }>;
}

export interface RunOptions {
  /** How far back the error-log check reads; its configured window when absent. */
  logWindowMs?: number;
}

/** Runs checks for connectors and returns their report; never throws for a failing check. */
export interface ReportRunner {
  run(connectors: Connector[], checks: readonly CheckId[], options?: RunOptions): Promise<Report>;
}
