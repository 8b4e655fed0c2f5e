import type { ContainerResourcesSource } from '../integrations/docker/container-stats.ts';
import type { HostResources } from '../integrations/host/resources.ts';
import type { Logger } from '../logging/logger.ts';
import type { DiskSampleRepository } from '../store/disk-samples.ts';
import type { MemorySampleRepository } from '../store/memory-samples.ts';
import type { Service } from '../domain/service.ts';

export interface DiskSamplerOptions {
  host: Pick<HostResources, 'disks'>;
  /** Each engine's data root; only those on this host can be measured here. */
  dataRoots: ReadonlyArray<Pick<ContainerResourcesSource, 'dataRoot'>>;
  /** DATA_DIR and the configured paths. */
  paths: readonly string[];
  samples: Pick<DiskSampleRepository, 'add' | 'prune'>;
  /** Host memory, sampled at the same moments for the daily report's chart; without it only disks are sampled. */
  memory?: { host: Pick<HostResources, 'memory'>; samples: Pick<MemorySampleRepository, 'add' | 'prune'> };
  logger: Logger;
  intervalMs?: number;
  /**
   * Run after each sample, in the same round: the background run of the checks that keeps /metrics current.
   * A round still running when the next is due is not doubled.
   */
  alsoEachRound?: () => Promise<void>;
  now?: () => Date;
}

const DEFAULT_INTERVAL_MS = 15 * 60_000;
const READ_TIMEOUT_MS = 10_000;
const RETENTION_MS = 30 * 86_400_000;

/**
 * The bot's background run. Samples disk use (and host memory), so that the resources check can forecast when a
 * disk fills up even when nobody asks in chat, and the daily report can chart the last days; it only writes
 * samples, the check and the report only read them. Then it runs what else each round holds (the checks).
 */
export class DiskSampler implements Service {
  readonly name = 'disk sampler';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private sampling?: Promise<unknown>;

  private readonly options: DiskSamplerOptions;

  constructor(options: DiskSamplerOptions) {
    this.options = options;
  }

  start(): void {
    this.timer = setInterval(() => void this.sampleOnce(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
    void this.sampleOnce();
  }

  /**
   * Stops the timer and waits for a sample in progress (they write to the store). Checks under way are left to
   * their own time limits: they write nothing, and waiting for them would hold up the shutdown of the rest.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  sampleOnce(): Promise<void> {
    // One sample at a time: a slow engine or disk must not stack runs up.
    this.running ??= this.sample().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sample(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    const signal = AbortSignal.timeout(READ_TIMEOUT_MS);
    // Each on its own: a disk that cannot be read must not cost the memory sample, nor the other way round.
    this.sampling = Promise.all([this.sampleDisks(now, signal), this.sampleMemory(now, signal)]);
    await this.sampling;
    // After the samples: the resources check it runs forecasts from the newest one.
    await this.options.alsoEachRound?.();
  }

  private async sampleDisks(now: Date, signal: AbortSignal): Promise<void> {
    const { host, dataRoots, paths, samples, logger } = this.options;
    try {
      const roots = await Promise.all(dataRoots.map((source) => source.dataRoot(signal).catch(() => undefined)));
      const local = roots.flatMap((root) => (root?.local ? [root.path] : []));
      const wanted = [...new Set([...local, ...paths])];
      if (wanted.length === 0) return;
      const reading = await host.disks(wanted, signal);
      for (const fs of reading.fileSystems) {
        // Under every path of the file system: each check looks its disks up by the first path it asked for.
        for (const path of fs.paths) {
          // totalBytes is what a non-root process can fill (used + available): "full" is when none is left.
          samples.add({ path, sampledAt: now, usedBytes: fs.usedBytes, totalBytes: fs.usedBytes + fs.availableBytes });
        }
      }
      samples.prune(new Date(now.getTime() - RETENTION_MS));
      logger.debug({ paths: wanted.length, unreadable: reading.unreadable.length }, 'disks sampled');
    } catch (error) {
      logger.warn({ err: error }, 'disk sampling failed');
    }
  }

  private async sampleMemory(now: Date, signal: AbortSignal): Promise<void> {
    const { memory, logger } = this.options;
    if (!memory) return;
    try {
      const use = await memory.host.memory(signal);
      memory.samples.add({ sampledAt: now, usedBytes: use.totalBytes - use.availableBytes, totalBytes: use.totalBytes });
      memory.samples.prune(new Date(now.getTime() - RETENTION_MS));
    } catch (error) {
      logger.warn({ err: error }, 'memory sampling failed');
    }
  }
}
