import type { ConnectorApiClient, ConnectorApiTarget } from '../integrations/connector-api/client.ts';
import type { ApiAnswer, HealthAnswer, SupportInfo } from '../integrations/connector-api/types.ts';
import type { Connector } from '../domain/connector.ts';
import type { CheckContext } from './check.ts';
import { readOnce } from './shared-readings.ts';

type Asking = Pick<CheckContext, 'connector' | 'signal' | 'shared'>;

/** What the checks that ask the Connector's API need, as `Check.needs` says it. */
export const NEEDS_CONNECTOR_URL = 'a Connector URL: set CONNECTOR_URL (or url in the YAML file, or the connector-ops.url label)';

/** Where and how to ask a connector's API; only for a connector with a URL (`appliesTo` saw to it). */
export function apiTargetOf(connector: Connector): ConnectorApiTarget {
  return { url: connector.url!, apiKey: connector.apiKey, apiKeyHeader: connector.apiKeyHeader };
}

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
