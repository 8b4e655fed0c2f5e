import { aConnector } from '../support/builders.ts';
import { NetworkProber } from '../../src/integrations/probes/prober.ts';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { judgeCertificate } from '../../src/checks/third-party-certificate.ts';
import type { ThirdPartyTarget } from '../../src/checks/third-party-discovery.ts';
import { judgeProbe } from '../../src/checks/third-party-verdict.ts';
import { summarise, ThirdPartyCheck } from '../../src/checks/third-party.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { ApiAnswer, SupportInfo } from '../../src/integrations/connector-api/types.ts';
import type { CertificateInfo } from '../../src/integrations/probes/result.ts';

const target: ThirdPartyTarget = { url: 'amqp://u:pw@mq:5672', shownUrl: 'amqp://u:***@mq:5672', protocol: 'amqp', source: 'message broker (AMQP)' };

function certificate(daysLeft: number, extra: Partial<CertificateInfo> = {}): CertificateInfo {
  return { subject: 'mq.example.com', issuer: 'Example CA', validTo: '2026-09-01T00:00:00.000Z', daysLeft, verified: true, ...extra };
}

describe('judgeCertificate', () => {
  it.each([
    [90, 'ok'],
    [14, 'ok'],
    [13, 'warn'],
    [3, 'warn'],
    [2, 'critical'],
    [0, 'critical'],
    [-1, 'critical'],
  ] as const)('%i days left -> %s', (days, status) => {
    expect(judgeCertificate(certificate(days)).status).toBe(status);
  });

  it('says when an expired certificate expired', () => {
    expect(judgeCertificate(certificate(-4, { verified: false, verifyError: 'CERT_HAS_EXPIRED' })).text).toBe(
      'certificate expired 4 days ago (2026-09-01)',
    );
  });

  it('warns about a certificate that does not verify, unless the Connector skips TLS checks for it', () => {
    const selfSigned = certificate(200, { verified: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(judgeCertificate(selfSigned)).toEqual({
      status: 'warn',
      text: 'certificate expires in 200 days (2026-09-01); not trusted: DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(judgeCertificate(selfSigned, undefined, false).status).toBe('ok');
  });

  it('honours configured thresholds', () => {
    expect(judgeCertificate(certificate(20), { warnDays: 30, criticalDays: 7 }).status).toBe('warn');
  });
});

describe('judgeProbe', () => {
  it('a system that answers is ok, with what was seen and how fast', () => {
    expect(judgeProbe(target, { ok: true, latencyMs: 12, detail: 'RabbitMQ 3.10.8; logged in as "u"' })).toEqual({
      label: 'amqp://u:***@mq:5672',
      value: 'message broker (AMQP): RabbitMQ 3.10.8; logged in as "u"; 12 ms',
      status: 'ok',
    });
  });

  it.each(['refused', 'unreachable', 'timeout', 'reset', 'tls', 'auth', 'protocol'] as const)('a %s failure is critical', (kind) => {
    const detail = judgeProbe(target, { ok: false, kind, reason: 'why' });
    expect(detail.status).toBe('critical');
    expect(detail.value).toContain('why');
  });

  it('names refused credentials as such', () => {
    expect(judgeProbe(target, { ok: false, kind: 'auth', reason: 'login as "u" refused (403 ACCESS_REFUSED)' }).value).toBe(
      'message broker (AMQP): credentials refused: login as "u" refused (403 ACCESS_REFUSED)',
    );
  });

  it('a URL no probe can use is unknown: the check could not look', () => {
    expect(judgeProbe(target, { ok: false, kind: 'invalid-url', reason: 'no probe for this kind of URL' }).status).toBe('unknown');
  });

  it('HTTP 5xx is critical; 4xx still proves the server is there (a webhook need not answer GET)', () => {
    const hook: ThirdPartyTarget = { url: 'https://h/x', shownUrl: 'https://h/x', source: 'webhook target "a"' };
    expect(judgeProbe(hook, { ok: true, latencyMs: 5, httpStatus: 503, detail: 'HTTP 503 Service Unavailable' }).status).toBe('critical');
    expect(judgeProbe(hook, { ok: true, latencyMs: 5, httpStatus: 405, detail: 'HTTP 405 Method Not Allowed' }).status).toBe('ok');
  });

  it('the certificate decides when the system answers: expiring soon is a warning', () => {
    const detail = judgeProbe(target, { ok: true, latencyMs: 3, detail: 'PONG', certificate: certificate(5) });
    expect(detail.status).toBe('warn');
    expect(detail.value).toContain('certificate expires in 5 days');
  });
});

describe('summarise', () => {
  const ok = { label: 'redis://redis:6379', value: 'message broker (Redis): PONG; 1 ms', status: 'ok' as const };
  const down = { label: 'amqp://u:***@mq:5672', value: 'message broker (AMQP): down: connection refused', status: 'critical' as const };
  const pubSub = { label: 'message broker (PubSub)', value: 'not probed: Google Pub/Sub needs credentials' };

  it('nothing configured or discovered is ok', () => {
    expect(summarise([], [])).toMatchObject({ status: 'ok', summary: 'No third-party systems configured or discovered' });
  });

  it('the worst target decides, and the summary names it', () => {
    const result = summarise([ok, down], [pubSub]);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('1 of 2 third-party systems not ok, 1 not probed: amqp://u:***@mq:5672: message broker (AMQP): down: connection refused');
    expect(result.details).toEqual([ok, down, pubSub]);
  });

  it('a note is neither ok nor down: it does not change the status', () => {
    expect(summarise([ok], [pubSub])).toMatchObject({ status: 'ok', summary: '1 third-party system reachable, 1 not probed' });
    expect(summarise([], [pubSub])).toMatchObject({ status: 'ok' });
  });

  it('failed discovery with nothing else to probe is unknown; with configured targets it is said and counted', () => {
    const failed = { label: 'discovery from /Monitoring/Support', value: 'not possible: API key rejected (401)', status: 'unknown' as const };
    expect(summarise([], [], failed)).toMatchObject({
      status: 'unknown',
      summary: 'Could not discover third-party systems: not possible: API key rejected (401)',
    });
    expect(summarise([ok], [], failed)).toMatchObject({ status: 'unknown', summary: '1 third-party system reachable, discovery not possible: API key rejected (401)' });
  });

  it('no Connector URL to discover from is information, not a problem', () => {
    const noUrl = { label: 'discovery from /Monitoring/Support', value: 'no Connector URL configured: nothing discovered' };
    expect(summarise([], [], noUrl)).toMatchObject({ status: 'ok', summary: 'No third-party systems configured or discovered' });
  });
});

describe('ThirdPartyCheck discovery answers (in-memory Connector API)', () => {
  const connector: Connector = aConnector('c', { url: 'http://connector.local', apiKey: 'k' });
  const run = (support: ApiAnswer<SupportInfo>) =>
    new ThirdPartyCheck({ prober: new NetworkProber(), api: { support: async () => support } }).run({ connector, signal: AbortSignal.timeout(5_000), now: new Date() });

  it('a key without the monitoring:support scope: unknown, naming the scope and the setting, never "ok, nothing configured"', async () => {
    const result = await run({ kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope for /Monitoring/Support (403)' });
    expect(result.status).toBe('unknown');
    expect(result.summary).not.toMatch(/No third-party systems/);
    expect(result.summary).toMatch(/monitoring:support/);
    expect(result.details[0]?.value).toMatch(/monitoring:support scope \(403\); grant it, or list .* CONNECTOR_THIRD_PARTY/);
  });

  it('a key without the scope beside configured systems: their results decide, discovery is a note', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const check = new ThirdPartyCheck({
        prober: new NetworkProber(),
        api: { support: async () => ({ kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope for /Monitoring/Support (403)' }) },
        thirdParty: [`tcp://127.0.0.1:${port}`],
      });
      const result = await check.run({ connector, signal: AbortSignal.timeout(5_000), now: new Date() });
      expect(result.status).toBe('ok');
      const note = result.details.find((d) => d.label === 'discovery from /Monitoring/Support');
      expect(note?.value).toMatch(/monitoring:support/);
      expect(note?.status).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('Support hanging (it runs the health check): discovery says why it could not look', async () => {
    const result = await run({ kind: 'failed', reason: 'timed out', timedOutMs: 2_500 });
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/\/Monitoring\/Support did not answer within 2.5 s: it runs the Connector's health check/);
  });

  it('a rejected key or an unreachable Connector leaves the check unable to look', async () => {
    expect((await run({ kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' })).status).toBe('unknown');
    expect((await run({ kind: 'failed', reason: 'timed out' })).status).toBe('unknown');
  });

  it('a configuration with only a Pub/Sub broker: nothing probed, the note says why', async () => {
    const result = await run({
      kind: 'ok',
      value: { configuration: { modules: { messageBrokerPublisher: { brokers: [{ type: 'PubSub', configuration: { projectId: 'p', topicName: 't' } }] } } } },
    });
    expect(result).toMatchObject({
      status: 'ok',
      summary: 'No third-party system probed: message broker (PubSub): not probed: Google Pub/Sub needs credentials (p/t)',
    });
  });
});
