import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DiskSampleRepository } from '../../src/store/disk-samples.ts';
import { Store } from '../../src/store/store.ts';
import { describeWith } from '../support/requirements.ts';
import { requireMountNamespaces, spawnOnReadOnly, spawnOnTmpfs } from '../support/mount-namespace.ts';
import { validReport } from '../support/report-schema.ts';

const WORKER = resolve(import.meta.dirname, '../support/workers/store-on-tmpfs.ts');
const CLI = resolve(import.meta.dirname, '../../src/cli.ts');

interface Outcome {
  wrote?: true;
  error?: { name: string; code?: string; message: string };
  health?: string;
}

/** The worker on a tmpfs of 1 MiB of its own: what the store said under the fault. */
function outputOf(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

async function onTmpfs(mode: 'first-start' | 'write' | 'read-only'): Promise<{ dir: string; outcome: Outcome }> {
  const dir = mkdtempSync(join(tmpdir(), 'cops-store-fault-'));
  const { code, stdout, stderr } = await outputOf(spawnOnTmpfs(dir, 1024, [process.execPath, WORKER, dir, mode]));
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

/** `connector-ops check` only reads the store: on a read-only disk it still reads the samples and forecasts from them. */
describeWith([requireMountNamespaces], 'connector-ops check with its store on a read-only disk', () => {
  it('reads the samples and makes the forecast from them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-check-ro-'));
    const store = Store.open(join(dataDir, 'connector-ops.sqlite'));
    // The sampler's last reading of DATA_DIR's disk: full, which only the samples can tell (the disk itself is not).
    new DiskSampleRepository(store).add({ path: dataDir, sampledAt: new Date(Date.now() - 60_000), usedBytes: 100, totalBytes: 100 });
    store.close();
    try {
      const run = await outputOf(
        spawnOnReadOnly(dataDir, [process.execPath, CLI, 'check', '--json', '--only', 'resources'], {
          env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, CONNECTOR_NAME: 'main', CONNECTOR_URL: 'http://127.0.0.1:1', DOCKER_HOST: `unix://${join(dataDir, 'no-engine.sock')}` },
        }),
      );
      expect(run.stderr).not.toContain('left out');
      const report = validReport(JSON.parse(run.stdout) as { connectors: Array<{ checks: Array<{ id: string; details: Array<{ label: string; value: string; status?: string }> }> }> });
      const disk = report.connectors[0]!.checks[0]!.details.find((d) => d.label.includes(`${dataDir} (DATA_DIR)`));
      expect(disk).toMatchObject({ status: 'critical', value: expect.stringMatching(/; full$/) });
      expect(run.code).toBe(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
