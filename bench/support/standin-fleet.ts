import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/root.ts';
import { loadTestEnv } from '../../test/support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../../test/support/standin.ts';
import { spawnJsonChild, type JsonChild } from './child-json.ts';
import { loopMeter, type LoopReading } from './loop-meter.ts';
import type { StandinHttpReading } from './standin-http.ts';

/** A connector of the YAML configuration: a stand-in's container, and its HTTP as the stand-ins' process serves it. */
export interface FleetConnector {
  name: string;
  container: string;
  url: string;
  apiKey: string;
}

/**
 * Stand-in Connector containers on the test environment's engine, their HTTP served by one process of their own
 * (support/standin-http.ts), and bots configured with some of them.
 */
export interface StandinFleet {
  standins: StandinConnector[];
  /** The first `count` stand-ins as connectors c0, c1, …. */
  connectors(count: number): FleetConnector[];
  /** The services the bot builds (src/root.ts) from a YAML configuration of the first `count` stand-ins. */
  servicesFor(count: number, label: string, logger?: Logger): Promise<Services>;
  /**
   * Runs `work` (a report by services of this process: the bot) and reads what it cost the bot (this process's CPU
   * time and event loop) and whether the stand-ins kept up meanwhile.
   */
  measure<T>(work: () => Promise<T>): Promise<Measured<T>>;
  /** Removes the containers, the stand-ins' process and the configurations. */
  close(): Promise<void>;
}

export interface Measured<T> {
  value: T;
  bot: LoopReading;
  standins: StandinHttpReading;
  /** Set when the stand-ins, not the bot, set the pace: the stretch measured the machine. */
  tooSlow?: string;
}

/**
 * Beyond these the stand-ins, not the bot, set the pace: an answer that takes a quarter of a second in a process
 * that does nothing else, or its event loop held that long, means the machine could not run them.
 */
const SLOW_ANSWER_MS = 250;
const SLOW_LOOP_MS = 250;

/** Why a stretch of a benchmark measured the stand-ins rather than the bot; undefined when they kept up. */
function standinsTooSlow(reading: StandinHttpReading): string | undefined {
  if (reading.slowestAnswerMs <= SLOW_ANSWER_MS && reading.worstStallMs <= SLOW_LOOP_MS) return undefined;
  return (
    `stand-ins too slow: their slowest answer took ${reading.slowestAnswerMs.toFixed(0)} ms (limit ${SLOW_ANSWER_MS} ms), ` +
    `their event loop stalled up to ${reading.worstStallMs.toFixed(0)} ms (limit ${SLOW_LOOP_MS} ms): the machine could not run them`
  );
}

/** Starts `count` stand-ins, ten at a time (more at once makes the engine slow to answer the others). */
export async function startStandinFleet(count: number, prefix: string): Promise<StandinFleet> {
  loadTestEnv();
  const work = await mkdtemp(join(tmpdir(), `cops-bench-${prefix}-`));
  const standins: StandinConnector[] = [];
  let http: JsonChild | undefined;
  const close = async () => {
    http?.end();
    await removeAllStandins();
    await rm(work, { recursive: true, force: true });
  };
  let ports: number[];
  try {
    process.stdout.write(`starting ${count} stand-in Connectors… `);
    const started = performance.now();
    for (let i = 0; i < count; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, count - i) }, (_, j) => startStandinConnector({ name: `${prefix}${i + j}` })),
      );
      standins.push(...batch);
    }
    const served = standins.map((s) => ({ name: s.name, apiKey: s.apiKey, port: s.port, logFile: join(s.stateDir, 'log') }));
    http = spawnJsonChild(new URL('./standin-http.ts', import.meta.url), [JSON.stringify(served)]);
    ({ ports } = await http.next<{ ports: number[] }>());
    process.stdout.write(`ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    await close();
    throw error;
  }
  const answers = http;

  const connectors = (selected: number): FleetConnector[] =>
    standins.slice(0, selected).map((s, i) => ({ name: `c${i}`, container: s.name, url: `http://127.0.0.1:${ports[i]}`, apiKey: s.apiKey }));
  const servicesFor = async (selected: number, label: string, logger: Logger = pino({ level: 'silent' })) => {
    const file = join(work, `${label}.yml`);
    await writeFile(file, stringify({ connectors: connectors(selected) }));
    // CHECK_CONCURRENCY from the shell, so that a setting can be measured: `CHECK_CONCURRENCY=50 npm run bench:daily`.
    const { DOCKER_HOST, CHECK_CONCURRENCY } = process.env;
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file, DATA_DIR: join(work, label), DOCKER_HOST, CHECK_CONCURRENCY });
    return createServices(config, logger);
  };
  const standinLoad = async () => {
    answers.send('take');
    return answers.next<StandinHttpReading>();
  };
  const bot = loopMeter();
  const measure = async <T>(work: () => Promise<T>): Promise<Measured<T>> => {
    await standinLoad();
    bot.take();
    const value = await work();
    const reading = { value, bot: bot.take(), standins: await standinLoad() };
    const tooSlow = standinsTooSlow(reading.standins);
    return tooSlow ? { ...reading, tooSlow } : reading;
  };
  return {
    standins,
    connectors,
    servicesFor,
    measure,
    close: async () => {
      bot.stop();
      await close();
    },
  };
}
