import { fixtureDockerClient, testDockerClient, aConnector, errorLogsCheckOver, testEngineSettings } from '../support/builders.ts';
import { DEFAULT_ENGINE } from '../../src/config/config.ts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorLogsCheck } from '../../src/checks/error-logs/check.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { ContainerLogs } from '../../src/integrations/docker/logs.ts';
import { LogFiles } from '../../src/integrations/logfiles/log-files.ts';
import { LogScanThread } from '../../src/checks/error-logs/log-scan-thread.ts';
import { ENGINE_KINDS, describeWith, requireDockerEngine, requireStandinImage } from '../support/requirements.ts';
import { connectorLogLine, standinImage, startStandinConnector, testLabels } from '../support/standin.ts';
import type { StandinConnector } from '../support/standin.ts';
import { validCheck } from '../support/report-schema.ts';

// Busybox containers have no zone data, so their local time is UTC; the check reads the
// Connector's zone-less times as the bot's local time, so the bot of these tests lives in UTC too.
process.env.TZ = 'UTC';

function connectorFor(container: string, extra: Partial<Connector> = {}): Connector {
  return aConnector(container, { container, ...extra });
}

function runCheck(check: ErrorLogsCheck, connector: Connector, now = new Date()): Promise<CheckResult> {
  return check.run({ connector, signal: AbortSignal.timeout(20_000), now }).then(validCheck);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the check until `done` accepts its result (the stand-in's log lines show up within about a second). */
async function checkUntil(check: ErrorLogsCheck, connector: Connector, done: (result: CheckResult) => boolean): Promise<CheckResult> {
  const deadline = Date.now() + 10_000;
  let result = await runCheck(check, connector);
  while (!done(result) && Date.now() < deadline) {
    await sleep(250);
    result = await runCheck(check, connector);
  }
  return result;
}

// A busybox script printing Connector-format lines; `$t` is the container's local time (UTC).
const PRELUDE = `t=$(date +%Y-%m-%dT%H:%M:%S.000)
info() { printf '\\033[32m[%s] [INFO] Runtime.HttpServer - GET /api/core/v1/Messages?page=%s 200 -- 3ms \\033[39m\\n' "$t" "$1"; }
sync_error() { printf '\\033[31m[%s] [ERROR] Runtime.SyncModule - Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.%s:27017\\n    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)\\n    at Socket.emit (node:events:519:28) \\033[39m\\n' "$t" "$1"; }
`;

describe.each(ENGINE_KINDS)('error-logs check against the real $kind engine', ({ kind, engine }) => {
describeWith([requireStandinImage(), () => requireDockerEngine(engine)], kind, () => {
  const docker = fixtureDockerClient(engine);
  const product = testDockerClient(engine);
  // Logs are scanned in a thread of their own, as in the bot.
  const logScans = new LogScanThread([], [testEngineSettings(engine)]);
  const check = new ErrorLogsCheck({ scanner: logScans, engine: DEFAULT_ENGINE });
  const containers: Docker.Container[] = [];
  let standin: StandinConnector;
  let logDir: string;

  /** A container of the stand-in image running `script` instead of the stand-in Connector. */
  async function scriptContainer(script: string, tty: boolean): Promise<Docker.Container> {
    const container = await docker.createContainer({
      name: `cops-test-error-logs-${randomBytes(4).toString('hex')}`,
      Image: standinImage(),
      Entrypoint: ['/bin/sh', '-c', PRELUDE + script],
      Tty: tty,
      Labels: testLabels(),
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(container);
    await container.start();
    return container;
  }

  beforeAll(async () => {
    standin = await startStandinConnector({ name: 'error-logs', engine });
    logDir = await mkdtemp(join(tmpdir(), 'error-logs-'));
  });

  afterAll(async () => {
    await logScans.close();
    await standin?.remove();
    await Promise.all(containers.map((container) => container.remove({ force: true }).catch(() => undefined)));
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  it('counts and groups the errors of a stand-in Connector, stack traces included, and its log files', async () => {
    const now = new Date();
    await standin.appendLog([
      connectorLogLine('ERROR', 'Runtime.SyncModule', 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017\n    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)\n    at Socket.emit (node:events:519:28)'),
      connectorLogLine('INFO', 'HttpServer', 'GET /health 200 -- 3ms'),
      connectorLogLine('ERROR', 'Runtime.SyncModule', 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.9:27017\n    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)'),
      connectorLogLine('ERROR', 'Runtime.WebhooksModule', "Request to webhook 'https://ops:hunter22@hooks.example.com/in' failed: 502"),
      connectorLogLine('WARN', 'Runtime.Backbone', 'An error occured during the Backbone connection health check'),
    ]);
    await writeFile(join(logDir, 'latest.log'), `${connectorLogLine('ERROR', 'Runtime', 'The given Backbone is not compatible with this Connector version')}\n`);
    const rotatedAt = new Date(now.getTime() - 60_000);
    await writeFile(join(logDir, 'latest.log.1.gz'), gzipSync(`${connectorLogLine('FATAL', 'Runtime', 'from a rotated file', rotatedAt)}\n`));
    await utimes(join(logDir, 'latest.log.1.gz'), rotatedAt, rotatedAt);

    const connector = connectorFor(standin.name, { logFiles: [join(logDir, '*.log')] });
    const result = await checkUntil(check, connector, (r) => r.summary.startsWith('5 errors'));

    expect(result.status).toBe('critical'); // the FATAL in the rotated file
    expect(result.summary).toMatch(/^5 errors \(1 FATAL\) in 24 h \(4 groups\), last \d\d:\d\d$/);
    const [first, ...rest] = result.details;
    expect(first?.label).toBe('Sync failed MongoNetworkError: connect ECONNREFUSED <ip>');
    expect(first?.value).toMatch(
      /^2× · first \d\d:\d\d · last \d\d:\d\d · the Connector lost its connection to MongoDB → check MongoDB \(\/connector database [\w-]+\); [^·]+ · Sync failed MongoNetworkError: connect ECONNREFUSED 10\.0\.3\.7:27017\n {4}at Connection\.onError .*\n {4}at Socket\.emit \(node:events:519:28\)$/,
    );
    expect(rest.map((detail) => detail.label)).toEqual(
      expect.arrayContaining([
        "Request to webhook '…' failed: <n>",
        'The given Backbone is not compatible with this Connector version',
        'from a rotated file',
        'container logs',
        'log files',
      ]),
    );
    expect(JSON.stringify(result)).not.toContain('hunter22');
    expect(result.details.find((detail) => detail.label === 'log files')?.value).toMatch(/^2 files \(.*latest\.log\.1\.gz, .*latest\.log\): 2 lines/);
  });

  it('demultiplexes stdout and stderr of a container without a TTY, over many frames', async () => {
    const container = await scriptContainer(
      `i=0; while [ $i -lt 3000 ]; do info $i; if [ $((i % 100)) -eq 0 ]; then sync_error $((i / 100)) >&2; fi; i=$((i+1)); done`,
      false,
    );
    await container.wait();
    const result = await runCheck(check, connectorFor(container.id));
    expect(result.summary).toMatch(/^30 errors in 24 h \(1 group\), last \d\d:\d\d$/);
    expect(result.details[0]?.value).toMatch(/^30× · .* · Sync failed MongoNetworkError: connect ECONNREFUSED 10\.0\.3\.0:27017\n {4}at Connection\.onError/);
    expect(result.details.at(-1)?.value).toMatch(new RegExp(`^${container.id}: 3090 lines, `));
  });

  it('reads the raw stream of a container with a TTY (CRLF line ends)', async () => {
    const container = await scriptContainer(`i=0; while [ $i -lt 500 ]; do info $i; if [ $((i % 50)) -eq 0 ]; then sync_error $((i / 50)); fi; i=$((i+1)); done`, true);
    await container.wait();
    const result = await runCheck(check, connectorFor(container.id));
    expect(result.summary).toMatch(/^10 errors in 24 h \(1 group\)/);
    expect(result.details[0]?.value).toMatch(/· Sync failed MongoNetworkError: connect ECONNREFUSED 10\.0\.3\.0:27017\n {4}at Connection\.onError \(\/usr\/app\/node_modules\/mongodb\/lib\/cmap\/connection\.js:207:9\)\n/);
    expect(result.details[0]?.value).not.toContain('\r');
  });

  it('honours the window: the engine leaves out what it received before, the events their own old timestamps', async () => {
    // First batch: errors without a readable timestamp (only Docker's since can leave them out);
    // then, after a pause, errors stamped three days ago (only their own time leaves them out, being older than
    // the window by more than any time zone difference) and current ones.
    const container = await scriptContainer(
      `echo '[20 08 2026 09:14] [ERROR] Runtime - before the window'; echo '[20 08 2026 09:14] [ERROR] Runtime - before the window'
      sleep 3
      t=$(date +%Y-%m-%dT%H:%M:%S.000)
      old=$(date -d @$(( $(date +%s) - 259200 )) +%Y-%m-%dT%H:%M:%S.000)
      printf '[%s] [ERROR] Runtime - stamped three days ago\\n' "$old"
      sync_error 1`,
      false,
    );
    await container.wait();
    const logs = (await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false })).toString('utf8');
    const secondBatch = /(\d{4}-\d\d-\d\dT[\d:.]+Z) \[[^\]]*\] \[ERROR\] Runtime - stamped/.exec(logs)?.[1];
    expect(secondBatch).toBeDefined();
    const now = new Date();
    // Docker's `since` has whole seconds: one second before the second batch is still after the first.
    const since = Math.floor(new Date(secondBatch ?? 0).getTime() / 1000) * 1000 - 1000;
    const windowed = errorLogsCheckOver(
      { containerLogs: new ContainerLogs(product), logFiles: new LogFiles() },
      { windowHours: (now.getTime() - since) / 3_600_000 },
    );
    const result = await runCheck(windowed, connectorFor(container.id), now);
    expect(result.summary).toMatch(/^1 error in \d+ s \(1 group\)/);
    expect(result.details[0]?.label).toBe('Sync failed MongoNetworkError: connect ECONNREFUSED <ip>');

    const everything = await runCheck(check, connectorFor(container.id), now);
    expect(everything.summary).toMatch(/^3 errors in 24 h \(2 groups\)/);
  });

  it('stops reading when its time is up and says how far it got', async () => {
    const container = await scriptContainer(`yes "$(info 1)" | head -n 600000`, false);
    await container.wait();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('time is up', 'TimeoutError')), 500);
    const result = await check.run({ connector: connectorFor(container.id), signal: controller.signal, now: new Date() }).then(validCheck);
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/^could not read the logs: container logs unreadable: (aborted \(time is up\)|timed out)$/);
    const read = Number(/unreadable \(after (\d+) lines\)/.exec(result.details[0]?.value ?? '')?.[1]);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(600_000);
  });

  it('is unknown, naming the container, when it does not exist', async () => {
    const result = await runCheck(check, connectorFor('cops-test-no-such-container'));
    expect(result).toEqual({
      id: 'error-logs',
      status: 'unknown',
      summary: 'could not read the logs: container logs unreadable: container "cops-test-no-such-container" not found',
      details: [{ label: 'container logs', value: expect.stringContaining('unreadable: container'), status: 'unknown' }],
    });
  });

  it('is unknown, saying the engine is unreachable, when its socket is gone', async () => {
    const gone = errorLogsCheckOver({
      containerLogs: new ContainerLogs(new Docker({ socketPath: join(tmpdir(), `no-docker-${randomBytes(4).toString('hex')}.sock`) })),
      logFiles: new LogFiles(),
    });
    const result = await runCheck(gone, connectorFor(standin.name));
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/^could not read the logs: container logs unreadable: container engine unreachable \(.*ENOENT/);
  });
});
});
