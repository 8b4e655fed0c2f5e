import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';

/**
 * The embedded store: one SQLite file in DATA_DIR. WAL journaling with synchronous=FULL so that
 * whatever a statement committed survives a crash of the process (kill -9) and of the machine.
 */
export class Store {
  readonly db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /**
   * `durability: 'process'` (synchronous=NORMAL): a commit survives the process's crash (kill -9), not the
   * machine's power loss, and costs no fsync: for what must not hold up every chat acknowledgement, such as
   * the keys of deliveries seen. Everything else keeps FULL.
   */
  static open(path: string, options: { durability?: 'machine' | 'process' } = {}): Store {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: 5_000 });
    enableWal(db);
    db.exec(`PRAGMA synchronous = ${options.durability === 'process' ? 'NORMAL' : 'FULL'}; PRAGMA foreign_keys = ON;`);
    const store = new Store(db);
    store.migrate();
    return store;
  }

  /**
   * Runs `work` as one transaction that holds the write lock from its start (BEGIN IMMEDIATE): what it
   * reads cannot change under it, in this process or another one on the same file.
   */
  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Runs `work` inside the transaction already open on this connection (node:sqlite has no nested ones), or in
   * a new one: a caller can make several writers' statements commit together.
   */
  atomic<T>(work: () => T): T {
    return this.db.isTransaction ? work() : this.transaction(work);
  }

  get isOpen(): boolean {
    return this.db.isOpen;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /**
   * Runs the migrations this file has not seen yet, each in its own transaction. The version is read
   * under the write lock, so two processes opening a new store at once (two cron runs of
   * `connector-ops check`) do not both apply the same migration.
   */
  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    for (const [index, migration] of MIGRATIONS.entries()) {
      const version = index + 1;
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const row = this.db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null } | undefined;
        if ((row?.version ?? 0) < version) {
          if (typeof migration === 'string') this.db.exec(migration);
          else migration(this.db);
          this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
        }
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
    }
  }
}

const SQLITE_BUSY = 5;

/**
 * Switching to WAL needs a moment alone with the file, and SQLite answers BUSY at once rather than
 * waiting when another process opens the same new store: retry, briefly.
 */
function enableWal(db: DatabaseSync): void {
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
