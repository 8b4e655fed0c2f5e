import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupFinding, scanBackups } from '../../src/checks/database-backup.ts';

const HOUR = 3_600_000;
const now = new Date('2026-08-20T12:00:00Z');
const never = new AbortController().signal;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connector-ops-backup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(relative: string, hoursAgo: number): Promise<void> {
  const path = join(dir, relative);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'dump');
  const time = new Date(now.getTime() - hoursAgo * HOUR);
  await utimes(path, time, time);
}

describe('scanBackups', () => {
  it('finds the newest file anywhere below the location', async () => {
    await file('2026-08-18/connector/messages.bson', 50);
    await file('2026-08-19/connector/messages.bson', 26.5);
    await file('old.archive.gz', 80);
    const scan = await scanBackups(dir, never);
    expect(scan.files).toBe(3);
    expect(scan.truncated).toBe(false);
    expect(scan.newest?.path).toBe(join(dir, '2026-08-19/connector/messages.bson'));
  });

  it('does not follow symbolic links (no loops)', async () => {
    await file('a/dump.gz', 1);
    await symlink(dir, join(dir, 'a', 'loop'));
    const scan = await scanBackups(dir, never);
    expect(scan.files).toBe(1);
  });

  it('stops at its bounds and says so', async () => {
    for (let i = 0; i < 5; i++) await file(`f${i}.gz`, i);
    await file('a/b/c/deep.gz', 0);
    expect((await scanBackups(dir, never, { maxEntries: 3, maxDepth: 6 })).truncated).toBe(true);
    const shallow = await scanBackups(dir, never, { maxEntries: 100, maxDepth: 1 });
    expect(shallow.truncated).toBe(true);
    expect(shallow.newest?.path).toBe(join(dir, 'f0.gz'));
  });

  it('fails when the location cannot be read', async () => {
    await expect(scanBackups(join(dir, 'missing'), never)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('honours the abort signal', async () => {
    await file('x.gz', 1);
    await expect(scanBackups(dir, AbortSignal.abort())).rejects.toThrow();
  });
});

describe('backupFinding', () => {
  const scan = (hoursAgo: number) =>
    ({ ok: true, value: { newest: { path: '/backups/2026/x.gz', modified: new Date(now.getTime() - hoursAgo * HOUR) }, files: 4, truncated: false } }) as const;

  it.each([
    [2, 'ok'],
    [27, 'warn'],
    [73, 'critical'],
  ] as const)('a newest backup %i h old is %s', (hours, status) => {
    const finding = backupFinding('/backups', scan(hours), now, 26, 72);
    expect(finding.detail).toMatchObject({ label: 'Newest backup', status });
    expect(finding.detail.value).toBe(`${hours.toFixed(1)} h old: 2026/x.gz (4 files)`);
  });

  it('names the age and threshold when too old', () => {
    expect(backupFinding('/backups', scan(30), now, 26, 72).problem).toBe('newest backup is 30.0 h old (threshold 26 h)');
    expect(backupFinding('/backups', scan(80), now, 26, 72).problem).toBe('newest backup is 80.0 h old (threshold 72 h)');
  });

  it('a configured max age above the critical line moves the critical line with it', () => {
    expect(backupFinding('/backups', scan(100), now, 168, 72).detail.status).toBe('ok');
    expect(backupFinding('/backups', scan(170), now, 168, 72).detail.status).toBe('critical');
  });

  it('no backup at all is critical; an unreadable location is unknown', () => {
    expect(backupFinding('/backups', { ok: true, value: { files: 0, truncated: false } }, now, 26, 72)).toMatchObject({
      detail: { status: 'critical', value: 'no file in /backups' },
      problem: 'no backup found in /backups',
    });
    expect(backupFinding('/backups', { ok: false, error: 'EACCES' }, now, 26, 72).detail).toMatchObject({ status: 'unknown' });
  });
});
