/**
 * The third-party check end to end: the real brokers, a local https server with a five-day certificate,
 * a refused port, a silent server, and discovery from the stand-in Connector's /Monitoring/Support.
 */
import { aConnector } from '../support/builders.ts';
import { NetworkProber } from '../../src/integrations/probes/prober.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThirdPartyCheck } from '../../src/checks/third-party.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { ConnectorApiClient } from '../../src/integrations/connector-api/client.ts';
import { brokerUrl, describeWith, requireBroker, requireStandinImage } from '../support/requirements.ts';
import { freePort, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import { certificateValidFor, startHttpsServer, startSilentServer, type RunningServer } from '../support/tls-fixtures.ts';
import { validCheck } from '../support/report-schema.ts';

const BROKERS = [requireBroker('amqp'), requireBroker('mqtt'), requireBroker('redis')];
const api = new ConnectorApiClient(5_000);

function connector(extra: Partial<Connector> = {}): Connector {
  return aConnector('test', extra);
}

async function runCheck(check: ThirdPartyCheck, target: Connector): Promise<CheckResult> {
  return check.run({ connector: target, signal: AbortSignal.timeout(15_000), now: new Date() }).then(validCheck);
}

function detailFor(result: CheckResult, labelPart: string) {
  const found = result.details.find((detail) => detail.label.includes(labelPart));
  if (!found) throw new Error(`no detail for ${labelPart} in ${JSON.stringify(result.details)}`);
  return found;
}

let webhook: RunningServer;
let refusedPort: number;
beforeAll(async () => {
  webhook = await startHttpsServer(await certificateValidFor(5), (_request, response) => {
    response.statusCode = 405; // a webhook endpoint that only takes POST
    response.end();
  });
  refusedPort = await freePort();
});
afterAll(async () => {
  await webhook.close();
});

describe('third-party check without a Connector URL', () => {
  it('nothing configured or discovered is ok', async () => {
    const result = await runCheck(new ThirdPartyCheck({ prober: new NetworkProber(), api }), connector());
    expect(result).toMatchObject({ id: 'third-party', status: 'ok', summary: 'No third-party systems configured or discovered' });
  });

  it('probes in parallel, each with its own time limit: three silent systems take one time limit, not three', async () => {
    const silent = await startSilentServer();
    try {
      const targets = [`amqp://127.0.0.1:${silent.port}`, `mqtt://127.0.0.1:${silent.port}`, `redis://127.0.0.1:${silent.port}`];
      const check = new ThirdPartyCheck({ prober: new NetworkProber(), api, thirdParty: targets, probeTimeoutMs: 600 });
      const result = await runCheck(check, connector());
      // In parallel: the three probes' connections were all open at once (one after the other, never more than two).
      expect(silent.mostAtOnce()).toBe(3);
      expect(result.status).toBe('critical');
      for (const target of targets) {
        expect(detailFor(result, target).value).toMatch(/^configured: not answering: timed out: connected, but no answer within 600 ms/);
      }
    } finally {
      await silent.close();
    }
  });
});

describeWith(BROKERS, 'third-party check: configured targets against the real brokers', () => {
  it('up brokers are ok, a refused port critical, a five-day certificate a warning; the worst decides', async () => {
    const check = new ThirdPartyCheck({
      prober: new NetworkProber(),
      api,
      thirdParty: (c) => (c.name === 'test' ? [brokerUrl('amqp'), brokerUrl('mqtt'), brokerUrl('redis'), `https://localhost:${webhook.port}/in`, `tcp://127.0.0.1:${refusedPort}`] : []),
    });
    const result = await runCheck(check, connector());

    expect(result.status).toBe('critical');
    expect(result.summary).toMatch(/^2 of 5 third-party systems not ok: tcp:\/\/127\.0\.0\.1:\d+: configured: down: connection refused/);
    expect(detailFor(result, 'amqp://').status).toBe('ok');
    expect(detailFor(result, 'amqp://').value).toMatch(/^configured: RabbitMQ [\d.]+; logged in as "guest"/);
    expect(detailFor(result, 'mqtt://').status).toBe('ok');
    expect(detailFor(result, 'redis://').status).toBe('ok');
    const https = detailFor(result, 'https://localhost');
    expect(https.status).toBe('warn');
    expect(https.value).toMatch(/HTTP 405 Method Not Allowed; certificate expires in [45] days \(.*\); not trusted: DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect(detailFor(result, 'tcp://').status).toBe('critical');
    // The credentials of the AMQP URL are masked in everything the check returns.
    expect(JSON.stringify(result)).not.toContain('guest:guest');
    expect(detailFor(result, 'amqp://').label).toMatch(/^amqp:\/\/guest:\*\*\*@/);
  });
});

describeWith([requireStandinImage(), ...BROKERS], 'third-party check: discovery from the stand-in Connector', () => {
  let standin: StandinConnector;
  const supportConfig = (amqpUrl: string) => ({
    debug: false,
    database: { driver: 'mongodb', dbName: 'default', connectionString: '***' },
    infrastructure: { httpServer: { enabled: true, apiKey: '***' } },
    modules: {
      messageBrokerPublisher: {
        enabled: true,
        location: '@nmshd/connector:MessageBrokerPublisherModule',
        brokers: [
          { type: 'AMQP', configuration: { url: amqpUrl, exchange: 'amq.topic' } },
          { type: 'MQTT', configuration: { url: brokerUrl('mqtt') } },
          { type: 'Redis', configuration: { url: brokerUrl('redis') } },
          { type: 'PubSub', configuration: { projectId: 'acme', topicName: 'events', keyFile: '/run/secrets/key.json' } },
        ],
      },
      webhooks: {
        enabled: true,
        location: '@nmshd/connector:WebhooksModule',
        targets: { crm: { url: `https://localhost:${webhook.port}/enmeshed/{{trigger}}`, headers: { 'X-API-KEY': 'webhook-header-secret' } } },
        webhooks: [{ triggers: ['transport.messageReceived'], target: 'crm' }],
      },
    },
  });

  beforeAll(async () => {
    standin = await startStandinConnector({ name: 'third-party', supportConfig: supportConfig(brokerUrl('amqp')) });
  });
  afterAll(async () => {
    await standin?.remove();
  });

  it("finds the brokers and the webhook in the Connector's configuration and probes them", async () => {
    const result = await runCheck(new ThirdPartyCheck({ prober: new NetworkProber(), api }), connector({ url: standin.url, apiKey: standin.apiKey }));

    expect(result.status).toBe('warn'); // the webhook's five-day self-signed certificate
    expect(result.summary).toMatch(/^1 of 4 third-party systems not ok, 1 not probed: https:\/\/localhost:\d+\/ \(origin of /);
    expect(detailFor(result, 'amqp://').value).toMatch(/^message broker \(AMQP\): RabbitMQ/);
    expect(detailFor(result, 'mqtt://').value).toMatch(/^message broker \(MQTT\): MQTT 5 connection accepted/);
    expect(detailFor(result, 'redis://').value).toMatch(/^message broker \(Redis\): PONG/);
    expect(detailFor(result, 'https://localhost').value).toMatch(/^webhook target "crm": HTTP 405/);
    expect(detailFor(result, 'message broker (PubSub)')).toEqual({
      label: 'message broker (PubSub)',
      value: 'not probed: Google Pub/Sub needs credentials (acme/events)',
    });
    const shown = JSON.stringify(result);
    expect(shown).not.toContain('guest:guest');
    expect(shown).not.toContain('webhook-header-secret');
  });

  it('a broker that refuses connections makes the check critical and is named', async () => {
    await standin.writeState('support-config.json', JSON.stringify(supportConfig(`amqp://guest:guest@127.0.0.1:${refusedPort}`)));
    const result = await runCheck(new ThirdPartyCheck({ prober: new NetworkProber(), api }), connector({ url: standin.url, apiKey: standin.apiKey }));
    expect(result.status).toBe('critical');
    expect(result.summary).toContain(`amqp://guest:***@127.0.0.1:${refusedPort}: message broker (AMQP): down: connection refused`);
  });

  it('a rejected API key: discovery is unknown, configured targets are still probed', async () => {
    const check = new ThirdPartyCheck({ prober: new NetworkProber(), api, thirdParty: [brokerUrl('redis')] });
    const result = await runCheck(check, connector({ url: standin.url, apiKey: 'wrong-key' }));
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('1 third-party system reachable, discovery not possible: API key rejected (401)');
    expect(detailFor(result, 'redis://').status).toBe('ok');
  });
});
