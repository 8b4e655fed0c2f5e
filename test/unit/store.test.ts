import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskSampleRepository } from '../../src/store/disk-samples.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const versions = (store: Store) =>
  (store.db.prepare('SELECT version FROM schema_version ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);

describe('Store', () => {
  it('creates its directory and file, runs every migration once, in WAL mode', () => {
    const path = join(tmp, 'nested', 'dir', 'connector-ops.sqlite');
    const store = Store.open(path);
    try {
      expect(store.isOpen).toBe(true);
      expect(versions(store)).toEqual(MIGRATIONS.map((_m, i) => i + 1));
      expect((store.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    } finally {
      store.close();
    }
    expect(store.isOpen).toBe(false);
    store.close();
  });

  it('keeps its data across a reopen and does not run the migrations again', () => {
    const path = join(tmp, 'reopen.sqlite');
    const first = Store.open(path);
    new DiskSampleRepository(first).add({ path: '/data', sampledAt: new Date(1_000), usedBytes: 10, totalBytes: 100 });
    first.close();

    const second = Store.open(path);
    try {
      expect(versions(second)).toEqual(MIGRATIONS.map((_m, i) => i + 1));
      expect(new DiskSampleRepository(second).since('/data', new Date(0))).toEqual([
        { path: '/data', sampledAt: new Date(1_000), usedBytes: 10, totalBytes: 100 },
      ]);
    } finally {
      second.close();
    }
  });

  it('opens in memory', () => {
    const store = Store.open(':memory:');
    expect(versions(store)).toHaveLength(MIGRATIONS.length);
    store.close();
  });
});

describe('DiskSampleRepository', () => {
  it('adds samples and returns those of one path since a moment, oldest first', () => {
    const store = Store.open(':memory:');
    const samples = new DiskSampleRepository(store);
    const at = (minutes: number) => new Date(Date.UTC(2024, 4, 1, 12, minutes));
    samples.add({ path: '/data', sampledAt: at(30), usedBytes: 300, totalBytes: 1000 });
    samples.add({ path: '/data', sampledAt: at(10), usedBytes: 100, totalBytes: 1000 });
    samples.add({ path: '/data', sampledAt: at(20), usedBytes: 200, totalBytes: 1000 });
    samples.add({ path: '/other', sampledAt: at(20), usedBytes: 5, totalBytes: 10 });

    expect(samples.since('/data', at(20))).toEqual([
      { path: '/data', sampledAt: at(20), usedBytes: 200, totalBytes: 1000 },
      { path: '/data', sampledAt: at(30), usedBytes: 300, totalBytes: 1000 },
    ]);
    expect(samples.since('/data', at(0)).map((s) => s.usedBytes)).toEqual([100, 200, 300]);
    expect(samples.since('/nowhere', at(0))).toEqual([]);
    store.close();
  });

  it('replaces a sample of the same path and moment', () => {
    const store = Store.open(':memory:');
    const samples = new DiskSampleRepository(store);
    const when = new Date(5_000);
    samples.add({ path: '/data', sampledAt: when, usedBytes: 1, totalBytes: 10 });
    samples.add({ path: '/data', sampledAt: when, usedBytes: 2, totalBytes: 10 });
    expect(samples.since('/data', new Date(0))).toEqual([{ path: '/data', sampledAt: when, usedBytes: 2, totalBytes: 10 }]);
    store.close();
  });

  it('keeps byte counts beyond 2^32 exact', () => {
    const store = Store.open(':memory:');
    const samples = new DiskSampleRepository(store);
    const big = 3 * 1024 ** 4 + 7; // 3 TiB and a bit
    samples.add({ path: '/data', sampledAt: new Date(1), usedBytes: big, totalBytes: big * 2 });
    expect(samples.since('/data', new Date(0))[0]).toMatchObject({ usedBytes: big, totalBytes: big * 2 });
    store.close();
  });

  it('prunes samples older than a moment, of every path', () => {
    const store = Store.open(':memory:');
    const samples = new DiskSampleRepository(store);
    for (const t of [1_000, 2_000, 3_000]) {
      samples.add({ path: '/a', sampledAt: new Date(t), usedBytes: t, totalBytes: 10_000 });
      samples.add({ path: '/b', sampledAt: new Date(t), usedBytes: t, totalBytes: 10_000 });
    }
    samples.prune(new Date(2_000));
    expect(samples.since('/a', new Date(0)).map((s) => s.sampledAt.getTime())).toEqual([2_000, 3_000]);
    expect(samples.since('/b', new Date(0)).map((s) => s.sampledAt.getTime())).toEqual([2_000, 3_000]);
    store.close();
  });
});

describe('Store opened by several processes at once', () => {
  it('applies each migration once when processes race to open a new store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cops-store-race-'));
    const file = join(dir, 'store.sqlite');
    const storeModule = resolve(import.meta.dirname, '../../src/store/store.ts');
    // Every process loads first and then opens the store at the same moment, to make the race likely.
    const startAt = Date.now() + 1_500;
    const script = `const { Store } = await import(${JSON.stringify(storeModule)}); while (Date.now() < ${startAt}); Store.open(${JSON.stringify(file)}).close();`;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        new Promise<{ code: number | null; stderr: string }>((done) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
          let stderr = '';
          child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          child.on('close', (code) => done({ code, stderr }));
        }),
      ),
    );
    expect(runs.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const store = Store.open(file);
    const versions = store.db.prepare('SELECT version FROM schema_version ORDER BY version').all() as Array<{ version: number }>;
    store.close();
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});
