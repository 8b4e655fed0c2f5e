import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTOR_DEFAULT_DATABASE } from '../../src/integrations/mongo/connector-database.ts';
import { compareOpTimes } from '../../src/domain/optime.ts';
import { judgeFreshness } from '../../src/integrations/mongo/stop-marker-freshness.ts';
import { MongoStopMarkers, STOP_MARKERS_COLLECTION, type StopMarker, type StopMarkerWrite } from '../../src/integrations/mongo/stop-marker.ts';
import { scenarios, type DoubleScript } from '../support/mongo-double/script.ts';
import { MongoDouble } from '../support/mongo-double/server.ts';
import { passwordsOrSkip } from '../support/mongo-uri.ts';

// Stop markers with the real `mongodb` driver against a server. By default that server is the wire
// double, as a standalone and as a replica set (no Docker needed, so these tests always run). With
// TEST_MONGODB_URI set, the first suite runs once against that real server instead; the restores and
// the other scripted states, which only the double can act out, are skipped with the reason printed.

const REAL_URI = process.env.TEST_MONGODB_URI;
const USER = { username: 'connector', password: 'Zq8-not-in-output' };
const TIMEOUT_MS = 3_000;
// The tests' own database: on a real server no test marker lands in a Connector's acc-default.
const TEST_DATABASE = 'connector-ops-test-stop-markers';

const markers = new MongoStopMarkers({ timeoutMs: TIMEOUT_MS });

function newMarker(fields: Partial<StopMarker> = {}): StopMarker {
  return { markerId: randomUUID(), connector: 'stop-test', stoppedAt: new Date(), ...fields };
}

function signal(): AbortSignal {
  return AbortSignal.timeout(20_000);
}

function written(result: StopMarkerWrite): Extract<StopMarkerWrite, { ok: true }> {
  if (!result.ok) throw new Error(`the write failed: ${result.failure}: ${result.error}`);
  return result;
}

interface Target {
  name: string;
  start(): Promise<{ uri: string; stop(): Promise<void> }>;
}

function doubleTarget(name: string, script: () => DoubleScript): Target {
  return {
    name,
    async start() {
      const double = await MongoDouble.start({ users: { [USER.username]: USER.password }, script: script() });
      return { uri: double.uri({ credentials: USER }), stop: () => double.stop() };
    },
  };
}

const targets: Target[] = REAL_URI
  ? [{ name: 'the real MongoDB at TEST_MONGODB_URI', start: async () => ({ uri: REAL_URI, stop: async () => undefined }) }]
  : [doubleTarget('the wire double as a standalone', scenarios.standalone), doubleTarget('the wire double as a replica set', scenarios.healthySet)];

describe.each(targets)('stop markers against $name', (target) => {
  let uri: string;
  let stopServer: () => Promise<void>;

  beforeAll(async () => {
    ({ uri, stop: stopServer } = await target.start());
  });
  afterAll(async () => {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(TEST_DATABASE).dropDatabase();
    } finally {
      await client.close();
      await stopServer();
    }
  });

  /** Whether the server is a replica set member, asked of the driver directly. */
  async function isReplicaSet(): Promise<boolean> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      return typeof (await client.db('admin').command({ hello: 1 })).setName === 'string';
    } finally {
      await client.close();
    }
  }

  it('write then read gives the marker back, with an optime on a replica set and none on a standalone', async () => {
    const replicaSet = await isReplicaSet();
    const marker = newMarker({ image: 'ghcr.io/nmshd/connector:7.4.6', digest: `sha256:${'a'.repeat(64)}` });

    const write = written(await markers.write(uri, marker, signal(), TEST_DATABASE));
    const read = await markers.read(uri, signal(), TEST_DATABASE);

    expect(write).toMatchObject({ database: TEST_DATABASE, standalone: !replicaSet });
    expect(read).toMatchObject({ ok: true, database: TEST_DATABASE, standalone: !replicaSet, marker });
    if (!read.ok) return;
    if (replicaSet) {
      expect(write.optime?.ts).toMatch(/^\d+\.\d+$/);
      expect(compareOpTimes(read.optime ?? { ts: '0.0', t: -1 }, write.optime ?? { ts: '0.0', t: -1 })).toBeGreaterThanOrEqual(0);
    } else {
      expect(write.optime).toBeUndefined();
      expect(read.optime).toBeUndefined();
    }
  });

  it('judges the database fresh right after the write', async () => {
    const marker = newMarker();
    const write = written(await markers.write(uri, marker, signal(), TEST_DATABASE));
    const read = await markers.read(uri, signal(), TEST_DATABASE);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(judgeFreshness({ markerId: marker.markerId, stoppedAt: marker.stoppedAt, optime: write.optime }, read)).toEqual({ fresh: true });
  });

  it('a later stop replaces the marker: one document, without the fields the new marker lacks', async () => {
    await markers.write(uri, newMarker({ image: 'ghcr.io/nmshd/connector:7.4.5' }), signal(), TEST_DATABASE);
    const second = newMarker();
    written(await markers.write(uri, second, signal(), TEST_DATABASE));
    const read = await markers.read(uri, signal(), TEST_DATABASE);
    expect(read).toMatchObject({ ok: true, marker: second });
    expect(read.ok && read.marker).toEqual(second);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      expect(await client.db(TEST_DATABASE).collection(STOP_MARKERS_COLLECTION).find({}).toArray()).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('never shows the password, and names a wrong one as an authentication failure', async (context) => {
    const { password, wrongUri: wrong, wrongPassword } = passwordsOrSkip(uri, context);
    const [right, refused] = await Promise.all([markers.read(uri, signal(), TEST_DATABASE), markers.read(wrong, signal(), TEST_DATABASE)]);
    expect(right.ok).toBe(true);
    expect(refused).toMatchObject({ ok: false, failure: 'auth' });
    for (const result of [right, refused]) {
      expect(JSON.stringify(result)).not.toContain(password);
      expect(JSON.stringify(result)).not.toContain(wrongPassword);
    }
  });
});

describe('stop markers without a server to answer', () => {
  const sockets = new Set<Socket>();
  let silent: Server;

  beforeAll(async () => {
    // Accepts connections and never answers: a hung server, or a port that drops packets.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    return typeof address === 'object' && address ? address.port : 0;
  }

  function silentUri(): string {
    const address = silent.address();
    return `mongodb://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  }

  // Within the time bound: a call that went past it would go on to the driver's 30 s server selection, and end
  // in the caller's abort (signal(), 20 s) instead, as 'aborted'.
  it('refused: a typed failure within the time bound, for a write and a read', async () => {
    const uri = `mongodb://127.0.0.1:${await closedPort()}/`;
    const quick = new MongoStopMarkers({ timeoutMs: 800 });
    const write = await quick.write(uri, newMarker(), signal());
    const read = await quick.read(uri, signal());
    for (const result of [write, read]) {
      expect(result).toMatchObject({ ok: false, failure: 'refused', error: expect.stringContaining('ECONNREFUSED') });
    }
  });

  it('no answer: a time-out within the time bound, saying what went unanswered', async () => {
    const result = await new MongoStopMarkers({ timeoutMs: 800 }).write(silentUri(), newMarker(), signal());
    expect(result).toMatchObject({ ok: false, failure: 'timeout', error: expect.stringMatching(/^writing the stop marker: no answer within 800 ms/) });
  });

  it("the caller's abort ends the call at once", async () => {
    // Its own time bound is longer than the test's: only the abort can end it in time.
    const result = await new MongoStopMarkers({ timeoutMs: 120_000 }).read(silentUri(), AbortSignal.timeout(300));
    expect(result).toEqual({ ok: false, failure: 'aborted', error: 'aborted: reading the stop marker ran out of time' });
  });

  it('an invalid connection string: a typed failure, no throw', async () => {
    expect(await markers.read('mongodb://', signal())).toMatchObject({ ok: false, failure: 'invalid-uri' });
  });
});

const scriptedSuite = REAL_URI ? describe.skip : describe;
if (REAL_URI) {
  console.warn('skipping the scripted stop marker scenarios (restores, no primary, roles): TEST_MONGODB_URI is set, and a real server cannot be switched into them');
}

scriptedSuite('stop markers in scripted MongoDB states (wire double)', () => {
  let double: MongoDouble;
  const uri = () => double.uri({ credentials: USER });

  beforeEach(async () => {
    double = await MongoDouble.start({ users: { [USER.username]: USER.password } });
  });
  afterEach(async () => {
    await double.stop();
  });

  /** STOP as the bot runs it: the marker written, and what it keeps of the stop. */
  async function stop(): Promise<{ markerId: string; stoppedAt: Date; optime?: { ts: string; t: number } }> {
    const marker = newMarker();
    const write = written(await markers.write(uri(), marker, signal()));
    return { markerId: marker.markerId, stoppedAt: marker.stoppedAt, ...(write.optime ? { optime: write.optime } : {}) };
  }

  async function freshness(recorded: Awaited<ReturnType<typeof stop>>) {
    const read = await markers.read(uri(), signal());
    if (!read.ok) throw new Error(`the read failed: ${read.failure}: ${read.error}`);
    return judgeFreshness(recorded, read);
  }

  it("writes into the Connector's database by default, acknowledged by a majority and journaled", async () => {
    await stop();
    expect(double.data.documents(`${CONNECTOR_DEFAULT_DATABASE}.${STOP_MARKERS_COLLECTION}`)).toHaveLength(1);
    expect(double.data.lastWriteConcern).toEqual({ w: 'majority', j: true });
  });

  it('a restore to a point before the stop: the marker is missing, not fresh', async () => {
    const beforeStop = double.data.snapshot();
    const recorded = await stop();
    double.data.restore(beforeStop);
    expect(await freshness(recorded)).toEqual({
      fresh: false,
      reason: 'the stop marker is missing: the database was restored to a point before the stop, or is another database',
    });
  });

  it('a restore to a point between two stops: the older marker is there, not fresh', async () => {
    await stop();
    const betweenStops = double.data.snapshot();
    const recorded = await stop();
    double.data.restore(betweenStops);
    expect(await freshness(recorded)).toMatchObject({ fresh: false, reason: expect.stringMatching(/^an older stop marker \(/) });
  });

  it('the marker kept but the optime set back (a whole deployment restored): not fresh, the optimes named', async () => {
    const recorded = await stop();
    const atStop = double.data.snapshot();
    double.data.restore({ ...atStop, opTime: { ...atStop.opTime, seconds: atStop.opTime.seconds - 3600 } });
    const verdict = await freshness(recorded);
    expect(verdict).toMatchObject({
      fresh: false,
      reason: expect.stringMatching(/^the database is older than at the stop: its last applied operation \(.+\) is earlier than at the stop \(.+\)$/),
    });
    expect(!verdict.fresh && verdict.reason).toContain(`Timestamp ${recorded.optime?.ts}, term 1`);
  });

  it('writes after the stop (the Connector ran again) keep the database fresh', async () => {
    const recorded = await stop();
    const client = new MongoClient(uri(), { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(CONNECTOR_DEFAULT_DATABASE).collection('relationships').insertOne({ peer: 'did:e:x' });
    } finally {
      await client.close();
    }
    expect(await freshness(recorded)).toEqual({ fresh: true });
  });

  it('a replica set at the stop that is a standalone now: not fresh', async () => {
    const recorded = await stop();
    await double.setScript(scenarios.standalone());
    expect(await freshness(recorded)).toMatchObject({ fresh: false, reason: expect.stringContaining('no last applied operation') });
  });

  it('no primary: a typed failure within the time bound', async () => {
    await double.setScript(scenarios.noPrimary());
    // Past its bound it would go on to the driver's 30 s server selection and end in the caller's abort instead.
    const result = await new MongoStopMarkers({ timeoutMs: 1_000 }).write(uri(), newMarker(), signal());
    expect(result).toMatchObject({ ok: false, failure: 'no-primary', error: expect.stringContaining('the replica set has no primary') });
  });

  it('a connection string naming a secondary: the write is rejected (not primary)', async () => {
    const secondary = `mongodb://${USER.username}:${USER.password}@${double.hosts[1]}/`;
    expect(await markers.write(secondary, newMarker(), signal())).toMatchObject({ ok: false, failure: 'rejected', error: 'not primary' });
  });

  it('a user without readWrite on the database: not authorised', async () => {
    await double.setScript({ ...scenarios.healthySet(), unauthorised: ['update', 'find'] });
    const [write, read] = await Promise.all([markers.write(uri(), newMarker(), signal()), markers.read(uri(), signal())]);
    expect(write).toMatchObject({ ok: false, failure: 'not-authorised', error: expect.stringMatching(/^not authorised: /) });
    expect(read).toMatchObject({ ok: false, failure: 'not-authorised' });
  });

  it('authentication failure: named as such, the password not shown', async () => {
    await double.setScript(scenarios.authFailure());
    const result = await markers.read(uri(), signal());
    expect(result).toMatchObject({ ok: false, failure: 'auth' });
    expect(JSON.stringify(result)).not.toContain(USER.password);
  });

  it('a document the bot did not write: malformed, not taken for a marker', async () => {
    const client = new MongoClient(uri(), { serverSelectionTimeoutMS: 5_000 });
    try {
      await client
        .db(CONNECTOR_DEFAULT_DATABASE)
        .collection<{ _id: string; markerId: string; stoppedAt: string }>(STOP_MARKERS_COLLECTION)
        .insertOne({ _id: 'last-stop', markerId: 'm', stoppedAt: 'yesterday' });
    } finally {
      await client.close();
    }
    expect(await markers.read(uri(), signal())).toEqual({
      ok: false,
      failure: 'malformed',
      error: `the stop marker in ${CONNECTOR_DEFAULT_DATABASE}.${STOP_MARKERS_COLLECTION} is malformed: connector is not a string`,
    });
  });

  it('slow: an abort ends the write at once', async () => {
    // Answers and the call's own bound both longer than the test's time: only the abort can end it in time.
    await double.setScript(scenarios.slow(120_000));
    const result = await new MongoStopMarkers({ timeoutMs: 120_000 }).write(uri(), newMarker(), AbortSignal.timeout(400));
    expect(result).toMatchObject({ ok: false, failure: 'aborted' });
  });
});
