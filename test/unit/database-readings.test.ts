import { Long, MongoServerError, MongoServerSelectionError, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { connectsDirectly } from '../../src/integrations/mongo/client.ts';
import { connectFailure, describeMongoError } from '../../src/integrations/mongo/errors.ts';
import { maskUrlCredentials } from '../../src/logging/redact.ts';
import { membersFromStatus, oplogWindow, storageFrom, topologyFromHello } from '../../src/integrations/mongo/readings.ts';

describe('topologyFromHello', () => {
  it('tells standalone, replica set and mongos apart', () => {
    expect(topologyFromHello({ isWritablePrimary: true, ok: 1 })).toEqual({ kind: 'standalone' });
    expect(topologyFromHello({ msg: 'isdbgrid', ok: 1 })).toEqual({ kind: 'mongos' });
    expect(
      topologyFromHello({
        setName: 'rs0',
        hosts: ['a:27017', 'b:27017'],
        passives: ['c:27017'],
        arbiters: ['d:27017'],
        primary: 'a:27017',
        me: 'b:27017',
      }),
    ).toEqual({ kind: 'replica-set', setName: 'rs0', hosts: ['a:27017', 'b:27017', 'c:27017', 'd:27017'], primary: 'a:27017', me: 'b:27017' });
  });
});

describe('membersFromStatus', () => {
  const now = new Date('2026-08-20T10:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it('measures each healthy member against the primary', () => {
    const members = membersFromStatus({
      members: [
        { name: 'a:1', stateStr: 'PRIMARY', health: 1, optimeDate: now, self: true },
        { name: 'b:1', stateStr: 'SECONDARY', health: 1, optimeDate: ago(45) },
        { name: 'c:1', stateStr: 'ARBITER', health: 1 },
        { name: 'd:1', stateStr: '(not reachable/healthy)', health: 0, optimeDate: new Date(0) },
      ],
    });
    expect(members).toEqual([
      { name: 'a:1', state: 'PRIMARY', healthy: true, self: true, optimeDate: now, lagSeconds: 0 },
      { name: 'b:1', state: 'SECONDARY', healthy: true, self: false, optimeDate: ago(45), lagSeconds: 45 },
      { name: 'c:1', state: 'ARBITER', healthy: true, self: false },
      { name: 'd:1', state: '(not reachable/healthy)', healthy: false, self: false },
    ]);
  });

  it('without a primary, measures against the newest member', () => {
    const members = membersFromStatus({
      members: [
        { name: 'a:1', stateStr: 'SECONDARY', health: 1, optimeDate: ago(10) },
        { name: 'b:1', stateStr: 'SECONDARY', health: 1, optimeDate: ago(70) },
      ],
    });
    expect(members.map((m) => m.lagSeconds)).toEqual([0, 60]);
  });

  it('a member up but recovering is not healthy and has no lag', () => {
    const [m] = membersFromStatus({ members: [{ name: 'a:1', stateStr: 'RECOVERING', health: 1, optimeDate: now }] });
    expect(m).toMatchObject({ healthy: false });
    expect(m?.lagSeconds).toBeUndefined();
  });
});

describe('oplogWindow', () => {
  it('spans oldest to newest entry by wall clock', () => {
    const window = oplogWindow({ wall: new Date('2026-08-19T10:00:00Z') }, { wall: new Date('2026-08-20T16:00:00Z') });
    expect(window?.hours).toBe(30);
  });

  it('falls back on the ts seconds when wall is absent', () => {
    const window = oplogWindow({ ts: new Timestamp({ t: 1_000_000, i: 1 }) }, { ts: new Timestamp({ t: 1_000_000 + 7_200, i: 3 }) });
    expect(window?.hours).toBe(2);
  });

  it('an empty oplog has no window', () => {
    expect(oplogWindow(undefined, undefined)).toBeUndefined();
  });
});

describe('storageFrom', () => {
  it('takes data on disk from listDatabases and free disk from dbStats', () => {
    expect(storageFrom({ totalSize: 3_000 }, { fsUsedSize: 600, fsTotalSize: Long.fromNumber(1_000) })).toEqual({
      dataBytes: 3_000,
      fsFreeBytes: 400,
      fsTotalBytes: 1_000,
    });
  });

  it('leaves free disk out when the storage engine reports none', () => {
    expect(storageFrom({ totalSize: 10 }, { fsUsedSize: 0, fsTotalSize: 0 })).toEqual({ dataBytes: 10 });
  });
});

describe('maskUrlCredentials', () => {
  it.each([
    ['mongodb://ops:s3cret@db:27017/connector', 'mongodb://ops:***@db:27017/connector'],
    ['mongodb+srv://ops:s3cret@cluster0.example.net/?retryWrites=true', 'mongodb+srv://ops:***@cluster0.example.net/?retryWrites=true'],
    ['mongodb://ops:p@ss@a:1,b:2/?replicaSet=rs0', 'mongodb://ops:***@a:1,b:2/?replicaSet=rs0'],
    ['failed: amqp://token123@broker:5672 and mongodb://u:pw@h', 'failed: amqp://***@broker:5672 and mongodb://u:***@h'],
    ['mongodb://db:27017/', 'mongodb://db:27017/'],
  ])('%s', (input, masked) => {
    expect(maskUrlCredentials(input)).toBe(masked);
  });
});

describe('connectsDirectly', () => {
  it.each([
    ['mongodb://db:27017', true],
    ['mongodb://ops:pw@db:27017/connector?authSource=admin', true],
    ['mongodb://db:27017/?replicaSet=rs0', false],
    ['mongodb://db:27017/?directConnection=false', false],
    ['mongodb://a:1,b:2/', false],
    ['mongodb+srv://cluster0.example.net/', false],
    ['mongodb://lb:27017/?loadBalanced=true', false],
  ])('%s → %s', (uri, direct) => {
    expect(connectsDirectly(uri)).toBe(direct);
  });
});

describe('connection failures', () => {
  it('finds the authentication failure behind a failed server selection', () => {
    const auth = new MongoServerError({ errmsg: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed' });
    const selection = new MongoServerSelectionError('Server selection timed out after 5000 ms', {
      type: 'ReplicaSetNoPrimary',
      servers: new Map([['db:27017', { error: auth }]]),
    } as never);
    expect(connectFailure(selection).failure).toBe('auth');
  });

  it('tells a refused connection from a timeout', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoNetworkError' });
    expect(connectFailure(refused)).toEqual({ failure: 'refused', error: 'connect ECONNREFUSED 127.0.0.1:27017' });
    expect(connectFailure(new Error('Server selection timed out after 5000 ms')).failure).toBe('timeout');
    expect(connectFailure(new Error('getaddrinfo ENOTFOUND mongo')).failure).toBe('unreachable');
  });

  it('never shows a password that a driver message carries', () => {
    const error = new Error('failed to connect to mongodb://ops:s3cret@db:27017');
    expect(describeMongoError(error)).not.toContain('s3cret');
    expect(connectFailure(error).error).not.toContain('s3cret');
  });

  it('names a missing role as not authorised', () => {
    const error = new MongoServerError({ errmsg: 'not authorized on admin to execute command', code: 13, codeName: 'Unauthorized' });
    expect(describeMongoError(error)).toBe('not authorised: not authorized on admin to execute command');
  });
});
