import { findConnector, type Connector } from '../domain/connector.ts';
import { approximateDuration } from '../domain/duration.ts';
import type { ContainerCondition } from '../domain/operation.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import { ContainerNotFoundError } from '../integrations/docker/containers.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import type { OperationDependencies } from './dependencies.ts';

/** The container's state as the request shows it to the approver: `running for 3 h, health check unhealthy`. */
export async function currentState(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<string> {
  return `Current state: ${(await readCondition(deps, connector, signal)).text}`;
}

/** What the engine says of the connector's container now: running, stopped, restarting, not there, or unreadable. */
export async function readCondition(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<ContainerCondition> {
  if (!connector.container) return { state: 'missing', text: 'no container' };
  try {
    const { State: state } = await deps.containersFor(connector).inspect(connector.container, signal);
    const now = deps.now().getTime();
    const since = (iso: string) => approximateDuration(Math.max(0, now - Date.parse(iso)));
    const health = state.Health?.Status ? `, health check ${state.Health.Status}` : '';
    if (state.Restarting) return { state: 'restarting', text: `restarting (last exit code ${state.ExitCode})` };
    if (state.Running) return { state: 'running', text: `running for ${since(state.StartedAt)}${health}` };
    const ago = state.FinishedAt && !state.FinishedAt.startsWith('0001') ? ` ${since(state.FinishedAt)} ago` : '';
    return { state: 'stopped', text: `${state.Status} (exit code ${state.ExitCode})${ago}` };
  } catch (error) {
    if (error instanceof ContainerNotFoundError) return { state: 'missing', text: `no container ${connector.container} on its engine` };
    return { state: 'unknown', text: `could not be read (${describeFailure(error)})` };
  }
}

/** The condition of a request's connector, looked up by name anew: one no longer configured or discovered is `unknown`, saying so. */
export function conditionByName(directory: ConnectorDirectory, deps: OperationDependencies) {
  return async (name: string, signal: AbortSignal): Promise<ContainerCondition> => {
    const connector = findConnector((await directory.list(signal)).connectors, name);
    return connector ? readCondition(deps, connector, signal) : { state: 'unknown', text: `${name} is no longer configured or discovered` };
  };
}
