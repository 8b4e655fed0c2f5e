import { testDockerClient } from '../support/builders.ts';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerHostOldMaterial } from '../../src/integrations/docker/old-material.ts';

const DAY = 86_400_000;

// The file system is always there: these run everywhere, no Docker needed (the client is never called).
describe('old files on the real file system', () => {
  let root: string;
  const now = Date.now();
  const cutoff = new Date(now - 30 * DAY);
  const signal = () => AbortSignal.timeout(5_000);
  const material = (bounds = { maxEntries: 20_000, maxDepth: 8 }) => new DockerHostOldMaterial(testDockerClient(), bounds);

  async function file(path: string, ageDays: number, bytes = 10): Promise<void> {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), 'x'.repeat(bytes));
    const at = new Date(now - ageDays * DAY);
    await utimes(join(root, path), at, at);
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cops-old-files-'));
    await file('logs/connector.log', 0);
    await file('logs/connector.log.1', 40, 1000);
    await file('logs/archive/2026/connector.log.5', 60);
    await file('backups/db-old.gz', 40);
    await file('backups/db-new.gz', 1);
    await file('backups/notes.txt', 40);
    await file('elsewhere/secret-old.txt', 90);
    // A link inside the walk is not followed: it could lead anywhere on the host.
    await symlink(join(root, 'elsewhere'), join(root, 'logs', 'link'));
    // A link named as the path itself is followed: e.g. a log folder on another disk.
    await symlink(join(root, 'logs'), join(root, 'logs-link'));
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('walks a directory recursively and lists files past the cutoff, oldest first', async () => {
    const scan = await material().filesOlderThan([join(root, 'logs')], cutoff, signal());
    expect(scan.files.map((f) => f.path)).toEqual([
      join(root, 'logs/archive/2026/connector.log.5'),
      join(root, 'logs/connector.log.1'),
    ]);
    expect(scan.files[1]).toMatchObject({ sizeBytes: 1000 });
    expect(Math.abs(scan.files[1]!.modifiedAt.getTime() - (now - 40 * DAY))).toBeLessThan(1_000);
    expect(scan).toMatchObject({ unreadable: [], truncated: false });
  });

  it('matches globs', async () => {
    const scan = await material().filesOlderThan([join(root, 'backups/*.gz')], cutoff, signal());
    expect(scan.files.map((f) => f.path)).toEqual([join(root, 'backups/db-old.gz')]);
  });

  it('follows a link it was given, and lists each file once', async () => {
    const scan = await material().filesOlderThan([join(root, 'logs-link'), join(root, 'logs-link')], cutoff, signal());
    expect(scan.files.map((f) => f.path)).toEqual([
      join(root, 'logs-link/archive/2026/connector.log.5'),
      join(root, 'logs-link/connector.log.1'),
    ]);
  });

  it('says which configured path is missing, and goes on', async () => {
    const scan = await material().filesOlderThan([join(root, 'nope'), join(root, 'backups')], cutoff, signal());
    expect(scan.unreadable).toEqual([{ path: join(root, 'nope'), reason: 'not found' }]);
    expect(scan.files.map((f) => f.path)).toEqual([join(root, 'backups/db-old.gz'), join(root, 'backups/notes.txt')]);
  });

  it('stops at its bounds and says so', async () => {
    const shallow = await material({ maxEntries: 20_000, maxDepth: 1 }).filesOlderThan([join(root, 'logs')], cutoff, signal());
    expect(shallow.files.map((f) => f.path)).toEqual([join(root, 'logs/connector.log.1')]);
    const few = await material({ maxEntries: 3, maxDepth: 8 }).filesOlderThan([join(root, 'logs'), join(root, 'backups')], cutoff, signal());
    expect(few.truncated).toBe(true);
  });

  it('gives up when its time is up', async () => {
    const aborted = AbortSignal.abort(new Error('time is up'));
    await expect(material().filesOlderThan([join(root, 'logs')], cutoff, aborted)).rejects.toThrow('time is up');
  });
});
