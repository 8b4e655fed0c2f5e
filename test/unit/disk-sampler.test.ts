import { describe, expect, it } from 'vitest';
import type { DockerDataRoot } from '../../src/integrations/docker/container-stats.ts';
import { memoryUse, type DiskReading, type FileSystemUse, type MemoryUse } from '../../src/integrations/host/resources.ts';
import { DiskSampler } from '../../src/scheduler/disk-sampler.ts';
import { DiskSampleRepository } from '../../src/store/disk-samples.ts';
import { MemorySampleRepository } from '../../src/store/memory-samples.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../support/builders.ts';

const GiB = 1024 ** 3;
const NOW = new Date('2026-08-20T12:00:00Z');

function fileSystem(paths: string[], usedGiB: number): FileSystemUse {
  return { paths, totalBytes: 100 * GiB, usedBytes: usedGiB * GiB, availableBytes: (100 - usedGiB) * GiB, usedPercent: usedGiB };
}

function setup(roots: Array<DockerDataRoot | Error>, fileSystems: FileSystemUse[], paths = ['/data']) {
  const store = Store.open(':memory:');
  const samples = new DiskSampleRepository(store);
  const asked: string[][] = [];
  const host = {
    async disks(wanted: readonly string[]): Promise<DiskReading> {
      asked.push([...wanted]);
      return { fileSystems: fileSystems.filter((fs) => fs.paths.some((p) => wanted.includes(p))), unreadable: [] };
    },
  };
  const dataRoots = roots.map((root) => ({ dataRoot: async () => (root instanceof Error ? Promise.reject(root) : root) }));
  const sampler = new DiskSampler({ host, dataRoots, paths, samples, logger: silentLogger(), now: () => NOW });
  return { store, samples, sampler, asked };
}

describe('DiskSampler', () => {
  it('samples the local engines\' data roots and the configured paths, under every path of each file system', async () => {
    const { samples, sampler, asked, store } = setup(
      [{ local: true, path: '/var/lib/docker' }, { local: true, path: '/srv/docker2' }, { local: false, engine: 'tcp://remote:2376' }],
      [fileSystem(['/var/lib/docker', '/srv/docker2'], 40), fileSystem(['/data'], 20)],
    );
    await sampler.sampleOnce();
    expect(asked).toEqual([['/var/lib/docker', '/srv/docker2', '/data']]);
    for (const path of ['/var/lib/docker', '/srv/docker2']) {
      expect(samples.since(path, new Date(0))).toEqual([{ path, sampledAt: NOW, usedBytes: 40 * GiB, totalBytes: 100 * GiB }]);
    }
    expect(samples.since('/data', new Date(0))).toHaveLength(1);
    store.close();
  });

  it('an engine that cannot be asked costs only its own data root', async () => {
    const { samples, sampler, store } = setup([new Error('engine gone')], [fileSystem(['/data'], 20)]);
    await sampler.sampleOnce();
    expect(samples.since('/data', new Date(0))).toHaveLength(1);
    store.close();
  });

  it('drops samples older than 30 days', async () => {
    const { samples, sampler, store } = setup([], [fileSystem(['/data'], 20)]);
    samples.add({ path: '/data', sampledAt: new Date(NOW.getTime() - 31 * 86_400_000), usedBytes: 1, totalBytes: 100 * GiB });
    samples.add({ path: '/data', sampledAt: new Date(NOW.getTime() - 29 * 86_400_000), usedBytes: 1, totalBytes: 100 * GiB });
    await sampler.sampleOnce();
    expect(samples.since('/data', new Date(0)).map((s) => s.sampledAt)).toEqual([new Date(NOW.getTime() - 29 * 86_400_000), NOW]);
    store.close();
  });

  it('never runs two samples at once, samples at start and on its interval, and stop() waits', async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const host = {
      async disks(): Promise<DiskReading> {
        runs++;
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
        return { fileSystems: [], unreadable: [] };
      },
    };
    const store = Store.open(':memory:');
    const sampler = new DiskSampler({ host, dataRoots: [], paths: ['/data'], samples: new DiskSampleRepository(store), logger: silentLogger(), intervalMs: 5 });
    sampler.start();
    // Each sample takes six intervals: a sampler that overlapped them would have had several at once by the third.
    await expect.poll(() => runs, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await sampler.stop();
    expect(most).toBe(1);
    expect(inFlight).toBe(0);
    store.close();
  });

  it('runs the checks of the background run after the samples, in the same round: one round at a time, and stop() waits only for the samples', async () => {
    const store = Store.open(':memory:');
    const samples = new DiskSampleRepository(store);
    const host = { disks: async (): Promise<DiskReading> => ({ fileSystems: [fileSystem(['/data'], 20)], unreadable: [] }) };
    let rounds = 0;
    let samplesSeen = -1;
    let finish = () => {};
    const alsoEachRound = () => {
      rounds++;
      samplesSeen = samples.since('/data', new Date(0)).length;
      return new Promise<void>((done) => (finish = done));
    };
    const sampler = new DiskSampler({ host, dataRoots: [], paths: ['/data'], samples, logger: silentLogger(), now: () => NOW, alsoEachRound });
    const first = sampler.sampleOnce();
    const second = sampler.sampleOnce();
    await expect.poll(() => rounds, { timeout: 5_000 }).toBe(1);
    expect(samplesSeen).toBe(1);
    // The checks still run: stopping does not wait for them (they write nothing).
    await sampler.stop();
    finish();
    await Promise.all([first, second]);
    expect(rounds).toBe(1);
    store.close();
  });

  it('survives a failing disk read (logged, not thrown)', async () => {
    const store = Store.open(':memory:');
    const host = { disks: async (): Promise<DiskReading> => Promise.reject(new Error('statfs failed')) };
    const sampler = new DiskSampler({ host, dataRoots: [], paths: ['/data'], samples: new DiskSampleRepository(store), logger: silentLogger() });
    await expect(sampler.sampleOnce()).resolves.toBeUndefined();
    store.close();
  });

  describe('host memory', () => {
    function withMemory(read: () => Promise<MemoryUse>, options: { paths?: string[]; disks?: () => Promise<DiskReading> } = {}) {
      const store = Store.open(':memory:');
      const disks = new DiskSampleRepository(store);
      const memory = new MemorySampleRepository(store);
      const host = { disks: options.disks ?? (async (): Promise<DiskReading> => ({ fileSystems: [fileSystem(['/data'], 20)], unreadable: [] })) };
      const sampler = new DiskSampler({
        host,
        dataRoots: [],
        paths: options.paths ?? ['/data'],
        samples: disks,
        memory: { host: { memory: read }, samples: memory },
        logger: silentLogger(),
        now: () => NOW,
      });
      return { store, disks, memory, sampler };
    }

    it('is sampled with the disks, at the same moment: used is total minus available', async () => {
      const { store, disks, memory, sampler } = withMemory(async () => memoryUse(16 * GiB, 6 * GiB));
      await sampler.sampleOnce();
      expect(memory.since(new Date(0))).toEqual([{ sampledAt: NOW, usedBytes: 10 * GiB, totalBytes: 16 * GiB }]);
      expect(disks.since('/data', new Date(0))).toHaveLength(1);
      store.close();
    });

    it('is sampled when there is no disk to sample, and a failing disk read does not cost it', async () => {
      for (const options of [{ paths: [] }, { disks: async (): Promise<DiskReading> => Promise.reject(new Error('statfs failed')) }]) {
        const { store, memory, sampler } = withMemory(async () => memoryUse(16 * GiB, 8 * GiB), options);
        await sampler.sampleOnce();
        expect(memory.since(new Date(0))).toHaveLength(1);
        store.close();
      }
    });

    it('a failing memory read does not cost the disks (logged, not thrown)', async () => {
      const { store, disks, memory, sampler } = withMemory(async () => Promise.reject(new Error('no /proc/meminfo')));
      await expect(sampler.sampleOnce()).resolves.toBeUndefined();
      expect(memory.since(new Date(0))).toEqual([]);
      expect(disks.since('/data', new Date(0))).toHaveLength(1);
      store.close();
    });

    it('drops memory samples older than 30 days', async () => {
      const { store, memory, sampler } = withMemory(async () => memoryUse(16 * GiB, 8 * GiB));
      const old = new Date(NOW.getTime() - 31 * 86_400_000);
      const kept = new Date(NOW.getTime() - 29 * 86_400_000);
      memory.add({ sampledAt: old, usedBytes: 1, totalBytes: 16 * GiB });
      memory.add({ sampledAt: kept, usedBytes: 1, totalBytes: 16 * GiB });
      await sampler.sampleOnce();
      expect(memory.since(new Date(0)).map((s) => s.sampledAt)).toEqual([kept, NOW]);
      store.close();
    });
  });
});
