import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHECK_IDS } from '../../src/domain/check-result.ts';
import type { Services } from '../../src/root.ts';
import { generateConnectorLog } from './connector-log.ts';
import { loopMeter, together, type LoopReading } from './loop-meter.ts';

/** A round's bursts: each server's two meet the report's moments alike; the next round starts with the other. */
const ORDER = [
  ['ours', 'bare', 'bare', 'ours'],
  ['bare', 'ours', 'ours', 'bare'],
] as const;

export type Measured = (typeof ORDER)[number][number];

export interface BusyConnectors {
  /** The configuration file (CONNECTOR_OPS_CONFIG) that names them. */
  configFile: string;
  close(): void;
}

/** `count` connectors whose /health answers after 3 s, and an 8 MiB log file each: a report that takes its time and its CPU. */
export async function busyConnectors(work: string, count: number): Promise<BusyConnectors> {
  const slow: Server = createServer((req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"isHealthy":true,"services":{}}'), 3_000);
  });
  const slowPort = await new Promise<number>((resolve) => slow.listen(0, '127.0.0.1', () => resolve((slow.address() as { port: number }).port)));
  const logFile = join(work, 'connector.log');
  await writeFile(logFile, generateConnectorLog(8 * 1024 * 1024, new Date()).bytes);
  const configFile = join(work, 'connector-ops.yml');
  await writeFile(configFile, stringify({ connectors: Array.from({ length: count }, (_, i) => ({ name: `c${i}`, url: `http://127.0.0.1:${slowPort}`, logFiles: [logFile] })) }));
  return { configFile, close: () => slow.close() };
}

/**
 * One round: a fresh full report runs in this process throughout, while `burst` is sent at each server twice, in
 * the order A B B A (B A A B in the next round), so that both meet the report's busier start and its quieter end
 * alike. Returns the event loop's reading over the bot's stretches (the report alone, and the bursts at the bot),
 * the one over the bare app's bursts (its own work on the shared loop: not the bot's), and whether the report
 * still ran at its last burst.
 */
export async function roundUnderReport(
  services: Services,
  index: number,
  burst: (which: Measured) => Promise<void>,
): Promise<{ loop: LoopReading; bareLoop: LoopReading; underLoad: boolean }> {
  const meter = loopMeter();
  const readings = { ours: [] as LoopReading[], bare: [] as LoopReading[] };
  let reportRunning = true;
  const report = services.runner.run(services.config.connectors, CHECK_IDS).finally(() => (reportRunning = false));
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const which of ORDER[index % 2]!) {
    readings.ours.push(meter.take());
    await burst(which);
    readings[which].push(meter.take());
  }
  const underLoad = reportRunning;
  await report;
  readings.ours.push(meter.take());
  meter.stop();
  return { loop: together(readings.ours), bareLoop: together(readings.bare), underLoad };
}
