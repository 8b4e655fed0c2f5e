import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics, type ScheduleReading } from '../../src/http/metrics.ts';
import { probeRoutes } from '../../src/http/routes/probes.ts';
import { BotServer, type RouteHandler } from '../../src/http/server.ts';
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

async function serve(routes: RouteHandler[]) {
  const server = new BotServer({ host: '127.0.0.1', port: 0, routes, logger });
  servers.push(server);
  const port = await server.listen();
  return { server, base: `http://127.0.0.1:${port}`, port };
}

/** The bot's probe routes, as main.ts serves them. */
async function start(notReady: () => string[] = () => [], metrics = new Metrics()) {
  return { ...(await serve(probeRoutes({ metrics, readiness: { notReady } }))), metrics };
}

function probeServer(port = 0): BotServer {
  return new BotServer({ host: '127.0.0.1', port, routes: probeRoutes({ metrics: new Metrics(), readiness: { notReady: () => [] } }), logger });
}

/** A route on one path that answers 200 with a fixed text. */
function textRoute(name: string, handles: (path: string) => boolean, text = name): RouteHandler {
  return { name, handles, handle: (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(text) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** One request, by default on its own connection; with a keep-alive agent as scrapers and load balancers do. */
function get(url: string, method = 'GET', agent: Agent | false = false): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request on a keep-alive connection, answered: the connection, idle in the agent's pool afterwards. */
function openConnection(url: string, agent: Agent): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket!));
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

  it('reads the delivery and report gauges from their sources at each scrape', async () => {
    const { base, metrics } = await start();
    const store: { queued: number; lastReport?: ScheduleReading } = { queued: 3 };
    metrics.observe({ queuedDeliveries: () => store.queued, lastReport: () => store.lastReport });
    metrics.deliveries.inc({ platform: 'slack', outcome: 'retried' });
    const before = (await get(`${base}/metrics`)).body;
    expect(before).toMatch(/^connector_ops_deliveries_queued 3$/m);
    expect(before).toContain('connector_ops_deliveries_total{platform="slack",outcome="retried"} 1');
    // Before the first run there is no last run to tell of.
    expect(before).not.toMatch(/^connector_ops_report_last_run_/m);
    store.queued = 0;
    store.lastReport = { scheduledFor: new Date('2026-12-01T06:00:00Z'), posted: false };
    const after = (await get(`${base}/metrics`)).body;
    expect(after).toMatch(/^connector_ops_deliveries_queued 0$/m);
    expect(after).toMatch(/^connector_ops_report_last_run_posted\{schedule="daily-report"\} 0$/m);
    expect(after).toMatch(/^connector_ops_report_last_run_timestamp_seconds\{schedule="daily-report"\} 1796104800$/m);
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
    // A collector held by the test keeps a /metrics request in flight.
    let collecting!: () => void;
    const inCollect = new Promise<void>((resolve) => (collecting = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    new Gauge({
      name: 'slow_gauge',
      help: 'collects when the test lets it',
      registers: [metrics.registry],
      async collect() {
        collecting();
        await released;
        this.set(1);
      },
    });
    const { server, base } = await start(() => [], metrics);
    // A scraper's connection left open after its answer, and another one's request in flight.
    const idleAgent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    const keepAlive = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    const idle = await openConnection(`${base}/healthz`, idleAgent);
    const inFlight = get(`${base}/metrics`, 'GET', keepAlive);
    await inCollect;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await expect(get(`${base}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toContain('slow_gauge 1');
    // Both keep-alive connections are hung up by the server at once: close() must not wait for Node's 5 s
    // keep-alive timeout to end them (a deadline short of that timeout, not a speed measure).
    const keepAliveTimedOut = sleep(4_000).then(() => 'waited for the keep-alive timeout');
    expect(await Promise.race([closing.then(() => 'closed'), keepAliveTimedOut])).toBe('closed');
    expect(idle.destroyed).toBe(true);
    keepAlive.destroy();
    idleAgent.destroy();
  });

  it('close() on a server that never listened resolves at once', async () => {
    const server = probeServer();
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('listen() rejects when the port is taken', async () => {
    const { port } = await start();
    const second = probeServer(port);
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('asks the routes in order: the first that handles a request answers it', async () => {
    const asked: string[] = [];
    const recording = (route: RouteHandler): RouteHandler => ({
      ...route,
      handles: (path, req) => {
        asked.push(route.name);
        return route.handles(path, req);
      },
    });
    const { base } = await serve([
      recording(textRoute('slack', (path) => path.startsWith('/slack/'))),
      recording(textRoute('events', (path) => path === '/slack/events')),
      recording(textRoute('teams', (path) => path === '/api/messages')),
    ]);
    const first = await get(`${base}/slack/events?retry=1`);
    expect(first.body).toBe('slack');
    expect(asked).toEqual(['slack']);
    asked.length = 0;
    const third = await get(`${base}/api/messages`);
    expect(third.body).toBe('teams');
    expect(asked).toEqual(['slack', 'events', 'teams']);
  });

  it('answers 404 when no route handles the request, whatever its method', async () => {
    const { base } = await serve([textRoute('teams', (path) => path === '/api/messages')]);
    for (const method of ['GET', 'POST']) {
      const res = await get(`${base}/slack/events`, method);
      expect(res.status).toBe(404);
      expect(res.body).toBe('not found\n');
    }
    const empty = await serve([]);
    expect((await get(`${empty.base}/healthz`)).status).toBe(404);
  });

  it('leaves the body to the route: a POST route reads the raw bytes as they were sent', async () => {
    // Slack signs the raw body, and Bolt's receiver reads it itself: the server must not touch it.
    const sent = [Buffer.from('{"type":"url_verification","challenge":"3eZbrw1aB"}\r\n'), Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28]), Buffer.from('token=a%20b&x=é')];
    let received: Buffer | undefined;
    let handed!: () => void;
    const routeCalled = new Promise<void>((resolve) => (handed = resolve));
    const { base } = await serve([
      ...probeRoutes({ metrics: new Metrics(), readiness: { notReady: () => [] } }),
      {
        name: 'slack',
        handles: (path) => path === '/slack/events',
        async handle(req, res) {
          handed();
          received = await readBody(req);
          res.writeHead(200, { 'content-type': 'text/plain' }).end(String(received.length));
        },
      },
    ]);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/slack/events`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.concat(sent).length },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(sent[0]);
      // The rest goes only once the route has the request: the server hands it over before the body has arrived.
      const waited = sleep(2_000).then(() => 'timeout' as const);
      void Promise.race([routeCalled, waited]).then(async (outcome) => {
        if (outcome === 'timeout') {
          req.destroy();
          return reject(new Error('the route was not handed the request before its body had arrived'));
        }
        await sleep(20);
        req.write(sent[1]);
        req.end(sent[2]);
      });
    });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(received?.equals(Buffer.concat(sent))).toBe(true);
    expect(res.body).toBe(String(Buffer.concat(sent).length));
  });

  it('answers 500 and logs when a route throws, in handles or in handle, and keeps serving', async () => {
    const { base } = await serve([
      {
        name: 'picky',
        handles: (path) => {
          if (path === '/picky') throw new Error('picky broke');
          return false;
        },
        handle: () => undefined,
      },
      {
        name: 'sync',
        handles: (path) => path === '/sync',
        handle: () => {
          throw new Error('sync broke');
        },
      },
      {
        name: 'async',
        handles: (path) => path === '/async',
        handle: async () => {
          await sleep(5);
          throw new Error('async broke');
        },
      },
      ...probeRoutes({ metrics: new Metrics(), readiness: { notReady: () => [] } }),
    ]);
    for (const name of ['picky', 'sync', 'async']) {
      const res = await get(`${base}/${name}`);
      expect(res.status).toBe(500);
      expect(res.body).toBe('internal error\n');
      expect(logLines.join('')).toContain(`${name} broke`);
    }
    expect(logLines.join('')).toContain('"route":"async"');
    const health = await get(`${base}/healthz`);
    expect(health.status).toBe(200);
  });

  it('cuts the connection when a route throws after its answer has begun', async () => {
    const { base } = await serve([
      {
        name: 'half',
        handles: (path) => path === '/half',
        handle: async (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('part of');
          await sleep(5);
          throw new Error('half broke');
        },
      },
    ]);
    await expect(get(`${base}/half`)).rejects.toThrow();
    expect(logLines.join('')).toContain('half broke');
  });
});
