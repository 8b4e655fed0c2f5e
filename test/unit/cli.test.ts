import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/domain/check-result.ts';
import { AuditLog } from '../../src/store/audit-log.ts';
import { Store } from '../../src/store/store.ts';
import { CHECK_STATUSES } from '../../src/domain/status.ts';
import { distinctErrorLines } from '../support/builders.ts';
import { validReport } from '../support/report-schema.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli.ts');
// Node 24 runs the TypeScript sources as they are (erasableSyntaxOnly keeps them strippable).
const NODE_ARGS = [CLI];
// Node's compile cache keeps the transformed sources, so each spawn after the first costs a third.
const COMPILE_CACHE = join(ROOT, '.cache', 'node-compile-cache');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const API_KEY = 'cli-secret-api-key-7f3a9c';
const URL_PASSWORD = 'cli-url-password-51b2';

let tmp: string;
let closedPort: number;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'connector-ops-cli-'));
  // A loopback port nobody listens on: bound, then released.
  closedPort = await new Promise<number>((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
  // Warms the compile cache before the runs below start side by side.
  await cli(['--version']);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a controlled environment: nothing inherited but PATH, no Docker engine, its own DATA_DIR and cwd. */
function cli(args: string[], env: Record<string, string | undefined> = {}, stdin = '', cwd = tmp): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DOCKER_HOST: `unix://${join(tmp, 'no-such-docker.sock')}`,
        DATA_DIR: join(tmp, 'data'),
        NODE_COMPILE_CACHE: COMPILE_CACHE,
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe.concurrent('connector-ops CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage:');
    expect(run.stdout).toContain('connector-ops check [connector...] [--only <ids>] [--since <24h|30m|7d>] [--details] [--json]');
    expect(run.stdout).toContain('connector-ops console');
    expect(run.stderr).toBe('');
  });

  it('--version prints the version of package.json', async () => {
    const run = await cli(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  });

  it('an unknown command exits 64 with the usage hint', async () => {
    const run = await cli(['frobnicate']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('unknown command "frobnicate". Valid commands: start, console, check, audit.');
    expect(run.stderr).toContain('connector-ops --help');
    expect(run.stdout).toBe('');
  });

  it('bad configuration exits 2, names the variable on stderr and prints nothing on stdout', async () => {
    const run = await cli(['start'], { CONNECTOR_URL: 'localhost:8080', HTTP_PORT: '0' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CONNECTOR_URL must be an http(s) URL, got "localhost:8080"');
    expect(run.stdout).toBe('');
  });

  it('takes DOCKER_HOST from .env, as the docker CLI would from the environment', async () => {
    const dir = mkdtempSync(join(tmp, 'dotenv-docker-'));
    const socket = join(dir, 'dotenv-docker.sock');
    writeFileSync(join(dir, '.env'), `DOCKER_HOST=unix://${socket}\n`);
    const run = await cli(['check', '--only', 'container'], { DOCKER_HOST: undefined, CONNECTOR_CONTAINER: 'connector-main' }, '', dir);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain(socket);
  });

  it('an unreadable .env exits 2 and says so, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmp, 'dotenv-dir-'));
    mkdirSync(join(dir, '.env'));
    const run = await cli(['check'], {}, '', dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, '.env')} cannot be read (EISDIR)`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('an HTTP_PORT in use stops the bot with a message naming it, without a stack trace', async () => {
    const server = createServer();
    const port = await new Promise<number>((resolvePort) =>
      server.listen(0, '127.0.0.1', () => resolvePort((server.address() as { port: number }).port)),
    );
    try {
      const run = await cli(['start'], { HTTP_PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`HTTP_PORT ${port}`);
      expect(run.stderr).toContain('EADDRINUSE');
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      server.close();
    }
  });

  it('check with DATA_DIR unset leaves nothing where it runs, nor makes a store: it only reads one', async () => {
    const cwd = mkdtempSync(join(tmp, 'cron-cwd-'));
    const home = mkdtempSync(join(tmp, 'home-'));
    const run = await cli(['check', '--only', 'health,resources'], { DATA_DIR: undefined, HOME: home, CONNECTOR_URL: `http://127.0.0.1:${closedPort}` }, '', cwd);
    expect(run.code, run.stderr).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
    expect(run.stderr).toContain(`left out: the disk samples and the disk-full forecast made from them: no store at ${join(home, '.local/state/connector-ops/connector-ops.sqlite')} yet`);
  });

  it('check runs when its store cannot be opened, says which readings it left out, and exits by what it found', async () => {
    const dataDir = mkdtempSync(join(tmp, 'broken-store-'));
    const path = join(dataDir, 'connector-ops.sqlite');
    writeFileSync(path, 'these are not the pages of a database\n'.repeat(200));
    const run = await cli(['check', '--json', '--only', 'health,resources'], { DATA_DIR: dataDir, CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}` });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`connector-ops check: left out: the disk samples and the disk-full forecast made from them: the store ${path} cannot be opened by`);
    expect(run.stderr).toContain('the file is not an SQLite database (SQLITE_NOTADB)');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const report = validReport(JSON.parse(run.stdout) as { connectors: Array<{ checks: Array<{ id: string; status: string; details: Array<{ label: string; value: string; status?: string }> }> }> });
    const checks = report.connectors[0]!.checks;
    expect(checks.find((c) => c.id === 'health')!.status).toBe('critical');
    const forecast = checks.find((c) => c.id === 'resources')!.details.find((d) => d.label === 'Disk forecast');
    expect(forecast).toEqual({ label: 'Disk forecast', value: expect.stringContaining('left out: the store') });
  });

  it('check --only with an unknown id exits 64 and lists the valid ids', async () => {
    const run = await cli(['check', '--only', 'bogus'], { CONNECTOR_URL: `http://127.0.0.1:${closedPort}` });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(`--only has unknown check ids bogus; valid ids: ${CHECK_IDS.join(', ')}.`);
    expect(run.stdout).toBe('');
  });

  it('check --since reads the logs as far back as asked, with the same rule as chat', async () => {
    const dir = mkdtempSync(join(tmp, 'since-'));
    const logFile = join(dir, 'connector.log');
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const stamp = `${threeDaysAgo.getFullYear()}-${pad(threeDaysAgo.getMonth() + 1)}-${pad(threeDaysAgo.getDate())}T${pad(threeDaysAgo.getHours())}:${pad(threeDaysAgo.getMinutes())}:00.000`;
    writeFileSync(logFile, `[${stamp}] [ERROR] SyncModule - Sync failed\n`);
    const env = { CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}`, CONNECTOR_LOG_FILES: logFile };
    const day = await cli(['check', '--only', 'error-logs'], env);
    expect(day.stdout).toMatch(/no errors in 24 h/);
    const week = await cli(['check', '--only', 'error-logs', '--since', '7d'], env);
    expect(week.code, week.stderr).toBe(1);
    expect(week.stdout).toMatch(/1 error in 7 d/);
    const tooFar = await cli(['check', '--since=99d'], env);
    expect(tooFar.code).toBe(64);
    expect(tooFar.stderr).toContain('"--since 99d" is not a duration; expected e.g. 30m, 24h or 7d (at most 30d).');
  });

  it('check selects connectors with the chat rule and words: unknown names are a usage error (64)', async () => {
    const env = { CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}` };
    const one = await cli(['check', 'nope'], env);
    expect(one.code).toBe(64);
    expect(one.stderr).toBe('connector-ops check: Unknown connector "nope". Known connectors: main.\n');
    const two = await cli(['check', 'MAIN', 'x', 'y'], env);
    expect(two.code).toBe(64);
    expect(two.stderr).toContain('Unknown connectors "x", "y". Known connectors: main.');
  });

  it('check --details adds every detail; without it, one line per check as in chat', async () => {
    const env = { CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}` };
    const compact = await cli(['check', '--only', 'health'], env);
    const detailed = await cli(['check', '--only', 'health', '--details'], env);
    expect(compact.code).toBe(2);
    expect(detailed.code).toBe(2);
    expect(compact.stdout).not.toContain('health route');
    expect(detailed.stdout).toContain('health route');
    expect(detailed.stdout.length).toBeGreaterThan(compact.stdout.length);
  });

  it('check --details prints every error group, however many', async () => {
    const dir = mkdtempSync(join(tmp, 'groups-'));
    const logFile = join(dir, 'connector.log');
    const { text, labels } = distinctErrorLines(300);
    writeFileSync(logFile, text);
    const env = { CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}`, CONNECTOR_LOG_FILES: logFile };
    const detailed = await cli(['check', '--only', 'error-logs', '--details'], env);
    expect(detailed.code, detailed.stderr).toBe(2);
    expect(labels.filter((label) => !detailed.stdout.includes(label))).toEqual([]);
    expect(detailed.stdout).not.toContain('more groups');
    expect(detailed.stdout).toMatch(/Error logs +300 errors in 24 h \(300 groups\)/);
  });

  it('audit --json exports the audit log as JSON lines for a SIEM, secrets redacted; --since filters', async () => {
    const dataDir = mkdtempSync(join(tmp, 'audit-'));
    const store = Store.open(join(dataDir, 'connector-ops.sqlite'));
    const audit = new AuditLog(store);
    const actor = { platform: 'slack' as const, id: 'U0ADA', displayName: 'Ada' };
    audit.append({ at: new Date(Date.now() - 3 * 86_400_000), event: 'requested', requestId: 'abc234', connector: 'main', operation: 'restart', actor, detail: { reason: 'old' } });
    audit.append({ at: new Date(), event: 'approved', requestId: 'abc234', connector: 'main', operation: 'restart', actor, detail: { reason: 'key sk-audit-secret-1 leaked' } });
    // A reason that reorders what a SIEM's viewer shows (U+202E) and hides a character (U+200B).
    audit.append({ at: new Date(), event: 'started', requestId: 'abc234', connector: 'main', operation: 'restart', actor, detail: { reason: 'fine\u202e\u200bdenifed' } });
    store.close();
    const env = { DATA_DIR: dataDir, CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}`, CONNECTOR_API_KEY: 'sk-audit-secret-1' };
    const all = await cli(['audit', '--json'], env);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.event)).toEqual(['requested', 'approved', 'started']);
    // Escaped in the JSON text, the same string once parsed.
    expect(all.stdout).not.toMatch(/[\u200b\u202e]/);
    expect(all.stdout).toContain('fine\\u202e\\u200bdenifed');
    expect(lines[2]).toMatchObject({ detail: { reason: 'fine\u202e\u200bdenifed' } });
    expect(lines[1]).toMatchObject({ seq: 2, requestId: 'abc234', connector: 'main', operation: 'restart', actor });
    expect(typeof lines[1]!.at).toBe('string');
    expect(all.stdout).not.toContain('sk-audit-secret-1');
    const recent = await cli(['audit', '--json', '--since', '1d'], env);
    expect(recent.stdout.trim().split('\n')).toHaveLength(2);
    const text = await cli(['audit'], env);
    expect(text.stdout).toMatch(/approved · abc234 · restart main · by Ada \(slack:U0ADA\)/);
    expect(text.stdout).not.toMatch(/[\u200b\u202e]/);
    expect((await cli(['audit', '--since', 'forever'], env)).code).toBe(64);
  });

  it('check of an unreachable connector exits 2 (critical) and says it is unreachable', async () => {
    const run = await cli(['check', '--only', 'health'], { CONNECTOR_NAME: 'main', CONNECTOR_URL: `http://127.0.0.1:${closedPort}` });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('== connector-ops check == [CRIT]');
    expect(run.stdout).toMatch(/\[CRIT\] Health +Unreachable: .*ECONNREFUSED/);
  });

  it('check --json prints the documented report shape, and never a secret', async () => {
    const run = await cli(['check', '--json', '--only', 'health,container,third-party,database'], {
      CONNECTOR_NAME: 'main',
      CONNECTOR_CONTAINER: 'connector-main',
      CONNECTOR_URL: `http://127.0.0.1:${closedPort}`,
      // A broker's URL carries its password legitimately: it is probed, and never shown.
      CONNECTOR_THIRD_PARTY: `amqp://ops:${URL_PASSWORD}@127.0.0.1:${closedPort}`,
      CONNECTOR_API_KEY: API_KEY,
      LOG_LEVEL: 'debug',
    });
    expect(run.code).toBe(2);
    for (const output of [run.stdout, run.stderr]) {
      expect(output).not.toContain(API_KEY);
      expect(output).not.toContain(URL_PASSWORD);
    }
    const report = validReport(JSON.parse(run.stdout) as Record<string, unknown>);
    expect(Object.keys(report).sort()).toEqual(['connectors', 'generatedAt', 'status']);
    expect(report.status).toBe('critical');
    expect(new Date(report.generatedAt as string).toISOString()).toBe(report.generatedAt);
    const connectors = report.connectors as Array<Record<string, unknown>>;
    expect(connectors).toHaveLength(1);
    const [main] = connectors;
    expect(Object.keys(main!).sort()).toEqual(['checks', 'name', 'notChecked', 'status']);
    expect(main!.name).toBe('main');
    // Asked for, not applicable: said with the setting that would make it apply, not left out silently.
    expect(main!.notChecked).toEqual([{ id: 'database', needs: 'a MongoDB URI: set CONNECTOR_MONGODB_URI (or mongodbUri in the YAML file)' }]);
    const checks = main!.checks as Array<Record<string, unknown>>;
    expect(checks.map((c) => c.id)).toEqual(['health', 'container', 'third-party']);
    for (const check of checks) {
      expect(Object.keys(check).filter((key) => key !== 'findings' && key !== 'data').sort()).toEqual(['details', 'id', 'status', 'summary']);
      expect(CHECK_STATUSES).toContain(check.status);
      expect(typeof check.summary).toBe('string');
      for (const d of check.details as Array<Record<string, unknown>>) {
        expect(typeof d.label).toBe('string');
        expect(typeof d.value).toBe('string');
      }
    }
    expect(checks[0]).toMatchObject({ id: 'health', status: 'critical', data: { services: [] } });
    // No engine at DOCKER_HOST: the container check could not look, which is not critical.
    expect(checks[1]).toMatchObject({ id: 'container', status: 'unknown' });
  });

  it('check --json carries the typed findings alerts are raised from: an unreachable Connector, a figure over its threshold', async () => {
    // Any host uses more than 1 % of its memory: the host's memory is over both thresholds.
    const run = await cli(['check', '--json', '--only', 'health,resources'], {
      CONNECTOR_URL: `http://127.0.0.1:${closedPort}`,
      MEMORY_WARN_PERCENT: '1',
      MEMORY_CRITICAL_PERCENT: '1',
      DISK_PATHS: tmp,
    });
    expect(run.code, run.stderr).toBe(2);
    const report = validReport(
      JSON.parse(run.stdout) as { connectors: Array<{ checks: Array<{ id: string; findings?: Array<Record<string, unknown>>; data?: Record<string, unknown> }> }> },
    );
    const [health, resources] = report.connectors[0]!.checks;
    expect(health).toMatchObject({ id: 'health', findings: [{ kind: 'unreachable', reason: expect.stringContaining('ECONNREFUSED') }] });
    expect(resources?.findings).toContainEqual({
      kind: 'host-memory',
      remoteEngine: false,
      availableBytes: expect.any(Number),
      totalBytes: expect.any(Number),
      usedPercent: expect.any(Number),
      warnPercent: 1,
      criticalPercent: 1,
      status: 'critical',
      line: 1,
    });
    // The same figures as data: bytes and a ratio, keyed by what they are rather than by a line of the details.
    expect(resources?.data).toMatchObject({
      host: { remoteEngine: false, memory: { usedBytes: expect.any(Number), totalBytes: expect.any(Number), usedRatio: expect.any(Number) } },
      // DATA_DIR, once another run made it, is on the same file system: one disk, both paths.
      disks: [expect.objectContaining({ paths: expect.arrayContaining([{ path: tmp, roles: ['configured'] }]), usedBytes: expect.any(Number), totalBytes: expect.any(Number), usedRatio: expect.any(Number) })],
    });
  });

  it('console reads commands from a pipe, answers them and exits 0 at the end of input', async () => {
    const run = await cli(['console'], {}, '/connector help\n/connector bogus\n/connector health nosuchconnector\n');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('== connector-ops: operate enmeshed Connectors ==');
    for (const verb of ['help', 'connectors', 'status', 'health', 'logs', 'database']) expect(run.stdout).toMatch(new RegExp(`^ {4}${verb} `, 'm'));
    expect(run.stdout).toContain('Unknown command "bogus". Valid commands: help, connectors, status');
    expect(run.stdout).toContain('Unknown connector "nosuchconnector"');
    // Logs go to stderr, so they never mix with the conversation.
    expect(run.stdout).not.toContain('"level"');
  });
});

// Each spawns the CLI several times: one after the other, beside the concurrent runs above rather than among them.
describe('connector-ops audit --verify and the verification at start', () => {
  it('audit --verify exits 0 with the latest hash to note as an anchor, 1 naming the first bad entry once the file was edited, 64 for a usage error', async () => {
    const dataDir = mkdtempSync(join(tmp, 'verify-'));
    const path = join(dataDir, 'connector-ops.sqlite');
    const store = Store.open(path);
    const audit = new AuditLog(store);
    const at = new Date('2026-12-01T09:00:00Z');
    audit.append({ at, event: 'requested', requestId: 'abc234', connector: 'main', operation: 'restart', detail: { reason: 'stuck' } });
    audit.append({ at, event: 'approved', requestId: 'abc234', connector: 'main', operation: 'restart', detail: {} });
    const latest = audit.list()[1]!;
    store.close();
    const env = { DATA_DIR: dataDir };

    const usages = [['--verify', '--json'], ['--verify', '--anchor', 'latest'], ['--verify', '--since', '7d']].map((args) => cli(['audit', ...args], env));
    const [intact, anchored] = await Promise.all([cli(['audit', '--verify'], env), cli(['audit', '--verify', '--anchor', `2:${latest.hash}`], env)]);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('audit log intact: 2 entries verified.');
    expect(intact.stdout).toContain(`  2:${latest.hash}\n`);
    expect(anchored.code, anchored.stderr).toBe(0);
    for (const usage of await Promise.all(usages)) {
      expect(usage.code).toBe(64);
      expect(usage.stderr).toContain('--anchor <entry>:<hash>');
    }

    const db = new DatabaseSync(path);
    db.exec(`DROP TRIGGER audit_log_never_changed; UPDATE audit_log SET detail = '{"reason":"routine"}' WHERE seq = 1`);
    db.close();
    const broken = await cli(['audit', '--verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('audit log broken at entry 1 (2026-12-01T09:00:00.000Z, requested): its content does not match its hash');
  }, 60_000);

  it('start verifies the audit chain: a tampered log is a warning naming the entry and 0 on /metrics', async () => {
    const dataDir = mkdtempSync(join(tmp, 'start-verify-'));
    const path = join(dataDir, 'connector-ops.sqlite');
    const store = Store.open(path);
    const audit = new AuditLog(store);
    for (let i = 0; i < 3; i++) audit.append({ at: new Date(), event: 'progress', connector: 'main', detail: { text: `step ${i}` } });
    store.close();
    const db = new DatabaseSync(path);
    db.exec('DROP TRIGGER audit_log_never_deleted; DELETE FROM audit_log WHERE seq = 2');
    db.close();

    const child = spawn(process.execPath, [...NODE_ARGS, 'start'], {
      cwd: tmp,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_HOST: `unix://${join(tmp, 'no-such-docker.sock')}`, DATA_DIR: dataDir, HTTP_PORT: '0', NODE_COMPILE_CACHE: COMPILE_CACHE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.on('close', (code) => resolveExit(code)));
    try {
      const logged = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; level: number | string; port?: number; entry?: number });
      const listening = () => logged().find((line) => line.msg === 'HTTP server listening');
      await expect.poll(() => listening()?.port, { timeout: 30_000 }).toBeDefined();
      const port = listening()!.port!;
      const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      await expect.poll(scrape, { timeout: 30_000 }).toMatch(/^connector_ops_audit_chain_intact 0$/m);
      expect(await scrape()).toMatch(/^connector_ops_audit_entries_verified 1$/m);
      const warning = logged().find((line) => line.msg.startsWith('audit log tampered with'));
      expect(warning).toMatchObject({ entry: 2 });
      expect(warning!.msg).toContain('entry 2: missing, deleted: the log goes from entry 1 to entry 3');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
