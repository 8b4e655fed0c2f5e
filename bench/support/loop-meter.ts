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
}

export interface LoopMeter {
  /** What the process did since the meter started or was last read; starts the next stretch. */
  take(): LoopReading;
  stop(): void;
}

/** The histogram's timer fires every RESOLUTION_MS: a sample is that interval plus the delay. */
const RESOLUTION_MS = 10;

/**
 * Meters this process's event loop (perf_hooks' monitorEventLoopDelay) and CPU time, in stretches: a bench that
 * hosts the bot reads what the bot's work cost around each round.
 */
export function loopMeter(): LoopMeter {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let since = { at: performance.now(), cpu: process.cpuUsage() };
  const delayMs = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    take() {
      const cpu = process.cpuUsage(since.cpu);
      const reading = {
        wallMs: performance.now() - since.at,
        cpuMs: (cpu.user + cpu.system) / 1000,
        worstStallMs: histogram.count > 0 ? delayMs(histogram.max) : 0,
        p99DelayMs: histogram.count > 0 ? delayMs(histogram.percentile(99)) : 0,
      };
      histogram.reset();
      since = { at: performance.now(), cpu: process.cpuUsage() };
      return reading;
    },
    stop: () => histogram.disable(),
  };
}

/** Over rounds: the median wall and CPU times, and the worst stall of any round. */
export function overRounds(readings: readonly LoopReading[]): Omit<LoopReading, 'p99DelayMs'> {
  return {
    wallMs: median(readings.map((r) => r.wallMs)),
    cpuMs: median(readings.map((r) => r.cpuMs)),
    worstStallMs: Math.max(...readings.map((r) => r.worstStallMs)),
  };
}

/** e.g. `2.10 s (bot CPU 0.31 s, worst stall 12 ms)` */
export function describeBot(reading: Omit<LoopReading, 'p99DelayMs'>): string {
  return `${(reading.wallMs / 1000).toFixed(2)} s (bot CPU ${(reading.cpuMs / 1000).toFixed(2)} s, worst stall ${reading.worstStallMs.toFixed(0)} ms)`;
}

/** A row of a benchmark's table: wall time, the bot's CPU time, its worst stall. */
export function botColumns(reading: Omit<LoopReading, 'p99DelayMs'>): string {
  return `${(reading.wallMs / 1000).toFixed(2)} s | ${(reading.cpuMs / 1000).toFixed(2)} s | ${reading.worstStallMs.toFixed(0)} ms`;
}
