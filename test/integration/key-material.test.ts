/**
 * The key-material check against the stand-in Connector container: identity, Backbone authentication,
 * the API key, and the TLS certificate when the Connector is reached over https (a TLS proxy in front).
 */
import { aConnector } from '../support/builders.ts';
import { NetworkProber } from '../../src/integrations/probes/prober.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyMaterialCheck } from '../../src/checks/key-material.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { ConnectorApiClient } from '../../src/integrations/connector-api/client.ts';
import { describeWith, requireStandinImage } from '../support/requirements.ts';
import { startStandinConnector, type StandinConnector } from '../support/standin.ts';
import { certificateValidFor, startTlsProxy, type RunningServer } from '../support/tls-fixtures.ts';
import { validCheck } from '../support/report-schema.ts';

function connector(url: string, apiKey?: string): Connector {
  return aConnector('key-material', { url, ...(apiKey ? { apiKey } : {}) });
}

function detail(result: CheckResult, label: string) {
  return result.details.find((d) => d.label === label);
}

describeWith([requireStandinImage()], 'key-material check against the stand-in Connector', () => {
  let standin: StandinConnector;
  let tls: RunningServer;
  const check = new KeyMaterialCheck({ prober: new NetworkProber(), api: new ConnectorApiClient(2_500) });
  const run = (target: Connector) => check.run({ connector: target, signal: AbortSignal.timeout(15_000), now: new Date() }).then(validCheck);

  beforeAll(async () => {
    standin = await startStandinConnector({ name: 'key-material' });
    tls = await startTlsProxy(await certificateValidFor(5), standin.port);
  });
  afterAll(async () => {
    await tls?.close();
    await standin?.remove();
  });

  it('reads the identity, Backbone authentication and the accepted key', async () => {
    await standin.setHealth('healthy');
    const result = await run(connector(standin.url, standin.apiKey));
    expect(result.status).toBe('ok');
    expect(detail(result, 'identity')).toEqual({
      label: 'identity',
      value: expect.stringMatching(/^did:e:localhost:dids:[0-9a-f]{22} \(public key readable\)$/),
      status: 'ok',
    });
    expect(detail(result, 'Backbone authentication')).toMatchObject({ value: 'healthy', status: 'ok' });
    expect(detail(result, 'API key')).toMatchObject({ value: 'accepted', status: 'ok' });
    expect(detail(result, 'TLS certificate')).toBeUndefined(); // plain http
  });

  it('Backbone authentication failing, as /health reports it, is critical', async () => {
    await standin.setHealth('unhealthy:backboneAuthentication');
    try {
      const result = await run(connector(standin.url, standin.apiKey));
      expect(result.status).toBe('critical');
      expect(detail(result, 'Backbone authentication')?.status).toBe('critical');
      expect(detail(result, 'identity')?.status).toBe('ok');
    } finally {
      await standin.removeState('auth-delay');
      await standin.setHealth('healthy');
    }
  });

  // That /health and the key are read at the same time is shown in the unit test, with gates.
  it('a rejected key is critical while /health hangs', async () => {
    await standin.setHealth('hang'); // /health answers after 60 s: the client gives up after 2.5 s
    // The real 401 comes after 1-4 s; pinned to 1 s to keep the test short.
    await standin.writeState('auth-delay', '1');
    try {
      const result = await run(connector(standin.url, 'not-the-key'));
      expect(result.status).toBe('critical');
      expect(detail(result, 'API key')).toEqual({ label: 'API key', value: 'API key rejected (401)', status: 'critical' });
      expect(detail(result, 'Backbone authentication')?.status).toBe('unknown');
    } finally {
      await standin.setHealth('healthy');
    }
  });

  it('over https: the days until the certificate expires; a self-signed one is not trusted', async () => {
    const result = await run(connector(`https://localhost:${tls.port}`, standin.apiKey));
    const certificate = detail(result, 'TLS certificate');
    expect(certificate?.status).toBe('warn');
    expect(certificate?.value).toMatch(/^localhost: certificate expires in [45] days \(.*\); not trusted: DEPTH_ZERO_SELF_SIGNED_CERT$/);
    // The bot's HTTP client refuses the same certificate, so the other parts could not be read.
    expect(detail(result, 'Backbone authentication')?.status).toBe('unknown');
    expect(result.status).toBe('unknown');
  });
});
