import { aConnector } from '../support/builders.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES_OPTIONS, ResourcesCheck, type ResourcesCheckOptions } from '../../src/checks/resources.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type {
  ContainerResources,
  ContainerResourcesSource,
  DockerDataRoot,
} from '../../src/integrations/docker/container-stats.ts';
import type { CpuLoad, DiskReading, FileSystemUse, HostResources, MemoryUse } from '../../src/integrations/host/resources.ts';
import { DiskSampleRepository } from '../../src/store/disk-samples.ts';
import { Store } from '../../src/store/store.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const NOW = new Date('2026-08-20T12:00:00Z');

const connector: Connector = aConnector('prod', { container: 'connector' });

type Answer<T> = T | Error | 'hang';

function answer<T>(value: Answer<T>, signal: AbortSignal): Promise<T> {
  if (value instanceof Error) return Promise.reject(value);
  if (value === 'hang') {
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  }
  return Promise.resolve(value);
}

/** A file system with `usedPercent` of `sizeGiB` used, holding the given paths. */
function fileSystem(paths: string[], usedPercent: number, sizeGiB = 100): FileSystemUse {
  const totalBytes = sizeGiB * GiB;
  const usedBytes = (totalBytes * usedPercent) / 100;
  return { paths, totalBytes, usedBytes, availableBytes: totalBytes - usedBytes, usedPercent };
}

class InMemoryHost implements HostResources {
  cpu: Answer<CpuLoad> = { loadAverage: [0.4, 0.6, 0.5], cores: 2, percent: 30 };
  mem: Answer<MemoryUse> = { totalBytes: 16 * GiB, availableBytes: 8 * GiB, usedPercent: 50 };
  fileSystems: FileSystemUse[] = [fileSystem(['/var/lib/docker'], 40), fileSystem(['/data'], 20)];
  diskFailure?: Error;
  askedPaths: string[] = [];

  cpuLoad(signal: AbortSignal): Promise<CpuLoad> {
    return answer(this.cpu, signal);
  }
  memory(signal: AbortSignal): Promise<MemoryUse> {
    return answer(this.mem, signal);
  }
  async disks(paths: readonly string[]): Promise<DiskReading> {
    this.askedPaths = [...paths];
    if (this.diskFailure) throw this.diskFailure;
    const fileSystems = this.fileSystems.filter((fs) => fs.paths.some((p) => paths.includes(p)));
    const known = new Set(fileSystems.flatMap((fs) => fs.paths));
    const unreadable = paths.filter((p) => !known.has(p)).map((path) => ({ path, reason: 'not found' }));
    return { fileSystems, unreadable };
  }
}

class InMemoryDocker implements ContainerResourcesSource {
  root: Answer<DockerDataRoot> = { local: true, path: '/var/lib/docker' };
  container: Answer<ContainerResources> = {
    running: true,
    cpu: { percent: 20, onlineCpus: 2, limitCpus: 1, percentOfAllowed: 20 },
    memory: { usedBytes: 256 * MiB, limitBytes: 512 * MiB, limited: true, percent: 50 },
  };
  dataRoot(signal: AbortSignal): Promise<DockerDataRoot> {
    return answer(this.root, signal);
  }
  containerResources(_container: string, signal: AbortSignal): Promise<ContainerResources> {
    return answer(this.container, signal);
  }
}

let store: Store | undefined;
afterEach(() => store?.close());

function setup(options: Partial<ResourcesCheckOptions> = {}) {
  const host = new InMemoryHost();
  const docker = new InMemoryDocker();
  const check = new ResourcesCheck(host, docker, { ...DEFAULT_RESOURCES_OPTIONS, dataDir: '/data', paths: [], ...options });
  const run = (now = NOW, c = connector) => check.run({ connector: c, signal: new AbortController().signal, now });
  return { host, docker, check, run };
}

function detail(result: CheckResult, label: string) {
  const found = result.details.find((d) => d.label.startsWith(label));
  if (!found) throw new Error(`no detail "${label}" in ${JSON.stringify(result.details.map((d) => d.label))}`);
  return found;
}

describe('ResourcesCheck', () => {
  it('reports host CPU, memory, each disk and the container, all ok', async () => {
    const { run } = setup();
    const result = await run();
    expect(result.id).toBe('resources');
    expect(result.status).toBe('ok');
    expect(detail(result, 'CPU load (host)')).toMatchObject({ status: 'ok', value: '30 % of 2 cores (load average 0.40 / 0.60 / 0.50 over 1 / 5 / 15 min)' });
    expect(detail(result, 'Memory (host)')).toMatchObject({ status: 'ok', value: '50 % used, 8.0 GiB available of 16.0 GiB' });
    expect(detail(result, 'Disk /var/lib/docker (engine data root)')).toMatchObject({ status: 'ok', value: '40 % used, 60.0 GiB free of 100 GiB' });
    expect(detail(result, 'Disk /data (DATA_DIR)').status).toBe('ok');
    expect(detail(result, 'Container connector CPU')).toMatchObject({ status: 'ok', value: '20 % of its limit of 1 CPU; 20 % of one core' });
    expect(detail(result, 'Container connector memory')).toMatchObject({ status: 'ok', value: '256 MiB of its 512 MiB limit (50 %)' });
    expect(result.summary).toBe('CPU 30 %, memory 50 %, disk /var/lib/docker 40 %');
  });

  it('maps each figure to warn and critical at the default 80 / 90 %', async () => {
    const { host, docker, run } = setup();
    host.mem = { totalBytes: 16 * GiB, availableBytes: 2.4 * GiB, usedPercent: 85 };
    host.fileSystems = [fileSystem(['/var/lib/docker'], 79.9), fileSystem(['/data'], 90)];
    docker.container = {
      running: true,
      cpu: { percent: 95, onlineCpus: 2, percentOfAllowed: 47.5 },
      memory: { usedBytes: 500 * MiB, limitBytes: 512 * MiB, limited: true, percent: 97.7 },
    };
    const result = await run();
    expect(detail(result, 'Memory (host)').status).toBe('warn');
    expect(detail(result, 'Disk /var/lib/docker').status).toBe('ok');
    expect(detail(result, 'Disk /data').status).toBe('critical');
    expect(detail(result, 'Container connector CPU')).toMatchObject({
      status: 'ok',
      value: "48 % of the host's 2 CPUs (no limit set); 95 % of one core",
    });
    expect(detail(result, 'Container connector memory').status).toBe('critical');
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('disk /data 90 % (critical), container memory 98 % (critical), memory 85 % (warn)');
  });

  it('takes configured thresholds', async () => {
    const { run } = setup({
      thresholds: { cpu: { warn: 25, critical: 60 }, memory: { warn: 80, critical: 90 }, disk: { warn: 30, critical: 95 } },
    });
    const result = await run();
    expect(detail(result, 'CPU load').status).toBe('warn');
    expect(detail(result, 'Disk /var/lib/docker').status).toBe('warn');
    expect(detail(result, 'Disk /data').status).toBe('ok');
    expect(result.status).toBe('warn');
  });

  it('marks only the part it cannot read as unknown', async () => {
    const { host, run } = setup();
    host.mem = new Error('EACCES: permission denied, open /proc/meminfo');
    const result = await run();
    expect(detail(result, 'Memory (host)')).toEqual({
      label: 'Memory (host)',
      value: 'could not read: EACCES: permission denied, open /proc/meminfo',
      status: 'unknown',
    });
    expect(detail(result, 'CPU load').status).toBe('ok');
    expect(detail(result, 'Disk /data').status).toBe('ok');
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('memory unreadable (unknown)');
  });

  it('answers within its time bound when a part hangs', async () => {
    const { host, docker, run } = setup({ timeoutMs: 100 });
    host.cpu = 'hang';
    docker.container = 'hang';
    // The parts never answer: only the time bound gives these results.
    const result = await run();
    expect(detail(result, 'CPU load')).toMatchObject({ status: 'unknown', value: 'could not read: timed out' });
    expect(detail(result, 'Container connector')).toMatchObject({ status: 'unknown', value: 'could not read: timed out' });
    expect(detail(result, 'Memory (host)').status).toBe('ok');
  });

  it('does not measure the data root of a remote engine, and says so', async () => {
    const { host, docker, run } = setup();
    docker.root = { local: false, engine: 'https://docker.example.org:2376' };
    const result = await run();
    expect(host.askedPaths).toEqual(['/data']);
    expect(detail(result, "Disk of the engine's data root")).toEqual({
      label: "Disk of the engine's data root",
      value: 'not measured: the engine at https://docker.example.org:2376 is remote, its data root is on that host',
    });
    expect(detail(result, "CPU load (bot's host)").status).toBe('ok');
    expect(result.status).toBe('ok');
  });

  it('still measures the other paths when the engine cannot be asked', async () => {
    const { host, docker, run } = setup({ paths: ['/srv/mongo'] });
    docker.root = new Error('connect ENOENT /var/run/docker.sock');
    host.fileSystems = [fileSystem(['/data', '/srv/mongo'], 50)];
    const result = await run();
    expect(detail(result, "Disk of the engine's data root")).toMatchObject({ status: 'unknown' });
    // Both paths sit on one file system: one detail names both with their roles.
    expect(detail(result, 'Disk /data (DATA_DIR), /srv/mongo (configured)').status).toBe('ok');
  });

  it('reports a path that cannot be measured as unknown', async () => {
    const { run } = setup({ paths: ['/srv/mongo'] });
    const result = await run();
    expect(detail(result, 'Disk /srv/mongo (configured)')).toMatchObject({ status: 'unknown', value: 'could not read: not found' });
  });

  it('says a stopped container has nothing to measure', async () => {
    const { docker, run } = setup();
    docker.container = { running: false, state: 'exited' };
    const result = await run();
    expect(detail(result, 'Container connector')).toEqual({ label: 'Container connector', value: 'not running (exited): nothing to measure' });
    expect(result.status).toBe('ok');
  });

  it('reports a container without memory limit, and an engine without a CPU sample', async () => {
    const { docker, run } = setup();
    docker.container = {
      running: true,
      memory: { usedBytes: 1 * GiB, limitBytes: 16 * GiB, limited: false, percent: 6.25 },
    };
    const result = await run();
    expect(detail(result, 'Container connector memory').value).toBe("1.0 GiB, no limit set (6.3 % of the host's 16.0 GiB)");
    expect(detail(result, 'Container connector CPU')).toMatchObject({ status: 'unknown' });
  });

  it('leaves out the container for a connector without one', async () => {
    const { run } = setup();
    const result = await run(NOW, { ...connector, container: undefined });
    expect(result.details.some((d) => d.label.startsWith('Container'))).toBe(false);
  });
});

describe('ResourcesCheck disk forecast', () => {
  function withStore(options: Partial<ResourcesCheckOptions> = {}) {
    store = Store.open(':memory:');
    const samples = new DiskSampleRepository(store);
    return { samples, ...setup({ sampleStore: samples, ...options }) };
  }

  /** Hourly samples of /data over the last `hours`, rising `gibPerDay` up to `usedPercent` now. */
  function rising(samples: DiskSampleRepository, usedPercent: number, gibPerDay: number, hours = 48) {
    for (let h = hours; h >= 1; h--) {
      const used = (usedPercent / 100) * 100 * GiB - (h / 24) * gibPerDay * GiB;
      samples.add({ path: '/data', sampledAt: new Date(NOW.getTime() - h * 3_600_000), usedBytes: used, totalBytes: 100 * GiB });
    }
  }

  it('only reads samples: sampling is the disk sampler\'s', async () => {
    const { samples, run } = withStore();
    await run();
    expect(samples.since('/data', new Date(0))).toEqual([]);
  });

  it('warns when a rising disk is full within the warning days', async () => {
    const { samples, host, run } = withStore();
    host.fileSystems = [fileSystem(['/data'], 50)];
    rising(samples, 50, 5); // 50 GiB left at 5 GiB a day: ten days
    const result = await run();
    expect(detail(result, 'Disk /data')).toMatchObject({
      status: 'warn',
      value: '50 % used, 50.0 GiB free of 100 GiB; rising 5.0 GiB/day, full in ~10 days',
    });
    expect(result.summary).toContain('disk /data rising 5.0 GiB/day, full in ~10 days (warn)');
  });

  it('goes critical when full within the critical days', async () => {
    const { samples, host, run } = withStore();
    host.fileSystems = [fileSystem(['/data'], 70)];
    rising(samples, 70, 12); // 30 GiB left at 12 GiB a day
    const result = await run();
    expect(detail(result, 'Disk /data')).toMatchObject({ status: 'critical', value: expect.stringContaining('full in ~2 days') });
  });

  it('says nothing of the future for a flat disk', async () => {
    const { samples, host, run } = withStore();
    host.fileSystems = [fileSystem(['/data'], 50)];
    rising(samples, 50, 0);
    const result = await run();
    expect(detail(result, 'Disk /data')).toMatchObject({ status: 'ok', value: '50 % used, 50.0 GiB free of 100 GiB' });
  });

  it('keeps the disk figure and marks the forecast unknown when the store fails', async () => {
    const { host, run } = withStore();
    host.fileSystems = [fileSystem(['/data'], 50)];
    store?.close();
    const result = await run();
    expect(detail(result, 'Disk /data')).toMatchObject({ status: 'ok', value: '50 % used, 50.0 GiB free of 100 GiB' });
    expect(detail(result, 'Disk forecast /data')).toMatchObject({ status: 'unknown' });
  });
});
