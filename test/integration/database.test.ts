import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseCheck, type DatabaseCheckSettings } from '../../src/checks/database.ts';
import { inspectWithDriver } from '../../src/integrations/mongo/client.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { scenarios } from '../support/mongo-double/script.ts';
import { MongoDouble } from '../support/mongo-double/server.ts';
import { passwordsOrSkip } from '../support/mongo-uri.ts';
import { validCheck } from '../support/report-schema.ts';

// The database check with the real `mongodb` driver against a server. By default that server is the
// wire double (no Docker needed, so these tests always run). With TEST_MONGODB_URI set, the first
// suite runs against that real server instead, and the scripted scenarios, which only the double
// can act out, are skipped with the reason printed.

const REAL_URI = process.env.TEST_MONGODB_URI;
const USER = { username: 'connector', password: 'Zq8-not-in-output' };

function connectorWith(mongodbUri: string): Connector {
  return { name: 'db-test', apiKeyHeader: 'X-API-KEY', mongodbUri, logFiles: [], source: 'config' };
}

async function runCheck(uri: string, settings: DatabaseCheckSettings = {}, signal = AbortSignal.timeout(20_000)): Promise<CheckResult> {
  const check = new DatabaseCheck({ timeoutMs: 2_000, ...settings }, inspectWithDriver);
  return check.run({ connector: connectorWith(uri), signal, now: new Date() }).then(validCheck);
}

function detail(result: CheckResult, label: string) {
  return result.details.find((d) => d.label === label);
}

describe(`database check against ${REAL_URI ? 'the real MongoDB at TEST_MONGODB_URI' : 'the MongoDB wire double'}`, () => {
  let double: MongoDouble | undefined;
  let uri: string;

  beforeAll(async () => {
    if (REAL_URI) {
      uri = REAL_URI;
    } else {
      double = await MongoDouble.start({ users: { [USER.username]: USER.password } });
      uri = double.uri({ credentials: USER });
    }
  });
  afterAll(async () => {
    await double?.stop();
  });

  /** What the server says of itself, read with the driver directly, to compare the check against. */
  async function serverFacts(): Promise<{ version: string; setName?: string; primary?: string }> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const admin = client.db('admin');
      const [build, hello] = await Promise.all([admin.command({ buildInfo: 1 }), admin.command({ hello: 1 })]);
      return { version: String(build.version), setName: hello.setName, primary: hello.primary };
    } finally {
      await client.close();
    }
  }

  it('reaches the server, times a ping and reads its version', async () => {
    const facts = await serverFacts();
    const result = await runCheck(uri);
    expect(detail(result, 'Connection')).toBeUndefined();
    expect(detail(result, 'Round trip')?.value).toMatch(/^\d+ ms \(ping\)$/);
    expect(detail(result, 'Version')?.value).toBe(`MongoDB ${facts.version}`);
  });

  it('reports the topology as the server has it', async () => {
    const facts = await serverFacts();
    const result = await runCheck(uri);
    if (facts.setName) {
      expect(detail(result, 'Topology')).toEqual({ label: 'Topology', value: `replica set ${facts.setName}`, status: 'ok' });
      expect(detail(result, 'Primary')?.value).toBe(facts.primary ?? 'none');
    } else {
      expect(detail(result, 'Topology')).toMatchObject({ value: 'standalone', status: 'warn' });
    }
  });

  it('never shows the password of the connection string, and names a wrong one as an authentication failure', async (context) => {
    const { password, wrongUri: wrong, wrongPassword } = passwordsOrSkip(uri, context);
    const [right, refused] = await Promise.all([runCheck(uri), runCheck(wrong)]);
    expect(JSON.stringify(right)).not.toContain(password);
    expect(JSON.stringify(right)).not.toContain(decodeURIComponent(password));
    expect(refused.status).toBe('critical');
    expect(refused.summary).toBe('authentication failed: MongoDB rejected the user or password');
    expect(JSON.stringify(refused)).not.toContain(wrongPassword);
  });
});

const scriptedSuite = REAL_URI ? describe.skip : describe;
if (REAL_URI) {
  console.warn('skipping the scripted database scenarios: TEST_MONGODB_URI is set, and a real server cannot be switched into them');
}

scriptedSuite('database check in scripted MongoDB states (wire double)', () => {
  let double: MongoDouble;
  const seedList = () => double.uri({ credentials: USER });
  const singleHost = () => `mongodb://${USER.username}:${USER.password}@${double.hosts[0]}/`;

  beforeAll(async () => {
    double = await MongoDouble.start({ users: { [USER.username]: USER.password } });
  });
  afterAll(async () => {
    await double.stop();
  });

  it('standalone: a warning, the guide recommends a replica set', async () => {
    await double.setScript(scenarios.standalone());
    const result = await runCheck(seedList());
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('standalone: the operations guide recommends a replica set');
    expect(detail(result, 'Disk')).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['the seed list with replicaSet', () => seedList()],
    ['a single host (looked at directly)', () => singleHost()],
  ])('healthy replica set through %s: ok', async (_name, uri) => {
    await double.setScript(scenarios.healthySet());
    const result = await runCheck(uri());
    expect(result.status).toBe('ok');
    expect(result.summary).toMatch(/^replica set rs0, 3\/3 members healthy, MongoDB 7\.0\.14, ping \d+ ms$/);
    expect(detail(result, 'Primary')?.value).toBe(double.hosts[0]);
    expect(detail(result, 'Oplog window')).toMatchObject({ value: '48.0 h', status: 'ok' });
  });

  it('member down: a warning naming the member', async () => {
    await double.setScript(scenarios.memberDown(2));
    const result = await runCheck(seedList());
    expect(result.status).toBe('warn');
    expect(result.summary).toBe(`member ${double.hosts[2]} down, state (not reachable/healthy)`);
    expect(detail(result, 'Members')).toMatchObject({ value: '2/3 healthy', status: 'warn' });
  });

  it('majority down: critical (the remaining member has stepped down)', async () => {
    await double.setScript({
      ...scenarios.healthySet(),
      members: [
        { state: 'SECONDARY', lagSeconds: 0 },
        { state: 'DOWN', lagSeconds: 0 },
        { state: 'DOWN', lagSeconds: 0 },
      ],
    });
    const result = await runCheck(singleHost());
    expect(result.status).toBe('critical');
    expect(result.summary).toContain('replica set rs0 has no primary');
    expect(result.summary).toContain('2 of 3 members down: no majority left');
  });

  it('replication lag: warn above 30 s, critical above 300 s', async () => {
    await double.setScript(scenarios.replicationLag(90, 1));
    const warn = await runCheck(seedList());
    expect(warn.status).toBe('warn');
    expect(warn.summary).toBe(`${double.hosts[1]} lags 90 s behind (threshold 30 s)`);
    await double.setScript(scenarios.replicationLag(600, 1));
    const critical = await runCheck(seedList());
    expect(critical.status).toBe('critical');
    expect(detail(critical, `Member ${double.hosts[1]}`)).toMatchObject({ value: 'SECONDARY, 10 min behind', status: 'critical' });
  });

  it('no primary: critical', async () => {
    await double.setScript(scenarios.noPrimary());
    const result = await runCheck(seedList());
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('replica set rs0 has no primary');
  });

  it('short oplog and tight disk: warnings', async () => {
    const GiB = 1024 ** 3;
    await double.setScript({
      ...scenarios.healthySet(),
      oplogWindowHours: 6,
      storage: { dataSize: 40 * GiB, storageSize: 30 * GiB, indexSize: 5 * GiB, fsUsedSize: 50 * GiB, fsTotalSize: 100 * GiB },
    });
    const result = await runCheck(seedList());
    expect(result.status).toBe('warn');
    expect(detail(result, 'Oplog window')).toMatchObject({ value: '6.0 h', status: 'warn' });
    expect(detail(result, 'Disk')).toMatchObject({ status: 'warn' });
  });

  it('slow: a warning with the measured round trip', async () => {
    await double.setScript(scenarios.slow(600));
    const result = await runCheck(seedList(), { timeoutMs: 4_000 });
    expect(result.status).toBe('warn');
    const took = /^slow: ping took (\d+) ms \(threshold 500 ms\)$/.exec(result.summary)?.[1];
    expect(Number(took)).toBeGreaterThanOrEqual(595);
  });

  it('refused: critical, and says so', async () => {
    await double.setScript(scenarios.refused());
    const result = await runCheck(seedList(), { timeoutMs: 1_000 });
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('MongoDB refused the connection');
    expect(detail(result, 'Connection')?.value).toContain('ECONNREFUSED');
  });

  it('authentication failure: critical, named as such, password not shown', async () => {
    await double.setScript(scenarios.authFailure());
    const result = await runCheck(seedList());
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('authentication failed: MongoDB rejected the user or password');
    expect(JSON.stringify(result)).not.toContain(USER.password);
  });

  it('a user without the clusterMonitor role: member states and oplog unknown, the rest reported', async () => {
    await double.setScript({ ...scenarios.healthySet(), unauthorised: ['replSetGetStatus', 'find'] });
    const result = await runCheck(seedList());
    expect(result.status).toBe('unknown');
    expect(detail(result, 'Members')?.value).toMatch(/^not authorised: /);
    expect(detail(result, 'Primary')).toMatchObject({ value: double.hosts[0], status: 'ok' });
    expect(detail(result, 'Version')?.value).toBe('MongoDB 7.0.14');
  });

  it('an abort ends the check at once with unknown', async () => {
    // Answers and the check's own bound both longer than the test's time: only the abort can end it in time.
    await double.setScript(scenarios.slow(120_000));
    const result = await runCheck(seedList(), { timeoutMs: 120_000 }, AbortSignal.timeout(500));
    expect(result).toMatchObject({ status: 'unknown', summary: 'the database check ran out of time' });
  });
});
