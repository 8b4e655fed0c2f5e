import { BSON, type Document } from 'bson';

/** An operation time as a replica set orders it: the Timestamp (seconds, increment) and the election term. */
export interface DoubleOpTime {
  seconds: number;
  increment: number;
  term: number;
}

/** What a restore brings back: every collection's documents (by "db.collection") and the optime they were at. */
export interface DataSnapshot {
  collections: Map<string, Document[]>;
  opTime: DoubleOpTime;
}

/**
 * The double's documents and its newest operation time, shared by all members (replication is
 * instant). Until a restore, the optime follows the clock as mongod's periodic no-op writer makes
 * an idle replica set's optime do; each write then takes the next one. A restore pins it where the
 * snapshot was, so a test can read it back before anything moves it on.
 */
export class DoubleData {
  private readonly clock: () => number;
  private collections = new Map<string, Document[]>();
  private opTime: DoubleOpTime;
  private clockRuns = true;
  /** The write concern of the latest insert or update, as the client sent it. */
  lastWriteConcern: Document | undefined;

  /** `clock`: milliseconds, as Date.now (the default). */
  constructor(clock: () => number = Date.now) {
    this.clock = clock;
    this.opTime = { seconds: this.clockSeconds(), increment: 1, term: 1 };
  }

  newest(): DoubleOpTime {
    if (!this.clockRuns) return this.opTime;
    const clock = { seconds: this.clockSeconds(), increment: 1, term: this.opTime.term };
    return compareOpTimes(clock, this.opTime) > 0 ? clock : this.opTime;
  }

  /** The optime of one more write: the clock's second when it has moved on, else the next increment (as mongod's). */
  advance(): DoubleOpTime {
    const base = this.newest();
    const now = this.clockSeconds();
    this.opTime = now > base.seconds ? { seconds: now, increment: 1, term: base.term } : { ...base, increment: base.increment + 1 };
    return this.opTime;
  }

  /** The documents of "db.collection", in insertion order; empty for a collection never written. */
  documents(namespace: string): Document[] {
    return this.collections.get(namespace) ?? [];
  }

  replace(namespace: string, documents: Document[]): void {
    this.collections.set(namespace, documents);
  }

  dropDatabase(db: string): void {
    for (const namespace of [...this.collections.keys()]) {
      if (namespace.startsWith(`${db}.`)) this.collections.delete(namespace);
    }
  }

  /** A copy of every document and the newest optime, for a later restore. */
  snapshot(): DataSnapshot {
    return { collections: copyCollections(this.collections), opTime: this.newest() };
  }

  /** A restore of the whole deployment: the documents and the optime go back to the snapshot's. */
  restore(snapshot: DataSnapshot): void {
    this.collections = copyCollections(snapshot.collections);
    this.opTime = { ...snapshot.opTime };
    this.clockRuns = false;
  }

  private clockSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }
}

export function compareOpTimes(a: DoubleOpTime, b: DoubleOpTime): number {
  return a.seconds - b.seconds || a.increment - b.increment || a.term - b.term;
}

function copyCollections(collections: Map<string, Document[]>): Map<string, Document[]> {
  // promoteValues off keeps every value's BSON type (Int64, Int32, Double) through the copy.
  const copy = (d: Document): Document => BSON.deserialize(BSON.serialize(d), { promoteValues: false });
  return new Map([...collections].map(([namespace, documents]) => [namespace, documents.map(copy)]));
}
