import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/root.ts';
import { loadTestEnv } from '../../test/support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../../test/support/standin.ts';

/** Stand-in Connector containers on the test environment's engine, and bots configured with some of them. */
export interface StandinFleet {
  standins: StandinConnector[];
  /** The services the bot builds (src/root.ts) from a YAML configuration of the first `count` stand-ins. */
  servicesFor(count: number, label: string, logger?: Logger): Promise<Services>;
  /** Removes the containers and the configurations. */
  close(): Promise<void>;
}

/** Starts `count` stand-ins, ten at a time (more at once makes the engine slow to answer the others). */
export async function startStandinFleet(count: number, prefix: string): Promise<StandinFleet> {
  loadTestEnv();
  const work = await mkdtemp(join(tmpdir(), `cops-bench-${prefix}-`));
  const standins: StandinConnector[] = [];
  const close = async () => {
    await removeAllStandins();
    await rm(work, { recursive: true, force: true });
  };
  try {
    process.stdout.write(`starting ${count} stand-in Connectors… `);
    const started = performance.now();
    for (let i = 0; i < count; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, count - i) }, (_, j) => startStandinConnector({ name: `${prefix}${i + j}` })),
      );
      standins.push(...batch);
    }
    process.stdout.write(`ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    await close();
    throw error;
  }

  const servicesFor = async (selected: number, label: string, logger: Logger = pino({ level: 'silent' })) => {
    const file = join(work, `${label}.yml`);
    const connectors = standins.slice(0, selected).map((s, i) => ({ name: `c${i}`, container: s.name, url: s.url, apiKey: s.apiKey }));
    await writeFile(file, stringify({ connectors }));
    // CHECK_CONCURRENCY from the shell, so that a setting can be measured: `CHECK_CONCURRENCY=50 npm run bench:daily`.
    const { DOCKER_HOST, CHECK_CONCURRENCY } = process.env;
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file, DATA_DIR: join(work, label), DOCKER_HOST, CHECK_CONCURRENCY });
    return createServices(config, logger);
  };
  return { standins, servicesFor, close };
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}
