import { DEFAULT_ENGINE } from '../config/config.ts';
import { abortable } from '../integrations/abortable.ts';
import type { ContainerResources, ContainerResourcesSource } from '../integrations/docker/container-stats.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import { settle, type Outcome } from './outcome.ts';
import type { SharedReadings } from './shared-readings.ts';

/**
 * The CPU and memory sample of a connector's container. Docker's stats answer after two passes of the engine's
 * stats collector, a second apart, and one pass samples every container asked about: so the first resources
 * check of a report on an engine asks for the containers of all the report's connectors there at once, and
 * the connectors whose turn comes later (the runner checks CHECK_CONCURRENCY at a time) find theirs taken
 * instead of each waiting its own two seconds in turn. Each sample has `timeoutMs` from when it was asked;
 * a check waits for its own no longer than its `signal` allows.
 */
export function containerSample(
  source: Pick<ContainerResourcesSource, 'containerResources'>,
  container: string,
  engine: string,
  { signal, shared, timeoutMs }: { signal: AbortSignal; shared?: SharedReadings; timeoutMs: number },
): Promise<Outcome<ContainerResources>> {
  const own = () => settle(source.containerResources(container, signal));
  if (!shared) return own();
  const samples = shared.once(`container-samples:${engine}`, async () => {
    const containers = shared.connectors.flatMap((c) => (c.container && (c.engine ?? DEFAULT_ENGINE) === engine ? [c.container] : []));
    // Settled as they are asked: a sample that fails before its connector's turn is no unhandled rejection.
    return new Map([...new Set(containers)].map((name) => [name, settle(source.containerResources(name, AbortSignal.timeout(timeoutMs)))]));
  });
  const mine = samples.then((taken) => taken.get(container) ?? own());
  return abortable(mine, signal).catch((error: unknown): Outcome<ContainerResources> => ({ ok: false, reason: describeFailure(error) }));
}
