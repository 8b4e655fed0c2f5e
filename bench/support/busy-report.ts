import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHECK_IDS } from '../../src/domain/check-result.ts';
import type { Services } from '../../src/root.ts';
import { generateConnectorLog } from './connector-log.ts';
import { loopMeter, together, type LoopReading } from './loop-meter.ts';

/**
 * A round's bursts, over two reports: each server's two bursts in a report meet its busier start or its quieter end,
 * and in the other report the other server's do. The first burst after a report starts meets the most work (its
 * checks start, its scans are handed out), so a round in which only one server took that place compared the two
 * servers' moments more than the servers.
 */
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
 * One round: two fresh full reports in turn, each running in this process throughout its bursts, while `burst` is
 * sent at each server twice per report, in the order A B B A during the first and B A A B during the second (see
 * ORDER). Returns the event loop's reading over the bot's stretches (the reports alone, and the bursts at the bot),
 * the one over the bare app's bursts (its own work on the shared loop: not the bot's), and whether every report
 * still ran at its last burst.
 */
export async function roundUnderReport(
  services: Services,
  burst: (which: Measured) => Promise<void>,
): Promise<{ loop: LoopReading; bareLoop: LoopReading; underLoad: boolean }> {
  const meter = loopMeter();
  const readings = { ours: [] as LoopReading[], bare: [] as LoopReading[] };
  let underLoad = true;
  for (const order of ORDER) {
    let reportRunning = true;
    const report = services.runner.run(services.config.connectors, CHECK_IDS).finally(() => (reportRunning = false));
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const which of order) {
      readings.ours.push(meter.take());
      await burst(which);
      readings[which].push(meter.take());
    }
    underLoad &&= reportRunning;
    await report;
  }
  readings.ours.push(meter.take());
  meter.stop();
  return { loop: together(readings.ours), bareLoop: together(readings.bare), underLoad };
}
