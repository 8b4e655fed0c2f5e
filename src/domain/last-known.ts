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
