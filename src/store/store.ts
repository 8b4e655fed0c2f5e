import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StoreConnection } from './connection.ts';
import { MIGRATIONS } from './migrations.ts';
import { StoreError, storeFailure } from './store-error.ts';
import { StoreHealth } from './store-health.ts';

export interface StoreOptions {
  /**
   * `process` (synchronous=NORMAL): a commit survives the process's crash (kill -9), not the machine's power
   * loss, and costs no fsync: for what must not hold up every chat acknowledgement, such as the keys of
   * deliveries seen. Everything else keeps `machine` (FULL).
   */
  durability?: 'machine' | 'process';
  /** Shared by the connections to one file, so that a failure seen by one is the store's. */
  health?: StoreHealth;
  /**
   * Only reads, of a store some bot made (`connector-ops check`): nothing is made, migrated or written, so that
   * a store of another user, or on a full or read-only disk, can still be read.
   */
  readOnly?: true;
}

/**
 * The embedded store: one SQLite file in DATA_DIR. WAL journaling with synchronous=FULL so that
 * whatever a statement committed survives a crash of the process (kill -9) and of the machine.
 * A failure of the file (a full disk, no permission, not a database) is thrown as a StoreError naming the
 * file, the user and the fix, and makes `health` broken until a write succeeds again.
 */
export class Store {
  readonly db: StoreConnection;
  readonly path: string;
  readonly health: StoreHealth;

  private constructor(db: StoreConnection, path: string, health: StoreHealth) {
    this.db = db;
    this.path = path;
    this.health = health;
  }

  static open(path: string, options: StoreOptions = {}): Store {
    let db: StoreConnection | undefined;
    try {
      if (options.readOnly) {
        db = openReadOnly(path);
      } else {
        if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
        db = new StoreConnection(path, { timeout: 5_000 });
        enableWal(db);
        db.exec(`PRAGMA synchronous = ${options.durability === 'process' ? 'NORMAL' : 'FULL'}; PRAGMA foreign_keys = ON;`);
        migrate(db);
      }
    } catch (error) {
      if (db?.isOpen) db.close();
      throw storeFailure(error, path, 'opened') ?? error;
    }
    const health = options.health ?? new StoreHealth();
    db.describeFailures((error) => {
      const failure = storeFailure(error, path, options.readOnly ? 'read' : 'written');
      if (!failure) return error;
      health.failed(failure);
      return failure;
    });
    return new Store(db, path, health);
  }

  /**
   * Runs `work` as one transaction that holds the write lock from its start (BEGIN IMMEDIATE): what it
   * reads cannot change under it, in this process or another one on the same file.
   */
  transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  /**
   * Runs `work` inside the transaction already open on this connection (node:sqlite has no nested ones), or in
   * a new one: a caller can make several writers' statements commit together.
   */
  atomic<T>(work: () => T): T {
    return this.db.isTransaction ? work() : this.transaction(work);
  }

  /**
   * One small committed write: whether the store can be written now. A success mends `health`; a failure has
   * made it broken with the cause, and is thrown.
   */
  probeWrite(now: Date): void {
    this.transaction(() => this.db.prepare('INSERT OR REPLACE INTO store_probe (id, written_at) VALUES (1, ?)').run(now.getTime()));
    this.health.wrote();
  }

  /** Why the store could not be written when last tried; undefined while it could. */
  problem(): string | undefined {
    return this.health.problem?.message;
  }

  /** What keeps the store from being ready, for /readyz: closed, or not writable (with the cause and the fix). */
  notReady(): string[] {
    if (!this.isOpen) return ['store (closed)'];
    const problem = this.problem();
    return problem ? [`store (${problem})`] : [];
  }

  /** Tries a write now (a broken store may have mended since): why the store cannot be written, or undefined. */
  retry(): string | undefined {
    try {
      this.probeWrite(new Date());
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
    }
    return this.problem();
  }

  get isOpen(): boolean {
    return this.db.isOpen;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * A WAL store is read through its -shm file, which a read-only disk, or another user's directory while no bot has
 * the store open, neither holds nor lets SQLite make. Nobody writes the store then, so it is read as immutable.
 */
function openReadOnly(path: string): StoreConnection {
  const open = (where: string | URL) => {
    const db = new StoreConnection(where, { timeout: 5_000, readOnly: true });
    try {
      // SQLite reads the file only at the first statement: one that is no database is told here, at the open.
      db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  };
  try {
    return open(path);
  } catch (error) {
    if (((error as { errcode?: number }).errcode ?? 0) !== SQLITE_CANTOPEN || !existsSync(path)) throw error;
    return open(new URL(`${pathToFileURL(path).href}?immutable=1`));
  }
}

function inTransaction<T>(db: StoreConnection, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite ends the transaction itself on a full disk or an I/O error: a ROLLBACK then fails with "no
    // transaction is active", which must not hide the cause.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Runs the migrations this file has not seen yet, each in its own transaction. The version is read
 * under the write lock, so two processes opening a new store at once (two cron runs of
 * `connector-ops check`) do not both apply the same migration.
 */
function migrate(db: StoreConnection): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  for (const [index, migration] of MIGRATIONS.entries()) {
    const version = index + 1;
    inTransaction(db, () => {
      const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null } | undefined;
      if ((row?.version ?? 0) < version) {
        if (typeof migration === 'string') db.exec(migration);
        else migration(db);
        db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
      }
    });
  }
}

const SQLITE_BUSY = 5;
const SQLITE_CANTOPEN = 14;

/**
 * Switching to WAL needs a moment alone with the file, and SQLite answers BUSY at once rather than
 * waiting when another process opens the same new store: retry, briefly.
 */
function enableWal(db: StoreConnection): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== SQLITE_BUSY || attempt >= 100) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}
