import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { ApiAnswer, HealthAnswer, VersionInfo } from '../integrations/connector-api/types.ts';
import type { Check, CheckContext } from './check.ts';

/** The Connector's /health route, and its running version from /Monitoring/Version. */
export class HealthCheck implements Check {
  readonly id = 'health' as const;

  private readonly api: ConnectorApiClient;

  constructor(api: ConnectorApiClient) {
    this.api = api;
  }

  appliesTo(connector: Connector): boolean {
    return connector.url !== undefined;
  }

  async run({ connector, signal }: CheckContext): Promise<CheckResult> {
    const target = { url: connector.url!, apiKey: connector.apiKey, apiKeyHeader: connector.apiKeyHeader };
    // In parallel: a rejected key is answered only after 1-4 s and must not hold up the health answer's reading.
    const [health, version] = await Promise.all([
      this.api.health(target, signal),
      connector.apiKey ? this.api.version(target, signal) : Promise.resolve(undefined),
    ]);
    return interpretHealth(health, version);
  }
}

export function interpretHealth(health: HealthAnswer, version?: ApiAnswer<VersionInfo>): CheckResult {
  const details: CheckDetail[] = [];
  let result: CheckResult;
  switch (health.kind) {
    case 'healthy':
      details.push(...serviceDetails(health.body.services));
      result = checkResult('health', 'ok', `Healthy (HTTP ${health.httpStatus})`, details);
      break;
    case 'unhealthy': {
      const services = serviceDetails(health.body.services);
      details.push(...services);
      const bad = services.filter((s) => s.status === 'critical').map((s) => s.label);
      result = checkResult(
        'health',
        'critical',
        `Unhealthy (HTTP ${health.httpStatus}): ${bad.length > 0 ? bad.join(', ') : 'no service named'} unhealthy`,
        details,
      );
      break;
    }
    case 'unreachable':
      details.push({ label: 'health route', value: health.reason, status: 'critical' });
      result = checkResult('health', 'critical', `Unreachable: ${health.reason}`, details);
      break;
  }
  if (version) result.details.push(versionDetail(version));
  if (version?.kind === 'ok') result.summary += ` · version ${version.value.version}`;
  if (version?.kind === 'rejected' && result.status === 'ok') {
    result.status = 'warn';
    result.summary += ` · ${version.reason}`;
  }
  return result;
}

function serviceDetails(services: Record<string, string>): CheckDetail[] {
  return Object.entries(services).map(([name, state]) => ({
    label: name,
    value: state,
    status: state === 'healthy' ? 'ok' : 'critical',
  }));
}

function versionDetail(version: ApiAnswer<VersionInfo>): CheckDetail {
  switch (version.kind) {
    case 'ok': {
      const v = version.value;
      const extra = [v.build ? `build ${v.build}` : undefined, v.commit ? `commit ${v.commit.slice(0, 8)}` : undefined, v.runtimeVersion ? `Node ${v.runtimeVersion}` : undefined]
        .filter(Boolean)
        .join(', ');
      return { label: 'version', value: extra ? `${v.version} (${extra})` : v.version, status: 'ok' };
    }
    case 'rejected':
      return { label: 'version', value: version.reason, status: 'warn' };
    case 'failed':
      return { label: 'version', value: `could not read: ${version.reason}`, status: 'unknown' };
  }
}
