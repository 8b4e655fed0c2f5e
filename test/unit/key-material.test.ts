import { aConnector } from '../support/builders.ts';
import { NetworkProber } from '../../src/integrations/probes/prober.ts';
import { describe, expect, it } from 'vitest';
import { interpretKeyMaterial, KeyMaterialCheck, type KeyMaterialCheckOptions, type KeyMaterialFindings } from '../../src/checks/key-material.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { ApiAnswer, HealthAnswer, IdentityInfo, SupportInfo } from '../../src/integrations/connector-api/types.ts';

const healthy: HealthAnswer = {
  kind: 'healthy',
  httpStatus: 200,
  body: { isHealthy: true, services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' } },
};
const identity = { address: 'did:e:example.com:dids:0123456789abcdef012345', publicKey: 'eyJwdWIiOiJrZXkifQ' };

function findings(extra: Partial<KeyMaterialFindings>): KeyMaterialFindings {
  return { apiKeyConfigured: true, health: healthy, support: { kind: 'ok', value: { identityInfo: identity } }, ...extra };
}

function detail(result: ReturnType<typeof interpretKeyMaterial>, label: string) {
  return result.details.find((d) => d.label === label);
}

describe('interpretKeyMaterial', () => {
  it('all readable and accepted is ok, and the summary says what was seen', () => {
    const result = interpretKeyMaterial(findings({}));
    expect(result.status).toBe('ok');
    expect(result.summary).toBe(
      `identity: ${identity.address} (public key readable) · Backbone authentication: healthy · API key: accepted`,
    );
  });

  it('an identity the Connector cannot read is critical', () => {
    const result = interpretKeyMaterial(findings({ support: { kind: 'ok', value: { identityInfo: { error: 'no account found' } } } }));
    expect(result.status).toBe('critical');
    expect(detail(result, 'identity')).toEqual({
      label: 'identity',
      value: 'the Connector cannot read its identity: no account found',
      status: 'critical',
    });
  });

  it('Support forbidden (no scope): the key is accepted, the identity comes from the IdentityInfo route', () => {
    const result = interpretKeyMaterial(
      findings({
        support: { kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope for /Monitoring/Support (403)' },
        identityRoute: { kind: 'ok', value: identity },
      }),
    );
    expect(result.status).toBe('ok');
    expect(detail(result, 'API key')?.value).toBe('accepted');
    expect(detail(result, 'identity')?.status).toBe('ok');
  });

  it('a rejected key is critical, and the identity is then unknown rather than broken', () => {
    const result = interpretKeyMaterial(findings({ support: { kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' } }));
    expect(result.status).toBe('critical');
    expect(detail(result, 'API key')).toEqual({ label: 'API key', value: 'API key rejected (401)', status: 'critical' });
    expect(detail(result, 'identity')?.status).toBe('unknown');
    expect(result.summary).toContain('API key rejected (401)');
  });

  it('a server error from the identity route is critical; the bot not reaching it is unknown', () => {
    const base = { support: { kind: 'rejected', httpStatus: 403, reason: 'forbidden' } } as const;
    const serverError = interpretKeyMaterial(findings({ ...base, identityRoute: { kind: 'failed', reason: 'HTTP 500 from /api/core/v1/Account/IdentityInfo' } }));
    expect(detail(serverError, 'identity')?.status).toBe('critical');
    const unreachable = interpretKeyMaterial(
      findings({ support: { kind: 'failed', reason: 'timed out' }, identityRoute: { kind: 'failed', reason: 'timed out' } }),
    );
    expect(detail(unreachable, 'identity')?.status).toBe('unknown');
    expect(detail(unreachable, 'API key')?.status).toBe('unknown');
    expect(unreachable.status).toBe('unknown');
  });

  it('Backbone authentication as /health reports it', () => {
    const unhealthy: HealthAnswer = {
      kind: 'unhealthy',
      httpStatus: 500,
      body: { isHealthy: false, services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'unhealthy' } },
    };
    expect(detail(interpretKeyMaterial(findings({ health: unhealthy })), 'Backbone authentication')?.status).toBe('critical');
    const older: HealthAnswer = { kind: 'healthy', httpStatus: 200, body: { isHealthy: true, services: { database: 'healthy' } } };
    expect(detail(interpretKeyMaterial(findings({ health: older })), 'Backbone authentication')?.status).toBe('unknown');
    const down: HealthAnswer = { kind: 'unreachable', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8080' };
    expect(detail(interpretKeyMaterial(findings({ health: down })), 'Backbone authentication')?.status).toBe('unknown');
  });

  it('the TLS certificate of an https Connector URL: warn under 14 days, critical under 3', () => {
    const cert = (daysLeft: number) =>
      findings({
        tls: {
          ok: true,
          latencyMs: 4,
          certificate: { subject: 'connector.example.com', issuer: 'CA', validTo: '2026-09-01T00:00:00.000Z', daysLeft, verified: true },
        },
      });
    expect(detail(interpretKeyMaterial(cert(30)), 'TLS certificate')?.status).toBe('ok');
    expect(detail(interpretKeyMaterial(cert(10)), 'TLS certificate')?.status).toBe('warn');
    expect(interpretKeyMaterial(cert(2)).status).toBe('critical');
  });

  it('Backbone unreachable: the credentials are not judged (the Connector\'s check fails on any error)', () => {
    const backboneDown: HealthAnswer = {
      kind: 'unhealthy',
      httpStatus: 500,
      body: { isHealthy: false, services: { database: 'healthy', backboneConnection: 'unhealthy', backboneAuthentication: 'unhealthy' } },
    };
    const result = interpretKeyMaterial(findings({ health: backboneDown }));
    expect(detail(result, 'Backbone authentication')).toEqual({
      label: 'Backbone authentication',
      value: 'not checked: the Backbone is unreachable',
      status: 'unknown',
    });
    expect(result.status).not.toBe('critical');
    expect(result.summary).not.toMatch(/credentials/);
  });

  it('Backbone unreachable but authentication "healthy": possibly stale (cached for 5 minutes)', () => {
    const cached: HealthAnswer = {
      kind: 'unhealthy',
      httpStatus: 500,
      body: { isHealthy: false, services: { database: 'healthy', backboneConnection: 'unhealthy', backboneAuthentication: 'healthy' } },
    };
    const backbone = detail(interpretKeyMaterial(findings({ health: cached })), 'Backbone authentication');
    expect(backbone?.status).toBe('unknown');
    expect(backbone?.value).toMatch(/stale.*5 minutes/);
  });

  it('/health and Support hanging: each part says why it could not look; the identity comes from its route', () => {
    const result = interpretKeyMaterial(
      findings({
        health: { kind: 'unreachable', reason: 'timed out', timedOutMs: 5_000 },
        support: { kind: 'failed', reason: 'timed out', timedOutMs: 5_000 },
        identityRoute: { kind: 'ok', value: identity },
      }),
    );
    expect(detail(result, 'identity')?.status).toBe('ok');
    expect(detail(result, 'API key')?.value).toBe('accepted');
    expect(detail(result, 'Backbone authentication')?.value).toMatch(/^not checked: \/health did not answer \(its Backbone check hangs\)/);
    const noRoute = interpretKeyMaterial(
      findings({
        health: { kind: 'unreachable', reason: 'timed out', timedOutMs: 5_000 },
        support: { kind: 'failed', reason: 'timed out', timedOutMs: 5_000 },
        identityRoute: { kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope (403)' },
      }),
    );
    expect(detail(noRoute, 'identity')?.status).toBe('unknown');
    expect(detail(noRoute, 'API key')?.value).toBe('accepted');
    const nothing = interpretKeyMaterial(
      findings({ support: { kind: 'failed', reason: 'timed out', timedOutMs: 5_000 }, identityRoute: { kind: 'failed', reason: 'timed out', timedOutMs: 5_000 } }),
    );
    expect(detail(nothing, 'identity')?.value).toMatch(/\/Monitoring\/Support did not answer within 5 s: it runs the Connector's health check/);
  });

  it('no API key configured: identity and key are unknown, Backbone authentication is still read', () => {
    const result = interpretKeyMaterial({ apiKeyConfigured: false, health: healthy });
    expect(result.status).toBe('unknown');
    expect(detail(result, 'Backbone authentication')?.status).toBe('ok');
  });
});

describe('KeyMaterialCheck.run with an in-memory Connector API', () => {
  const connector: Connector = aConnector('c', { url: 'http://connector.local', apiKey: 'k' });

  function api(answers: { support: ApiAnswer<SupportInfo>; identityInfo?: ApiAnswer<IdentityInfo> }) {
    const calls: string[] = [];
    const fake: KeyMaterialCheckOptions['api'] = {
      health: async () => (calls.push('health'), healthy),
      support: async () => (calls.push('support'), answers.support),
      identityInfo: async () => {
        calls.push('identityInfo');
        return answers.identityInfo ?? { kind: 'failed', reason: 'not expected' };
      },
    };
    return { fake, calls };
  }
  const run = (options: Omit<KeyMaterialCheckOptions, 'prober'>) =>
    new KeyMaterialCheck({ prober: new NetworkProber(), ...options }).run({ connector, signal: AbortSignal.timeout(5_000), now: new Date() });

  it('asks the IdentityInfo route when Support is forbidden (no monitoring:support scope)', async () => {
    const { fake, calls } = api({
      support: { kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope for /Monitoring/Support (403)' },
      identityInfo: { kind: 'ok', value: identity },
    });
    const result = await run({ api: fake });
    expect(calls).toContain('identityInfo');
    expect(result.status).toBe('ok');
  });

  it('does not ask again with a key that was just rejected', async () => {
    const { fake, calls } = api({ support: { kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' } });
    await run({ api: fake });
    expect(calls).not.toContain('identityInfo');
  });

  it('reads health and Support at the same time', async () => {
    // Each answers only once the other was asked: one after the other, the first would wait until the check's time is up.
    const flag = () => {
      let resolve: () => void = () => undefined;
      return { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
    };
    const asked = { health: flag(), support: flag() };
    const { fake } = api({ support: { kind: 'ok', value: { identityInfo: identity } } });
    const result = await run({
      api: {
        ...fake,
        health: async (...args) => (asked.health.resolve(), await asked.support.promise, fake.health(...args)),
        support: async (...args) => (asked.support.resolve(), await asked.health.promise, fake.support(...args)),
      },
    });
    expect(result.status).toBe('ok');
  });

  it('applies only to a connector with a URL', () => {
    const check = new KeyMaterialCheck({ prober: new NetworkProber(), api: api({ support: { kind: 'failed', reason: 'x' } }).fake });
    expect(check.appliesTo(connector)).toBe(true);
    expect(check.appliesTo({ ...connector, url: undefined })).toBe(false);
  });
});
