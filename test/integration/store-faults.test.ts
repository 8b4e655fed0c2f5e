import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeWith } from '../support/requirements.ts';
import { requireMountNamespaces, spawnOnTmpfs } from '../support/tmpfs.ts';

const WORKER = resolve(import.meta.dirname, '../support/workers/store-on-tmpfs.ts');

interface Outcome {
  wrote?: true;
  error?: { name: string; code?: string; message: string };
  health?: string;
}

/** The worker on a tmpfs of 1 MiB of its own: what the store said under the fault. */
async function onTmpfs(mode: 'first-start' | 'write' | 'read-only'): Promise<{ dir: string; outcome: Outcome }> {
  const dir = mkdtempSync(join(tmpdir(), 'cops-store-fault-'));
  const child = spawnOnTmpfs(dir, 1024, [process.execPath, WORKER, dir, mode]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the worker ended with ${code}: ${stderr}`);
  return { dir, outcome: JSON.parse(stdout) as Outcome };
}

/** Store errors on a real file system that fails: each names the file, the user and the fix, never SQLite's bare words. */
describeWith([requireMountNamespaces], 'the store on a disk that is full or read-only', () => {

  it('a first start on a full disk says the disk is full, not "cannot rollback - no transaction is active"', async () => {
    const { dir, outcome } = await onTmpfs('first-start');
    expect(outcome.error).toMatchObject({ name: 'StoreError', code: 'SQLITE_FULL' });
    expect(outcome.error!.message).toContain(`the store ${join(dir, 'connector-ops.sqlite')} cannot be opened by user root (uid 0): the disk is full`);
    expect(outcome.error!.message).toContain(`Free space on the file system of ${dir}`);
    expect(outcome.error!.message).not.toMatch(/rollback/);
  });

  it('a write on a disk that filled up names the file and the cause, and the store knows it cannot be written', async () => {
    const { dir, outcome } = await onTmpfs('write');
    expect(outcome.wrote).toBeUndefined();
    expect(outcome.error).toMatchObject({ name: 'StoreError', code: 'SQLITE_FULL' });
    expect(outcome.error!.message).toContain(`the store ${join(dir, 'connector-ops.sqlite')} cannot be written by user root (uid 0): the disk is full`);
    expect(outcome.health).toBe(outcome.error!.message);
  });

  it('a store on a file system mounted read-only says so, rather than "unable to open database file"', async () => {
    const { dir, outcome } = await onTmpfs('read-only');
    expect(outcome.error).toMatchObject({ name: 'StoreError' });
    expect(outcome.error!.message).toContain(`the store ${join(dir, 'connector-ops.sqlite')} cannot be opened by user root (uid 0): its file system is mounted read-only`);
    expect(outcome.error!.message).toContain(`Mount ${dir} read-write, or set DATA_DIR to a writable directory.`);
  });
});
