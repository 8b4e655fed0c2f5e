import { readFile, stat, statfs } from 'node:fs/promises';
import { cpus, availableParallelism, freemem, loadavg, platform, totalmem } from 'node:os';
import { abortable } from '../abortable.ts';
import { describeFailure } from '../http/timeout.ts';

/** Load average of the host relative to its cores. */
export interface CpuLoad {
  /** 1, 5 and 15 minute load averages. */
  loadAverage: [number, number, number];
  cores: number;
  /** The 5-minute load per core in percent; above 100 means work was queueing. */
  percent: number;
}

export interface MemoryUse {
  totalBytes: number;
  /** What can be given to new work without swapping (MemAvailable), not the smaller "free". */
  availableBytes: number;
  usedPercent: number;
}

/** One file system, measured as df does. */
export interface FileSystemUse {
  /** The asked-for paths that sit on this file system, in the order they were asked for. */
  paths: string[];
  totalBytes: number;
  usedBytes: number;
  /** What a non-root process can still write (f_bavail): blocks reserved for root are not counted. */
  availableBytes: number;
  /** used / (used + available), as df's Use% (df rounds this up). */
  usedPercent: number;
}

export interface UnreadablePath {
  path: string;
  reason: string;
}

export interface DiskReading {
  fileSystems: FileSystemUse[];
  unreadable: UnreadablePath[];
}

/** The host the bot runs on: what the resources check asks of it. */
export interface HostResources {
  cpuLoad(signal: AbortSignal): Promise<CpuLoad>;
  memory(signal: AbortSignal): Promise<MemoryUse>;
  disks(paths: readonly string[], signal: AbortSignal): Promise<DiskReading>;
}

/**
 * Reads the local host through the kernel's own counters. Inside a container, /proc/loadavg and
 * /proc/meminfo still describe the whole host; paths must be mounted into the container to be measured.
 */
export class LocalHostResources implements HostResources {
  async cpuLoad(signal: AbortSignal): Promise<CpuLoad> {
    signal.throwIfAborted();
    // os.loadavg() is always [0, 0, 0] on Windows: no load average exists there.
    if (platform() === 'win32') throw new Error('no load average on Windows');
    const [one = 0, five = 0, fifteen = 0] = loadavg();
    // Host cores (not this process's affinity), since the load average counts the whole host.
    return cpuLoadFrom([one, five, fifteen], cpus().length || availableParallelism());
  }

  async memory(signal: AbortSignal): Promise<MemoryUse> {
    if (platform() !== 'linux') return memoryUse(totalmem(), freemem());
    const meminfo = parseMeminfo(await readFile('/proc/meminfo', { encoding: 'utf8', signal }));
    return memoryUse(meminfo.totalBytes, meminfo.availableBytes);
  }

  async disks(paths: readonly string[], signal: AbortSignal): Promise<DiskReading> {
    const unreadable: UnreadablePath[] = [];
    const byDevice = new Map<number, string[]>();
    // stat and statfs cannot be cancelled (on a hung network mount they block a libuv thread):
    // racing them against the signal at least lets the check answer in time.
    const devices = await Promise.all(
      unique(paths).map(async (path) => {
        try {
          return { path, dev: (await abortable(stat(path), signal)).dev };
        } catch (error) {
          unreadable.push({ path, reason: pathFailure(error) });
          return undefined;
        }
      }),
    );
    // Paths on the same device share one file system: measure and report it once.
    for (const entry of devices) {
      if (!entry) continue;
      const group = byDevice.get(entry.dev);
      if (group) group.push(entry.path);
      else byDevice.set(entry.dev, [entry.path]);
    }
    const fileSystems: FileSystemUse[] = [];
    await Promise.all(
      [...byDevice.values()].map(async (group) => {
        const first = group[0] as string;
        try {
          fileSystems.push({ paths: group, ...diskUsage(await abortable(statfs(first), signal)) });
        } catch (error) {
          for (const path of group) unreadable.push({ path, reason: pathFailure(error) });
        }
      }),
    );
    const order = (p: string) => paths.indexOf(p);
    fileSystems.sort((a, b) => order(a.paths[0] as string) - order(b.paths[0] as string));
    unreadable.sort((a, b) => order(a.path) - order(b.path));
    return { fileSystems, unreadable };
  }
}

export function cpuLoadFrom(loadAverage: [number, number, number], cores: number): CpuLoad {
  return { loadAverage, cores, percent: (loadAverage[1] / Math.max(cores, 1)) * 100 };
}

export function memoryUse(totalBytes: number, availableBytes: number): MemoryUse {
  const usedPercent = totalBytes > 0 ? ((totalBytes - availableBytes) / totalBytes) * 100 : 0;
  return { totalBytes, availableBytes, usedPercent };
}

/** MemTotal and MemAvailable of /proc/meminfo (kernels before 3.14 lack MemAvailable: estimated as free + cache). */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1] as string, Number(match[2]));
  }
  const total = kib.get('MemTotal');
  if (total === undefined) throw new Error('no MemTotal in /proc/meminfo');
  const available =
    kib.get('MemAvailable') ?? (kib.get('MemFree') ?? 0) + (kib.get('Buffers') ?? 0) + (kib.get('Cached') ?? 0);
  return { totalBytes: total * 1024, availableBytes: available * 1024 };
}

/** The numbers of statfs(2) as df shows them. */
export function diskUsage(fs: {
  bsize: number;
  frsize?: number;
  blocks: number;
  bfree: number;
  bavail: number;
}): Omit<FileSystemUse, 'paths'> {
  // Block counts are in fragment-size units; df uses f_frsize when the kernel fills it in.
  const unit = fs.frsize || fs.bsize;
  const totalBytes = fs.blocks * unit;
  const usedBytes = (fs.blocks - fs.bfree) * unit;
  const availableBytes = fs.bavail * unit;
  const usable = usedBytes + availableBytes;
  return { totalBytes, usedBytes, availableBytes, usedPercent: usable > 0 ? (usedBytes / usable) * 100 : 0 };
}

function pathFailure(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'not found on the host the bot runs on (mount it into the bot to measure it)';
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read it';
  return describeFailure(error);
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}
