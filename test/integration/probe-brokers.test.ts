/**
 * The broker probes against the real RabbitMQ, Mosquitto and Redis of the test environment, plus
 * second instances with authentication started here, a refused port, a silent server, TLS in front, and for
 * MQTT a WebSocket relay and a 3.1.1-only front. Each probe is checked to leave no connection open.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/integrations/probes/result.ts';
import { probeAmqp } from '../../src/integrations/probes/amqp.ts';
import { probeHttp } from '../../src/integrations/probes/http.ts';
import { probeMqtt } from '../../src/integrations/probes/mqtt.ts';
import { probeUrl } from '../../src/integrations/probes/probe-url.ts';
import { probeRedis } from '../../src/integrations/probes/redis.ts';
import { probeTcp } from '../../src/integrations/probes/tcp.ts';
import { brokerUrl, describeWith, requireBroker, serverProgram } from '../support/requirements.ts';
import { startMqtt311Front, startWebSocketRelay } from '../support/mqtt-relays.ts';
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
/** Longer than the wait for closed sockets: what closes them is the probe, not its deadline's signal. */
const UNHURRIED = { timeoutMs: 10_000 };
const execFileAsync = promisify(execFile);

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

/**
 * Runs a probe and waits until every connection opened meanwhile (each TCP or TLS client socket of this
 * process: the probe's and the relays' towards the brokers) is closed again.
 */
async function probeLeavingNoSocket(probe: () => Promise<ProbeResult>): Promise<ProbeResult> {
  const opened: Socket[] = [];
  const collect = (message: unknown): void => void opened.push((message as { socket: Socket }).socket);
  subscribe('net.client.socket', collect);
  try {
    const result = await probe();
    expect(opened.length).toBeGreaterThan(0);
    await expect.poll(() => opened.filter((socket) => !socket.destroyed).length, { timeout: 2_000 }).toBe(0);
    return result;
  } finally {
    unsubscribe('net.client.socket', collect);
  }
}

/**
 * A probe in a child process that trusts the test certificate (NODE_EXTRA_CA_CERTS is read at start-up only):
 * the path where the certificate verifies and credentials go out. A socket left open would keep it running.
 */
async function probeTrusting(certificate: TestCertificate, probe: 'probeAmqp' | 'probeMqtt', url: string): Promise<ProbeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-ops-ca-'));
  try {
    await writeFile(join(dir, 'ca.pem'), certificate.cert);
    const module = new URL(`../../src/integrations/probes/${probe === 'probeAmqp' ? 'amqp' : 'mqtt'}.ts`, import.meta.url).href;
    const script = `const { ${probe} } = await import(${JSON.stringify(module)});
      process.stdout.write(JSON.stringify(await ${probe}(process.argv[1], { timeoutMs: 5000 })));`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script, url], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
      timeout: 20_000,
    });
    return JSON.parse(stdout) as ProbeResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('every probe', () => {
  it.each([
    ['amqp', (port: number) => probeAmqp(`amqp://guest:guest@127.0.0.1:${port}`, FAST)],
    ['mqtt', (port: number) => probeMqtt(`mqtt://127.0.0.1:${port}`, FAST)],
    ['mqtt over ws', (port: number) => probeMqtt(`ws://127.0.0.1:${port}/mqtt`, FAST)],
    ['redis', (port: number) => probeRedis(`redis://127.0.0.1:${port}`, FAST)],
    ['tcp', (port: number) => probeTcp(`tcp://127.0.0.1:${port}`, FAST)],
  ])('%s: a port nobody listens on is "refused"', async (_name, probe) => {
    const result = await probe(refusedPort);
    expect(result).toMatchObject({ ok: false, kind: 'refused' });
    expect(!result.ok && result.reason).toMatch(/refused/);
  });

  it.each([
    ['amqp', 'waiting for the AMQP handshake', (port: number) => probeAmqp(`amqp://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['mqtt', 'waiting for CONNACK (MQTT 5)', (port: number) => probeMqtt(`mqtt://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['mqtt over ws', 'waiting for the WebSocket upgrade', (port: number) => probeMqtt(`ws://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['redis', 'waiting for PONG', (port: number) => probeRedis(`redis://127.0.0.1:${port}`, { timeoutMs: 400 })],
  ])('%s: a server that accepts and never answers times out, naming what it waited for, and leaves no socket open', async (_name, stage, probe) => {
    const result = await probeLeavingNoSocket(() => probe(silent.port));
    expect(result).toEqual({ ok: false, kind: 'timeout', reason: `timed out: connected, but no answer within 400 ms (${stage})` });
  });

  it.each([
    ['amqp', /^the server does not speak AMQP 0-9-1 \(/, (port: number) => probeAmqp(`amqp://127.0.0.1:${port}`, FAST)],
    ['mqtt', /^the server does not speak MQTT \(/, (port: number) => probeMqtt(`mqtt://127.0.0.1:${port}`, FAST)],
    ['mqtt over ws', /^no WebSocket upgrade: the server answered HTTP 200$/, (port: number) => probeMqtt(`ws://127.0.0.1:${port}/mqtt`, FAST)],
    ['redis', /^the server does not speak the Redis protocol$/, (port: number) => probeRedis(`redis://127.0.0.1:${port}`, FAST)],
  ])('%s: a server speaking another protocol (HTTP) is a protocol failure at once', async (_name, reason, probe) => {
    // At once: a probe that waited for more would end in its timeout instead.
    const result = await probeLeavingNoSocket(() => probe(http.port));
    expect(result).toMatchObject({ ok: false, kind: 'protocol' });
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it.each([
    ['amqps', (port: number) => probeAmqp(`amqps://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['mqtts', (port: number) => probeMqtt(`mqtts://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['wss', (port: number) => probeMqtt(`wss://127.0.0.1:${port}`, { timeoutMs: 400 })],
    ['https', (port: number) => probeHttp(`https://127.0.0.1:${port}/`, { timeoutMs: 400 })],
  ])('%s: a server that accepts TCP and never starts TLS times out in the handshake', async (_name, probe) => {
    expect(await probe(silent.port)).toEqual({
      ok: false,
      kind: 'timeout',
      reason: 'timed out: connected, but no answer within 400 ms (waiting for the TLS handshake)',
    });
  });

  it.each([
    ['amqp', (port: number, signal: AbortSignal) => probeAmqp(`amqp://127.0.0.1:${port}`, { timeoutMs: 10_000, signal })],
    ['mqtt', (port: number, signal: AbortSignal) => probeMqtt(`mqtt://127.0.0.1:${port}`, { timeoutMs: 10_000, signal })],
    ['redis', (port: number, signal: AbortSignal) => probeRedis(`redis://127.0.0.1:${port}`, { timeoutMs: 10_000, signal })],
  ])("%s: stops when the caller's signal aborts (the check's time is up) and closes its connection", async (name, probe) => {
    const controller = new AbortController();
    const before = silent.connections();
    const result = await probeLeavingNoSocket(async () => {
      const pending = probe(silent.port, controller.signal);
      // Aborted once the library's connection stands and waits for the answer (the AMQP probe's first one is its own).
      await expect.poll(() => silent.connections()).toBe(before + (name === 'amqp' ? 2 : 1));
      controller.abort();
      return pending;
    });
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    expect(!result.ok && result.reason).toContain('before the check was stopped');
  });
});

describeWith([requireBroker('amqp')], 'AMQP against RabbitMQ', () => {
  it('logs in with guest/guest, opens the default virtual host, names the server and closes its connection', async () => {
    const result = await probeLeavingNoSocket(() => probeAmqp(`amqp://guest:guest@${RABBITMQ.address}`, UNHURRIED));
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.detail).toMatch(/^RabbitMQ \d+\.\d+\.\d+; logged in as "guest", virtual host "\/" open$/);
  });

  it('uses guest/guest when the URL has no credentials, as amqplib does', async () => {
    expect(await probeAmqp(`amqp://${RABBITMQ.address}`, FAST)).toMatchObject({ ok: true });
  });

  it("a wrong password is an auth failure with the broker's words, without the password", async () => {
    const result = await probeLeavingNoSocket(() => probeAmqp(`amqp://guest:wrong-password@${RABBITMQ.address}`, UNHURRIED));
    expect(result).toMatchObject({ ok: false, kind: 'auth' });
    expect(!result.ok && result.reason).toMatch(/^login as "guest" refused \(403 \(ACCESS-REFUSED\)/);
    expect(JSON.stringify(result)).not.toContain('wrong-password');
  });

  it('a virtual host that does not exist is refused access', async () => {
    const result = await probeLeavingNoSocket(() => probeAmqp(`amqp://guest:guest@${RABBITMQ.address}/no-such-vhost`, UNHURRIED));
    expect(result).toEqual({
      ok: false,
      kind: 'auth',
      reason: 'access to the virtual host "no-such-vhost" refused: the server closed the connection',
    });
  });

  describe('amqps (TLS in front of RabbitMQ)', () => {
    let proxy: RunningServer;
    beforeAll(async () => {
      proxy = await startTlsProxy(certificate, RABBITMQ.port, RABBITMQ.host);
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('a self-signed certificate is reported and no credentials are sent', async () => {
      const result = await probeLeavingNoSocket(() => probeAmqp(`amqps://guest:guest@localhost:${proxy.port}`, UNHURRIED));
      expect(result).toMatchObject({
        ok: true,
        detail: 'TLS connection accepted; certificate not trusted, login not tried',
        certificate: { subject: 'localhost', verified: false },
      });
      expect(result.ok && result.certificate?.daysLeft).toBeGreaterThanOrEqual(4);
      expect(result.ok && result.certificate?.daysLeft).toBeLessThanOrEqual(5);
    });

    it('a certificate the bot trusts: amqplib logs in through TLS', async () => {
      const result = await probeTrusting(certificate, 'probeAmqp', `amqps://guest:guest@localhost:${proxy.port}`);
      expect(result).toMatchObject({ ok: true, certificate: { subject: 'localhost', verified: true } });
      expect(result.ok && result.detail).toMatch(/^RabbitMQ .*; logged in as "guest", virtual host "\/" open$/);
    });
  });

  it('credentials the Connector redacted are not tried', async () => {
    const result = await probeAmqp(`amqp://guest:***@${RABBITMQ.address}`, FAST);
    expect(result).toMatchObject({ ok: true, detail: 'TCP connection accepted; credentials redacted, login not tried' });
  });
});

describeWith([requireBroker('mqtt')], 'MQTT against Mosquitto', () => {
  let secured: { port: number; stop: () => Promise<void> };
  let webSocket: RunningServer;
  let securedWebSocket: RunningServer;
  beforeAll(async () => {
    secured = await startMosquittoWithPassword('probe-user', 'probe-secret');
    webSocket = await startWebSocketRelay(MOSQUITTO.port, MOSQUITTO.host);
    securedWebSocket = await startWebSocketRelay(secured.port);
  });
  afterAll(async () => {
    await webSocket.close();
    await securedWebSocket.close();
    await secured.stop();
  });

  it('connects anonymously to the open broker with MQTT 5 and closes its connection', async () => {
    expect(await probeLeavingNoSocket(() => probeMqtt(`mqtt://${MOSQUITTO.address}`, UNHURRIED))).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
      detail: 'MQTT 5 connection accepted anonymously',
    });
  });

  it('falls back to MQTT 3.1.1 where the broker does not speak MQTT 5', async () => {
    const front = await startMqtt311Front(MOSQUITTO.port, MOSQUITTO.host);
    try {
      const result = await probeLeavingNoSocket(() => probeMqtt(`mqtt://127.0.0.1:${front.port}`, UNHURRIED));
      expect(result).toMatchObject({ ok: true, detail: 'MQTT 3.1.1 connection accepted anonymously (the broker does not speak MQTT 5)' });
      expect(front.refusedVersion5()).toBe(1);
    } finally {
      await front.close();
    }
  });

  it('logs in with user name and password where the broker requires them', async () => {
    const result = await probeMqtt(`mqtt://probe-user:probe-secret@127.0.0.1:${secured.port}`, FAST);
    expect(result).toMatchObject({ ok: true, detail: 'MQTT 5 connection accepted as "probe-user"' });
  });

  it('a wrong password and an anonymous login are auth failures named as such', async () => {
    const wrong = await probeLeavingNoSocket(() => probeMqtt(`mqtt://probe-user:nope@127.0.0.1:${secured.port}`, UNHURRIED));
    expect(wrong).toMatchObject({ ok: false, kind: 'auth' });
    expect(!wrong.ok && wrong.reason).toMatch(/^login as "probe-user" refused: CONNACK 13[45] \((bad user name or password|not authorized)\)$/);
    expect(JSON.stringify(wrong)).not.toContain('nope');
    const anonymous = await probeMqtt(`mqtt://127.0.0.1:${secured.port}`, FAST);
    expect(anonymous).toMatchObject({ ok: false, kind: 'auth' });
    expect(!anonymous.ok && anonymous.reason).toMatch(/^anonymous login refused: CONNACK 13[45]/);
  });

  it('ws:// speaks MQTT over a WebSocket, with the login in the CONNECT', async () => {
    expect(await probeLeavingNoSocket(() => probeMqtt(`ws://127.0.0.1:${webSocket.port}/mqtt`, UNHURRIED))).toMatchObject({
      ok: true,
      detail: 'MQTT 5 connection accepted anonymously',
    });
    expect(await probeMqtt(`ws://probe-user:probe-secret@127.0.0.1:${securedWebSocket.port}/mqtt`, FAST)).toMatchObject({
      ok: true,
      detail: 'MQTT 5 connection accepted as "probe-user"',
    });
    expect(await probeMqtt(`ws://probe-user:nope@127.0.0.1:${securedWebSocket.port}/mqtt`, FAST)).toMatchObject({ ok: false, kind: 'auth' });
  });

  it("a broker the Connector configures as MQTT with a ws:// URL is probed as MQTT, not as a web page", async () => {
    expect(await probeUrl(`ws://127.0.0.1:${webSocket.port}/mqtt`, 'mqtt', FAST)).toMatchObject({
      ok: true,
      detail: 'MQTT 5 connection accepted anonymously',
    });
  });

  describe('mqtts and wss (TLS in front of Mosquitto)', () => {
    let tcpProxy: RunningServer;
    let webSocketProxy: RunningServer;
    let securedProxy: RunningServer;
    beforeAll(async () => {
      tcpProxy = await startTlsProxy(certificate, MOSQUITTO.port, MOSQUITTO.host);
      webSocketProxy = await startTlsProxy(certificate, webSocket.port);
      securedProxy = await startTlsProxy(certificate, secured.port);
    });
    afterAll(async () => {
      await tcpProxy.close();
      await webSocketProxy.close();
      await securedProxy.close();
    });

    it('with no credentials to protect, the anonymous CONNECT goes through a self-signed certificate', async () => {
      for (const url of [`mqtts://localhost:${tcpProxy.port}`, `wss://localhost:${webSocketProxy.port}/mqtt`]) {
        const result = await probeLeavingNoSocket(() => probeMqtt(url, UNHURRIED));
        expect(result).toMatchObject({ ok: true, detail: 'MQTT 5 connection accepted anonymously', certificate: { verified: false } });
      }
    });

    it('credentials are not sent to a server whose certificate does not verify', async () => {
      const result = await probeMqtt(`mqtts://probe-user:probe-secret@localhost:${securedProxy.port}`, FAST);
      expect(result).toMatchObject({
        ok: true,
        detail: 'TLS connection accepted; certificate not trusted, MQTT login not tried',
        certificate: { verified: false },
      });
    });

    it('a certificate the bot trusts: the login goes through TLS', async () => {
      const result = await probeTrusting(certificate, 'probeMqtt', `mqtts://probe-user:probe-secret@localhost:${securedProxy.port}`);
      expect(result).toMatchObject({ ok: true, detail: 'MQTT 5 connection accepted as "probe-user"', certificate: { verified: true } });
    });
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
    expect(await probeLeavingNoSocket(() => probeRedis(`redis://${REDIS.address}`, UNHURRIED))).toMatchObject({ ok: true, detail: 'PONG' });
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

  it('a least-privilege ACL user refused PING (NOPERM) logged in: up, with a note', async () => {
    const user = `probe-${randomBytes(4).toString('hex')}`;
    await redisCli(REDIS, 'ACL', 'SETUSER', user, 'on', '>acl-secret', '-@all', '+get');
    try {
      const result = await probeLeavingNoSocket(() => probeRedis(`redis://${user}:acl-secret@${REDIS.address}`, UNHURRIED));
      expect(result).toMatchObject({ ok: true });
      expect(result.ok && result.detail).toMatch(new RegExp(`^logged in as "${user}"; PING not permitted for this user \\(NOPERM .*\\)$`));
      const wrong = await probeRedis(`redis://${user}:not-it@${REDIS.address}`, FAST);
      expect(wrong).toMatchObject({ ok: false, kind: 'auth' });
    } finally {
      await redisCli(REDIS, 'ACL', 'DELUSER', user);
    }
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

function redisCli(redis: { host: string; port: number }, ...args: string[]): Promise<unknown> {
  return execFileAsync('redis-cli', ['-h', redis.host, '-p', String(redis.port), ...args], { timeout: 10_000 });
}

// ---- second broker instances with authentication, stopped by their process, not by name ----

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
