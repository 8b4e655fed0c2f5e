import type { CheckId } from '../domain/check-result.ts';
import type { LastKnownStatus } from '../domain/last-known.ts';
import type { ConnectorDirectory, ReportRunner } from '../domain/ports.ts';
import type { Logger } from '../logging/logger.ts';

export interface StatusRefreshOptions {
  directory: ConnectorDirectory;
  /** The runner that records into `lastKnown`: what it finds is each check's latest status. */
  runner: ReportRunner;
  lastKnown: Pick<LastKnownStatus, 'retain'>;
  /** The checks it runs. */
  checks: readonly CheckId[];
  logger: Logger;
}

/**
 * Runs every connector's checks, so that each one's latest status is known (and on /metrics) though nobody asked,
 * and forgets the connectors that are gone. A listing with a problem (an engine that did not answer) may be
 * missing connectors that are still there: then nothing is forgotten.
 */
export function statusRefresh({ directory, runner, lastKnown, checks, logger }: StatusRefreshOptions): () => Promise<void> {
  return async () => {
    try {
      const { connectors, problem } = await directory.list();
      if (!problem) lastKnown.retain(connectors.map((c) => c.name));
      if (connectors.length > 0) await runner.run(connectors, checks);
    } catch (error) {
      logger.warn({ err: error }, 'the background check run failed');
    }
  };
}
