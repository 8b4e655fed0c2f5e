import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { Deliveries } from '../../src/store/deliveries.ts';
import { Store } from '../../src/store/store.ts';
import { StoreError } from '../../src/store/store-error.ts';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-store-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const USER = `user ${userInfo().username} (uid ${process.geteuid!()})`;

function openFailure(path: string): StoreError {
  try {
    Store.open(path).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error(`the store ${path} opened`);
}

describe('a store that cannot be opened names the file, the user, the cause and the fix', () => {
  it('a file that is not a database: not "file is not a database" alone', () => {
    const dir = join(tmp, 'not-a-database');
    mkdirSync(dir);
    const path = join(dir, 'connector-ops.sqlite');
    writeFileSync(path, 'these are not the pages of a database\n'.repeat(200));
    const error = openFailure(path);
    expect(error.code).toBe('SQLITE_NOTADB');
    expect(error.message).toBe(
      `the store ${path} cannot be opened by ${USER}: the file is not an SQLite database (SQLITE_NOTADB). ` +
        "Move it aside (it is not connector-ops's store, or it was overwritten), or set DATA_DIR to the right directory; a new store is made where none is.",
    );
  });

  it('a directory where the file belongs: not "unable to open database file"', () => {
    const path = join(tmp, 'a-directory', 'connector-ops.sqlite');
    mkdirSync(path, { recursive: true });
    const error = openFailure(path);
    expect(error.code).toBe('SQLITE_CANTOPEN');
    expect(error.message).toContain(`cannot be opened by ${USER}: ${path} is a directory`);
  });

  it('a DATA_DIR below a file', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const path = join(file, 'data', 'connector-ops.sqlite');
    const error = openFailure(path);
    expect(error.code).toBe('ENOTDIR');
    expect(error.message).toContain(`${join(file, 'data')} is not a directory (ENOTDIR). Set DATA_DIR to a directory`);
  });
});

describe('a store another process keeps locked', () => {
  it('is told as locked for more than 5 s, naming the file, and makes the store unwritable until a write succeeds', () => {
    const path = join(tmp, 'locked.sqlite');
    const store = Store.open(path);
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    let thrown: unknown;
    try {
      new Deliveries(store).claim('slack:command:locked', new Date());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).message).toBe(
      `the store ${path} cannot be written by ${USER}: another process holds it locked for more than 5 s (SQLITE_BUSY). ` +
        `Find what keeps it busy (fuser ${path}); only connector-ops processes should open it.`,
    );
    expect(store.problem()).toBe((thrown as StoreError).message);
    other.exec('ROLLBACK');
    expect(store.retry()).toBeUndefined();
    other.close();
    store.close();
  });
});

describe('what is not a failure of the store passes through as it is', () => {
  it('a constraint refused', () => {
    const store = Store.open(join(tmp, 'constraint.sqlite'));
    const insert = () => store.db.prepare('INSERT INTO deliveries (key, seen_at) VALUES (?, ?)').run('slack:command:1', 1);
    insert();
    let thrown: unknown;
    try {
      insert();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).not.toBeInstanceOf(StoreError);
    expect((thrown as Error).message).toMatch(/UNIQUE constraint failed: deliveries.key/);
    expect(store.health.problem).toBeUndefined();
    store.close();
  });
});
