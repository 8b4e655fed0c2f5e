import { aConnector } from '../support/builders.ts';
import { validCheck } from '../support/report-schema.ts';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyDockerMaterial, DEFAULT_OLD_MATERIAL_OPTIONS, OldMaterialCheck, type OldMaterialCheckOptions } from '../../src/checks/old-material.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type {
  ContainerListing,
  ImageListing,
  OldFilesScan,
  OldMaterialSource,
} from '../../src/integrations/docker/old-material.ts';

const MiB = 1024 ** 2;
const DAY = 86_400_000;
const NOW = new Date('2026-08-20T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

function image(id: string, refs: { tags?: string[]; digests?: string[] }, sizeMiB: number, createdDaysAgo = 60): ImageListing {
  return { id: `sha256:${id.padEnd(64, '0')}`, repoTags: refs.tags ?? [], repoDigests: refs.digests ?? [], sizeBytes: sizeMiB * MiB, createdAt: daysAgo(createdDaysAgo) };
}

function container(name: string, img: ImageListing | string, state: string, createdDaysAgo = 10): ContainerListing {
  const imageId = typeof img === 'string' ? `sha256:${'f'.repeat(64)}` : img.id;
  const ref = typeof img === 'string' ? img : (img.repoTags[0] ?? img.id);
  return { id: createHash('sha256').update(name).digest('hex'), name, image: ref, imageId, state, createdAt: daysAgo(createdDaysAgo) };
}

const running = image('a1', { tags: ['ghcr.io/nmshd/connector:7.4.6'], digests: ['ghcr.io/nmshd/connector@sha256:aa'] }, 400);
const previous = image('b2', { tags: ['ghcr.io/nmshd/connector:7.3.0'] }, 390, 90);
const untagged = image('c3', { digests: ['ghcr.io/nmshd/connector@sha256:cc'] }, 380, 120);
const harbor = image('d4', { tags: ['harbor.example.org:8443/mirror/nmshd/connector:6.9.0'] }, 500, 300);
const mongo = image('e5', { tags: ['mongo:7'] }, 700);
const lookalike = image('f6', { tags: ['ghcr.io/nmshd/connector-ui:1.0.0', 'ghcr.io/other/connector:1'] }, 100);
const stoppedOld = image('a7', { tags: ['ghcr.io/nmshd/connector:7.2.0'] }, 370);

describe('classifyDockerMaterial', () => {
  const images = [running, previous, untagged, harbor, mongo, lookalike, stoppedOld];
  const containers = [
    container('connector', running, 'running'),
    container('mongo', mongo, 'running'),
    container('connector-old', stoppedOld, 'exited', 40),
    container('connector-dead', running, 'dead', 20),
    container('connector-moved', 'sha256:0123456789ab', 'exited', 5),
    container('tools', 'busybox:latest', 'exited'),
    container('connector-paused', running, 'paused'),
  ];

  it('lists Connector images that no container uses, stopped ones included, largest first', () => {
    const { unusedImages } = classifyDockerMaterial(images, containers, ['connector']);
    expect(unusedImages.map((i) => i.id)).toEqual([harbor.id, previous.id, untagged.id]);
  });

  it('counts an image used by a stopped container as used', () => {
    const { unusedImages } = classifyDockerMaterial(images, containers, []);
    expect(unusedImages).not.toContainEqual(stoppedOld);
  });

  it('lists exited and dead Connector containers, oldest first, not the connectors own', () => {
    const containersWithMoved = containers.map((c) => (c.name === 'connector-moved' ? { ...c, imageId: previous.id } : c));
    const { exitedContainers } = classifyDockerMaterial(images, containersWithMoved, ['/connector-dead']);
    // connector-moved lists its image by id: it is known as a Connector container through the image.
    expect(exitedContainers.map((c) => c.name)).toEqual(['connector-old', 'connector-moved']);
  });

  it('matches own containers by name or id prefix', () => {
    const old = containers.find((c) => c.name === 'connector-old') as ContainerListing;
    expect(classifyDockerMaterial(images, containers, [old.id.slice(0, 12)]).exitedContainers.map((c) => c.name)).toEqual([
      'connector-dead',
    ]);
  });

  it('recognises Connector images by tag or digest under any registry, nothing else', () => {
    const { unusedImages } = classifyDockerMaterial(images, [], []);
    const ids = unusedImages.map((i) => i.id);
    expect(ids).toContain(untagged.id);
    expect(ids).toContain(harbor.id);
    expect(ids).not.toContain(mongo.id);
    expect(ids).not.toContain(lookalike.id);
  });
});

class InMemorySource implements OldMaterialSource {
  imageList: ImageListing[] | Error = [];
  containerList: ContainerListing[] = [];
  finished = new Map<string, Date>();
  files = new Map<string, OldFilesScan | Error>();
  asked: Array<{ patterns: readonly string[]; cutoff: Date }> = [];

  async images(): Promise<ImageListing[]> {
    if (this.imageList instanceof Error) throw this.imageList;
    return this.imageList;
  }
  async containers(): Promise<ContainerListing[]> {
    return this.containerList;
  }
  async finishedAt(id: string): Promise<Date | undefined> {
    return this.finished.get(id);
  }
  async filesOlderThan(patterns: readonly string[], cutoff: Date): Promise<OldFilesScan> {
    this.asked.push({ patterns, cutoff });
    const answer = this.files.get(patterns.join('|')) ?? { files: [], unreadable: [], truncated: false };
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

const connector: Connector = aConnector('prod', { container: 'connector' });

function setup(options: Partial<OldMaterialCheckOptions> = {}) {
  const source = new InMemorySource();
  const check = new OldMaterialCheck(source, { ...DEFAULT_OLD_MATERIAL_OPTIONS, ...options });
  const run = (c: Connector = connector) => check.run({ connector: c, signal: new AbortController().signal, now: NOW });
  return { source, run };
}

const labels = (result: CheckResult) => result.details.map((d) => `${d.label}: ${d.value}`);

describe('OldMaterialCheck', () => {
  it('is ok when there is nothing old', async () => {
    const { source, run } = setup();
    source.imageList = [running];
    source.containerList = [container('connector', running, 'running')];
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('No old material');
    expect(labels(result)).toEqual([
      'Unused Connector images: none',
      'Exited Connector containers: none',
      'Log files older than 30 days: no paths configured',
      'Backups older than 30 days: no paths configured',
    ]);
  });

  it('lists unused images and exited containers; ok below the size threshold', async () => {
    const { source, run } = setup();
    source.imageList = [running, previous, stoppedOld];
    const old = container('connector-old', running, 'exited', 40);
    source.containerList = [container('connector', running, 'running'), old];
    source.finished.set(old.id, daysAgo(35));
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('2 unused Connector images (760 MiB), 1 exited Connector container');
    expect(labels(result)).toEqual([
      'Unused Connector images: 2 images, 760 MiB (shared layers may make this more than removing them frees)',
      'Unused image: ghcr.io/nmshd/connector:7.3.0 (b20000000000), 390 MiB, created 90 days ago',
      'Unused image: ghcr.io/nmshd/connector:7.2.0 (a70000000000), 370 MiB, created 60 days ago',
      'Exited Connector containers: 1 container',
      'Exited container: connector-old (ghcr.io/nmshd/connector:7.4.6), exited, stopped 35 days ago',
      'Log files older than 30 days: no paths configured',
      'Backups older than 30 days: no paths configured',
    ]);
  });

  it('carries every item with its size as data, beyond the listed ones; a part it could not read is left out', async () => {
    const { source, run } = setup({ listLimit: 1, backupPaths: ['/backups'] });
    source.imageList = [running, previous, stoppedOld];
    const old = container('connector-old', running, 'exited', 40);
    source.containerList = [container('connector', running, 'running'), old];
    source.files.set('/backups', { files: [{ path: '/backups/x.gz', modifiedAt: daysAgo(40), sizeBytes: 7 * MiB }], unreadable: [], truncated: false });
    const result = validCheck(await run());
    expect(result.data).toEqual({
      unusedImages: [
        { id: previous.id, references: ['ghcr.io/nmshd/connector:7.3.0'], sizeBytes: 390 * MiB, createdAt: daysAgo(90).toISOString() },
        { id: stoppedOld.id, references: ['ghcr.io/nmshd/connector:7.2.0'], sizeBytes: 370 * MiB, createdAt: daysAgo(60).toISOString() },
      ],
      exitedContainers: [{ id: old.id, name: 'connector-old', image: 'ghcr.io/nmshd/connector:7.4.6', state: 'exited', createdAt: daysAgo(40).toISOString() }],
      oldBackups: [{ path: '/backups/x.gz', sizeBytes: 7 * MiB, modifiedAt: daysAgo(40).toISOString() }],
    });
    source.imageList = new Error('connect ENOENT /var/run/docker.sock');
    expect(validCheck(await run()).data).toEqual({ oldBackups: [{ path: '/backups/x.gz', sizeBytes: 7 * MiB, modifiedAt: daysAgo(40).toISOString() }] });
  });

  it('warns when unused images hold more than the threshold', async () => {
    const { source, run } = setup({ unusedImageWarnBytes: 500 * MiB });
    source.imageList = [previous, untagged];
    const result = await run();
    expect(result.status).toBe('warn');
    expect(result.details[0]).toMatchObject({ label: 'Unused Connector images', status: 'warn' });
    expect(labels(result)).toContain('Unused image: ghcr.io/nmshd/connector untagged (c30000000000), 380 MiB, created 120 days ago');
  });

  it('limits each list and says how many more there are', async () => {
    const { source, run } = setup({ listLimit: 2 });
    source.imageList = [previous, untagged, harbor, stoppedOld];
    const result = await run();
    const images = labels(result).filter((l) => l.startsWith('Unused image') || l.startsWith('…'));
    expect(images).toHaveLength(3);
    expect(images[2]).toBe('…: and 2 more');
  });

  it('warns about log files and backups past their retention', async () => {
    const { source, run } = setup({ logPaths: ['/var/log/connector'], backupPaths: ['/backups/*.gz'], backupRetentionDays: 14 });
    source.files.set('/var/log/connector|/logs/connector.log', {
      files: [{ path: '/var/log/connector/connector.log.3', modifiedAt: daysAgo(45), sizeBytes: 10 * MiB }],
      unreadable: [],
      truncated: false,
    });
    source.files.set('/backups/*.gz', {
      files: [
        { path: '/backups/a.gz', modifiedAt: daysAgo(20), sizeBytes: 100 * MiB },
        { path: '/backups/b.gz', modifiedAt: daysAgo(15), sizeBytes: 100 * MiB },
      ],
      unreadable: [{ path: '/backups/private', reason: 'no permission' }],
      truncated: true,
    });
    const result = await run({ ...connector, logFiles: ['/logs/connector.log'] });
    expect(source.asked).toEqual([
      { patterns: ['/var/log/connector', '/logs/connector.log'], cutoff: daysAgo(30) },
      { patterns: ['/backups/*.gz'], cutoff: daysAgo(14) },
    ]);
    // The unreadable backup folder makes the check unknown: it could not look everywhere.
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('1 log file past retention, 2 backups past retention');
    expect(labels(result)).toEqual(
      expect.arrayContaining([
        'Log files older than 30 days: 1 file, 10.0 MiB',
        'Old log file: /var/log/connector/connector.log.3, 10.0 MiB, modified 45 days ago',
        'Backups older than 14 days: 2 files, 200 MiB (the walk stopped at its bound: there may be more)',
        'Old backup: /backups/a.gz, 100 MiB, modified 20 days ago',
        'Backups /backups/private: could not read: no permission',
      ]),
    );
    expect(result.details.find((d) => d.label === 'Log files older than 30 days')?.status).toBe('warn');
  });

  it('reports the files even when Docker cannot be asked', async () => {
    const { source, run } = setup({ backupPaths: ['/backups'] });
    source.imageList = new Error('connect ENOENT /var/run/docker.sock');
    source.files.set('/backups', { files: [{ path: '/backups/x', modifiedAt: daysAgo(40), sizeBytes: 1 }], unreadable: [], truncated: false });
    const result = await run();
    expect(result.status).toBe('unknown');
    expect(result.details[0]).toEqual({
      label: 'Connector images and containers',
      value: 'could not read: connect ENOENT /var/run/docker.sock',
      status: 'unknown',
    });
    expect(result.summary).toBe('1 backup past retention');
  });

  it('marks a failed file scan unknown and keeps the rest', async () => {
    const { source, run } = setup({ logPaths: ['/var/log/connector'] });
    source.files.set('/var/log/connector', new Error('timed out'));
    const result = await run();
    expect(result.details.find((d) => d.label.startsWith('Log files'))).toEqual({
      label: 'Log files older than 30 days',
      value: 'could not read: timed out',
      status: 'unknown',
    });
    expect(result.summary).toBe('Nothing old found, but not everything could be read');
  });
});
