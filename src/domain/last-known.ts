import type { ReportRunner } from './ports.ts';
import type { Report } from './report.ts';
import type { CheckStatus } from './status.ts';

export interface KnownStatus {
  status: CheckStatus;
  at: Date;
  /** The checks of that report that were not ok, by id. */
  notOk: string[];
}

/** Each connector's status as the latest report that covered it found it: what an overview shows at a glance. */
export class LastKnownStatus {
  private readonly known = new Map<string, KnownStatus>();

  record(report: Report): void {
    const at = new Date(report.generatedAt);
    for (const connector of report.connectors) {
      this.known.set(connector.name, { status: connector.status, at, notOk: connector.checks.filter((c) => c.status !== 'ok').map((c) => c.id) });
    }
  }

  of(connector: string): KnownStatus | undefined {
    return this.known.get(connector);
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
