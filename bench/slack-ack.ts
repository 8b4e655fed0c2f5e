/**
 * Benchmark of Slack acknowledgements: 50 signed `/connector help` slash commands at once over HTTP (from a
 * loopback Slack in another process, as the real one is), against
 * the bot (the composition root, HTTP mode, /slack/events on its own server) while a full report over 20
 * connectors runs in the same process, and against a bare Bolt app that only acknowledges, in the same run.
 * The connectors' health routes answer slowly and their log files are scanned, so the report keeps the
 * process busy throughout. Targets: our p99 ≤ 1.2 × the bare app's p99, and under 100 ms.
 * Exits 1 when a target is missed. Usage: node bench/slack-ack.ts (npm run bench:slack)
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, HTTPReceiver } from '@slack/bolt';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import { CHECK_IDS } from '../src/domain/check-result.ts';
import { BotServer } from '../src/http/server.ts';
import { createServices } from '../src/root.ts';
import { generateConnectorLog } from './support/connector-log.ts';

const SECRET = 'bench-signing-secret';
const CONCURRENT = 50;
const ROUNDS = Math.max(1, Number(process.env.BENCH_RUNS ?? 10));
const CONNECTORS = 20;
const TARGET_RATIO = 1.2;
const TARGET_P99_MS = 100;

const silent = pino({ level: 'silent' });
const work = await mkdtemp(join(tmpdir(), 'cops-bench-slack-'));
// Slack and the load come from another process (see support/slack-load.ts).
const load = spawn(process.execPath, [fileURLToPath(new URL('./support/slack-load.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
const answers = createInterface({ input: load.stdout! })[Symbol.asyncIterator]();
async function answer<T>(): Promise<T> {
  const next = await answers.next();
  if (next.done) throw new Error('the load generator ended');
  return JSON.parse(next.value) as T;
}
const slack = await answer<{ apiUrl: string; botToken: string }>();

// Connectors whose /health answers after 3 s, and a log file each: a report that takes its time and its CPU.
const slow: Server = createServer((req, res) => {
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"isHealthy":true,"services":{}}'), 3_000);
});
const slowPort = await new Promise<number>((resolve) => slow.listen(0, '127.0.0.1', () => resolve((slow.address() as { port: number }).port)));
const logFile = join(work, 'connector.log');
await writeFile(logFile, generateConnectorLog(8 * 1024 * 1024, new Date()).bytes);
const configFile = join(work, 'connector-ops.yml');
await writeFile(
  configFile,
  stringify({ connectors: Array.from({ length: CONNECTORS }, (_, i) => ({ name: `c${i}`, url: `http://127.0.0.1:${slowPort}`, logFiles: [logFile] })) }),
);
const services = createServices(
  loadConfig({ DATA_DIR: join(work, 'data'), CONNECTOR_OPS_CONFIG: configFile, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
  silent,
);
const ours = new BotServer({ host: '127.0.0.1', port: 0, routes: services.routes, logger: silent });
const oursUrl = `http://127.0.0.1:${await ours.listen()}/slack/events`;
await services.chatAdapters[0]!.start();
while ((services.chatAdapters[0]!.notReady?.() ?? []).length > 0) await new Promise((resolve) => setTimeout(resolve, 50));

// The baseline: Bolt's own receiver and an app that acknowledges and does nothing else.
const bareReceiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events' });
const bare = new App({ token: slack.botToken, botId: 'B0', botUserId: 'U0', receiver: bareReceiver, clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } });
bare.command('/connector', async ({ ack }) => ack());
const bareServer = createServer((req, res) => bareReceiver.requestListener(req, res));
const barePort = await new Promise<number>((resolve) => bareServer.listen(0, '127.0.0.1', () => resolve((bareServer.address() as { port: number }).port)));
const bareUrl = `http://127.0.0.1:${barePort}/slack/events`;

async function burst(url: string): Promise<number[]> {
  load.stdin!.write(`${JSON.stringify({ url, secret: SECRET, count: CONCURRENT })}\n`);
  return (await answer<{ times: number[] }>()).times;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

try {
  // One burst each first, unmeasured: the first request of a path pays for its compilation and first connections.
  await burst(oursUrl);
  await burst(bareUrl);
  const times = { ours: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // The report runs throughout both bursts, in this process.
    const report = services.runner.run(services.config.connectors, CHECK_IDS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Alternating which goes first, so neither always meets the report's busiest moment.
    for (const which of round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
      times[which].push(...(await burst(which === 'ours' ? oursUrl : bareUrl)));
    }
    await report;
  }
  const row = (name: string, values: number[]) => `${name.padEnd(22)} p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(values, 99).toFixed(1).padStart(6)} ms`;
  process.stdout.write(`${CONCURRENT} concurrent signed slash commands × ${ROUNDS} rounds, a ${CONNECTORS}-connector report running\n`);
  process.stdout.write(`${row('bare Bolt (ack only)', times.bare)}\n${row('connector-ops', times.ours)}\n`);
  if (process.env.BENCH_VERBOSE) process.stdout.write(`slowest: ours ${[...times.ours].sort((a, b) => b - a).slice(0, 8).map((t) => t.toFixed(0)).join(' ')}; bare ${[...times.bare].sort((a, b) => b - a).slice(0, 8).map((t) => t.toFixed(0)).join(' ')}\n`);
  const ratio = percentile(times.ours, 99) / percentile(times.bare, 99);
  process.stdout.write(`p99 ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}), p99 ${percentile(times.ours, 99).toFixed(1)} ms (target < ${TARGET_P99_MS} ms)\n`);
  if (ratio > TARGET_RATIO || percentile(times.ours, 99) >= TARGET_P99_MS) process.exitCode = 1;
} finally {
  await services.chatAdapters[0]!.stop();
  await ours.close();
  services.close();
  bareServer.close();
  slow.close();
  load.stdin!.end();
  await rm(work, { recursive: true, force: true });
}
