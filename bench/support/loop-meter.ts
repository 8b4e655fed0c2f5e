import { monitorEventLoopDelay } from 'node:perf_hooks';
import { median } from './stats.ts';

/** How much of this process a stretch of work took: its CPU time, and how long its event loop was held up. */
export interface LoopReading {
  wallMs: number;
  /** User and system CPU time of this process (all its threads). */
  cpuMs: number;
  /** The longest time a timer waited beyond its due time: the worst stall of the event loop. */
  worstStallMs: number;
  /** The 99th percentile of that wait. */
  p99DelayMs: number;
  /**
   * The most CPU time the main thread spent between two turns of the loop (a 5 ms timer's): the longest block of
   * the process's own work. A stall far longer than this was the machine's, another process holding the CPU.
   */
  longestBlockMs: number;
}

export interface LoopMeter {
  /** What the process did since the meter started or was last read; starts the next stretch. */
  take(): LoopReading;
  stop(): void;
}

/** The histogram's timer fires every RESOLUTION_MS: a sample is that interval plus the delay. */
const RESOLUTION_MS = 10;
const BLOCK_TICK_MS = 5;

/**
 * Meters this process's event loop (perf_hooks' monitorEventLoopDelay) and CPU time, in stretches: a bench that
 * hosts the bot reads what the bot's work cost around each round.
 */
export function loopMeter(): LoopMeter {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let since = { at: performance.now(), cpu: process.cpuUsage() };
  const delayMs = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const threadMs = () => {
    const usage = process.threadCpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  let lastTick = threadMs();
  let longestBlockMs = 0;
  const ticks = setInterval(() => {
    const now = threadMs();
    longestBlockMs = Math.max(longestBlockMs, now - lastTick);
    lastTick = now;
  }, BLOCK_TICK_MS).unref();
  return {
    take() {
      const cpu = process.cpuUsage(since.cpu);
      const reading = {
        wallMs: performance.now() - since.at,
        cpuMs: (cpu.user + cpu.system) / 1000,
        worstStallMs: histogram.count > 0 ? delayMs(histogram.max) : 0,
        p99DelayMs: histogram.count > 0 ? delayMs(histogram.percentile(99)) : 0,
        longestBlockMs,
      };
      histogram.reset();
      longestBlockMs = 0;
      since = { at: performance.now(), cpu: process.cpuUsage() };
      return reading;
    },
    stop() {
      histogram.disable();
      clearInterval(ticks);
    },
  };
}

/** Stretches of one round taken together: times summed, the worst stall and the longest block of any. */
export function together(readings: readonly LoopReading[]): LoopReading {
  return {
    wallMs: readings.reduce((sum, r) => sum + r.wallMs, 0),
    cpuMs: readings.reduce((sum, r) => sum + r.cpuMs, 0),
    worstStallMs: Math.max(0, ...readings.map((r) => r.worstStallMs)),
    p99DelayMs: Math.max(0, ...readings.map((r) => r.p99DelayMs)),
    longestBlockMs: Math.max(0, ...readings.map((r) => r.longestBlockMs)),
  };
}

type Summary = Omit<LoopReading, 'p99DelayMs'>;

/** Over rounds: the median wall and CPU times, and the worst stall and longest block of any round. */
export function overRounds(readings: readonly LoopReading[]): Summary {
  return {
    wallMs: median(readings.map((r) => r.wallMs)),
    cpuMs: median(readings.map((r) => r.cpuMs)),
    worstStallMs: Math.max(...readings.map((r) => r.worstStallMs)),
    longestBlockMs: Math.max(...readings.map((r) => r.longestBlockMs)),
  };
}

/** e.g. `2.10 s (bot CPU 0.31 s, worst stall 12 ms, longest block 9 ms)` */
export function describeBot(reading: Summary): string {
  return `${(reading.wallMs / 1000).toFixed(2)} s (bot CPU ${(reading.cpuMs / 1000).toFixed(2)} s, worst stall ${stall(reading)})`;
}

/** The columns of a benchmark's table: wall time | bot CPU | worst stall (longest block). */
export const BOT_HEADINGS = 'wall time (median) | bot CPU (median) | worst event-loop stall (longest block on its CPU)';

export function botColumns(reading: Summary): string {
  return `${(reading.wallMs / 1000).toFixed(2)} s | ${(reading.cpuMs / 1000).toFixed(2)} s | ${stall(reading)}`;
}

/** e.g. `96 ms (block 51 ms)` */
export function stall(reading: Pick<LoopReading, 'worstStallMs' | 'longestBlockMs'>): string {
  return `${reading.worstStallMs.toFixed(0)} ms (block ${reading.longestBlockMs.toFixed(0)} ms)`;
}
