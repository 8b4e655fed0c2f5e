import { afterAll, expect, it } from 'vitest';
import { HealthCheck } from '../../src/checks/health.ts';
import { KeyMaterialCheck } from '../../src/checks/key-material.ts';
import { ThirdPartyCheck } from '../../src/checks/third-party.ts';
import type { Check } from '../../src/checks/check.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import { ConnectorApiClient } from '../../src/integrations/connector-api/client.ts';
import { ContainerLogs } from '../../src/integrations/docker/logs.ts';
import { LogFiles } from '../../src/integrations/logfiles/log-files.ts';
import { NetworkProber } from '../../src/integrations/probes/prober.ts';
import { aConnector, errorLogsCheckOver, testDockerClient } from '../support/builders.ts';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import { validCheck } from '../support/report-schema.ts';

/**
 * The readings a real Connector 7.0.0 proved wrong, each reproduced with the stand-in as the real one
 * behaves (docs/connector-interface.md), through the real checks.
 */
describeWith([requireDocker, requireStandinImage], 'readings of a Connector as it really behaves', () => {
  const api = new ConnectorApiClient(2_500);
  afterAll(removeAllStandins);

  const run = (check: Check, standin: StandinConnector, extra: Parameters<typeof aConnector>[1] = {}): Promise<CheckResult> =>
    check.run({
      connector: aConnector('real', { url: standin.url, apiKey: standin.apiKey, container: standin.name, ...extra }),
      signal: AbortSignal.timeout(15_000),
      now: new Date(),
    }).then(validCheck);
  const detail = (result: CheckResult, label: string) => result.details.find((d) => d.label === label);

  it('labels runtimeVersion as the @nmshd/runtime library, not Node', async () => {
    const standin = await startStandinConnector({ name: 'runtime' });
    const result = await run(new HealthCheck({ api }), standin);
    expect(detail(result, 'version')?.value).toMatch(/^7\.4\.6 \(build 4711, commit [0-9a-f]{8}, runtime 7\.5\.2\)$/);
  });

  it('the Backbone refusing connections: key material does not blame the credentials', async () => {
    const standin = await startStandinConnector({ name: 'backbone-down', health: 'unhealthy:backbone' });
    const result = await run(new KeyMaterialCheck({ api, prober: new NetworkProber() }), standin);
    expect(detail(result, 'Backbone authentication')).toEqual({
      label: 'Backbone authentication',
      value: 'not checked: the Backbone is unreachable',
      status: 'unknown',
    });
    expect(JSON.stringify(result)).not.toMatch(/device credentials/);
  });

  it('a start-up crash printed without a level (Backbone unreachable at the first start) is counted', async () => {
    const standin = await startStandinConnector({ name: 'crash-backbone', crash: 'backbone' });
    const check = errorLogsCheckOver({ containerLogs: new ContainerLogs(testDockerClient()), logFiles: new LogFiles() });
    const result = await run(check, standin);
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/^1 error in 24 h \(1 group\)/);
    expect(result.details[0]?.label).toMatch(/^RequestError: error\.transport\.request\.unknown .* for POST \/api\/v2\/Challenges/);
  });

  it('a key without monitoring:support: third-party discovery is unknown and names the scope, not "ok, nothing configured"', async () => {
    const standin = await startStandinConnector({ name: 'no-support-scope' });
    await standin.writeState('scopes', 'monitoring:version,core:account');
    const result = await run(new ThirdPartyCheck({ api, prober: new NetworkProber() }), standin);
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/monitoring:support/);
  });

  it('reads the age of the last sync run: stale warns with the interval Support tells, "never" when absent', async () => {
    const standin = await startStandinConnector({ name: 'sync-age' });
    await standin.writeState('last-sync', new Date(Date.now() - 47 * 60_000).toISOString());
    const stale = await run(new HealthCheck({ api }), standin);
    expect(stale.status).toBe('warn');
    expect(detail(stale, 'last sync run')?.value).toBe('47 min ago (older than 5 min; sync interval 1 min)');
    await standin.writeState('last-sync', 'never');
    const never = await run(new HealthCheck({ api }), standin);
    expect(detail(never, 'last sync run')?.value).toMatch(/^never/);
    await standin.removeState('last-sync');
    const fresh = await run(new HealthCheck({ api }), standin);
    expect(fresh.status).toBe('ok');
  });
});
