import { aConnector, fixtureDockerClient, testDockerClient } from '../support/builders.ts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES_OPTIONS, ResourcesCheck } from '../../src/checks/resources.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { DockerContainerStats } from '../../src/integrations/docker/container-stats.ts';
import { LocalHostResources } from '../../src/integrations/host/resources.ts';
import { DiskSampleRepository } from '../../src/store/disk-samples.ts';
import { DiskSampler } from '../../src/scheduler/disk-sampler.ts';
import { silentLogger } from '../support/builders.ts';
import { Store } from '../../src/store/store.ts';
import { importBusyboxImage, requireBusybox } from '../support/busybox-image.ts';
import { ENGINE_KINDS, describeWith, requireDockerEngine } from '../support/requirements.ts';
import { testLabels } from '../support/standin.ts';
import { validCheck } from '../support/report-schema.ts';

const MiB = 1024 ** 2;
describeWith([], 'disks of the real host', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cops-resources-'));
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('measures a host path as df does, and one file system once', async () => {
    const sub = join(dataDir, 'sub');
    await mkdir(sub);
    const reading = await new LocalHostResources().disks([dataDir, sub, join(dataDir, 'missing')], AbortSignal.timeout(5_000));
    expect(reading.fileSystems).toHaveLength(1);
    const fs = reading.fileSystems[0]!;
    expect(fs.paths).toEqual([dataDir, sub]);
    expect(reading.unreadable).toEqual([{ path: join(dataDir, 'missing'), reason: expect.stringContaining('not found') }]);

    const { stdout } = await promisify(execFile)('df', ['-P', '-k', dataDir]);
    const columns = stdout.trim().split('\n').at(-1)!.split(/\s+/);
    const [sizeKiB, , availableKiB, usePercent] = columns.slice(1, 5).map((c) => Number.parseInt(c, 10));
    expect(fs.totalBytes / 1024).toBe(sizeKiB);
    // df rounds up; the disk may move by a few blocks between the two looks.
    expect(Math.abs(Math.ceil(fs.usedPercent) - usePercent!)).toBeLessThanOrEqual(1);
    expect(Math.abs(fs.availableBytes / 1024 - availableKiB!)).toBeLessThan(256 * 1024);
  });
});

describe.each(ENGINE_KINDS)('resources against the real $kind engine and host', ({ kind, engine }) => {
  describeWith([requireDockerEngine(engine), requireBusybox()], `${kind}`, () => {
  const docker = testDockerClient(engine);
  const fixture = fixtureDockerClient(engine);
  const run = randomBytes(4).toString('hex');
  const repo = 'cops-test.local/resources-busybox';
  let imageId: string;
  const containers: Docker.Container[] = [];
  let dataDir: string;
  let store: Store;

  async function sleeper(name: string, hostConfig: Docker.HostConfig): Promise<string> {
    const container = await fixture.createContainer({
      name,
      Image: `${repo}:${run}`,
      Cmd: ['/bin/busybox', 'sleep', '300'],
      Labels: testLabels(),
      HostConfig: { NetworkMode: 'none', ...hostConfig },
    });
    containers.push(container);
    await container.start();
    return name;
  }

  beforeAll(async () => {
    imageId = await importBusyboxImage(fixture, repo, run);
    dataDir = await mkdtemp(join(tmpdir(), 'cops-resources-'));
    store = Store.open(join(dataDir, 'store.sqlite'));
  });

  afterAll(async () => {
    store?.close();
    for (const container of containers) await container.remove({ force: true }).catch(() => undefined);
    if (imageId) await fixture.getImage(imageId).remove({ force: true }).catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reads a container memory use against its limit, and its CPU limit', async () => {
    const name = await sleeper(`cops-test-resources-limited-${run}`, { Memory: 64 * MiB, NanoCpus: 500_000_000 });
    const resources = await new DockerContainerStats(docker).containerResources(name, AbortSignal.timeout(10_000));
    expect(resources.running).toBe(true);
    if (!resources.running) return;
    expect(resources.memory).toMatchObject({ limitBytes: 64 * MiB, limited: true });
    expect(resources.memory?.usedBytes).toBeGreaterThan(0);
    expect(resources.memory?.usedBytes).toBeLessThan(64 * MiB);
    // stream=false waits for a second sample, so there is a CPU figure, near zero for `sleep`.
    expect(resources.cpu).toMatchObject({ limitCpus: 0.5 });
    expect(resources.cpu?.percent).toBeLessThan(20);
  });

  it('tells a container without a memory limit from a limited one', async () => {
    const name = await sleeper(`cops-test-resources-unlimited-${run}`, {});
    const resources = await new DockerContainerStats(docker).containerResources(name, AbortSignal.timeout(10_000));
    const info = (await fixture.info()) as { MemTotal: number };
    expect(resources).toMatchObject({ running: true, memory: { limited: false, limitBytes: info.MemTotal } });
  });

  it('reports host, disks with their roles, and the container in one check result', async () => {
    const name = await sleeper(`cops-test-resources-check-${run}`, { Memory: 32 * MiB });
    const connector: Connector = aConnector('it', { container: name });
    const samples = new DiskSampleRepository(store);
    const check = new ResourcesCheck(new LocalHostResources(), new DockerContainerStats(docker), {
      ...DEFAULT_RESOURCES_OPTIONS,
      thresholds: { ...DEFAULT_RESOURCES_OPTIONS.thresholds, disk: { warn: 99.9, critical: 100 } },
      dataDir,
      paths: [],
      sampleStore: samples,
    });
    const now = new Date();
    const result = await check.run({ connector, signal: AbortSignal.timeout(15_000), now }).then(validCheck);

    const byLabel = new Map(result.details.map((d) => [d.label, d]));
    expect(byLabel.get('CPU load (host)')?.status).toMatch(/^(ok|warn|critical)$/);
    expect(byLabel.get('Memory (host)')?.value).toMatch(/% used, .* available of /);
    expect(byLabel.get(`Container ${name} memory`)?.value).toMatch(/ of its 32\.0 MiB limit \(/);
    expect(byLabel.get(`Container ${name} CPU`)?.value).toMatch(/no limit set/);

    const dockerRoot = ((await fixture.info()) as { DockerRootDir: string }).DockerRootDir;
    const disks = result.details.filter((d) => d.label.startsWith('Disk '));
    const rootDisk = disks.find((d) => d.label.includes(`${dockerRoot} (engine data root)`));
    const dataDisk = disks.find((d) => d.label.includes(`${dataDir} (DATA_DIR)`));
    expect(rootDisk?.status).toBe('ok');
    expect(dataDisk?.value).toMatch(/^\d+(\.\d)? % used, .* free of /);
    expect(samples.since(dataDir, new Date(0))).toEqual([]);
    expect(result.status).not.toBe('unknown');

    // The disk sampler, not the check, writes the samples the forecast reads: the real host, the real engine.
    const sampler = new DiskSampler({
      host: new LocalHostResources(),
      dataRoots: [new DockerContainerStats(docker)],
      paths: [dataDir],
      samples,
      logger: silentLogger(),
    });
    await sampler.sampleOnce();
    for (const path of [dockerRoot, dataDir]) expect(samples.since(path, new Date(now.getTime() - 1)), path).toHaveLength(1);
  });
  });
});
