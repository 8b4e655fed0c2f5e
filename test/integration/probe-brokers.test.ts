/**
 * The broker probes against the real RabbitMQ, Mosquitto and Redis of the test environment, plus
 * second instances with authentication started here, a refused port, a silent server and TLS in front.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAmqp } from '../../src/integrations/probes/amqp.ts';
import { probeHttp } from '../../src/integrations/probes/http.ts';
import { probeMqtt } from '../../src/integrations/probes/mqtt.ts';
import { probeRedis } from '../../src/integrations/probes/redis.ts';
import { probeTcp } from '../../src/integrations/probes/tcp.ts';
import { brokerUrl, describeWith, requireBroker, serverProgram } from '../support/requirements.ts';
import { freePort } from '../support/standin.ts';
import { certificateValidFor, startSilentServer, startTlsProxy, type RunningServer, type TestCertificate } from '../support/tls-fixtures.ts';

// host:port of the test environment's brokers (loopback unless TEST_*_URL say otherwise).
const at = (url: string): { host: string; port: number; address: string } => {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), address: `${hostname}:${port}` };
};
const RABBITMQ = at(brokerUrl('amqp'));
const MOSQUITTO = at(brokerUrl('mqtt'));
const REDIS = at(brokerUrl('redis'));

const FAST = { timeoutMs: 2_000 };

let refusedPort: number;
let silent: Awaited<ReturnType<typeof startSilentServer>>;
let http: RunningServer;
let certificate: TestCertificate;
beforeAll(async () => {
  refusedPort = await freePort();
  silent = await startSilentServer();
  http = await startHttpServer();
  certificate = await certificateValidFor(5);
});
afterAll(async () => {
  await silent.close();
  await http.close();
});

/** A plain HTTP server: whatever arrives is answered 400, as a web server answers a broker handshake. */
async function startHttpServer(): Promise<RunningServer> {
  const server = createServer((_request, response) => response.end());
  server.on('clientError', (_error, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe('every probe', () => {
  it.each([
    ['amqp', (port: number) => probeAmqp(`amqp://guest:guest@127.0.0.1:${port}`, FAST)],
    ['mqtt', (port: number) => probeMqtt(`mqtt://127.0.0.1:${port}`, FAST)],
    ['redis', (port: number) => probeRedis(`redis://127.0.0.1:${port}`, FAST)],
    ['tcp', (port: number) => probeTcp('127.0.0.1', port, FAST)],
  ])('%s: a port nobody listens on is "refused"', async (_name, probe) => {
    const result = await probe(refusedPort);
    expect(result).toMatchObject({ ok: false, kind: 'refused' });
    expect(!result.ok && result.reason).toMatch(/refused/);
  });

  it.each([
    ['amqp', 'waiting for Connection.Start', (port: number) => probeAmqp(`amqp://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['mqtt', 'waiting for CONNACK', (port: number) => probeMqtt(`mqtt://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['redis', 'waiting for PONG', (port: number) => probeRedis(`redis://127.0.0.1:${port}`, { timeoutMs: 400 })],
  ])('%s: a server that accepts and never answers times out, naming what it waited for', async (_name, stage, probe) => {
    const result = await probe(silent.port);
    expect(result).toEqual({ ok: false, kind: 'timeout', reason: `timed out: connected, but no answer within 400 ms (${stage})` });
  });

  it.each([
    ['amqp', 'the server does not speak AMQP 0-9-1', (port: number) => probeAmqp(`amqp://127.0.0.1:${port}`, FAST)],
    ['mqtt', 'the server does not speak MQTT (expected CONNACK)', (port: number) => probeMqtt(`mqtt://127.0.0.1:${port}`, FAST)],
    ['redis', 'the server does not speak the Redis protocol', (port: number) => probeRedis(`redis://127.0.0.1:${port}`, FAST)],
  ])('%s: a server speaking another protocol (HTTP) is a protocol failure at once', async (_name, reason, probe) => {
    // At once: a probe that waited for more would end in its timeout instead.
    expect(await probe(http.port)).toEqual({ ok: false, kind: 'protocol', reason });
  });

  it.each([
    ['amqps', (port: number) => probeAmqp(`amqps://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['https', (port: number) => probeHttp(`https://127.0.0.1:${port}/`, { timeoutMs: 400 })],
  ])('%s: a server that accepts TCP and never starts TLS times out in the handshake', async (_name, probe) => {
    expect(await probe(silent.port)).toEqual({
      ok: false,
      kind: 'timeout',
      reason: 'timed out: connected, but no answer within 400 ms (waiting for the TLS handshake)',
    });
  });

  it("stops when the caller's signal aborts (the check's time is up)", async () => {
    const controller = new AbortController();
    const before = silent.connections();
    const pending = probeRedis(`redis://127.0.0.1:${silent.port}`, { timeoutMs: 10_000, signal: controller.signal });
    // Aborted once connected and waiting for the answer.
    await expect.poll(() => silent.connections()).toBe(before + 1);
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    expect(!result.ok && result.reason).toContain('before the check was stopped');
  });
});

describeWith([requireBroker('amqp')], 'AMQP against RabbitMQ', () => {
  it('logs in with guest/guest, opens the default virtual host and names the server', async () => {
    const result = await probeAmqp(`amqp://guest:guest@${RABBITMQ.address}`, FAST);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.detail).toMatch(/^RabbitMQ \d+\.\d+\.\d+; logged in as "guest", virtual host "\/" open$/);
  });

  it('uses guest/guest when the URL has no credentials, as amqplib does', async () => {
    expect(await probeAmqp(`amqp://${RABBITMQ.address}`, FAST)).toMatchObject({ ok: true });
  });

  it('a wrong password is an auth failure with the broker\'s words', async () => {
    const result = await probeAmqp(`amqp://guest:wrong-password@${RABBITMQ.address}`, FAST);
    expect(result).toMatchObject({ ok: false, kind: 'auth' });
    expect(!result.ok && result.reason).toMatch(/^login as "guest" refused \(403 ACCESS_REFUSED/);
    expect(JSON.stringify(result)).not.toContain('wrong-password');
  });

  it('a virtual host that does not exist is refused access', async () => {
    const result = await probeAmqp(`amqp://guest:guest@${RABBITMQ.address}/no-such-vhost`, FAST);
    expect(result).toMatchObject({ ok: false, kind: 'auth' });
    expect(!result.ok && result.reason).toContain('530');
  });


  it('amqps with a self-signed certificate: the handshake is read, the certificate reported, no credentials sent', async () => {
    const proxy = await startTlsProxy(certificate, RABBITMQ.port, RABBITMQ.host);
    try {
      const result = await probeAmqp(`amqps://guest:guest@localhost:${proxy.port}`, FAST);
      expect(result).toMatchObject({ ok: true, certificate: { subject: 'localhost', verified: false } });
      expect(result.ok && result.detail).toMatch(/^RabbitMQ .*; certificate not trusted, login not tried$/);
      expect(result.ok && result.certificate?.daysLeft).toBeGreaterThanOrEqual(4);
      expect(result.ok && result.certificate?.daysLeft).toBeLessThanOrEqual(5);
    } finally {
      await proxy.close();
    }
  });

  it('credentials the Connector redacted are not tried', async () => {
    const result = await probeAmqp(`amqp://guest:***@${RABBITMQ.address}`, FAST);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.detail).toContain('credentials redacted, login not tried');
  });
});

describeWith([requireBroker('mqtt')], 'MQTT against Mosquitto', () => {
  let secured: { port: number; stop: () => Promise<void> };
  beforeAll(async () => {
    secured = await startMosquittoWithPassword('probe-user', 'probe-secret');
  });
  afterAll(async () => {
    await secured.stop();
  });

  it('connects anonymously to the open broker', async () => {
    expect(await probeMqtt(`mqtt://${MOSQUITTO.address}`, FAST)).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
      detail: 'MQTT connection accepted anonymously',
    });
  });

  it('logs in with user name and password where the broker requires them', async () => {
    const result = await probeMqtt(`mqtt://probe-user:probe-secret@127.0.0.1:${secured.port}`, FAST);
    expect(result).toMatchObject({ ok: true, detail: 'MQTT connection accepted as "probe-user"' });
  });

  it('a wrong password and an anonymous login are auth failures named as such', async () => {
    const wrong = await probeMqtt(`mqtt://probe-user:nope@127.0.0.1:${secured.port}`, FAST);
    expect(wrong).toMatchObject({ ok: false, kind: 'auth' });
    expect(!wrong.ok && wrong.reason).toMatch(/^login as "probe-user" refused: CONNACK [45] \((bad user name or password|not authorized)\)$/);
    const anonymous = await probeMqtt(`mqtt://127.0.0.1:${secured.port}`, FAST);
    expect(anonymous).toMatchObject({ ok: false, kind: 'auth' });
  });

  it('tcp:// is MQTT too when the broker type says so, and mqtts goes through TLS', async () => {
    const proxy = await startTlsProxy(certificate, MOSQUITTO.port, MOSQUITTO.host);
    try {
      const result = await probeMqtt(`mqtts://localhost:${proxy.port}`, FAST);
      // No credentials to protect: the anonymous CONNECT goes through even though the certificate is self-signed.
      expect(result).toMatchObject({ ok: true, detail: 'MQTT connection accepted anonymously', certificate: { verified: false } });
    } finally {
      await proxy.close();
    }
  });
});

describeWith([requireBroker('redis')], 'Redis', () => {
  let secured: { port: number; stop: () => Promise<void> };
  beforeAll(async () => {
    secured = await startRedisWithPassword('redis-probe-secret');
  });
  afterAll(async () => {
    await secured.stop();
  });

  it('PING is answered with PONG', async () => {
    expect(await probeRedis(`redis://${REDIS.address}`, FAST)).toMatchObject({ ok: true, detail: 'PONG' });
  });

  it('logs in with the password from the URL', async () => {
    expect(await probeRedis(`redis://:redis-probe-secret@127.0.0.1:${secured.port}`, FAST)).toMatchObject({
      ok: true,
      detail: 'PONG with password',
    });
    expect(await probeRedis(`redis://default:redis-probe-secret@127.0.0.1:${secured.port}`, FAST)).toMatchObject({
      ok: true,
      detail: 'PONG as "default"',
    });
  });

  it('a wrong password is WRONGPASS, a missing one NOAUTH: both auth failures, neither showing the password', async () => {
    const wrong = await probeRedis(`redis://:not-the-password@127.0.0.1:${secured.port}`, FAST);
    expect(wrong).toMatchObject({ ok: false, kind: 'auth' });
    expect(!wrong.ok && wrong.reason).toMatch(/WRONGPASS|invalid password/);
    expect(JSON.stringify(wrong)).not.toContain('not-the-password');
    const missing = await probeRedis(`redis://127.0.0.1:${secured.port}`, FAST);
    expect(missing).toMatchObject({ ok: false, kind: 'auth' });
    expect(!missing.ok && missing.reason).toContain('NOAUTH');
  });

  it('redacted credentials: a NOAUTH answer still shows a live Redis', async () => {
    const result = await probeRedis(`redis://:***@127.0.0.1:${secured.port}`, FAST);
    expect(result).toMatchObject({ ok: true, detail: 'Redis answers and requires a login; credentials redacted, login not tried' });
  });

  it('rediss through TLS with a self-signed certificate withholds the password', async () => {
    const proxy = await startTlsProxy(certificate, secured.port);
    try {
      const result = await probeRedis(`rediss://:redis-probe-secret@localhost:${proxy.port}`, FAST);
      expect(result).toMatchObject({
        ok: true,
        detail: 'Redis answers and requires a login; certificate not trusted, login not tried',
        certificate: { verified: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      });
    } finally {
      await proxy.close();
    }
  });
});

// ---- second broker instances with authentication, stopped by their process, not by name ----

const execFileAsync = promisify(execFile);

async function startRedisWithPassword(password: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(serverProgram('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitForPort(port, child);
  return { port, stop: () => stopChild(child) };
}

async function startMosquittoWithPassword(user: string, password: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-ops-mosquitto-'));
  const port = await freePort();
  await execFileAsync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), user, password]);
  await writeFile(
    join(dir, 'mosquitto.conf'),
    [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${join(dir, 'passwd')}`, 'user root', 'persistence false', ''].join('\n'),
  );
  const child = spawn(serverProgram('mosquitto'), ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  await waitForPort(port, child);
  return {
    port,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${String(child.spawnfile)} exited with ${child.exitCode}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error(`${String(child.spawnfile)} did not listen on ${port} within 10 s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
