import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/integrations/probes/session.ts';
import { parseTarget } from '../../src/integrations/probes/target.ts';

const MQTT = { 'mqtt:': { port: 1883, tls: false }, 'wss:': { port: 443, tls: true } };

describe('parseTarget', () => {
  it('reads host, default port, TLS and credentials once, for every probe', () => {
    expect(parseTarget('wss://probe%20user:s%40cret@[::1]/mqtt', MQTT)).toMatchObject({
      endpoint: { host: '::1', port: 443, tls: true },
      credentials: { username: 'probe user', password: 's@cret', redacted: false },
    });
    expect(parseTarget('mqtt://broker:1884', MQTT).endpoint).toEqual({ host: 'broker', port: 1884, tls: false });
    expect(parseTarget('mqtt://u:***@broker', MQTT).credentials.redacted).toBe(true);
  });

  it.each([
    ['not a URL', 'not a valid URL'],
    ['amqp://broker', 'amqp: is not for this probe (it speaks mqtt: or wss:)'],
    ['mqtt:///path-only', 'the URL has no host'],
  ])('%s: an invalid-url failure, "%s"', (url, reason) => {
    let thrown: unknown;
    try {
      parseTarget(url, MQTT);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProbeError);
    expect(thrown).toMatchObject({ kind: 'invalid-url', message: reason });
  });

  it('a scheme without a default port needs one in the URL', () => {
    expect(() => parseTarget('tcp://host-only', { 'tcp:': { port: 0, tls: false } })).toThrow('tcp:// needs host and port');
  });
});
