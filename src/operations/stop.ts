import { randomUUID } from 'node:crypto';
import { describeOpTime } from '../domain/optime.ts';
import { STOP_MARKERS_COLLECTION } from '../integrations/mongo/stop-marker.ts';
import { backupFirst, backupResultDetails } from './backup.ts';
import type { OperationDependencies } from './dependencies.ts';
import { seconds } from './dependencies.ts';
import { containerTarget, type ExecutionResult, type OperationKindSpec } from './executor.ts';
import { currentState } from './current-state.ts';

/**
 * A graceful stop, as the guide's "Stopping the Connector" asks: a backup first, then SIGTERM with the
 * grace period (a Connector that lost its brokers can ignore it: then Docker kills it, and the outcome says
 * so), then a stop marker: kept by the bot and, with a MongoDB URI, written into the Connector's database,
 * so that the start after the downtime can tell a database restored to an earlier point.
 */
export function stopKind(deps: OperationDependencies): OperationKindSpec<'stop'> {
  return {
    kind: 'stop',
    danger: true,
    timeoutMs: 10 * 60_000 + deps.stopGraceSeconds * 1000,
    target: containerTarget(' to stop'),
    plan: async (connector, _asked, signal) => {
      const state = await currentState(deps, connector, signal);
      const marker = connector.mongodbUri
        ? `Stop marker: kept by the bot and written into the Connector's database (${STOP_MARKERS_COLLECTION})`
        : 'Stop marker: kept by the bot only (no MongoDB URI configured: the start cannot verify the database)';
      const lines = [state, 'First: a backup of definition, configuration and logs', `Stop: SIGTERM, SIGKILL after ${deps.stopGraceSeconds} s`, marker];
      return { ok: true, params: { shown: { lines } }, lines };
    },
    execute: async ({ request, connector, signal, progress }): Promise<ExecutionResult> => {
      const { container } = connector;
      const containers = deps.containersFor(connector);
      const backup = await backupFirst(deps, connector, signal, progress, 'stopped');
      if (!backup.ok) return backup.result;
      const inspect = await containers.inspect(container, signal);
      const target = connector.url && connector.apiKey ? { url: connector.url, apiKey: connector.apiKey, apiKeyHeader: connector.apiKeyHeader } : undefined;
      const sync = target ? await deps.api.syncInfo(target, signal) : undefined;

      await progress(`stopping ${container} (SIGTERM, SIGKILL after ${deps.stopGraceSeconds} s)`);
      const stopped = await containers.stop(container, { graceSeconds: deps.stopGraceSeconds }, signal);
      const stoppedAt = deps.now();
      const how = !stopped.wasRunning
        ? 'it was not running'
        : stopped.killed
          ? `killed after the ${deps.stopGraceSeconds} s grace period: it ignored SIGTERM (a Connector that lost its brokers can)`
          : `stopped gracefully in ${seconds(stopped.tookMs)} (exit code ${stopped.exitCode})`;
      await progress(how);

      const markerId = randomUUID();
      let databaseMarker = false;
      let optime;
      let markerText = 'no MongoDB URI configured: no marker in the database, so the start cannot verify it';
      if (connector.mongodbUri) {
        const written = await deps.mongoMarkers.write(connector.mongodbUri, { markerId, connector: connector.name, stoppedAt, image: inspect.Config.Image, digest: inspect.Image }, signal);
        if (written.ok) {
          databaseMarker = true;
          optime = written.optime;
          markerText = `written to ${written.database}.${STOP_MARKERS_COLLECTION}${written.standalone ? ' (a standalone: no optime to compare, the marker alone tells a restore)' : optime ? `, last applied operation ${describeOpTime(optime)}` : ''}`;
        } else {
          markerText = `could not be written (${written.error}): the start will not be able to show the database is as new`;
        }
      }
      deps.stopRecords.add({
        markerId,
        connector: connector.name,
        stoppedAt,
        requestId: request.id,
        image: inspect.Config.Image,
        digest: inspect.Image,
        ...(sync?.kind === 'ok' && { syncInfo: sync.value }),
        ...(optime && { optime }),
        databaseMarker,
      });
      return {
        ok: true,
        summary: how,
        details: [
          { label: 'stop', value: how, ...(stopped.killed && { status: 'warn' as const }) },
          { label: 'stop marker', value: markerText, ...(connector.mongodbUri && !databaseMarker && { status: 'warn' as const }) },
          ...(sync?.kind === 'ok' ? [{ label: 'last sync run', value: sync.value.lastSyncRun?.completedAt ?? 'never' }] : []),
          ...backupResultDetails(backup.archive, backup.notIncluded),
        ],
      };
    },
  };
}
