import type { CheckId, CheckResult } from './check-result.ts';
import type { ReportRunner } from './ports.ts';
import type { Report } from './report.ts';
import type { CheckStatus } from './status.ts';

export interface KnownStatus {
  status: CheckStatus;
  at: Date;
  /** The checks of that report that were not ok, by id. */
  notOk: string[];
}

/** A check's latest result for one connector, and when the report that carried it was made. */
export interface KnownCheck {
  result: CheckResult;
  at: Date;
}

/**
 * Each connector's status as the latest report that covered it found it (what an overview shows at a glance),
 * and each of its checks' latest result, whichever report ran it (what /metrics tells).
 */
export class LastKnownStatus {
  private readonly known = new Map<string, KnownStatus>();
  private readonly checks = new Map<string, Map<CheckId, KnownCheck>>();

  record(report: Report): void {
    const at = new Date(report.generatedAt);
    for (const connector of report.connectors) {
      this.known.set(connector.name, { status: connector.status, at, notOk: connector.checks.filter((c) => c.status !== 'ok').map((c) => c.id) });
      const checks = this.checks.get(connector.name) ?? new Map<CheckId, KnownCheck>();
      // Reports overlap (chat, probes, the background run): a slower, older one does not undo a newer result.
      for (const result of connector.checks) {
        const known = checks.get(result.id);
        if (!known || known.at <= at) checks.set(result.id, { result, at });
      }
      // A check that no longer applies (its setting removed) has no latest result any more.
      for (const { id } of connector.notChecked ?? []) checks.delete(id);
      this.checks.set(connector.name, checks);
    }
  }

  of(connector: string): KnownStatus | undefined {
    return this.known.get(connector);
  }

  /** Every connector's latest check results. */
  latest(): ReadonlyMap<string, ReadonlyMap<CheckId, KnownCheck>> {
    return this.checks;
  }

  /** Forgets the connectors not among these (removed from the configuration, or their containers gone). */
  retain(connectors: readonly string[]): void {
    const kept = new Set(connectors);
    for (const name of [...this.checks.keys()]) {
      if (kept.has(name)) continue;
      this.checks.delete(name);
      this.known.delete(name);
    }
  }
}

/** The runner, recording each report's statuses as it passes: every report tells the overviews (Slack's App Home). */
export function recordingLastKnown(runner: ReportRunner, lastKnown: LastKnownStatus): ReportRunner {
  return {
    run: async (connectors, ids, options) => {
      const report = await runner.run(connectors, ids, options);
      lastKnown.record(report);
      return report;
    },
  };
}
