import type { OperationDependencies } from './dependencies.ts';
import { seconds } from './dependencies.ts';
import { containerTarget, type OperationKindSpec } from './executor.ts';
import { waitHealthy } from './wait-healthy.ts';
import { currentState } from './current-state.ts';

/** Restart with the grace period, then wait until healthy and tell how long that took. */
export function restartKind(deps: OperationDependencies): OperationKindSpec<'restart'> {
  return {
    kind: 'restart',
    danger: true,
    timeoutMs: deps.stopGraceSeconds * 1000 + deps.healthyTimeoutMs + 60_000,
    target: containerTarget(' to restart'),
    plan: async (connector, _asked, signal) => {
      const lines = [await currentState(deps, connector, signal), `Container: ${connector.container}`, `Stop: SIGTERM, SIGKILL after ${deps.stopGraceSeconds} s`, `Then: waits up to ${Math.round(deps.healthyTimeoutMs / 1000)} s for healthy`];
      return { ok: true, params: { shown: { lines } }, lines };
    },
    execute: async ({ connector, signal, progress }) => {
      const containers = deps.containersFor(connector);
      await progress(`restarting ${connector.container} (SIGTERM, SIGKILL after ${deps.stopGraceSeconds} s)`);
      const stopped = await containers.restart(connector.container, { graceSeconds: deps.stopGraceSeconds }, signal);
      const how = stopped.killed ? `it ignored SIGTERM and was killed after ${deps.stopGraceSeconds} s` : `stopped in ${seconds(stopped.tookMs)}`;
      await progress(`${how}; started again, waiting for healthy`);
      const healthy = await waitHealthy({ api: deps.api, containers }, connector, deps.healthyTimeoutMs, signal);
      const stopDetail = { label: 'stop', value: how, ...(stopped.killed && { status: 'warn' as const }) };
      if (!healthy.ok) return { ok: false, summary: `restarted, but ${healthy.reason}`, details: [stopDetail] };
      return { ok: true, summary: `healthy again ${seconds(healthy.ms)} after the start`, details: [stopDetail, { label: 'time to healthy', value: seconds(healthy.ms) }] };
    },
  };
}
