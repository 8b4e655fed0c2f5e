/** One part of a snapshot: what was read, or why it could not be (already free of credentials). */
export type Reading<T> = { ok: true; value: T } | { ok: false; error: string };

export type MongoTopology =
  | { kind: 'standalone' }
  | { kind: 'replica-set'; setName: string; hosts: string[]; primary?: string; me?: string }
  | { kind: 'mongos' };

export interface MongoMember {
  /** host:port as the replica set knows it. */
  name: string;
  /** As replSetGetStatus names it: PRIMARY, SECONDARY, ARBITER, RECOVERING, (not reachable/healthy), ... */
  state: string;
  healthy: boolean;
  /** The member that answered. */
  self: boolean;
  optimeDate?: Date;
  /** Seconds behind the primary (or, without one, behind the newest member); only for healthy data-bearing members. */
  lagSeconds?: number;
}

export interface OplogWindow {
  first: Date;
  last: Date;
  hours: number;
}

export interface StorageUse {
  /** Bytes the databases take on disk (listDatabases totalSize). */
  dataBytes: number;
  /** Free and total bytes of the file system that holds the data (dbStats fsUsedSize/fsTotalSize). */
  fsFreeBytes?: number;
  fsTotalBytes?: number;
}

/**
 * Why no connection could be made: each gets its own wording in the check. `aborted` means the
 * caller's time ran out, `invalid-uri` that the connection string itself is wrong: in both the
 * server was not looked at.
 */
export type ConnectFailure = 'refused' | 'auth' | 'timeout' | 'unreachable' | 'invalid-uri' | 'aborted';

export type MongoSnapshot =
  | { reachable: false; failure: ConnectFailure; error: string }
  | {
      reachable: true;
      /** Round trip of a `ping` on an open connection. */
      roundTripMs: number;
      version: Reading<string>;
      topology: Reading<MongoTopology>;
      /** Replica sets only. */
      members?: Reading<MongoMember[]>;
      oplog?: Reading<OplogWindow>;
      storage: Reading<StorageUse>;
    };
