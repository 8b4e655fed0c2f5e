import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ReadPreference, type Document, type MongoClientOptions } from 'mongodb';
import { connectFailure, describeMongoError } from './errors.ts';
import { membersFromStatus, oplogWindow, storageFrom, topologyFromHello } from './readings.ts';
import type { MongoSnapshot, Reading } from './types.ts';

export interface MongoInspectorOptions {
  /** Bound for server selection, connecting and each answer. */
  timeoutMs: number;
}

const CLOSE_GRACE_MS = 500;

// Any member may answer: with no primary the set must still be looked at.
const ANY_MEMBER = { readPreference: ReadPreference.primaryPreferred };

/** What every short-lived client of the bot shares: its name, one bound for every wait, a direct connection where the URI names one host. */
export function shortLivedOptions(uri: string, timeoutMs: number): MongoClientOptions {
  return {
    appName: 'connector-ops',
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    ...(connectsDirectly(uri) ? { directConnection: true } : {}),
  };
}

/**
 * Closes a short-lived client. Closing sends endSessions, which the driver routes like a write: with no
 * primary it waits for one until serverSelectionTimeoutMS. After an abort (`stopped`), or past a short
 * grace, the caller's answer is due now and the close completes in the background.
 */
export async function closeShortLived(client: MongoClient, stopped: boolean): Promise<void> {
  const closing = client.close().catch(() => undefined);
  if (!stopped) await Promise.race([closing, sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
}

/**
 * Reads a MongoDB deployment's state for the database check through the official driver: one
 * short-lived client per snapshot, always closed, closed at once when the caller aborts.
 */
export class MongoInspector {
  readonly #uri: string;
  readonly #timeoutMs: number;

  constructor(uri: string, options: MongoInspectorOptions) {
    this.#uri = uri;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Never throws: a part that cannot be read carries its reason, a failed connection says why. */
  async snapshot(signal?: AbortSignal): Promise<MongoSnapshot> {
    if (signal?.aborted) return aborted();
    let client: MongoClient;
    try {
      client = new MongoClient(this.#uri, this.#clientOptions());
    } catch (error) {
      return { reachable: false, ...connectFailure(error) };
    }
    let onAbort = (): void => undefined;
    const abortedSnapshot = new Promise<MongoSnapshot>((resolve) => {
      onAbort = () => resolve(aborted());
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.#read(client, signal), abortedSnapshot]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await closeShortLived(client, signal?.aborted ?? false);
    }
  }

  #clientOptions(): MongoClientOptions {
    return {
      ...shortLivedOptions(this.#uri, this.#timeoutMs),
      // A look, not a load: few connections, no retries.
      maxPoolSize: 4,
      retryReads: false,
      retryWrites: false,
      readPreference: ReadPreference.primaryPreferred,
    };
  }

  async #read(client: MongoClient, signal: AbortSignal | undefined): Promise<MongoSnapshot> {
    const admin = client.db('admin');
    let roundTripMs: number;
    try {
      // Connecting checks out one pooled connection (handshake, authentication), so the ping's
      // round trip is the server's answer time alone.
      await client.connect();
      const start = performance.now();
      await admin.command({ ping: 1 }, ANY_MEMBER);
      roundTripMs = performance.now() - start;
    } catch (error) {
      if (signal?.aborted) return aborted();
      return { reachable: false, ...connectFailure(error) };
    }
    // All parts at once: a slow server costs one round of answers, not one per part. The
    // replica set parts are dropped when hello says the server is not a replica set member.
    const [version, topology, storage, members, oplog] = await Promise.all([
      read(async () => String((await admin.command({ buildInfo: 1 }, ANY_MEMBER)).version)),
      read(async () => topologyFromHello(await admin.command({ hello: 1 }, ANY_MEMBER))),
      read(async () => {
        const [databases, stats] = await Promise.all([
          admin.command({ listDatabases: 1, nameOnly: false }, ANY_MEMBER),
          admin.command({ dbStats: 1 }, ANY_MEMBER),
        ]);
        return storageFrom(databases, stats);
      }),
      read(async () => membersFromStatus(await admin.command({ replSetGetStatus: 1 }, ANY_MEMBER))),
      read(async () => {
        const [oldest, newest] = await Promise.all([oplogEnd(client, 1), oplogEnd(client, -1)]);
        const window = oplogWindow(oldest, newest);
        if (!window) throw new Error('local.oplog.rs has no entries');
        return window;
      }),
    ]);
    const snapshot: MongoSnapshot = { reachable: true, roundTripMs, version, topology, storage };
    return topology.ok && topology.value.kind === 'replica-set' ? { ...snapshot, members, oplog } : snapshot;
  }
}

/** The oldest (1) or newest (-1) oplog entry, in insertion order, as mongosh's getReplicationInfo reads it. */
async function oplogEnd(client: MongoClient, direction: 1 | -1): Promise<Document | undefined> {
  const entries = await client
    .db('local')
    .collection('oplog.rs')
    .find({}, { sort: { $natural: direction }, limit: 1, projection: { ts: 1, wall: 1 } })
    .toArray();
  return entries[0];
}

async function read<T>(part: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await part() };
  } catch (error) {
    return { ok: false, error: describeMongoError(error) };
  }
}

function aborted(): MongoSnapshot {
  return { reachable: false, failure: 'aborted', error: 'aborted: the check ran out of time' };
}

/**
 * A connection string naming one host and no replica set is taken to mean that host: the check
 * looks at the member it was given, which reports on the others through replSetGetStatus, instead
 * of following the set's own host names (often container names that do not resolve where the bot
 * runs). A seed list, `replicaSet`, `directConnection`, `loadBalanced` or SRV keeps the driver's
 * discovery.
 */
export function connectsDirectly(uri: string): boolean {
  const scheme = 'mongodb://';
  if (!uri.startsWith(scheme)) return false;
  const rest = uri.slice(scheme.length);
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  const queryStart = rest.indexOf('?');
  const params = new URLSearchParams(queryStart < 0 ? '' : rest.slice(queryStart + 1));
  const keys = [...params.keys()].map((k) => k.toLowerCase());
  return !hosts.includes(',') && !['replicaset', 'directconnection', 'loadbalanced'].some((k) => keys.includes(k));
}

/** The database check's view of MongoDB, through the official driver. */
export function inspectWithDriver(uri: string, timeoutMs: number, signal: AbortSignal): Promise<MongoSnapshot> {
  return new MongoInspector(uri, { timeoutMs }).snapshot(signal);
}
