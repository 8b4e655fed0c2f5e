import type { ConnectorApiClient, ConnectorApiTarget } from '../integrations/connector-api/client.ts';
import type { ApiAnswer, HealthAnswer, SupportInfo } from '../integrations/connector-api/types.ts';
import type { CheckContext } from './check.ts';
import { readOnce } from './shared-readings.ts';

type Asking = Pick<CheckContext, 'connector' | 'signal' | 'shared'>;

/**
 * /health and /Monitoring/Support each run the Connector's own health check (a Backbone call, and a long
 * WARN in its log while the Backbone is down), and several checks read them: asked once per connector in
 * a report, and shared by the checks that start together.
 */
export function healthOnce(api: Pick<ConnectorApiClient, 'health'>, target: ConnectorApiTarget, { connector, signal, shared }: Asking): Promise<HealthAnswer> {
  return readOnce(shared, `connector-health:${connector.name}`, () => api.health(target, signal));
}

export function supportOnce(
  api: Pick<ConnectorApiClient, 'support'>,
  target: ConnectorApiTarget,
  { connector, signal, shared }: Asking,
): Promise<ApiAnswer<SupportInfo>> {
  return readOnce(shared, `connector-support:${connector.name}`, () => api.support(target, signal));
}
