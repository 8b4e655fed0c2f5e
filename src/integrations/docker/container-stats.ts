import { setTimeout as delay } from 'node:timers/promises';
import type { DockerClient } from './client.ts';

/** CPU use of one container over the engine's sampling interval (about one second). */
export interface ContainerCpu {
  /** As `docker stats` shows it: 100 is one core busy, so it runs up to onlineCpus × 100. */
  percent: number;
  onlineCpus: number;
  /** The container's CPU limit in cores (NanoCpus or CpuQuota / CpuPeriod), when one is set. */
  limitCpus?: number;
  /** Share of what the container may use: of its limit, or of all online CPUs when it has none. */
  percentOfAllowed: number;
}

export interface ContainerMemory {
  /** Usage without the inactive page cache the kernel can drop, as `docker stats` shows it. */
  usedBytes: number;
  limitBytes: number;
  /** False when the engine reports the host's whole memory as the limit: no limit was set. */
  limited: boolean;
  percent: number;
}

export type ContainerResources =
  | { running: false; state: string }
  | {
      running: true;
      /** Absent when the engine gave no earlier sample to compare with. */
      cpu?: ContainerCpu;
      memory?: ContainerMemory;
    };

/** Where the engine keeps images, containers and volumes; measurable here only when the engine is local. */
export type DockerDataRoot = { local: true; path: string } | { local: false; engine: string };

/** What the resources check asks of Docker. */
export interface ContainerResourcesSource {
  containerResources(container: string, signal: AbortSignal): Promise<ContainerResources>;
  dataRoot(signal: AbortSignal): Promise<DockerDataRoot>;
}

/** The fields of the stats answer that are read, all optional: engines and cgroup versions leave some out. */
export interface StatsSample {
  cpu_stats?: CpuSample;
  precpu_stats?: CpuSample;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number | undefined> };
}

interface CpuSample {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface CpuLimitConfig {
  NanoCpus?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
}

/** Docker's engine compares two samples a second apart; so does the bot where the engine gives one. */
const CPU_SAMPLE_INTERVAL_MS = 1_000;

// dockerode's typings omit abortSignal from stats() and info(); at run time both forward it to the request.
type StatsCall = (options: { stream: false; abortSignal: AbortSignal }) => Promise<StatsSample>;
type InfoCall = (options: { abortSignal: AbortSignal }) => Promise<{ DockerRootDir?: string }>;

export class DockerContainerStats implements ContainerResourcesSource {
  private readonly docker: DockerClient;

  constructor(docker: DockerClient) {
    this.docker = docker;
  }

  async containerResources(ref: string, signal: AbortSignal): Promise<ContainerResources> {
    const container = this.docker.getContainer(ref);
    const inspect = await container.inspect({ abortSignal: signal });
    if (!inspect.State.Running) return { running: false, state: inspect.State.Status };
    // stream=false without one-shot: the engine waits for a second sample (about 1 s) so that
    // precpu_stats is filled and the CPU use is a rate, as the CLI shows it. one-shot (API 1.41)
    // would answer at once but with empty precpu_stats, i.e. no CPU figure at all.
    const stats = (container.stats as unknown as StatsCall).bind(container);
    let sample = await stats({ stream: false, abortSignal: signal });
    let cpu = containerCpu(sample, inspect.HostConfig);
    if (!cpu && !sample.precpu_stats?.system_cpu_usage && sample.cpu_stats?.system_cpu_usage) {
      // An engine that answers at once without an earlier sample (Podman 4): take the second one
      // here, as Docker's engine does, a second later.
      const first = sample;
      await delay(CPU_SAMPLE_INTERVAL_MS, undefined, { signal });
      sample = await stats({ stream: false, abortSignal: signal });
      cpu = containerCpu({ cpu_stats: sample.cpu_stats, precpu_stats: first.cpu_stats }, inspect.HostConfig);
    }
    // Without a limit of its own (HostConfig.Memory 0) the engine reports the host's memory as the container's
    // limit: the container's definition tells so, sparing an engine-wide /info per container.
    const hostMemTotal = (inspect.HostConfig.Memory ?? 0) > 0 ? undefined : sample.memory_stats?.limit;
    return {
      running: true,
      cpu,
      memory: containerMemory(sample, hostMemTotal),
    };
  }

  async dataRoot(signal: AbortSignal): Promise<DockerDataRoot> {
    const location = engineLocation(this.docker.modem as ModemLocation);
    if (!location.local) return location;
    const info = await (this.docker.info as unknown as InfoCall).call(this.docker, { abortSignal: signal });
    if (!info.DockerRootDir) throw new Error('the engine did not name its data root');
    return { local: true, path: info.DockerRootDir };
  }
}

/** CPU use as the Docker CLI computes it; undefined when there is no earlier sample to compare with. */
export function containerCpu(stats: StatsSample, limits: CpuLimitConfig = {}): ContainerCpu | undefined {
  const now = stats.cpu_stats;
  const before = stats.precpu_stats;
  if (!now?.system_cpu_usage || !before?.system_cpu_usage) return undefined;
  const cpuDelta = (now.cpu_usage?.total_usage ?? 0) - (before.cpu_usage?.total_usage ?? 0);
  const systemDelta = now.system_cpu_usage - before.system_cpu_usage;
  const onlineCpus = now.online_cpus || now.cpu_usage?.percpu_usage?.length || 0;
  if (systemDelta <= 0 || onlineCpus === 0) return undefined;
  const percent = cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;
  const limitCpus = cpuLimit(limits);
  const allowed = Math.min(limitCpus ?? onlineCpus, onlineCpus);
  return { percent, onlineCpus, limitCpus, percentOfAllowed: percent / allowed };
}

/** The CPU limit in cores: `--cpus` sets NanoCpus, `--cpu-quota`/`--cpu-period` the older pair. */
export function cpuLimit(config: CpuLimitConfig): number | undefined {
  if (config.NanoCpus && config.NanoCpus > 0) return config.NanoCpus / 1e9;
  if (config.CpuQuota && config.CpuQuota > 0) return config.CpuQuota / (config.CpuPeriod || 100_000);
  return undefined;
}

/**
 * Memory use without the cache the kernel can reclaim (cgroup v1 `total_inactive_file`, v2
 * `inactive_file`), as `docker stats` does. An unlimited container is reported with the host's
 * memory as its limit: a limit at or above the engine's MemTotal means none was set.
 */
export function containerMemory(stats: StatsSample, hostMemTotal?: number): ContainerMemory | undefined {
  const memory = stats.memory_stats;
  if (memory?.usage === undefined || !memory.limit) return undefined;
  const usage = memory.usage;
  const v1 = memory.stats?.total_inactive_file;
  const v2 = memory.stats?.inactive_file;
  let usedBytes = usage;
  if (v1 !== undefined && v1 < usage) usedBytes = usage - v1;
  else if (v2 !== undefined && v2 < usage) usedBytes = usage - v2;
  // Without the host's total the limit cannot be told from "none": take it as set.
  const limited = !hostMemTotal || memory.limit < hostMemTotal;
  return { usedBytes, limitBytes: memory.limit, limited, percent: (usedBytes / memory.limit) * 100 };
}

interface ModemLocation {
  socketPath?: unknown;
  host?: string;
  port?: string | number;
  protocol?: string;
}

/**
 * Whether the engine runs on this host: a unix socket or Windows named pipe (DOCKER_HOST unset,
 * unix:// or npipe://). Over TCP or SSH its data root lies on another machine.
 */
export function engineLocation(modem: ModemLocation): { local: true } | { local: false; engine: string } {
  if (!modem.host && modem.socketPath) return { local: true };
  const port = modem.port ? `:${modem.port}` : '';
  // Only scheme, host and port: an SSH user name or URL credentials are never shown.
  return { local: false, engine: `${modem.protocol ?? 'tcp'}://${modem.host ?? 'unknown'}${port}` };
}
