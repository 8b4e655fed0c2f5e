/**
 * The stand-in Connectors' HTTP for benchmarks, in one cheap process: fifty stand-ins answering through a shell
 * script forked per connection (test/support/standin-connector/http-handler.sh) saturated both cores of a slow
 * machine and timed out, so a benchmark measured how fast the machine runs stand-ins, not the bot. Their
 * containers stay for what needs Docker (logs, stats, inspect); this process answers the routes the bot reads
 * as http-handler.sh does for a stand-in in its default state (healthy, version 7.4.6, every scope), with the
 * API key check, and appends its request log line to the stand-in's log file, which the container prints.
 * Argument: JSON [{name, apiKey, port, logFile}], `port` the container's (its identity address derives from it).
 * Prints one JSON line, {ports: [...]} (the loopback port serving each stand-in, in order); then answers each
 * line "take" on stdin with one JSON line of what it took since the last: StandinHttpReading.
 */
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import { connectorLogLine } from '../../test/support/standin.ts';
import { loopMeter } from './loop-meter.ts';

interface Standin {
  name: string;
  apiKey: string;
  port: number;
  logFile: string;
}

/** What the stand-ins' process did over a stretch of a benchmark. */
export interface StandinHttpReading {
  answers: number;
  /** From a request's arrival to its answer's end; a refused key's deliberate delay left out. */
  slowestAnswerMs: number;
  worstStallMs: number;
  cpuMs: number;
  wallMs: number;
}

const VERSION = '7.4.6';
const RUNTIME_VERSION = '7.5.2';
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const standins = JSON.parse(process.argv[2] ?? '[]') as Standin[];
const meter = loopMeter();
let answers = 0;
let slowestAnswerMs = 0;

const servers = standins.map((standin) => {
  const started = new Date().toISOString();
  const requests = new Map<number, number>();
  let syncedAt: string | undefined;
  return createServer((req, res) => {
    void answer(standin, { started, requests, syncedAt, sync: () => (syncedAt = new Date().toISOString()) }, req, res).then((answerMs) => {
      answers++;
      slowestAnswerMs = Math.max(slowestAnswerMs, answerMs);
    });
  });
});
const ports = await Promise.all(servers.map((server) => listen(server)));
process.stdout.write(`${JSON.stringify({ ports })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'take') continue;
  const loop = meter.take();
  const reading: StandinHttpReading = { answers, slowestAnswerMs, worstStallMs: loop.worstStallMs, cpuMs: loop.cpuMs, wallMs: loop.wallMs };
  answers = 0;
  slowestAnswerMs = 0;
  process.stdout.write(`${JSON.stringify(reading)}\n`);
}
meter.stop();
await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

interface State {
  started: string;
  requests: Map<number, number>;
  syncedAt: string | undefined;
  sync(): void;
}

/**
 * One request as http-handler.sh answers it; resolves with the time from its arrival to the end of its answer, less
 * the deliberate delay of a refused key.
 */
async function answer(standin: Standin, state: State, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const arrived = performance.now();
  req.resume();
  await new Promise((resolve) => req.once('end', resolve));
  const path = (req.url ?? '/').split('?')[0]!;
  const route = `${req.method} ${path}`;
  let delayMs = 0;
  const respond = async (status: number, body: unknown): Promise<number> => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const duration = Math.round(performance.now() - arrived);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-response-duration-ms': String(duration) });
    await new Promise<void>((resolve) => res.end(req.method === 'HEAD' ? undefined : text, resolve));
    const answerMs = performance.now() - arrived - delayMs;
    if (path !== '/__standin/ready') {
      state.requests.set(status, (state.requests.get(status) ?? 0) + 1);
      await appendFile(standin.logFile, `${connectorLogLine('INFO', 'HttpServer', `${req.method} ${req.url} ${status} -- ${duration}ms`)}\n`);
    }
    return answerMs;
  };

  if (path === '/__standin/ready') return respond(200, standin.name);
  if (path === '/health') return respond(200, health());
  // Everything else needs the API key; the real Connector answers a missing or wrong one after 1 to 4 whole seconds.
  if (req.headers['x-api-key'] !== standin.apiKey) {
    delayMs = randomInt(1, 5) * 1000;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return respond(401, errorBody('error.connector.unauthorized', 'Unauthorized.'));
  }
  switch (route) {
    case 'GET /Monitoring/Version':
      return respond(200, version());
    case 'GET /Monitoring/Requests': {
      const byStatus = Object.fromEntries([...state.requests].sort(([a], [b]) => a - b).map(([status, count]) => [String(status), count]));
      const count = [...state.requests.values()].reduce((sum, n) => sum + n, 0);
      return respond(200, { since: state.started, requestCount: count, requestCountByStatus: byStatus });
    }
    case 'GET /Monitoring/Support':
      return respond(200, { version: version(), health: health(), configuration: supportConfiguration(standin.port), identityInfo: identity(standin.port) });
    case 'GET /api/core/v1/Account/IdentityInfo':
      return respond(200, { result: identity(standin.port) });
    case 'GET /api/core/v1/Account/SyncInfo': {
      const synced = state.syncedAt;
      const result = synced ? { lastDatawalletSync: { completedAt: synced }, lastSyncRun: { completedAt: synced } } : { lastSyncRun: { completedAt: state.started } };
      return respond(200, { result });
    }
    case 'POST /api/core/v1/Account/Sync':
      state.sync();
      return respond(204, undefined);
    default:
      return respond(404, errorBody('error.connector.http.routeDoesNotExist', 'The requested route does not exist.'));
  }
}

function health() {
  return { isHealthy: true, services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' } };
}

function version() {
  const info = { version: VERSION, build: '4711', date: '2026-08-01T10:00:00.000Z', commit: '5f3c1e0b9d2a4c6e8f0a1b2c3d4e5f6a7b8c9d0e' };
  return { ...info, runtimeVersion: RUNTIME_VERSION, modules: { coreHttpApi: info, sync: info } };
}

function identity(port: number) {
  return { address: `did:e:localhost:dids:${port.toString(16).padStart(22, '0')}`, publicKey: 'eyJwdWIiOiJ6N3E2WmJ6X3N0YW5kaW4iLCJhbGciOjN9' };
}

/** The Connector's error envelope (production mode): an id of "ERR" and 17 characters of its alphabet. */
function errorBody(code: string, message: string) {
  const id = `ERR${Array.from({ length: 17 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
  return { error: { code, message, id, time: new Date().toISOString(), docs: `https://enmeshed.eu/integrate/error-codes#${code}` } };
}

/** The merged configuration /Monitoring/Support reports by default; nothing in it points at a third-party system. */
function supportConfiguration(port: number) {
  const module = (name: string, enabled: boolean, location: string, extra: object = {}) => [name, { enabled, location, name, ...extra }];
  return {
    debug: false,
    transportLibrary: { allowIdentityCreation: true, baseUrl: 'https://backbone.example.org', platformClientId: 'standin', platformClientSecret: '***' },
    database: { driver: 'mongodb', dbName: 'default', dbNamePrefix: 'acc-', connectionString: '***' },
    logging: {
      appenders: {
        consoleAppender: { type: 'stdout', layout: { type: 'pattern', pattern: '%[[%d] [%p] %c - %m %x{correlationId}%]', tokens: {} } },
        console: { type: 'logLevelFilter', level: 'INFO', appender: 'consoleAppender' },
      },
      categories: { default: { appenders: ['console'], level: 'TRACE' } },
    },
    infrastructure: {
      httpServer: {
        enabled: true,
        port,
        cors: { origin: false },
        authentication: { apiKey: 'redacted (enabled)', oidc: 'redacted (disabled)', jwtBearer: 'redacted (disabled)' },
      },
    },
    modules: Object.fromEntries([
      module('notification', true, '@nmshd/runtime:NotificationModule'),
      module('decider', true, '@nmshd/runtime:DeciderModule'),
      module('request', true, '@nmshd/runtime:RequestModule'),
      module('attributeListener', true, '@nmshd/runtime:AttributeListenerModule'),
      module('autoAcceptPendingRelationships', false, '@nmshd/connector:AutoAcceptPendingRelationshipsModule'),
      module('autoDecomposeDeletionProposedRelationships', false, '@nmshd/connector:AutoDecomposeDeletionProposedRelationshipsModule'),
      module('coreHttpApi', true, '@nmshd/connector:CoreHttpApiModule', { requiredInfrastructure: ['httpServer'], docs: { enabled: false, rapidoc: { persistAuth: false } } }),
      module('webhooks', false, '@nmshd/connector:WebhooksModule', { targets: {}, webhooks: [] }),
      module('messageBrokerPublisher', false, '@nmshd/connector:MessageBrokerPublisherModule', { brokers: [] }),
      module('sync', true, '@nmshd/connector:SyncModule', { interval: 60 }),
      module('sse', false, '@nmshd/connector:SseModule'),
    ]),
  };
}
