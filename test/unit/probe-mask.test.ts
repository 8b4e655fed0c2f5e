import { describe, expect, it } from 'vitest';
import { maskUrlCredentials } from '../../src/logging/redact.ts';
import { displayUrl, urlCredentials } from '../../src/integrations/probes/mask.ts';

describe('maskUrlCredentials', () => {
  it.each([
    ['amqp://user:secret@rabbit:5672/vhost', 'amqp://user:***@rabbit:5672/vhost'],
    ['amqps://connector:p%40ss@mq.example.com', 'amqps://connector:***@mq.example.com'],
    ['redis://:onlypassword@redis:6379/0', 'redis://:***@redis:6379/0'],
    ['mqtt://user:p@ss@broker:1883', 'mqtt://user:***@broker:1883'],
    ['https://ghp_tokenAsUserName@example.com/hook', 'https://***@example.com/hook'],
    ['mongodb://admin:pw@m1:27017,m2:27017/connector?replicaSet=rs0', 'mongodb://admin:***@m1:27017,m2:27017/connector?replicaSet=rs0'],
    ['https://hooks.example.com/in?x=1', 'https://hooks.example.com/in?x=1'],
    ['tcp://10.0.0.5:9000', 'tcp://10.0.0.5:9000'],
    ['not a url user:pw@x', 'not a url user:pw@x'],
  ])('%s -> %s', (url, masked) => {
    expect(maskUrlCredentials(url)).toBe(masked);
  });

  it('displayUrl also hides secrets in the query string', () => {
    const shown = displayUrl('https://user:pw@api.example.com/hook?token=abcdef123456&trigger=x');
    expect(shown).not.toContain('pw');
    expect(shown).not.toContain('abcdef123456');
    expect(shown).toContain('api.example.com/hook');
  });
});

describe('urlCredentials', () => {
  it('decodes user name and password', () => {
    expect(urlCredentials(new URL('amqp://us%3Aer:p%40ss@h'))).toEqual({ username: 'us:er', password: 'p@ss', redacted: false });
    expect(urlCredentials(new URL('redis://:pw@h'))).toEqual({ username: undefined, password: 'pw', redacted: false });
    expect(urlCredentials(new URL('mqtt://h'))).toEqual({ username: undefined, password: undefined, redacted: false });
  });

  it('recognises credentials the Connector replaced with ***', () => {
    expect(urlCredentials(new URL('amqp://user:***@h')).redacted).toBe(true);
  });
});
