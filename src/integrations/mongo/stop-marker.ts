import { MongoClient, MongoServerError, ReadPreference, type Document, type MongoClientOptions, type WriteConcernSettings } from 'mongodb';
import { closeShortLived, shortLivedOptions } from './client.ts';
import { CONNECTOR_DEFAULT_DATABASE } from './connector-database.ts';
import { connectFailure } from './errors.ts';
import type { OpTime } from '../../domain/optime.ts';
import { opTimeFrom } from './optime.ts';
import type { ConnectFailure } from './types.ts';

/** The bot's own collection in the Connector's database: a restore of that database takes the marker back with it. */
export const STOP_MARKERS_COLLECTION = 'connectorOpsStopMarkers';

// One marker per database: each stop replaces the one before.
const MARKER_DOCUMENT_ID = 'last-stop';

// Acknowledged by a majority and journaled: the marker survives a failover and a crash.
const MAJORITY_JOURNALED: WriteConcernSettings = { w: 'majority', journal: true };

// The marker and the optime come from the primary, where the Connector writes: a lagging secondary
// would look older than the data is.
const PRIMARY = { readPreference: ReadPreference.primary };

/** What STOP records in the Connector's database. `markerId` is random, chosen by the caller. */
export interface StopMarker {
  markerId: string;
  connector: string;
  stoppedAt: Date;
  image?: string;
  digest?: string;
}

/**
 * Why a marker could not be written or read: a connection failure as the database check names it,
 * `no-primary` (no member takes writes or answers for the data), `not-authorised` (the user lacks
 * readWrite on the database), `rejected` (the server refused the operation, e.g. not primary) or
 * `malformed` (the document found is not a marker this bot wrote).
 */
export type StopMarkerFailureKind = ConnectFailure | 'no-primary' | 'not-authorised' | 'rejected' | 'malformed';

/** Already free of credentials, one line. */
export interface StopMarkerFailure {
  ok: false;
  failure: StopMarkerFailureKind;
  error: string;
}

export interface DeploymentState {
  /** The database the marker lives in. */
  database: string;
  /** No replica set: then there is no optime, and only the marker tells a restore. */
  standalone: boolean;
  /** The primary's last applied operation (hello's lastWrite.opTime); replica sets only. */
  optime?: OpTime;
}

export type StopMarkerWrite = ({ ok: true } & DeploymentState) | StopMarkerFailure;
export type StopMarkerRead = ({ ok: true; marker?: StopMarker } & DeploymentState) | StopMarkerFailure;

export interface MongoStopMarkersOptions {
  /** Bound for a whole write or read: connecting, the operation and the optime. */
  timeoutMs: number;
}

/**
 * Stop markers in the Connector's own database, through the official driver: one short-lived client
 * per call, always closed, every call bounded by `timeoutMs` and the caller's signal. Never throws.
 */
export class MongoStopMarkers {
  readonly #timeoutMs: number;

  constructor(options: MongoStopMarkersOptions) {
    this.#timeoutMs = options.timeoutMs;
  }

  /**
   * Upserts the marker, then reads the optime the write left behind. After a `timeout` or `aborted`
   * failure the write may still have happened, or not: STOP cannot count on the marker either way.
   */
  write(uri: string, marker: StopMarker, signal: AbortSignal, database = CONNECTOR_DEFAULT_DATABASE): Promise<StopMarkerWrite> {
    return this.#call(uri, signal, 'writing the stop marker', async (client): Promise<StopMarkerWrite> => {
      await client.connect();
      await markers(client, database).replaceOne({ _id: MARKER_DOCUMENT_ID }, markerDocument(marker), {
        upsert: true,
        writeConcern: MAJORITY_JOURNALED,
      });
      return { ok: true, database, ...(await deploymentState(client)) };
    });
  }

  /** The marker (absent when the database holds none) and the deployment's optime now. */
  read(uri: string, signal: AbortSignal, database = CONNECTOR_DEFAULT_DATABASE): Promise<StopMarkerRead> {
    return this.#call(uri, signal, 'reading the stop marker', async (client): Promise<StopMarkerRead> => {
      await client.connect();
      const [document, state] = await Promise.all([
        markers(client, database).findOne({ _id: MARKER_DOCUMENT_ID }, PRIMARY),
        deploymentState(client),
      ]);
      if (!document) return { ok: true, database, ...state };
      const marker = markerFrom(document);
      if (typeof marker === 'string') {
        return { ok: false, failure: 'malformed', error: `the stop marker in ${database}.${STOP_MARKERS_COLLECTION} is malformed: ${marker}` };
      }
      return { ok: true, database, marker, ...state };
    });
  }

  async #call<T>(uri: string, signal: AbortSignal, activity: string, work: (client: MongoClient) => Promise<T>): Promise<T | StopMarkerFailure> {
    if (signal.aborted) return aborted(activity);
    let client: MongoClient;
    try {
      client = new MongoClient(uri, this.#clientOptions(uri));
    } catch (error) {
      return { ok: false, ...connectFailure(error) };
    }
    const seen = watch(client);
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const stop = AbortSignal.any([signal, deadline]);
    let onStop = (): void => undefined;
    const stopped = new Promise<StopMarkerFailure>((resolve) => {
      onStop = () => resolve(signal.aborted ? aborted(activity) : timedOut(activity, this.#timeoutMs, seen));
      stop.addEventListener('abort', onStop, { once: true });
    });
    try {
      return await Promise.race([work(client).catch(operationFailure), stopped]);
    } finally {
      stop.removeEventListener('abort', onStop);
      await closeShortLived(client, stop.aborted);
    }
  }

  #clientOptions(uri: string): MongoClientOptions {
    return {
      ...shortLivedOptions(uri, this.#timeoutMs),
      maxPoolSize: 2,
      // A replacement by a fixed _id is idempotent: retrying it once across a failover is safe.
      retryWrites: true,
    };
  }
}

function markers(client: MongoClient, database: string) {
  return client.db(database).collection<{ _id: string } & Document>(STOP_MARKERS_COLLECTION);
}

function markerDocument(marker: StopMarker): Document {
  const { markerId, connector, stoppedAt, image, digest } = marker;
  return { markerId, connector, stoppedAt, ...(image ? { image } : {}), ...(digest ? { digest } : {}) };
}

/** The marker in a stored document, or what is wrong with it. */
function markerFrom(document: Document): StopMarker | string {
  const { markerId, connector, stoppedAt, image, digest } = document;
  if (typeof markerId !== 'string' || markerId === '') return 'markerId is not a string';
  if (typeof connector !== 'string') return 'connector is not a string';
  if (!(stoppedAt instanceof Date) || Number.isNaN(stoppedAt.getTime())) return 'stoppedAt is not a date';
  if (image !== undefined && typeof image !== 'string') return 'image is not a string';
  if (digest !== undefined && typeof digest !== 'string') return 'digest is not a string';
  return { markerId, connector, stoppedAt, ...(image ? { image } : {}), ...(digest ? { digest } : {}) };
}

/** hello needs no role (replSetGetStatus needs clusterMonitor) and tells a replica set member by its setName. */
async function deploymentState(client: MongoClient): Promise<Omit<DeploymentState, 'database'>> {
  const hello = await client.db('admin').command({ hello: 1 }, PRIMARY);
  // A mongos is no standalone, yet has no optime of its own: the shards have one each.
  const standalone = typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid';
  const optime = opTimeFrom((hello.lastWrite as Document | undefined)?.opTime);
  return { standalone, ...(optime ? { optime } : {}) };
}

/** What the driver saw while the call ran, to say why it went unanswered. */
function watch(client: MongoClient): { heartbeatFailure?: unknown; noPrimary: boolean } {
  const seen: { heartbeatFailure?: unknown; noPrimary: boolean } = { noPrimary: false };
  client.on('serverHeartbeatFailed', (event) => {
    seen.heartbeatFailure = event.failure;
  });
  client.on('topologyDescriptionChanged', (event) => {
    seen.noPrimary = event.newDescription.type === 'ReplicaSetNoPrimary';
  });
  return seen;
}

function timedOut(activity: string, timeoutMs: number, seen: ReturnType<typeof watch>): StopMarkerFailure {
  const base = `${activity}: no answer within ${timeoutMs} ms`;
  if (seen.heartbeatFailure !== undefined) {
    const { failure, error } = connectFailure(seen.heartbeatFailure);
    return { ok: false, failure, error: `${base} (${error})` };
  }
  if (seen.noPrimary) return { ok: false, failure: 'no-primary', error: `${base}: the replica set has no primary` };
  return { ok: false, failure: 'timeout', error: base };
}

function aborted(activity: string): StopMarkerFailure {
  return { ok: false, failure: 'aborted', error: `aborted: ${activity} ran out of time` };
}

function operationFailure(error: unknown): StopMarkerFailure {
  const { failure, error: reason } = connectFailure(error);
  if (failure !== 'unreachable') return { ok: false, failure, error: reason };
  if ((error as { code?: unknown }).code === 13) return { ok: false, failure: 'not-authorised', error: reason };
  if (error instanceof MongoServerError) return { ok: false, failure: 'rejected', error: reason };
  return { ok: false, failure, error: reason };
}
