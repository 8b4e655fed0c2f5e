import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import type { CheckStatus } from '../domain/status.ts';
import { worstStatus } from '../domain/status.ts';
import { engineLabel } from '../domain/connector.ts';
import { ContainerNotFoundError, type ContainerInspector, type ContainerState } from '../integrations/docker/containers.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import type { Check, CheckContext } from './check.ts';

/** A container that restarted and has run for less than this is taken to be crash-looping. */
const RECENT_RESTART_MS = 10 * 60_000;

/** The Connector's container as its engine sees it: running, restarts, health status, uptime, OOM kills, exit code. */
export class ContainerCheck implements Check {
  readonly id = 'container' as const;
  readonly needs = 'a container: set CONNECTOR_CONTAINER (or container in the YAML file)';

  private readonly containers: ContainerInspector;

  constructor(containers: ContainerInspector) {
    this.containers = containers;
  }

  appliesTo(connector: Connector): boolean {
    return connector.container !== undefined;
  }

  async run({ connector, signal, now }: CheckContext): Promise<CheckResult> {
    try {
      const state = await this.containers.inspect(connector.container!, signal);
      return interpretContainer(state, now);
    } catch (error) {
      if (error instanceof ContainerNotFoundError) {
        return checkResult('container', 'critical', `Container "${connector.container}" does not exist on ${engineLabel(connector)}`);
      }
      return checkResult('container', 'unknown', `Could not ask ${engineLabel(connector)}: ${describeFailure(error)}`);
    }
  }
}

export function interpretContainer(state: ContainerState, now: Date): CheckResult {
  const details: CheckDetail[] = [];
  const uptimeMs = state.running && state.startedAt ? now.getTime() - state.startedAt.getTime() : undefined;

  // Docker reports a paused container (docker pause) as running, yet its processes are frozen.
  const paused = state.status === 'paused';
  const runStatus: CheckStatus = state.restarting || paused ? 'critical' : state.running ? 'ok' : 'critical';
  details.push({ label: 'state', value: state.status, status: runStatus });
  if (uptimeMs !== undefined) details.push({ label: 'uptime', value: formatAge(uptimeMs) });
  if (!state.running && state.finishedAt) details.push({ label: 'stopped', value: `${formatAge(now.getTime() - state.finishedAt.getTime())} ago` });
  if (!state.running || state.restarting) {
    details.push({ label: 'exit code', value: String(state.exitCode), status: state.exitCode === 0 ? 'warn' : 'critical' });
  }
  if (state.oomKilled) details.push({ label: 'OOM killed', value: 'yes: the container ran out of memory', status: 'critical' });

  const crashLooping = state.restartCount > 0 && uptimeMs !== undefined && uptimeMs < RECENT_RESTART_MS;
  details.push({
    label: 'restarts',
    value: String(state.restartCount),
    status: state.restarting || crashLooping ? 'critical' : state.restartCount > 0 ? 'warn' : 'ok',
  });

  if (state.health) {
    const healthStatus: CheckStatus = state.health === 'healthy' ? 'ok' : state.health === 'starting' ? 'warn' : 'critical';
    const output = state.health === 'unhealthy' && state.lastHealthOutput ? `: ${state.lastHealthOutput.slice(0, 200)}` : '';
    details.push({ label: 'Health check', value: `${state.health}${output}`, status: healthStatus });
  } else {
    details.push({ label: 'Health check', value: 'no HEALTHCHECK configured' });
  }

  const status = worstStatus(details.flatMap((d) => (d.status ? [d.status] : [])));
  return checkResult('container', status, summarize(state, uptimeMs), details);
}

function summarize(state: ContainerState, uptimeMs: number | undefined): string {
  if (state.status === 'paused') return 'Paused (docker pause or podman pause): frozen, answering nothing';
  if (state.restarting) return `Restarting (restarted ${state.restartCount}×, last exit code ${state.exitCode})`;
  if (!state.running) {
    return `Not running: ${state.status}, exit code ${state.exitCode}${state.oomKilled ? ', killed for lack of memory' : ''}`;
  }
  const parts = [`Running ${uptimeMs !== undefined ? `for ${formatAge(uptimeMs)}` : ''}`.trim()];
  if (state.health) parts.push(`health check ${state.health}`);
  if (state.restartCount > 0) parts.push(`${state.restartCount} restart${state.restartCount === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
