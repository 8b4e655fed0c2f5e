import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/http/metrics.ts';
import { BotServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { Redactor } from '../../src/logging/redact.ts';

const logLines: string[] = [];
const logger = createLogger({
  level: 'info',
  redactor: new Redactor(),
  pretty: false,
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString());
      callback();
    },
  }),
});

const servers: BotServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(notReady: () => string[] = () => [], metrics = new Metrics()) {
  const server = new BotServer({ host: '127.0.0.1', port: 0, metrics, readiness: { notReady }, logger });
  servers.push(server);
  const port = await server.listen();
  return { server, metrics, base: `http://127.0.0.1:${port}`, port };
}

/** One request, by default on its own connection; with a keep-alive agent as scrapers and load balancers do. */
function get(url: string, method = 'GET', agent: Agent | false = false): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('BotServer', () => {
  it('answers /healthz with 200 while the process lives', async () => {
    const { base } = await start(() => ['store']);
    const res = await get(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'alive' });
    const head = await get(`${base}/healthz`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers /readyz with 200 when ready and 503 naming what it waits for', async () => {
    let waiting = ['store', 'slack'];
    const { base } = await start(() => waiting);
    const notReady = await get(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({ status: 'not ready', waitingFor: ['store', 'slack'] });
    waiting = [];
    const ready = await get(`${base}/readyz?verbose=1`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready' });
  });

  it('serves /metrics in the Prometheus text format with the command and check counters', async () => {
    const { base, metrics } = await start();
    metrics.commands.inc({ verb: 'health', adapter: 'console' });
    metrics.commands.inc({ verb: 'health', adapter: 'console' });
    metrics.checks.inc({ check: 'health', status: 'critical' });
    metrics.checkDuration.observe({ check: 'health' }, 0.2);
    const res = await get(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE connector_ops_commands_total counter');
    expect(res.body).toContain('connector_ops_commands_total{verb="health",adapter="console"} 2');
    expect(res.body).toContain('connector_ops_checks_total{check="health",status="critical"} 1');
    expect(res.body).toContain('connector_ops_check_duration_seconds_bucket{le="0.25",check="health"} 1');
    expect(res.body).toMatch(/^connector_ops_process_cpu_user_seconds_total \d/m);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { base } = await start();
    const missing = await get(`${base}/nope`);
    expect(missing.status).toBe(404);
    const post = await get(`${base}/healthz`, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers 500 and logs when a request fails inside', async () => {
    const metrics = new Metrics();
    new Gauge({
      name: 'broken_gauge',
      help: 'fails to collect',
      registers: [metrics.registry],
      collect() {
        throw new Error('collector broke');
      },
    });
    const { base } = await start(() => [], metrics);
    const res = await get(`${base}/metrics`);
    expect(res.status).toBe(500);
    expect(logLines.join('')).toContain('collector broke');
  });

  it('close() stops accepting, lets a request in flight finish, then resolves without waiting for keep-alive', async () => {
    const metrics = new Metrics();
    // A slow collector keeps a /metrics request in flight.
    new Gauge({
      name: 'slow_gauge',
      help: 'takes 300 ms to collect',
      registers: [metrics.registry],
      async collect() {
        await sleep(300);
        this.set(1);
      },
    });
    const { server, base } = await start(() => [], metrics);
    const keepAlive = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    await get(`${base}/healthz`, 'GET', keepAlive);
    const inFlight = get(`${base}/metrics`, 'GET', keepAlive);
    await sleep(50);
    const started = performance.now();
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await expect(get(`${base}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toContain('slow_gauge 1');
    await closing;
    expect(closed).toBe(true);
    // The server's keep-alive timeout is 5 s: closing must not wait for it.
    expect(performance.now() - started).toBeLessThan(1_500);
    keepAlive.destroy();
  });

  it('close() on a server that never listened resolves at once', async () => {
    const server = new BotServer({ host: '127.0.0.1', port: 0, metrics: new Metrics(), readiness: { notReady: () => [] }, logger });
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('listen() rejects when the port is taken', async () => {
    const { port } = await start();
    const second = new BotServer({ host: '127.0.0.1', port, metrics: new Metrics(), readiness: { notReady: () => [] }, logger });
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
