import { describe, expect, it } from 'vitest';
import { StoreConnection } from '../../src/store/connection.ts';

describe('StoreConnection', () => {
  it('compiles a statement once and gives it again for the same SQL, with the right rows each time', () => {
    const db = new StoreConnection(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    expect(db.prepare('INSERT INTO t (n) VALUES (?)')).toBe(insert);
    for (let n = 1; n <= 3; n++) db.prepare('INSERT INTO t (n) VALUES (?)').run(n);
    expect(db.prepare('SELECT sum(n) AS total FROM t').get()).toEqual({ total: 6 });
    expect(db.prepare('SELECT n FROM t WHERE n > ? ORDER BY n').all(1)).toEqual([{ n: 2 }, { n: 3 }]);
    expect(db.prepare('SELECT n FROM t WHERE n > ? ORDER BY n').all(2)).toEqual([{ n: 3 }]);
    db.close();
  });

  it('keeps a bounded number: statements with a text per list length do not grow it for ever', () => {
    const db = new StoreConnection(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    const first = db.prepare('SELECT n FROM t WHERE n IN (?)');
    for (let length = 2; length <= 300; length++) db.prepare(`SELECT n FROM t WHERE n IN (${Array.from({ length }, () => '?').join(', ')})`);
    expect(db.prepare('SELECT n FROM t WHERE n IN (?)')).not.toBe(first);
    db.close();
  });

  it('still hands a cached statement’s failure to the describing function', () => {
    const db = new StoreConnection(':memory:');
    db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    db.describeFailures((error) => new Error(`described: ${(error as Error).message}`));
    db.prepare('INSERT INTO t (n) VALUES (?)').run(1);
    expect(() => db.prepare('INSERT INTO t (n) VALUES (?)').run(null)).toThrow(/^described: NOT NULL constraint failed/);
    db.close();
  });
});
