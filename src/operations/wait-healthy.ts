import type { Connector } from '../domain/connector.ts';
import { inert } from '../domain/inert.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { ContainerOperations } from '../integrations/docker/container-operations.ts';

export interface HealthWaitDependencies {
  api: Pick<ConnectorApiClient, 'health'>;
  containers: Pick<ContainerOperations, 'inspect' | 'lastLogLines'>;
}

export type HealthWait = { ok: true; ms: number } | { ok: false; reason: string };

const POLL_MS = 1_000;
const TELLING = /\b(ERROR|FATAL)\b|Error:|ECONNREFUSED|Could not connect|not compatible|Uncaught|Unhandled/;

/**
 * Waits until the Connector is healthy as the operations guide means it: the container runs (and its health
 * check is `healthy` when it has a HEALTHCHECK) and /health answers 200. A real Connector exits 1 at start
 * when its database, a message broker or the Backbone is unreachable: when the container exits or restarts
 * meanwhile, the answer names the reason from its last log lines, not just "unhealthy".
 */
export async function waitHealthy(deps: HealthWaitDependencies, connector: Connector, timeoutMs: number, signal: AbortSignal): Promise<HealthWait> {
  const started = performance.now();
  const container = connector.container;
  let restarts: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    // What this round still waits for; none: healthy.
    let waitingFor: string | undefined;
    if (container) {
      const info = await deps.containers.inspect(container, signal);
      restarts ??= info.RestartCount;
      const { State: state } = info;
      const restarted = state.Restarting || info.RestartCount > restarts;
      if (!state.Running || restarted) {
        const how = restarted ? `exited (code ${state.ExitCode}) and is restarting` : `exited (code ${state.ExitCode})`;
        return { ok: false, reason: `the container ${how}${await lastWords(deps, container, signal)}` };
      }
      const health = state.Health?.Status;
      if (health && health !== 'healthy') waitingFor = `the health check is ${health}`;
    }
    if (connector.url) {
      const answer = await deps.api.health({ url: connector.url, apiKeyHeader: connector.apiKeyHeader }, signal);
      if (answer.kind === 'unreachable') waitingFor ??= `/health: ${answer.reason}`;
      if (answer.kind === 'unhealthy') waitingFor ??= `/health answers ${answer.httpStatus} (unhealthy)`;
    }
    const elapsed = performance.now() - started;
    if (!waitingFor) return { ok: true, ms: Math.round(elapsed) };
    if (elapsed + POLL_MS > timeoutMs) return { ok: false, reason: `not healthy within ${Math.round(timeoutMs / 1000)} s (last: ${waitingFor})` };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The lines of a container's last output that say why it ended. */
async function lastWords(deps: HealthWaitDependencies, container: string, signal: AbortSignal): Promise<string> {
  const lines = await deps.containers.lastLogLines(container, 40, signal).catch(() => []);
  const telling = lines.filter((line) => TELLING.test(line));
  const chosen = (telling.length > 0 ? telling : lines.filter((line) => line.trim())).slice(-3);
  if (chosen.length === 0) return '';
  return `; its last words: ${chosen.map((line) => inert(line.trim().slice(0, 300))).join(' | ')}`;
}
