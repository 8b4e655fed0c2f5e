import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineSettings } from '../../src/config/config.ts';
import { createDockerClient } from '../../src/integrations/docker/client.ts';
import { EngineMonitor } from '../../src/integrations/docker/engine-monitor.ts';
import { freePort } from '../support/standin.ts';
import { capturingLogger } from '../support/builders.ts';

/** A loopback stand-in for an engine (or a socket proxy in front of one): answers /_ping as told, or never. */
let answer: 'ok' | 'forbidden' | 'silent' = 'ok';
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (answer === 'silent') return;
    if (answer === 'forbidden') return void res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
    res.writeHead(200, { 'content-type': 'text/plain', 'api-version': '1.41' }).end('OK');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function monitorOf(settings: EngineSettings) {
  const { logger, records } = capturingLogger();
  const monitor = new EngineMonitor({ engines: [{ settings, client: createDockerClient(settings) }], logger, timeoutMs: 300 });
  return { monitor, records, state: () => monitor.states()[0]! };
}

const tcp = (p: number): EngineSettings => ({ name: 'remote', host: `tcp://127.0.0.1:${p}`, tlsVerify: false });

describe('EngineMonitor: each engine pinged in the background, its state and what fixes it', () => {
  it('is unknown before the first probe, up when /_ping answers', async () => {
    answer = 'ok';
    const { monitor, state, records } = monitorOf(tcp(port));
    expect(state()).toMatchObject({ engine: 'remote', state: 'unknown' });
    await monitor.probeAll();
    expect(state()).toMatchObject({ state: 'up' });
    expect(state()).not.toHaveProperty('problem');
    expect(records.filter((r) => r.level === 50)).toEqual([]);
  });

  it.each([
    ['no socket', () => ({ name: 'default', host: `unix://${join(mkdtempSync(join(tmpdir(), 'cops-nosock-')), 'docker.sock')}`, tlsVerify: false }), /^no socket at \/.*docker\.sock$/, /^Start the engine \(Docker, or Podman's podman\.socket\), or set DOCKER_HOST to its socket .*reach the engine through the socket proxy/],
    ['a closed port', async () => tcp(await freePort()), /^nothing listens at tcp:\/\/127\.0\.0\.1:\d+$/, /Start the engine \(or the socket proxy\)/],
  ] as const)('%s: down, with the cause and the fix', async (_name, settings, problem, fix) => {
    const { monitor, state } = monitorOf(await settings());
    await monitor.probeAll();
    expect(state()).toMatchObject({ state: 'down', problem: expect.stringMatching(problem), fix: expect.stringMatching(fix) });
  });

  it('a socket proxy that refuses /_ping: down, saying it must allow PING', async () => {
    answer = 'forbidden';
    const { monitor, state } = monitorOf(tcp(port));
    await monitor.probeAll();
    expect(state()).toMatchObject({ state: 'down', problem: `tcp://127.0.0.1:${port} answered HTTP 403 to GET /_ping`, fix: expect.stringContaining('allow PING') });
  });

  it('an engine that does not answer: down after the timeout, not waited on for ever', async () => {
    answer = 'silent';
    const { monitor, state } = monitorOf(tcp(port));
    await monitor.probeAll();
    expect(state()).toMatchObject({ state: 'down', problem: `no answer within 0.3 s from tcp://127.0.0.1:${port}` });
  });

  it('says a failure once at error level however often it is probed, and that the engine answers again once', async () => {
    answer = 'forbidden';
    const { monitor, state, records } = monitorOf(tcp(port));
    await monitor.probeAll();
    const since = state().since;
    await monitor.probeAll();
    await monitor.probeAll();
    expect(state().since).toEqual(since);
    expect(state().checkedAt!.getTime()).toBeGreaterThanOrEqual(since.getTime());
    const errors = records.filter((r) => r.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ engine: 'remote', msg: `Container engine remote cannot be reached: tcp://127.0.0.1:${port} answered HTTP 403 to GET /_ping. A socket proxy in between must allow PING (GET /_ping).` });

    answer = 'ok';
    await monitor.probeAll();
    await monitor.probeAll();
    expect(state()).toMatchObject({ state: 'up' });
    expect(records.filter((r) => r.msg === 'Container engine remote answers again')).toHaveLength(1);
  });
});
