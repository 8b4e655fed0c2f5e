import type { CheckId, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import type { ReportRunner, RunOptions } from '../domain/ports.ts';
import { connectorReport, report, type ConnectorReport, type Report } from '../domain/report.ts';
import type { Check } from './check.ts';
import { mapWithConcurrency } from './concurrency.ts';

export interface CheckRunnerOptions {
  timeoutMs: number;
  /** Checks that need longer than the others, e.g. reading a day of logs. */
  timeoutsMs?: Partial<Record<CheckId, number>>;
  /** How many connectors are checked at once. */
  concurrency: number;
  /** Told of every finished check, for metrics and logs. */
  onResult?: (connector: Connector, result: CheckResult, durationMs: number) => void;
  now?: () => Date;
}

/**
 * Runs the checks of each connector in parallel, each under its own timeout. A check that throws or
 * runs out of time yields `unknown` with the reason, and the report still comes.
 */
export class CheckRunner implements ReportRunner {
  private readonly checks: Map<CheckId, Check>;

  private readonly options: CheckRunnerOptions;

  constructor(
    checks: readonly Check[],
    options: CheckRunnerOptions,
  ) {
    this.options = options;
    this.checks = new Map(checks.map((c) => [c.id, c]));
  }

  async run(connectors: Connector[], ids: readonly CheckId[], runOptions: RunOptions = {}): Promise<Report> {
    const now = this.options.now ?? (() => new Date());
    const reports = await mapWithConcurrency(connectors, this.options.concurrency, (connector) =>
      this.runConnector(connector, ids, runOptions, now),
    );
    return report(reports, now());
  }

  private async runConnector(
    connector: Connector,
    ids: readonly CheckId[],
    runOptions: RunOptions,
    now: () => Date,
  ): Promise<ConnectorReport> {
    const applicable = ids
      .map((id) => this.checks.get(id))
      .filter((check): check is Check => check !== undefined && check.appliesTo(connector));
    const results = await Promise.all(applicable.map((check) => this.runOne(check, connector, runOptions, now)));
    return connectorReport(connector.name, results);
  }

  private async runOne(check: Check, connector: Connector, runOptions: RunOptions, now: () => Date): Promise<CheckResult> {
    const started = performance.now();
    const timeoutMs = this.options.timeoutsMs?.[check.id] ?? this.options.timeoutMs;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
        resolve(checkResult(check.id, 'unknown', `Could not look: no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
    });
    // Through a promise executor, so a check that throws before returning its promise is caught as well.
    const attempt = new Promise<CheckResult>((resolve) => resolve(check.run({ connector, signal: controller.signal, now: now(), ...runOptions })))
      .catch((error: unknown) =>
        checkResult(check.id, 'unknown', `Could not look: ${error instanceof Error ? error.message : String(error)}`),
      );
    try {
      const result = await Promise.race([attempt, timeout]);
      this.options.onResult?.(connector, result, performance.now() - started);
      return result;
    } finally {
      clearTimeout(timer);
    }
  }
}
