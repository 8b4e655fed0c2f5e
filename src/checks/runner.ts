import type { CheckId, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import type { ReportRunner, RunOptions } from '../domain/ports.ts';
import { connectorReport, report, type NotChecked, type Report } from '../domain/report.ts';
import type { Check } from './check.ts';
import { inSlice } from '../integrations/cooperative.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { SharedReadings } from './shared-readings.ts';

export interface CheckRunnerOptions {
  timeoutMs: number;
  /** Checks that need longer than the others, e.g. reading a day of logs. */
  timeoutsMs?: Partial<Record<CheckId, number>>;
  /** How many connectors each check runs for at once. */
  concurrency: number;
  /** Told of every finished check, for metrics and logs. */
  onResult?: (connector: Connector, result: CheckResult, durationMs: number) => void;
  now?: () => Date;
}

/** The checks that serve a connector: those built for the Docker engine it runs on. */
export type ChecksFor = (connector: Connector) => readonly Check[];

/** What a report runs for one connector. */
interface Plan {
  connector: Connector;
  applicable: Check[];
  notChecked: NotChecked[];
}

/**
 * Runs the checks of each connector in parallel, each under its own timeout. A check that throws or
 * runs out of time yields `unknown` with the reason, and the report still comes.
 */
export class CheckRunner implements ReportRunner {
  private readonly checksFor: (connector: Connector) => Map<CheckId, Check>;

  private readonly options: CheckRunnerOptions;

  constructor(checks: readonly Check[] | ChecksFor, options: CheckRunnerOptions) {
    this.options = options;
    if (typeof checks === 'function') {
      const byList = new WeakMap<readonly Check[], Map<CheckId, Check>>();
      this.checksFor = (connector) => {
        const list = checks(connector);
        let map = byList.get(list);
        if (!map) byList.set(list, (map = indexed(list)));
        return map;
      };
    } else {
      const map = indexed(checks);
      this.checksFor = () => map;
    }
  }

  /**
   * Each check has its own queue of connectors, in their order, running for `concurrency` of them at once: no
   * more of one kind of outside call is in flight than when whole connectors were taken `concurrency` at a
   * time, but a connector whose quick checks are done no longer holds back the next connectors' checks
   * until its slowest one (Docker's two-second stats sample) ends.
   */
  async run(connectors: Connector[], ids: readonly CheckId[], runOptions: RunOptions = {}): Promise<Report> {
    const now = this.options.now ?? (() => new Date());
    const context = { ...runOptions, shared: new SharedReadings(connectors) };
    const plans = connectors.map((connector) => this.plan(connector, ids));
    const results = plans.map((plan) => new Array<CheckResult>(plan.applicable.length));
    const queues = new Map<CheckId, Array<() => Promise<void>>>();
    plans.forEach((plan, p) =>
      plan.applicable.forEach((check, index) => {
        const queue = queues.get(check.id) ?? [];
        queue.push(async () => {
          results[p]![index] = await this.runOne(check, plan.connector, context, now);
        });
        queues.set(check.id, queue);
      }),
    );
    await Promise.all([...queues.values()].map((queue) => mapWithConcurrency(queue, this.options.concurrency, (run) => run())));
    return report(
      plans.map((plan, p) => connectorReport(plan.connector.name, results[p]!, plan.notChecked)),
      now(),
    );
  }

  private plan(connector: Connector, ids: readonly CheckId[]): Plan {
    const checks = this.checksFor(connector);
    const asked = ids.map((id) => checks.get(id)).filter((check): check is Check => check !== undefined);
    const applicable = asked.filter((check) => check.appliesTo(connector));
    const notChecked: NotChecked[] = asked
      .filter((check) => !applicable.includes(check))
      .map((check) => ({ id: check.id, needs: check.needs ?? 'a setting this connector lacks' }));
    return { connector, applicable, notChecked };
  }

  private async runOne(
    check: Check,
    connector: Connector,
    runOptions: RunOptions & { shared: SharedReadings },
    now: () => Date,
  ): Promise<CheckResult> {
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
    // Through a promise executor, so a check that throws before returning its promise is caught as well. Started in
    // a slice of the event loop: a report over fifty connectors starts a hundred checks at once, and their first
    // steps (requests built, connections opened) held the loop for over 100 ms.
    const attempt = inSlice(() => new Promise<CheckResult>((resolve) => resolve(check.run({ connector, signal: controller.signal, now: now(), ...runOptions }))))
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

function indexed(checks: readonly Check[]): Map<CheckId, Check> {
  return new Map(checks.map((c) => [c.id, c]));
}
