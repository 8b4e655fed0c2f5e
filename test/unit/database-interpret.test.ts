import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_THRESHOLDS, databaseResult } from '../../src/checks/database-interpret.ts';
import type { MongoMember, MongoSnapshot } from '../../src/integrations/mongo/types.ts';

const GiB = 1024 ** 3;
const T = DEFAULT_DATABASE_THRESHOLDS;

function member(name: string, state: string, extra: Partial<MongoMember> = {}): MongoMember {
  const healthy = ['PRIMARY', 'SECONDARY', 'ARBITER'].includes(state);
  return { name, state, healthy, self: false, ...(healthy && state !== 'ARBITER' ? { lagSeconds: 0 } : {}), ...extra };
}

function replicaSet(members: MongoMember[], overrides: Partial<Extract<MongoSnapshot, { reachable: true }>> = {}): MongoSnapshot {
  const primary = members.find((m) => m.state === 'PRIMARY')?.name;
  return {
    reachable: true,
    roundTripMs: 3,
    version: { ok: true, value: '7.0.14' },
    topology: {
      ok: true,
      value: { kind: 'replica-set', setName: 'rs0', hosts: members.map((m) => m.name), ...(primary ? { primary } : {}) },
    },
    members: { ok: true, value: members },
    oplog: { ok: true, value: { first: new Date(0), last: new Date(48 * 3_600_000), hours: 48 } },
    storage: { ok: true, value: { dataBytes: 2 * GiB, fsFreeBytes: 80 * GiB, fsTotalBytes: 100 * GiB } },
    ...overrides,
  };
}

const healthyMembers = [member('db1:27017', 'PRIMARY'), member('db2:27017', 'SECONDARY'), member('db3:27017', 'SECONDARY')];

function detail(result: ReturnType<typeof databaseResult>, label: string) {
  return result.details.find((d) => d.label === label);
}

describe('databaseResult', () => {
  it('a healthy replica set is ok, with a one-line summary naming set, members, version and ping', () => {
    const result = databaseResult(replicaSet(healthyMembers), T);
    expect(result.id).toBe('database');
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('replica set rs0, 3/3 members healthy, MongoDB 7.0.14, ping 3 ms');
    expect(detail(result, 'Primary')).toEqual({ label: 'Primary', value: 'db1:27017', status: 'ok' });
    expect(detail(result, 'Oplog window')).toMatchObject({ value: '48.0 h', status: 'ok' });
    expect(detail(result, 'Disk')).toMatchObject({ value: '2.0 GiB data on disk, 80.0 GiB free of 100.0 GiB', status: 'ok' });
    expect(result.summary).not.toContain('\n');
  });

  it('a standalone is a warning: the guide recommends a replica set', () => {
    const result = databaseResult(
      {
        reachable: true,
        roundTripMs: 2,
        version: { ok: true, value: '6.0.3' },
        topology: { ok: true, value: { kind: 'standalone' } },
        storage: { ok: true, value: { dataBytes: GiB, fsFreeBytes: 50 * GiB, fsTotalBytes: 60 * GiB } },
      },
      T,
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('standalone: the operations guide recommends a replica set');
    expect(result.details.map((d) => d.label)).toEqual(['Round trip', 'Version', 'Topology', 'Disk']);
  });

  it.each([
    ['refused', 'critical', 'MongoDB refused the connection'],
    ['auth', 'critical', 'authentication failed: MongoDB rejected the user or password'],
    ['timeout', 'critical', 'MongoDB unreachable: no answer in time'],
    ['invalid-uri', 'unknown', 'the MongoDB connection string is invalid'],
    ['aborted', 'unknown', 'the database check ran out of time'],
  ] as const)('a failed connection (%s) is %s and says why', (failure, status, summary) => {
    const result = databaseResult({ reachable: false, failure, error: 'some reason' }, T);
    expect(result.status).toBe(status);
    expect(result.summary).toBe(summary);
    expect(result.details).toHaveLength(1);
    expect(result.details[0]?.value).toContain('some reason');
  });

  it('an unreachable server is critical with the reason in the summary', () => {
    const result = databaseResult({ reachable: false, failure: 'unreachable', error: 'getaddrinfo ENOTFOUND mongo' }, T);
    expect(result).toMatchObject({ status: 'critical', summary: 'MongoDB unreachable: getaddrinfo ENOTFOUND mongo' });
  });

  it('a ping slower than the threshold is a warning', () => {
    const result = databaseResult(replicaSet(healthyMembers, { roundTripMs: 640 }), T);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('slow: ping took 640 ms (threshold 500 ms)');
    expect(databaseResult(replicaSet(healthyMembers, { roundTripMs: 499 }), T).status).toBe('ok');
  });

  it('no primary is critical', () => {
    const members = [member('db1:27017', 'SECONDARY'), member('db2:27017', 'SECONDARY'), member('db3:27017', 'SECONDARY')];
    const result = databaseResult(replicaSet(members), T);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('replica set rs0 has no primary');
    expect(detail(result, 'Primary')).toMatchObject({ value: 'none', status: 'critical' });
  });

  it('one member down is a warning, naming the member and its state', () => {
    const members = [healthyMembers[0]!, healthyMembers[1]!, member('db3:27017', '(not reachable/healthy)')];
    const result = databaseResult(replicaSet(members), T);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('member db3:27017 down, state (not reachable/healthy)');
    expect(detail(result, 'Members')).toMatchObject({ value: '2/3 healthy', status: 'warn' });
    expect(detail(result, 'Member db3:27017')).toMatchObject({ value: '(not reachable/healthy)', status: 'warn' });
  });

  it('a minority of several down is a warning naming them all', () => {
    const members = [...healthyMembers, member('db4:27017', '(not reachable/healthy)'), member('db5:27017', 'RECOVERING')];
    const result = databaseResult(replicaSet(members), T);
    expect(result).toMatchObject({ status: 'warn', summary: 'members db4:27017, db5:27017 down' });
    expect(detail(result, 'Members')?.value).toBe('3/5 healthy');
  });

  it('a majority down is critical', () => {
    const members = [member('db1:27017', 'SECONDARY'), member('db2:27017', 'DOWN'), member('db3:27017', 'RECOVERING')];
    const result = databaseResult(replicaSet(members), T);
    expect(result.status).toBe('critical');
    expect(detail(result, 'Members')).toMatchObject({ value: '1/3 healthy', status: 'critical' });
    expect(result.summary).toContain('2 of 3 members down: no majority left');
  });

  it.each([
    [29, 'ok'],
    [31, 'warn'],
    [299, 'warn'],
    [301, 'critical'],
  ] as const)('a secondary %i s behind is %s', (lagSeconds, status) => {
    const members = [healthyMembers[0]!, member('db2:27017', 'SECONDARY', { lagSeconds }), healthyMembers[2]!];
    const result = databaseResult(replicaSet(members), T);
    expect(result.status).toBe(status);
    expect(detail(result, 'Member db2:27017')).toMatchObject({ status });
  });

  it('lag is told in readable units with its threshold', () => {
    const members = [healthyMembers[0]!, member('db2:27017', 'SECONDARY', { lagSeconds: 600 }), healthyMembers[2]!];
    const result = databaseResult(replicaSet(members), T);
    expect(result.summary).toBe('db2:27017 lags 10 min behind (threshold 5 min)');
    expect(detail(result, 'Member db2:27017')?.value).toBe('SECONDARY, 10 min behind');
  });

  it('custom thresholds apply', () => {
    const members = [healthyMembers[0]!, member('db2:27017', 'SECONDARY', { lagSeconds: 20 }), healthyMembers[2]!];
    expect(databaseResult(replicaSet(members), { ...T, lagWarnSeconds: 10 }).status).toBe('warn');
  });

  it('an oplog window below 24 h is a warning', () => {
    const result = databaseResult(
      replicaSet(healthyMembers, { oplog: { ok: true, value: { first: new Date(0), last: new Date(0), hours: 12.5 } } }),
      T,
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('oplog window 12.5 h (below 24 h)');
  });

  it('free disk below twice the data on disk is a warning', () => {
    const storage = { ok: true as const, value: { dataBytes: 30 * GiB, fsFreeBytes: 50 * GiB, fsTotalBytes: 100 * GiB } };
    const result = databaseResult(replicaSet(healthyMembers, { storage }), T);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('free disk 50.0 GiB is less than 2 × the data (30.0 GiB)');
  });

  it('free disk not reported is shown without a judgement', () => {
    const storage = { ok: true as const, value: { dataBytes: GiB } };
    const result = databaseResult(replicaSet(healthyMembers, { storage }), T);
    expect(result.status).toBe('ok');
    expect(detail(result, 'Disk')).toEqual({ label: 'Disk', value: '1.0 GiB data on disk; free disk not reported' });
  });

  it('parts that could not be read are unknown, the rest is still reported', () => {
    const notAuthorised = { ok: false as const, error: 'not authorised: not authorized on admin to execute command { replSetGetStatus: 1 }' };
    const result = databaseResult(replicaSet(healthyMembers, { members: notAuthorised, oplog: notAuthorised }), T);
    expect(result.status).toBe('unknown');
    // hello still names the primary
    expect(detail(result, 'Primary')).toMatchObject({ value: 'db1:27017', status: 'ok' });
    expect(detail(result, 'Members')).toMatchObject({ status: 'unknown' });
    expect(detail(result, 'Members')?.value).toContain('not authorised');
    expect(detail(result, 'Version')).toEqual({ label: 'Version', value: 'MongoDB 7.0.14' });
    expect(result.summary).toBe('member states not readable; oplog window not readable');
  });

  it('without member states, a hello without primary is still critical', () => {
    const snapshot = replicaSet(healthyMembers, { members: { ok: false, error: 'not authorised' } });
    if (!snapshot.reachable || !snapshot.topology.ok || snapshot.topology.value.kind !== 'replica-set') throw new Error('fixture');
    const { primary: _primary, ...withoutPrimary } = snapshot.topology.value;
    const result = databaseResult({ ...snapshot, topology: { ok: true, value: withoutPrimary } }, T);
    expect(result.status).toBe('critical');
  });

  it('the summary puts the worst first and stays one line when much is wrong', () => {
    const members = [
      member('db1:27017', 'SECONDARY', { lagSeconds: 40 }),
      member('db2:27017', 'SECONDARY', { lagSeconds: 0 }),
      member('db3:27017', '(not reachable/healthy)'),
    ];
    const oplog = { ok: true as const, value: { first: new Date(0), last: new Date(0), hours: 2 } };
    const result = databaseResult(replicaSet(members, { roundTripMs: 900, oplog }), T);
    expect(result.status).toBe('critical');
    expect(result.summary.startsWith('replica set rs0 has no primary; ')).toBe(true);
    expect(result.summary).toMatch(/\(\+\d+ more\)$/);
  });

  it('a sharded cluster through mongos is judged without member checks', () => {
    const result = databaseResult(
      {
        reachable: true,
        roundTripMs: 4,
        version: { ok: true, value: '7.0.14' },
        topology: { ok: true, value: { kind: 'mongos' } },
        storage: { ok: true, value: { dataBytes: GiB, fsFreeBytes: 10 * GiB, fsTotalBytes: 20 * GiB } },
      },
      T,
    );
    expect(result).toMatchObject({ status: 'ok', summary: 'sharded cluster (mongos), MongoDB 7.0.14, ping 4 ms' });
  });
});
