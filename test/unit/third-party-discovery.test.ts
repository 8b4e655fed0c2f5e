import { describe, expect, it } from 'vitest';
import { discoverTargets } from '../../src/checks/third-party-discovery.ts';

/** /Monitoring/Support configuration of a 7.x Connector: modules keyed by name, the broker publisher with all four types. */
const CONNECTOR_7 = {
  debug: false,
  database: { driver: 'mongodb', connectionString: '***', dbName: 'default' },
  transportLibrary: { baseUrl: 'https://backbone.example.com', platformClientId: 'client', platformClientSecret: '***' },
  infrastructure: { httpServer: { enabled: true, port: 80, apiKey: '***' } },
  modules: {
    coreHttpApi: { enabled: true, location: '@nmshd/connector:CoreHttpApiModule', docs: { enabled: false } },
    sync: { enabled: true, location: '@nmshd/connector:SyncModule', interval: 60 },
    webhooks: {
      enabled: true,
      location: '@nmshd/connector:WebhooksModule',
      targets: {
        crm: { url: 'https://crm.example.com/enmeshed/{{trigger}}', headers: { 'X-API-KEY': 'crm-header-secret-123' } },
        erp: {
          url: 'https://erp.example.com/hooks/enmeshed',
          authenticationProvider: { type: 'OAuth2', accessTokenUrl: 'https://login.example.com/oauth2/token', clientId: 'c', clientSecret: 'oauth-secret-456' },
        },
      },
      webhooks: [
        { triggers: ['consumption.incomingRequestReceived'], target: 'crm' },
        { triggers: ['transport.messageReceived'], target: { url: 'https://audit.example.com/hook' } },
        { triggers: ['transport.relationshipChanged'], target: { url: 'https://crm.example.com/enmeshed/relationship' } },
      ],
    },
    messageBrokerPublisher: {
      enabled: true,
      location: '@nmshd/connector:MessageBrokerPublisherModule',
      brokers: [
        { type: 'AMQP', configuration: { url: 'amqp://connector:amqp-pw-789@rabbitmq:5672', exchange: 'enmeshed' } },
        { type: 'MQTT', configuration: { url: 'tcp://mosquitto:1883' } },
        { type: 'Redis', configuration: { url: 'redis://:redis-pw-000@redis:6379' } },
        { type: 'PubSub', configuration: { projectId: 'acme-prod', topicName: 'enmeshed-events', keyFile: '/secrets/key.json' } },
      ],
    },
  },
};

/** An older Connector: the AMQP publisher module, webhooks V2 under a custom module name, a disabled Pub/Sub publisher. */
const CONNECTOR_3 = {
  modules: {
    amqpPublisher: { enabled: true, location: 'amqpPublisher/AMQPPublisherModule', url: 'amqps://user:legacy-pw@mq.example.com', exchange: 'x' },
    myHooks: {
      enabled: true,
      location: 'webhooksV2/WebhooksModuleV2',
      targets: { main: { url: 'http://10.1.2.3:8080/events' } },
      webhooks: [{ triggers: ['**'], target: 'main' }],
    },
    pubSubPublisher: { enabled: false, location: 'pubSubPublisher/PubSubPublisherModule', projectId: 'p', topic: 't' },
  },
};

/** Brokers under infrastructure, webhook targets as a list, TLS checks off, values already redacted or broken. */
const OTHER_NESTING = {
  infrastructure: {
    messageBrokerPublisher: {
      brokers: [
        { type: 'mqtt', url: 'mqtts://bot:***@broker.example.com:8883' },
        { type: 'AMQP', configuration: { url: '***' } },
        { type: 'Redis', configuration: {} },
      ],
    },
  },
  modules: {
    webhooks: {
      enabled: true,
      skipTlsCheck: true,
      targets: [
        { url: 'https://selfsigned.internal/hook', headers: { Authorization: 'Bearer abc.def.ghi' } },
        { url: 'https://{{tenant}}.example.com/hook' },
        { url: 'hooks.example.com/no-scheme-secret-999' },
      ],
    },
  },
};

describe('discoverTargets', () => {
  it('finds brokers, webhook targets and OAuth2 token endpoints in a 7.x configuration', () => {
    const { targets, notes } = discoverTargets(CONNECTOR_7);
    expect(targets.map((t) => [t.url, t.protocol, t.source])).toEqual([
      ['https://crm.example.com/', 'http', 'webhook target "crm"'],
      ['https://erp.example.com/hooks/enmeshed', 'http', 'webhook target "erp"'],
      ['https://login.example.com/oauth2/token', 'http', 'OAuth2 token endpoint of webhook target "erp"'],
      ['https://audit.example.com/hook', 'http', 'webhook 2 (inline target)'],
      ['https://crm.example.com/enmeshed/relationship', 'http', 'webhook 3 (inline target)'],
      ['amqp://connector:amqp-pw-789@rabbitmq:5672', 'amqp', 'message broker (AMQP)'],
      // mqtt.js reads tcp:// as MQTT: the broker type decides, not the scheme.
      ['tcp://mosquitto:1883', 'mqtt', 'message broker (MQTT)'],
      ['redis://:redis-pw-000@redis:6379', 'redis', 'message broker (Redis)'],
    ]);
    expect(notes).toEqual([
      { source: 'message broker (PubSub)', note: 'not probed: Google Pub/Sub needs credentials (acme-prod/enmeshed-events)' },
    ]);
  });

  it('probes the origin of a URL template and says so', () => {
    const crm = discoverTargets(CONNECTOR_7).targets[0]!;
    expect(crm.shownUrl).toBe('https://crm.example.com/ (origin of https://crm.example.com/enmeshed/{{trigger}})');
  });

  it('never shows credentials, header values or OAuth2 secrets', () => {
    const shown = JSON.stringify(discoverTargets(CONNECTOR_7).targets.map((t) => [t.shownUrl, t.source]));
    for (const secret of ['amqp-pw-789', 'redis-pw-000', 'crm-header-secret-123', 'oauth-secret-456']) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).toContain('amqp://connector:***@rabbitmq:5672');
  });

  it('knows older modules by their location whatever the operator named them, and skips disabled ones', () => {
    const { targets, notes } = discoverTargets(CONNECTOR_3);
    expect(targets.map((t) => [t.url, t.protocol, t.source])).toEqual([
      ['amqps://user:legacy-pw@mq.example.com', 'amqp', 'AMQP publisher'],
      ['http://10.1.2.3:8080/events', 'http', 'webhook target "main"'],
    ]);
    expect(notes).toEqual([{ source: 'Pub/Sub publisher', note: 'module disabled: not probed' }]);
  });

  it('searches other nestings, keeps redacted passwords for the probe to handle, and skips what is not a URL', () => {
    const { targets, notes } = discoverTargets(OTHER_NESTING);
    expect(targets).toEqual([
      {
        url: 'mqtts://bot:***@broker.example.com:8883',
        shownUrl: 'mqtts://bot:***@broker.example.com:8883',
        protocol: 'mqtt',
        source: 'message broker (mqtt)',
      },
      { url: 'https://selfsigned.internal/hook', shownUrl: 'https://selfsigned.internal/hook', protocol: 'http', source: 'webhook target "1"', tlsUnchecked: true },
    ]);
    expect(notes).toEqual([
      { source: 'message broker (AMQP)', note: 'URL redacted by the Connector: not probed' },
      { source: 'message broker (Redis)', note: 'no URL configured' },
      { source: 'webhook target "2"', note: 'URL template without a fixed host: not probed (https://{{tenant}}.example.com/hook)' },
      { source: 'webhook target "3"', note: 'not a URL: not probed' },
    ]);
    expect(JSON.stringify(notes)).not.toContain('no-scheme-secret-999');
  });

  it('probes a URL once however many places name it', () => {
    const config = {
      modules: {
        webhooks: {
          targets: { a: { url: 'https://hooks.example.com/{{trigger}}' }, b: { url: 'https://hooks.example.com/{{trigger}}/x' } },
        },
      },
    };
    const { targets } = discoverTargets(config);
    expect(targets).toHaveLength(1);
    expect(targets[0]!.source).toBe('webhook target "a", webhook target "b"');
  });

  it('finds nothing in a configuration without such modules, or in no configuration at all', () => {
    expect(discoverTargets({ modules: { coreHttpApi: { enabled: true } } })).toEqual({ targets: [], notes: [] });
    expect(discoverTargets(undefined)).toEqual({ targets: [], notes: [] });
  });
});
