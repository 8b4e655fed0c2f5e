import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { extract, list, type ReadEntry } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../../src/integrations/backup/list-backups.ts';
import { writeBackupArchive, type BackupArchiveRequest } from '../../src/integrations/backup/write-archive.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
// The file system is always there: these run everywhere, no Docker needed.
describe('backup archives on the real file system', () => {
  let root: string;
  let socket: Server;
  const definition = {
    Id: 'c0ffee',
    Name: '/connector-connector-1',
    Config: { Env: ['CUSTOM_CONFIG_LOCATION=/config.json', 'API_KEY=secret'], Image: 'ghcr.io/nmshd/connector:7.4.6' },
  };
  const config = '{\n  "infrastructure": { "httpServer": { "apiKey": "xyz" } }\n}\n';
  // Past ustar's 100-character name field (a pax header then) and its 155-character prefix.
  const longDirectory = `volumes/${'f'.repeat(64)}/_data`;
  const longName = `connector.${'2026-08-20.'.repeat(11)}log`;
  const at = (path: string) => join(root, path);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cops-backup-'));
    await mkdir(at('srv'), { recursive: true });
    await writeFile(at('srv/config.json'), config, { mode: 0o640 });
    await mkdir(at('logs/archive'), { recursive: true });
    await writeFile(at('logs/connector.log'), '[2026-08-20T09:14:03.512] [INFO] HttpServer - GET /health 200 -- 3ms\n');
    await writeFile(at('logs/archive/connector.log.1'), 'x'.repeat(2000));
    await mkdir(at(longDirectory), { recursive: true });
    await writeFile(at(`${longDirectory}/${longName}`), 'from a volume\n');
    await writeFile(at('secret.txt'), 'outside the tree');
    // Things no backup can read, even as root: a link out of the tree, a FIFO (opening it would block), a socket.
    await symlink(at('secret.txt'), at('logs/secret-link'));
    execFileSync('mkfifo', [at('logs/pipe')]);
    socket = createServer();
    await new Promise<void>((resolve) => socket.listen(at('logs/socket'), resolve));
    await writeFile(at('big.bin'), randomBytes(48 * MiB));
  });

  afterAll(async () => {
    socket?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const request = (directory: string, files: BackupArchiveRequest['files'], more: Partial<BackupArchiveRequest> = {}): BackupArchiveRequest => ({
    directory: at(directory),
    connector: 'prod',
    takenAt: new Date('2026-12-01T08:15:00Z'),
    definition,
    files,
    ...more,
  });

  /** Every entry's name, size, mode and content, read back with node-tar. */
  async function readBack(file: string): Promise<Map<string, { size: number; mode: number; content: string }>> {
    const entries = new Map<string, { size: number; mode: number; content: string }>();
    const reads: Array<Promise<void>> = [];
    await list({
      file,
      onReadEntry: (entry: ReadEntry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        reads.push(
          new Promise((resolve) =>
            entry.on('end', () => {
              entries.set(entry.path, { size: entry.size, mode: entry.mode ?? 0, content: Buffer.concat(chunks).toString() });
              resolve();
            }),
          ),
        );
      },
    });
    await Promise.all(reads);
    return entries;
  }

  describe('a backup of a config file and a log directory', () => {
    let result: Awaited<ReturnType<typeof writeBackupArchive>>;

    beforeAll(async () => {
      result = await writeBackupArchive(
        request('backups', [
          { path: at('srv/config.json') },
          { path: at('logs') },
          { path: at(longDirectory) },
          { path: at('gone.json') },
          { path: at('gone.json.1'), optional: true },
        ]),
      );
    });

    it('is named by connector and time, and is 0600 in a directory created 0700', async () => {
      expect(result.path).toBe(at('backups/prod-20261201T081500Z.tar.gz'));
      expect((await stat(result.path)).mode & 0o777).toBe(0o600);
      expect((await stat(at('backups'))).mode & 0o777).toBe(0o700);
      expect(result.bytes).toBe((await stat(result.path)).size);
      expect(await readdir(at('backups'))).toEqual(['prod-20261201T081500Z.tar.gz']);
    });

    it('holds container.json and each file under files/<host path>, as read back by node-tar', async () => {
      const entries = await readBack(result.path);
      const name = (path: string) => `files${at(path)}`;
      expect([...entries.keys()]).toEqual([
        'container.json',
        name('srv/config.json'),
        name('logs/archive/connector.log.1'),
        name('logs/connector.log'),
        name(`${longDirectory}/${longName}`),
      ]);
      expect(result.entries).toEqual([...entries].map(([entry, { size }]) => ({ name: entry, bytes: size })));
      expect(JSON.parse(entries.get('container.json')!.content)).toEqual(definition);
      expect(entries.get('container.json')!.mode).toBe(0o600);
      expect(entries.get(name('srv/config.json'))).toEqual({ size: config.length, mode: 0o640, content: config });
      expect(entries.get(name('logs/archive/connector.log.1'))!.content).toBe('x'.repeat(2000));
      expect(entries.get(name(`${longDirectory}/${longName}`))!.content).toBe('from a volume\n');
      expect([...entries.values()].some((e) => e.content.includes('outside the tree'))).toBe(false);
    });

    it('is read the same by GNU tar, long names included, and extracts to the same contents', async () => {
      const { stdout } = await run('tar', ['-tzf', result.path]);
      expect(stdout.trim().split('\n')).toEqual(result.entries.map((e) => e.name));
      const out = at('extracted');
      await mkdir(out);
      await extract({ file: result.path, cwd: out });
      expect(await readFile(join(out, `files${at('srv/config.json')}`), 'utf8')).toBe(config);
      expect(await readFile(join(out, `files${at('logs/connector.log')}`))).toEqual(await readFile(at('logs/connector.log')));
    });

    it('says what it left out and why: a missing path, a link out of the tree, a FIFO, a socket', () => {
      expect(result.skipped).toEqual([
        { path: at('logs/pipe'), reason: 'a FIFO, not a regular file' },
        { path: at('logs/secret-link'), reason: `a symbolic link to ${at('secret.txt')}: not followed` },
        { path: at('logs/socket'), reason: 'a socket, not a regular file' },
        { path: at('gone.json'), reason: 'not found' },
      ]);
    });
  });

  it('leaves out a file that would pass the size limit, and goes on with smaller ones', async () => {
    const result = await writeBackupArchive(
      request('backups-limited', [{ path: at('big.bin') }, { path: at('srv/config.json') }], { maxBytes: 1 * MiB }),
    );
    expect(result.skipped).toEqual([{ path: at('big.bin'), reason: "48.0 MiB would pass the backup's limit of 1.0 MiB (1.0 MiB left)" }]);
    expect(result.entries.map((e) => e.name)).toEqual(['container.json', `files${at('srv/config.json')}`]);
  });

  it('follows a link it was given (as Docker does when mounting it), naming the file by the given path', async () => {
    await symlink(at('srv/config.json'), at('config-link.json'));
    const result = await writeBackupArchive(request('backups-link', [{ path: at('config-link.json') }]));
    const entries = await readBack(result.path);
    expect(entries.get(`files${at('config-link.json')}`)?.content).toBe(config);
    expect(result.skipped).toEqual([]);
  });

  it('keeps the backup directory out of the archive when it lies in a backed-up tree', async () => {
    await mkdir(at('tree/backups'), { recursive: true });
    await writeFile(at('tree/backups/prod-20261101T000000Z.tar.gz'), 'an older backup');
    await writeFile(at('tree/config.json'), config);
    const result = await writeBackupArchive(request('tree/backups', [{ path: at('tree') }]));
    expect(result.entries.map((e) => e.name)).toEqual(['container.json', `files${at('tree/config.json')}`]);
    expect(result.skipped).toEqual([{ path: at('tree/backups'), reason: 'in the backup directory itself' }]);
  });

  it('refuses to replace a backup taken in the same second, and leaves no temporary file', async () => {
    const first = await writeBackupArchive(request('backups-twice', [{ path: at('srv/config.json') }]));
    await expect(writeBackupArchive(request('backups-twice', [{ path: at('logs/connector.log') }]))).rejects.toThrow(/already exists/);
    expect(await readdir(at('backups-twice'))).toEqual(['prod-20261201T081500Z.tar.gz']);
    expect((await readBack(first.path)).has(`files${at('srv/config.json')}`)).toBe(true);
  });

  it('removes the temporary file when the write fails', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(writeBackupArchive(request('backups-failed', [], { definition: circular }))).rejects.toThrow(/circular/);
    expect(await readdir(at('backups-failed'))).toEqual([]);
  });

  it('on abort in the middle of the write, removes the temporary file and says it aborted', async () => {
    const directory = at('backups-aborted');
    const controller = new AbortController();
    const writing = writeBackupArchive(request('backups-aborted', [{ path: at('big.bin') }], { signal: controller.signal }));
    writing.catch(() => undefined);
    // Abort once the archive is on disk and growing.
    for (;;) {
      const names = await readdir(directory).catch(() => []);
      const partial = names.find((n) => n.endsWith('.partial'));
      if (partial && (await stat(join(directory, partial)).catch(() => undefined))?.size) break;
      await nextTurn();
    }
    controller.abort();
    await expect(writing).rejects.toThrow('backup of prod aborted: no archive was kept');
    expect(await readdir(directory)).toEqual([]);
  });

  it('writes nothing when aborted before it starts', async () => {
    await expect(
      writeBackupArchive(request('backups-never', [{ path: at('srv/config.json') }], { signal: AbortSignal.abort() })),
    ).rejects.toThrow(/aborted/);
    await expect(stat(at('backups-never'))).rejects.toThrow(/ENOENT/);
  });

  it('never shows the archive with another mode, nor a half archive under its final name', async () => {
    const directory = at('backups-watched');
    // With umask 0 a file created with the default mode (0666) and chmod-ed later would be seen world-readable.
    const umask = process.umask(0);
    try {
      const modes = new Set<number>();
      const finalSizes: number[] = [];
      let temporarySeen = 0;
      let writing = true;
      const watching = (async () => {
        while (writing) {
          for (const name of await readdir(directory).catch(() => [])) {
            const stats = await stat(join(directory, name)).catch(() => undefined); // renamed meanwhile
            if (!stats) continue;
            modes.add(stats.mode & 0o777);
            if (name.startsWith('.')) temporarySeen += 1;
            else finalSizes.push(stats.size);
          }
          await nextTurn();
        }
      })();
      const result = await writeBackupArchive(request('backups-watched', [{ path: at('big.bin') }])).finally(() => {
        writing = false;
      });
      await watching;
      expect(temporarySeen).toBeGreaterThan(10);
      expect([...modes]).toEqual([0o600]);
      expect(finalSizes.every((size) => size === result.bytes)).toBe(true);
      expect((await stat(result.path)).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(umask);
    }
  });

  it('lists backups newest first, of all connectors or of one, passing over other files', async () => {
    const directory = 'backups-listed';
    const file = [{ path: at('srv/config.json') }];
    await writeBackupArchive(request(directory, file, { connector: 'prod', takenAt: new Date('2026-12-01T08:15:00Z') }));
    await writeBackupArchive(request(directory, file, { connector: 'prod', takenAt: new Date('2026-12-02T08:15:00Z') }));
    await writeBackupArchive(request(directory, file, { connector: 'staging-2', takenAt: new Date('2026-12-01T12:00:00Z') }));
    await writeFile(at(`${directory}/.prod-20261203T000000Z.tar.gz.1234.partial`), 'unfinished');
    await writeFile(at(`${directory}/notes.txt`), 'not a backup');
    const all = await listBackups(at(directory));
    expect(all.map((b) => [b.connector, b.takenAt.toISOString()])).toEqual([
      ['prod', '2026-12-02T08:15:00.000Z'],
      ['staging-2', '2026-12-01T12:00:00.000Z'],
      ['prod', '2026-12-01T08:15:00.000Z'],
    ]);
    expect(all[0]).toEqual({
      path: at(`${directory}/prod-20261202T081500Z.tar.gz`),
      connector: 'prod',
      takenAt: new Date('2026-12-02T08:15:00Z'),
      bytes: (await stat(at(`${directory}/prod-20261202T081500Z.tar.gz`))).size,
    });
    expect((await listBackups(at(directory), 'prod')).map((b) => b.takenAt.getUTCDate())).toEqual([2, 1]);
    expect(await listBackups(at('no-such-directory'))).toEqual([]);
  });
});
