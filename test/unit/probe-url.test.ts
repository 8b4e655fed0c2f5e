import { describe, expect, it } from 'vitest';
import { probeUrl, protocolOf } from '../../src/integrations/probes/probe-url.ts';
import type { ProbeResult } from '../../src/integrations/probes/result.ts';

describe('protocolOf', () => {
  it.each([
    ['https://hooks.example.com/x', 'http'],
    ['HTTP://example.com', 'http'],
    ['wss://broker.example.com/mqtt', 'http'],
    ['tcp://10.0.0.1:9000', 'tcp'],
    ['amqps://u:p@mq', 'amqp'],
    ['mqtt://broker', 'mqtt'],
    ['rediss://:pw@cache:6380', 'redis'],
    ['mongodb+srv://cluster.example.com/db', 'mongodb'],
    ['mongodb://a:27017,b:27017/?replicaSet=rs0', 'mongodb'],
    ['ftp://files', undefined],
    ['no scheme', undefined],
  ])('%s -> %s', (url, protocol) => {
    expect(protocolOf(url)).toBe(protocol);
  });
});

describe('probeUrl', () => {
  it('hands mongodb:// to the injected MongoDB ping, with a signal that carries the time limit', async () => {
    const seen: { uri: string; signal: AbortSignal }[] = [];
    const pong: ProbeResult = { ok: true, latencyMs: 3, detail: 'MongoDB 7.0.12, replica set rs0' };
    const result = await probeUrl('mongodb://db:27017/connector', undefined, {
      timeoutMs: 1_000,
      mongoPing: async (uri, signal) => (seen.push({ uri, signal }), pong),
    });
    expect(result).toBe(pong);
    expect(seen[0]?.uri).toBe('mongodb://db:27017/connector');
    expect(seen[0]?.signal.aborted).toBe(false);
  });

  it('an injected MongoDB ping that throws is a failed probe, not an exception', async () => {
    const result = await probeUrl('mongodb://db/connector', undefined, {
      mongoPing: () => Promise.reject(new Error('server selection timed out')),
    });
    expect(result).toEqual({ ok: false, kind: 'unreachable', reason: 'server selection timed out' });
  });

  it('a scheme no probe speaks, or a tcp:// URL without a port, cannot be probed', async () => {
    expect(await probeUrl('ftp://files.example.com', undefined)).toEqual({
      ok: false,
      kind: 'invalid-url',
      reason: 'no probe for this kind of URL',
    });
    expect(await probeUrl('tcp://host-only', undefined)).toMatchObject({ ok: false, kind: 'invalid-url' });
    expect(await probeUrl('amqp://[broken', undefined)).toEqual({ ok: false, kind: 'invalid-url', reason: 'not a valid URL' });
  });
});
