import type { Connector } from '../domain/connector.ts';
import { approximateDuration } from '../domain/duration.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import type { OperationDependencies } from './dependencies.ts';

/** The container's state as the request shows it to the approver: `running for 3 h, Docker health unhealthy`. */
export async function currentState(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<string> {
  if (!connector.container) return 'Current state: no container';
  try {
    const { State: state } = await deps.containersFor(connector).inspect(connector.container, signal);
    const now = deps.now().getTime();
    const since = (iso: string) => approximateDuration(Math.max(0, now - Date.parse(iso)));
    const health = state.Health?.Status ? `, Docker health ${state.Health.Status}` : '';
    if (state.Restarting) return `Current state: restarting (last exit code ${state.ExitCode})`;
    if (state.Running) return `Current state: running for ${since(state.StartedAt)}${health}`;
    return `Current state: ${state.Status} (exit code ${state.ExitCode})${state.FinishedAt && !state.FinishedAt.startsWith('0001') ? ` ${since(state.FinishedAt)} ago` : ''}`;
  } catch (error) {
    return `Current state: could not be read (${describeFailure(error)})`;
  }
}
