import { connect } from 'node:net';
import { BSON } from 'bson';
import { MongoClient, MongoServerError, ReadPreference, type MongoClientOptions } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from '../support/mongo-double/script.ts';
import { MongoDouble } from '../support/mongo-double/server.ts';
import { MessageReader, OP_MSG, OP_QUERY, encodeOpMsgReply, parseRequest } from '../support/mongo-double/wire.ts';

// The wire double must be faithful enough that the official driver cannot tell it from a server:
// these tests drive it with the real `mongodb` driver in every scripted state.

const FAST: MongoClientOptions = { serverSelectionTimeoutMS: 1_500, connectTimeoutMS: 1_500 };
const USER = { username: 'ops', password: 'pa55word' };

describe('wire framing', () => {
  it('reads an OP_MSG with a document sequence (kind 1) and a trailing checksum', () => {
    const body = BSON.serialize({ insert: 'events', $db: 'connector' });
    const docs = [BSON.serialize({ a: 1 }), BSON.serialize({ a: 2 })];
    const identifier = Buffer.from('documents\0');
    const sequenceSize = 4 + identifier.length + docs.reduce((n, d) => n + d.length, 0);
    const sequence = Buffer.concat([Buffer.from([1]), int32(sequenceSize), identifier, ...docs]);
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(1, 0); // checksumPresent
    const payload = Buffer.concat([flags, Buffer.from([0]), body, sequence, Buffer.from([0xde, 0xad, 0xbe, 0xef])]);
    const message = Buffer.concat([header(16 + payload.length, 7, OP_MSG), payload]);

    const request = parseRequest(message);

    expect(request).toMatchObject({ requestId: 7, opCode: OP_MSG, db: 'connector', exhaustAllowed: false });
    expect(request.command).toMatchObject({ insert: 'events', documents: [{ a: 1 }, { a: 2 }] });
  });

  it('reads a legacy OP_QUERY command on admin.$cmd', () => {
    const query = BSON.serialize({ isMaster: 1, helloOk: true });
    const payload = Buffer.concat([int32(0), Buffer.from('admin.$cmd\0'), int32(0), int32(-1), query]);
    const request = parseRequest(Buffer.concat([header(16 + payload.length, 3, OP_QUERY), payload]));
    expect(request).toMatchObject({ opCode: OP_QUERY, db: 'admin', command: { isMaster: 1, helloOk: true } });
  });

  it('splits a byte stream into messages however the chunks fall', () => {
    const one = encodeOpMsgReply(1, { ok: 1 }).bytes;
    const two = encodeOpMsgReply(2, { ok: 1, n: 2 }).bytes;
    const stream = Buffer.concat([one, two]);
    const reader = new MessageReader();
    const messages = [...reader.push(stream.subarray(0, 5)), ...reader.push(stream.subarray(5, one.length + 3)), ...reader.push(stream.subarray(one.length + 3))];
    expect(messages.map((m) => m.length)).toEqual([one.length, two.length]);
  });
});

describe('MongoDB wire double with the official driver', () => {
  let double: MongoDouble;
  const clients: MongoClient[] = [];

  async function client(uri: string, options: MongoClientOptions = {}): Promise<MongoClient> {
    const c = new MongoClient(uri, { ...FAST, ...options });
    clients.push(c);
    await c.connect();
    return c;
  }

  beforeAll(async () => {
    double = await MongoDouble.start({ users: { [USER.username]: USER.password } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await double.stop();
  });

  it('standalone: no set name, a version, and no replication', async () => {
    await double.setScript(scenarios.standalone());
    const c = await client(double.uri({ credentials: USER }));
    const admin = c.db('admin');
    const hello = await admin.command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, maxWireVersion: 21 });
    expect(hello.setName).toBeUndefined();
    expect((await admin.command({ buildInfo: 1 })).version).toBe('7.0.14');
    expect(await admin.command({ serverStatus: 1 })).toMatchObject({ process: 'mongod', version: '7.0.14', host: double.hosts[0] });
    await expect(admin.command({ replSetGetStatus: 1 })).rejects.toMatchObject({ code: 76, codeName: 'NoReplicationEnabled' });
    await expect(admin.command({ fsyncUnlock: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('healthy replica set: the driver discovers three members and writes go to the primary', async () => {
    await double.setScript(scenarios.healthySet());
    const c = await client(double.uri({ credentials: USER }));
    const status = await c.db('admin').command({ replSetGetStatus: 1 });
    expect(status.set).toBe('rs0');
    expect(status.members.map((m: { stateStr: string }) => m.stateStr)).toEqual(['PRIMARY', 'SECONDARY', 'SECONDARY']);
    expect(status.members[0]).toMatchObject({ name: double.hosts[0], self: true, health: 1 });
    const hello = await c.db('admin').command({ hello: 1 });
    expect(hello).toMatchObject({ setName: 'rs0', primary: double.hosts[0], hosts: double.hosts });
    const stats = await c.db('connector').command({ dbStats: 1 });
    expect(stats.fsTotalSize).toBeGreaterThan(stats.fsUsedSize);
  });

  it('healthy replica set: the oplog spans its scripted window', async () => {
    await double.setScript({ ...scenarios.healthySet(), oplogWindowHours: 30 });
    const c = await client(double.uri({ credentials: USER }));
    const oplog = c.db('local').collection('oplog.rs');
    const [first] = await oplog.find({}, { sort: { $natural: 1 }, limit: 1 }).toArray();
    const [last] = await oplog.find({}, { sort: { $natural: -1 }, limit: 1 }).toArray();
    expect(first?.wall).toBeInstanceOf(Date);
    expect(((last?.wall as Date).getTime() - (first?.wall as Date).getTime()) / 3_600_000).toBeCloseTo(30);
  });

  it('member down: that member refuses connections, the others report it unhealthy', async () => {
    await double.setScript(scenarios.memberDown(2));
    await expect(tcpConnect(double.hosts[2] ?? '')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const c = await client(double.uri({ credentials: USER }));
    const status = await c.db('admin').command({ replSetGetStatus: 1 });
    expect(status.members[2]).toMatchObject({ health: 0, stateStr: '(not reachable/healthy)' });
  });

  it('replication lag: the lagging secondary applied its last operation that far behind', async () => {
    await double.setScript(scenarios.replicationLag(90, 1));
    const c = await client(double.uri({ credentials: USER }));
    const { members } = await c.db('admin').command({ replSetGetStatus: 1 });
    const lag = (members[0].optimeDate.getTime() - members[1].optimeDate.getTime()) / 1000;
    expect(lag).toBe(90);
  });

  it('no primary: reads from secondaries work, a primary cannot be selected', async () => {
    await double.setScript(scenarios.noPrimary());
    const c = await client(double.uri({ credentials: USER }), { readPreference: ReadPreference.secondaryPreferred });
    expect((await c.db('admin').command({ hello: 1 }, { readPreference: ReadPreference.secondary })).primary).toBeUndefined();
    await expect(
      c.db('admin').command({ ping: 1 }, { readPreference: ReadPreference.primary, timeoutMS: 1_000 }),
    ).rejects.toThrow(/timed out|Server selection/i);
  });

  it('slow: every answer takes the scripted delay', async () => {
    await double.setScript(scenarios.slow(300));
    const c = await client(double.uri({ credentials: USER }));
    const start = performance.now();
    await c.db('admin').command({ ping: 1 });
    expect(performance.now() - start).toBeGreaterThanOrEqual(290);
  });

  it('refused: no member listens', async () => {
    await double.setScript(scenarios.refused());
    await expect(client(double.uri(), { serverSelectionTimeoutMS: 500 })).rejects.toThrow(/ECONNREFUSED/);
    await double.setScript(scenarios.healthySet());
    await expect(tcpConnect(double.hosts[0] ?? '')).resolves.toBeUndefined();
  });

  it('authentication: SCRAM-SHA-256 accepts the right password and refuses a wrong one with code 18', async () => {
    await double.setScript(scenarios.healthySet());
    await expect(client(double.uri({ credentials: USER }))).resolves.toBeInstanceOf(MongoClient);
    const wrong = client(double.uri({ credentials: { ...USER, password: 'guess' } }));
    await expect(wrong).rejects.toBeInstanceOf(MongoServerError);
    await expect(wrong).rejects.toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
  });

  it('auth failure: saslStart answers AuthenticationFailed even for the right password', async () => {
    await double.setScript(scenarios.authFailure());
    await expect(client(double.uri({ credentials: USER }))).rejects.toMatchObject({ code: 18 });
  });

  it('without authentication, commands other than the handshake are refused with code 13', async () => {
    await double.setScript(scenarios.healthySet());
    const c = await client(double.uri());
    await expect(c.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    await expect(c.db('admin').command({ replSetGetStatus: 1 })).rejects.toMatchObject({ code: 13 });
  });

  it('tells a monitoring driver of a state change at once (awaitable hello, streamed)', async () => {
    await double.setScript(scenarios.healthySet());
    // A heartbeat of an hour: only the streamed answer can tell the driver within the test's time.
    const c = await client(double.uri({ credentials: USER }), { heartbeatFrequencyMS: 3_600_000 });
    const noPrimary = new Promise<void>((resolve) => {
      c.on('topologyDescriptionChanged', (event) => {
        if (event.newDescription.type === 'ReplicaSetNoPrimary') resolve();
      });
    });
    // Every member's monitor waits on its awaitable hello before the state changes.
    await expect.poll(() => double.awaitingMonitors).toBe(double.hosts.length);
    await double.setScript(scenarios.noPrimary());
    await noPrimary;
  });
});

function header(length: number, requestId: number, opCode: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(length, 0);
  b.writeInt32LE(requestId, 4);
  b.writeInt32LE(0, 8);
  b.writeInt32LE(opCode, 12);
  return b;
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value, 0);
  return b;
}

function tcpConnect(host: string): Promise<void> {
  const [address, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), address);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
