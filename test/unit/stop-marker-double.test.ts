import { MongoClient, MongoServerError, type Document, type MongoClientOptions, type Timestamp } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scenarios } from '../support/mongo-double/script.ts';
import { MongoDouble } from '../support/mongo-double/server.ts';

// The wire double's documents and optimes, which the stop marker tests stand on, driven with the
// official driver as they are there.

const FAST: MongoClientOptions = { serverSelectionTimeoutMS: 1_500, connectTimeoutMS: 1_500 };
const USER = { username: 'ops', password: 'pa55word' };

type Thing = { _id: string; [field: string]: unknown };

describe('MongoDB wire double: documents and optimes', () => {
  let double: MongoDouble;
  /** The double's clock, which the optime follows until a restore: a test moves it on instead of waiting. */
  let clockMs: number;
  const clients: MongoClient[] = [];

  async function client(uri = double.uri({ credentials: USER }), options: MongoClientOptions = {}): Promise<MongoClient> {
    const c = new MongoClient(uri, { ...FAST, ...options });
    clients.push(c);
    await c.connect();
    return c;
  }

  async function lastWrite(c: MongoClient): Promise<{ ts: Timestamp; t: number }> {
    return (await c.db('admin').command({ hello: 1 })).lastWrite.opTime;
  }

  // find, as the double answers no aggregate (countDocuments).
  async function count(c: MongoClient, db: string, filter: Document = {}): Promise<number> {
    return (await c.db(db).collection('things').find(filter).toArray()).length;
  }

  function later(a: { ts: Timestamp; t: number }, b: { ts: Timestamp; t: number }): boolean {
    return a.ts.t !== b.ts.t ? a.ts.t > b.ts.t : a.ts.i > b.ts.i;
  }

  beforeEach(async () => {
    clockMs = Date.now();
    double = await MongoDouble.start({ users: { [USER.username]: USER.password }, clock: () => clockMs });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await double.stop();
  });

  it('inserts, finds by equality and limit, and refuses a duplicate _id with E11000', async () => {
    const events = (await client()).db('app').collection('events');
    await events.insertMany([{ _id: 1, kind: 'a' }, { _id: 2, kind: 'b' }, { _id: 3, kind: 'a' }] as Document[]);
    expect(await events.find({ kind: 'a' }).toArray()).toEqual([{ _id: 1, kind: 'a' }, { _id: 3, kind: 'a' }]);
    expect(await events.find({}, { limit: 2 }).toArray()).toHaveLength(2);
    expect(await events.findOne({ _id: 9 } as Document)).toBeNull();
    await expect(events.insertOne({ _id: 1, kind: 'c' } as Document)).rejects.toMatchObject({ code: 11000 });
    const created = await events.insertOne({ kind: 'no id' });
    expect(await events.findOne({ _id: created.insertedId })).toMatchObject({ kind: 'no id' });
  });

  it('updates: upsert by replacement, $set and $unset, no-op, and the _id kept', async () => {
    const things = (await client()).db('app').collection<Thing>('things');
    const upserted = await things.replaceOne({ _id: 'x' }, { a: 1, b: 2 }, { upsert: true });
    expect(upserted).toMatchObject({ upsertedCount: 1, upsertedId: 'x', matchedCount: 0 });
    const replaced = await things.replaceOne({ _id: 'x' }, { c: 3 }, { upsert: true });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await things.find({}).toArray()).toEqual([{ _id: 'x', c: 3 }]);
    await things.updateOne({ _id: 'x' }, { $set: { d: 4 }, $unset: { c: '' } });
    expect(await things.findOne({ _id: 'x' })).toEqual({ _id: 'x', d: 4 });
    expect(await things.updateOne({ _id: 'x' }, { $set: { d: 4 } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    await things.updateOne({ kind: 'new' }, { $set: { n: 1 }, $setOnInsert: { created: true } }, { upsert: true });
    expect(await things.findOne({ kind: 'new' })).toMatchObject({ kind: 'new', n: 1, created: true });
    await expect(things.replaceOne({ _id: 'x' }, { _id: 'y', e: 5 })).rejects.toMatchObject({ code: 66 });
  });

  it('refuses what it cannot act out faithfully, rather than guessing', async () => {
    const things = (await client()).db('app').collection<Thing>('things');
    await expect(things.find({ n: { $gt: 1 } }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(things.updateOne({ _id: 'x' }, { $inc: { n: 1 } } as Document)).rejects.toMatchObject({ code: 9 });
    await expect(things.updateOne({ _id: 'x' }, [{ $set: { n: 1 } }])).rejects.toMatchObject({ code: 9 });
  });

  it('takes the write concern as sent, and writes only on the primary', async () => {
    const things = (await client()).db('app').collection('things');
    await things.insertOne({ a: 1 }, { writeConcern: { w: 'majority', journal: true } });
    expect(double.data.lastWriteConcern).toEqual({ w: 'majority', j: true });
    const secondary = await client(`mongodb://${USER.username}:${USER.password}@${double.hosts[1]}/?directConnection=true`);
    const write = secondary.db('app').collection('things').insertOne({ a: 2 });
    await expect(write).rejects.toBeInstanceOf(MongoServerError);
    await expect(write).rejects.toMatchObject({ code: 10107, codeName: 'NotWritablePrimary' });
    expect(await count(secondary, 'app', { a: 1 })).toBe(1);
  });

  it('each write advances the optime in hello and replSetGetStatus', async () => {
    const c = await client();
    const before = await lastWrite(c);
    await c.db('app').collection('things').insertOne({ a: 1 });
    const after = await lastWrite(c);
    expect(later(after, before)).toBe(true);
    const status = await c.db('admin').command({ replSetGetStatus: 1 });
    expect(status.optimes.appliedOpTime).toEqual(after);
    expect(status.optimes.lastAppliedWallTime).toEqual(new Date(after.ts.t * 1000));
    await c.db('app').collection('things').insertOne({ a: 2 });
    expect(later(await lastWrite(c), after)).toBe(true);
  });

  it('a restore puts the documents and the optime back to the snapshot, and holds the optime there', async () => {
    const c = await client();
    const things = c.db('app').collection('things');
    await things.insertOne({ a: 1 });
    const snapshot = double.data.snapshot();
    const atSnapshot = await lastWrite(c);
    await things.insertOne({ a: 2 });
    await c.db('other').collection('things').insertOne({ b: 1 });

    double.data.restore(snapshot);

    expect((await things.find({}).toArray()).map(({ a }) => a)).toEqual([1]);
    expect(await count(c, 'other')).toBe(0);
    expect(await lastWrite(c)).toEqual(atSnapshot);
    clockMs += 5_000;
    expect(await lastWrite(c)).toEqual(atSnapshot);
  });

  it('a restore can set the optime back on its own, term included', async () => {
    const c = await client();
    double.data.restore({ ...double.data.snapshot(), opTime: { seconds: 1_700_000_000, increment: 7, term: 2 } });
    const opTime = await lastWrite(c);
    expect({ t: opTime.ts.t, i: opTime.ts.i, term: opTime.t }).toEqual({ t: 1_700_000_000, i: 7, term: 2 });
    expect((await c.db('admin').command({ replSetGetStatus: 1 })).term).toBe(2);
  });

  it('documents outlive a script switch, as data outlives a restart; dropDatabase removes them', async () => {
    await (await client()).db('app').collection('things').insertOne({ a: 1 });
    await double.setScript(scenarios.standalone());
    const standalone = await client();
    expect(await count(standalone, 'app')).toBe(1);
    expect((await standalone.db('admin').command({ hello: 1 })).lastWrite).toBeUndefined();
    await standalone.db('app').dropDatabase();
    expect(await count(standalone, 'app')).toBe(0);
  });
});
