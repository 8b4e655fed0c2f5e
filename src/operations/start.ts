import type { Connector } from '../domain/connector.ts';
import { judgeFreshness } from '../integrations/mongo/stop-marker-freshness.ts';
import type { OperationDependencies } from './dependencies.ts';
import { seconds } from './dependencies.ts';
import { containerTarget, type ExecutionResult, type OperationKindSpec } from './executor.ts';
import { waitHealthy } from './wait-healthy.ts';
import { currentState } from './current-state.ts';

/** What the start guard found: may it start, and what the request and the outcome say about it. */
type Freshness = { verdict: 'fresh' | 'unverified'; text: string } | { verdict: 'stale' | 'unreachable'; text: string };

const RISK =
  'Starting without the freshness guard: if the database was restored to a point before the stop, the Connector and its Backbone would hold two inconsistent versions of its data (the guide: never start on a database older than the one it stopped with).';
const SYNC_WAIT_MS = 30_000;

/** The guide's "Starting the Connector after a Downtime": before the start, the database is reachable and not older than at the stop. */
async function freshness(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<Freshness> {
  if (!connector.mongodbUri) return { verdict: 'unverified', text: 'freshness could not be verified: no MongoDB URI is configured (CONNECTOR_MONGODB_URI)' };
  const found = await deps.mongoMarkers.read(connector.mongodbUri, signal);
  if (!found.ok) return { verdict: 'unreachable', text: `the database is not reachable (${found.error}); a Connector exits at start without it` };
  const record = deps.stopRecords.latest(connector.name);
  if (!record) return { verdict: 'unverified', text: 'the database is reachable; connector-ops recorded no stop of it, so there is nothing to compare it with' };
  if (!record.databaseMarker) return { verdict: 'unverified', text: `the database is reachable; the marker could not be written at the stop (${record.stoppedAt.toISOString()}), so it cannot be compared` };
  const verdict = judgeFreshness({ markerId: record.markerId, stoppedAt: record.stoppedAt, ...(record.optime && { optime: record.optime }) }, found);
  if (!verdict.fresh) return { verdict: 'stale', text: verdict.reason };
  return { verdict: 'fresh', text: `the database holds the marker of the stop at ${record.stoppedAt.toISOString()} and is not older` };
}

function blockedText(connector: Connector, found: Freshness): string {
  return `Not starting ${connector.name}: ${found.text}. To start anyway, request "/connector start ${connector.name} --force": its approval names the risk.`;
}

export function startKind(deps: OperationDependencies): OperationKindSpec<'start'> {
  return {
    kind: 'start',
    danger: false,
    timeoutMs: deps.healthyTimeoutMs + SYNC_WAIT_MS + 120_000,
    target: containerTarget(' to start'),
    plan: async (connector, asked, signal) => {
      const found = await freshness(deps, connector, signal);
      if (!asked.force && (found.verdict === 'stale' || found.verdict === 'unreachable')) return { ok: false, problem: blockedText(connector, found) };
      const lines = [await currentState(deps, connector, signal), `Database: ${found.text}`, `Then: waits up to ${Math.round(deps.healthyTimeoutMs / 1000)} s for healthy and confirms that sync runs`];
      return { ok: true, params: { ...(asked.force && { force: true }), shown: { lines, ...(asked.force && { warning: RISK }) } }, lines, ...(asked.force && { warning: RISK }) };
    },
    execute: async ({ params, connector, signal, progress }): Promise<ExecutionResult> => {
      const found = await freshness(deps, connector, signal);
      const guarded = found.verdict === 'stale' || found.verdict === 'unreachable';
      if (guarded && !params.force) return { ok: false, summary: blockedText(connector, found), details: [{ label: 'database', value: found.text, status: 'critical' }] };
      const guard = { label: 'database', value: params.force && guarded ? `started with --force although ${found.text}` : found.text, ...(found.verdict !== 'fresh' && { status: 'warn' as const }) };
      await progress(`database: ${found.text}; starting`);
      const containers = deps.containersFor(connector);
      await containers.start(connector.container, signal);
      const healthy = await waitHealthy({ api: deps.api, containers }, connector, deps.healthyTimeoutMs, signal);
      if (!healthy.ok) return { ok: false, summary: `started, but ${healthy.reason}`, details: [guard] };
      await progress(`healthy after ${seconds(healthy.ms)}; confirming that sync runs`);
      const sync = await confirmSync(deps, connector, signal);
      return {
        ok: sync.ok,
        summary: sync.ok ? `healthy after ${seconds(healthy.ms)}, and sync runs` : `healthy after ${seconds(healthy.ms)}, but ${sync.text}`,
        details: [guard, { label: 'time to healthy', value: seconds(healthy.ms) }, { label: 'sync', value: sync.text, ...(!sync.ok && { status: 'warn' as const }) }],
      };
    },
  };
}

/** Sync runs when, asked to sync, the Connector reports a sync run completed after the start. */
async function confirmSync(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<{ ok: boolean; text: string }> {
  if (!connector.url || !connector.apiKey) return { ok: true, text: 'not confirmed: no Connector URL or API key configured' };
  const target = { url: connector.url, apiKey: connector.apiKey, apiKeyHeader: connector.apiKeyHeader };
  const since = deps.now().getTime();
  const asked = await deps.api.sync(target, signal);
  const deadline = performance.now() + SYNC_WAIT_MS;
  for (;;) {
    const info = await deps.api.syncInfo(target, signal);
    const completedAt = info.kind === 'ok' ? Date.parse(info.value.lastSyncRun?.completedAt ?? '') : Number.NaN;
    if (completedAt >= since - 1_000) return { ok: true, text: `a sync run completed at ${new Date(completedAt).toISOString()}` };
    if (performance.now() > deadline) {
      const why = asked.kind !== 'ok' ? `asking it to sync failed (${asked.reason})` : info.kind !== 'ok' ? `SyncInfo could not be read (${info.reason})` : 'no sync run completed';
      return { ok: false, text: `sync not confirmed within ${SYNC_WAIT_MS / 1000} s: ${why}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
