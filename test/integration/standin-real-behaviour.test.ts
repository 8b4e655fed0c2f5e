/**
 * The stand-in Connector answers and logs as the real Connector 7.x does (docs/connector-interface.md):
 * the 401 after whole seconds, scopes, error envelopes, the hanging and the Backbone-less health
 * check, Support's configuration, the start-up crashes and the stop behaviour. The checks of the
 * bot are only as good as this fixture, so it is pinned here against the real container.
 */
/* eslint-disable no-control-regex -- the ANSI escape character in the log lines is what these tests check */
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { discoverTargets } from '../../src/checks/third-party-discovery.ts';
import { describeWith, requireStandinImage } from '../support/requirements.ts';
import {
  connectorLogLine,
  containerOutput,
  removeAllStandins,
  startStandinConnector,
  type StandinConnector,
  type StandinOptions,
} from '../support/standin.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The Connector's error envelope for `code`, with a fresh id and time. */
function errorEnvelope(code: string, message: string) {
  return {
    error: {
      code,
      message,
      id: expect.stringMatching(/^ERR[A-HJ-NP-Z2-9]{17}$/),
      time: expect.stringMatching(ISO),
      docs: `https://enmeshed.eu/integrate/error-codes#${code}`,
    },
  };
}

interface Answer {
  status: number;
  body: unknown;
  elapsedMs: number;
  durationHeader: number;
}

/** A GET of `route`; `apiKey` null sends no key at all. */
async function get(standin: StandinConnector, route: string, apiKey: string | null = standin.apiKey, timeoutMs = 10_000, signal?: AbortSignal): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${standin.url}${route}`, {
    headers: apiKey === null ? {} : { 'X-API-KEY': apiKey },
    signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    elapsedMs: performance.now() - started,
    durationHeader: Number(response.headers.get('x-response-duration-ms')),
  };
}

/** The container's output once `done` accepts it (log lines arrive a moment after the request). */
async function outputUntil(standin: StandinConnector, done: (output: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5_000;
  let output = await containerOutput(standin.containerId);
  while (!done(output) && Date.now() < deadline) {
    await sleep(100);
    output = await containerOutput(standin.containerId);
  }
  return output;
}

/** Starts stand-ins that exit at once, waits for their exit and returns exit code and output. */
async function crashed(options: StandinOptions): Promise<{ exitCode: number; output: string }> {
  const standin = await startStandinConnector(options);
  const container = new Docker().getContainer(standin.containerId);
  const deadline = Date.now() + 10_000;
  let state = (await container.inspect()).State;
  while (state.Running && Date.now() < deadline) {
    await sleep(100);
    state = (await container.inspect()).State;
  }
  return { exitCode: state.ExitCode, output: await containerOutput(standin.containerId) };
}

describeWith([requireStandinImage()], 'stand-in Connector answers and logs like the real Connector 7.x', () => {
  let api: StandinConnector;
  let hanging: StandinConnector;
  let backboneDown: StandinConnector;

  beforeAll(async () => {
    [api, hanging, backboneDown] = await Promise.all([
      startStandinConnector({ name: 'real-api' }),
      startStandinConnector({ name: 'real-hang', health: 'hang' }),
      startStandinConnector({ name: 'real-backbone', health: 'unhealthy:backbone' }),
    ]);
  });
  afterAll(async () => {
    await removeAllStandins();
  });

  it('refuses a wrong and a missing key with 401 after a wait of a second or more, in the error envelope', async () => {
    const answers = await Promise.all([
      get(api, '/Monitoring/Version', 'wrong'),
      get(api, '/Monitoring/Version', null),
      get(api, '/api/core/v1/Account/IdentityInfo', 'wrong'),
      get(api, '/api/core/v1/Account/SyncInfo', null),
      get(api, '/Monitoring/Support', 'wrong'),
      get(api, '/does/not/exist', null), // the key is checked before the route
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(errorEnvelope('error.connector.unauthorized', 'Unauthorized.'));
      // The refusal waits (1-4 s at random); only the lower bound is asserted: a busy machine stretches the rest.
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000);
      expect(answer.durationHeader).toBeGreaterThanOrEqual(1_000);
    }
    const ids = answers.map((answer) => (answer.body as { error: { id: string } }).error.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers an unknown route with 404 routeDoesNotExist at once, with the duration header', async () => {
    try {
      // A refused key would now wait a minute: the answer within the request's 10 s shows the 404 does not.
      await api.writeState('auth-delay', '60');
      const answer = await get(api, '/api/core/v1/Nothing');
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(errorEnvelope('error.connector.http.routeDoesNotExist', 'The requested route does not exist.'));
      expect(Number.isInteger(answer.durationHeader)).toBe(true);
    } finally {
      await api.removeState('auth-delay');
    }
  });

  it('answers 403 at once to a valid key without the route\'s scope; "*" is one segment, "**" any', async () => {
    const routes = ['/Monitoring/Version', '/Monitoring/Requests', '/Monitoring/Support', '/api/core/v1/Account/IdentityInfo', '/api/core/v1/Account/SyncInfo'];
    const statuses = async () => {
      const seen: number[] = [];
      for (const route of routes) seen.push((await get(api, route)).status);
      return seen;
    };
    try {
      await api.writeState('scopes', 'monitoring:version');
      expect(await statuses()).toEqual([200, 403, 403, 403, 403]);
      // A refused key would now wait a minute: the answer within the request's 10 s shows the 403 does not.
      await api.writeState('auth-delay', '60');
      const forbidden = await get(api, '/Monitoring/Support');
      expect(forbidden.body).toEqual(errorEnvelope('error.connector.forbidden', 'You are not allowed to access this endpoint.'));
      await api.removeState('auth-delay');

      await api.writeState('scopes', 'core:*, monitoring:support');
      expect(await statuses()).toEqual([403, 403, 200, 200, 200]);
      await api.writeState('scopes', 'monitoring:*');
      expect(await statuses()).toEqual([200, 200, 200, 403, 403]);
      await api.writeState('scopes', '**');
      expect(await statuses()).toEqual([200, 200, 200, 200, 200]);
      await api.writeState('scopes', '');
      expect(await statuses()).toEqual([403, 403, 403, 403, 403]);
      // Still 404 for an unknown route: no scope stands in front of it.
      expect((await get(api, '/Monitoring/Nothing')).status).toBe(404);
    } finally {
      await Promise.all([api.removeState('scopes'), api.removeState('auth-delay')]);
    }
    expect(await statuses()).toEqual([200, 200, 200, 200, 200]);
  });

  it('hangs only /health and Support, while Version and the Account routes answer', async () => {
    const gaveUp = new AbortController();
    let settled = 0;
    const hangs = (route: string) =>
      get(hanging, route, hanging.apiKey, 60_000, gaveUp.signal)
        .then(
          () => 'answered',
          (error: Error) => error.name,
        )
        .finally(() => settled++);
    const health = hangs('/health');
    const support = hangs('/Monitoring/Support');
    // Both hang in the stand-in (a handler each, sleeping its minute) before the other routes are asked.
    const sleepers = async () => {
      const { Processes } = (await new Docker().getContainer(hanging.containerId).top()) as { Processes: string[][] };
      return Processes.filter((row) => row.at(-1) === 'sleep 60').length;
    };
    await expect.poll(sleepers, { timeout: 10_000 }).toBe(2);
    for (const route of ['/Monitoring/Version', '/api/core/v1/Account/IdentityInfo', '/api/core/v1/Account/SyncInfo']) {
      const answer = await get(hanging, route);
      expect(answer.status).toBe(200);
      // Answered while /health and Support still hang: neither has answered yet.
      expect(settled).toBe(0);
    }
    gaveUp.abort();
    expect(await health).toBe('AbortError');
    expect(await support).toBe('AbortError');
  });

  it('with the Backbone refusing connections: 500, both Backbone services unhealthy, a WARN dump per check', async () => {
    const answer = await get(backboneDown, '/health');
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      isHealthy: false,
      services: { database: 'healthy', backboneConnection: 'unhealthy', backboneAuthentication: 'unhealthy' },
    });

    const output = await outputUntil(backboneDown, (text) => /GET \/health 500 -- \d+ms/.test(text));
    const lines = output.split('\n');
    const warn = lines.findIndex((line) => line.includes('[WARN] HealthChecker - An error occured during the Backbone connection health check'));
    expect(warn).toBeGreaterThanOrEqual(0);
    // util.format puts the error right after the message, so no line of the dump starts an error of its own.
    expect(lines[warn]).toMatch(
      /^\x1b\[33m\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\] \[WARN\] HealthChecker - An error occured during the Backbone connection health check RequestError: error\.transport\.request\.unknown \(500\): 'connect ECONNREFUSED 127\.0\.0\.1:18191' for GET \/api\/v2\/\S+ at \d{4}-\d\d-\d\dT[\d:.]+Z$/,
    );
    expect(lines[warn + 1]).toMatch(/^ {4}at RequestError\.fromAxiosError /);
    const end = lines.findIndex((line, index) => index > warn && line.endsWith('\x1b[39m'));
    expect(end - warn).toBeGreaterThanOrEqual(30); // one event of many lines
    const event = lines.slice(warn, end + 1);
    expect(event).toContain("  code: 'error.transport.request.unknown',");
    expect(event.some((line) => line.startsWith('  object: {'))).toBe(true);
    // The health check logs while the request runs; the request line follows it.
    expect(lines[end + 1]).toMatch(/\[INFO\] HttpServer - GET \/health 500 -- \d+ms \x1b\[39m$/);
  });

  it('logs the failed first sync at start as an ERROR event in bright red (91), with its correlation id', async () => {
    const output = await containerOutput(backboneDown.containerId);
    const lines = output.split('\n');
    const error = lines.findIndex((line) => line.includes('[ERROR] SyncModule - Sync failed RequestError: error.transport.request.unknown (500)'));
    expect(lines[error]?.startsWith('\x1b[91m[')).toBe(true);
    const end = lines.findIndex((line, index) => index > error && line.endsWith('\x1b[39m'));
    expect(lines[end]).toMatch(/^} [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\x1b\[39m$/);
    expect(output).not.toContain('\x1b[31m');
    // The start-up lines carry the real categories.
    expect(output).toMatch(/\[INFO\] Transport\.Transport - Transport initialized /);
    expect(output).toMatch(/\[INFO\] ConnectorRuntime - Module 'sync' was started successfully\. /);
    expect(output).toContain(`[INFO] HttpServer - Listening on port ${backboneDown.port} `);
    expect(connectorLogLine('ERROR', 'SyncModule', 'Sync failed').startsWith('\x1b[91m[')).toBe(true);
  });

  it('reports the bundled runtime library as runtimeVersion, and Support its whole build object', async () => {
    const version = await get(api, '/Monitoring/Version');
    expect(version.body).toMatchObject({ version: '7.4.6', runtimeVersion: '7.5.2', modules: { coreHttpApi: { version: '7.4.6' } } });
    try {
      await api.writeState('runtime-version', '7.5.4');
      const changed = await get(api, '/Monitoring/Version');
      expect(changed.body).toMatchObject({ runtimeVersion: '7.5.4' });
      const support = await get(api, '/Monitoring/Support');
      expect((support.body as { version: unknown }).version).toEqual(changed.body);
    } finally {
      await api.removeState('runtime-version');
    }
  });

  it("Support: the whole merged configuration, partly masked, every module with enabled and location; no probe targets", async () => {
    const { body } = await get(api, '/Monitoring/Support');
    const support = body as { configuration: Record<string, unknown>; health: unknown; identityInfo: unknown };
    expect(support.health).toEqual({
      isHealthy: true,
      services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' },
    });
    expect(support.identityInfo).toEqual({ address: expect.stringMatching(/^did:e:/), publicKey: expect.any(String) });
    const configuration = support.configuration;
    expect(configuration).toMatchObject({
      debug: false,
      transportLibrary: { baseUrl: expect.stringMatching(/^https:\/\//), platformClientId: expect.any(String), platformClientSecret: '***' },
      database: { driver: 'mongodb', dbName: expect.any(String), connectionString: '***' },
      logging: { appenders: expect.any(Object), categories: { default: { appenders: expect.any(Array), level: expect.any(String) } } },
      infrastructure: { httpServer: { enabled: true, port: api.port, cors: expect.any(Object), authentication: { apiKey: 'redacted (enabled)' } } },
      modules: {
        coreHttpApi: { enabled: true, location: expect.stringMatching(/CoreHttpApiModule$/) },
        sync: { enabled: true, interval: 60 },
        sse: { enabled: false },
        webhooks: { enabled: false, targets: {}, webhooks: [] },
        messageBrokerPublisher: { enabled: false, brokers: [] },
        autoAcceptPendingRelationships: { enabled: false },
      },
    });
    for (const module of Object.values(configuration.modules as Record<string, unknown>)) {
      expect(module).toMatchObject({ enabled: expect.any(Boolean), location: expect.any(String) });
    }
    expect(discoverTargets(configuration).targets).toEqual([]);
  });

  it('Support: identity-error gives identityInfo {error}; support-config.json replaces the configuration wholesale', async () => {
    try {
      await api.writeState('identity-error', 'No account "default" found.\n');
      await api.writeState('support-config.json', JSON.stringify({ modules: { messageBrokerPublisher: { enabled: true, brokers: [] } } }));
      const { body } = await get(api, '/Monitoring/Support');
      expect(body).toMatchObject({
        identityInfo: { error: 'No account "default" found.' },
        configuration: { modules: { messageBrokerPublisher: { enabled: true, brokers: [] } } },
      });
      expect((body as { configuration: object }).configuration).not.toHaveProperty('database');
    } finally {
      await Promise.all([api.removeState('identity-error'), api.removeState('support-config.json')]);
    }
  });

  it('SyncInfo: only lastSyncRun after a fresh start, {} when never synced, both after a sync', async () => {
    const fresh = await get(hanging, '/api/core/v1/Account/SyncInfo');
    expect(fresh.body).toEqual({ result: { lastSyncRun: { completedAt: expect.stringMatching(ISO) } } });
    try {
      await api.writeState('last-sync', 'never');
      expect((await get(api, '/api/core/v1/Account/SyncInfo')).body).toEqual({ result: {} });
      await api.writeState('last-sync', '2026-08-20T09:14:03.512Z');
      expect((await get(api, '/api/core/v1/Account/SyncInfo')).body).toEqual({ result: { lastSyncRun: { completedAt: '2026-08-20T09:14:03.512Z' } } });
    } finally {
      await api.removeState('last-sync');
    }
    const sync = await fetch(`${api.url}/api/core/v1/Account/Sync`, { method: 'POST', headers: { 'X-API-KEY': api.apiKey } });
    expect(sync.status).toBe(204);
    const after = (await get(api, '/api/core/v1/Account/SyncInfo')).body as { result: { lastSyncRun: { completedAt: string }; lastDatawalletSync: unknown } };
    expect(after.result.lastDatawalletSync).toEqual(after.result.lastSyncRun);
  });

  it('crashes at start with the real output for an unreachable database, Backbone and broker, exit code 1', async () => {
    const [database, legacy, backbone, broker] = await Promise.all([
      crashed({ name: 'crash-database', crash: 'database' }),
      crashed({ name: 'crash-true', crash: true }),
      crashed({ name: 'crash-backbone', crash: 'backbone' }),
      crashed({ name: 'crash-broker', crash: 'broker' }),
    ]);
    for (const { exitCode } of [database, legacy, backbone, broker]) expect(exitCode).toBe(1);

    for (const { output } of [database, legacy]) {
      expect(output).toMatch(
        /^\x1b\[91m\[[\d\-T:.]+\] \[ERROR\] ConnectorRuntime - Could not connect to the configured database\. Try to check the connection string and the database status\. Root error: MongoServerSelectionError: connect ECONNREFUSED/m,
      );
      expect(output).not.toContain('[FATAL]');
    }

    // log4js writes to stdout, console.error to stderr; the engine may interleave the two.
    const layout = /^\x1b\[32m\[[\d\-T:.]+\] \[INFO\] Transport\.Transport - Transport initialized \x1b\[39m$/;
    expect(backbone.output.split('\n').filter((line) => layout.test(line))).toHaveLength(1);
    const lines = backbone.output.split('\n').filter((line) => !layout.test(line));
    expect(lines).toContain('Options:');
    expect(lines.some((line) => /^ +(-h, )?--help +Show help +\[boolean\]$/.test(line))).toBe(true);
    const error = lines.findIndex((line) => line.startsWith('RequestError: '));
    expect(lines[error]).toMatch(
      /^RequestError: error\.transport\.request\.unknown \(500\): 'connect ECONNREFUSED 127\.0\.0\.1:18191' for POST \/api\/v2\/Challenges at \d{4}-\d\d-\d\dT[\d:.]+Z$/,
    );
    expect(lines[error + 1]).toBe('    at RequestError.fromAxiosError (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RequestError.js:87:24)');
    expect(lines.slice(error + 2, error + 6).every((line) => line.startsWith('    at '))).toBe(true);
    // console.error: no log4js layout and no colour.
    expect(lines.join('\n')).not.toMatch(/\x1b\[|\[ERROR\]/);

    const brokerLines = broker.output.split('\n');
    const uncaught = brokerLines.indexOf('Error: connect ECONNREFUSED 127.0.0.1:5672');
    expect(uncaught).toBeGreaterThan(0);
    expect(brokerLines[uncaught + 1]).toMatch(/^ {4}at /);
    expect(brokerLines.slice(uncaught).join('\n')).not.toMatch(/\x1b\[|\[ERROR\]/);
  });

  it('stops gracefully within stop-delay seconds, and with sigterm=ignore only by SIGKILL after the grace period', async () => {
    const [slow, stuck] = await Promise.all([
      startStandinConnector({ name: 'stop-delay', stopDelaySeconds: 2 }),
      startStandinConnector({ name: 'stop-ignored', ignoreSigterm: true }),
    ]);
    const docker = new Docker();
    await Promise.all([slow.stop(10), stuck.stop(1)]);

    // Exit code 0, not SIGKILL's 137: it ended by itself within the 10 s grace.
    expect((await docker.getContainer(slow.containerId).inspect()).State.ExitCode).toBe(0);
    const slowOutput = (await containerOutput(slow.containerId)).trimEnd().split('\n');
    const received = slowOutput.findIndex((line) => line.includes('[INFO] ConnectorRuntime - Received signal SIGTERM'));
    expect(received).toBeGreaterThan(0);
    expect(slowOutput.at(-1)).toMatch(/\[INFO\] ConnectorRuntime - Connector stopped \x1b\[39m$/);
    // The shutdown took its stop-delay, by the Connector's own timestamps of the two lines.
    const loggedAt = (line: string) => new Date(/\[(\d{4}-\d\d-\d\dT[\d:.]+)\]/.exec(line)![1]!).getTime();
    expect(loggedAt(slowOutput.at(-1)!) - loggedAt(slowOutput[received]!)).toBeGreaterThanOrEqual(2_000);

    const stuckState = (await docker.getContainer(stuck.containerId).inspect()).State;
    expect(stuckState.ExitCode).toBe(137); // SIGKILL
    const stuckOutput = await containerOutput(stuck.containerId);
    expect(stuckOutput).toContain('Received signal SIGTERM');
    expect(stuckOutput).not.toContain('Connector stopped');
  });
});
