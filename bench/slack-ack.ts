/**
 * Benchmark of Slack acknowledgements: bursts of 50 signed `/connector help` slash commands at once over HTTP
 * (sent and timed by a process of their own; the loopback Slack that receives the bot's answers runs in a third, as
 * the real one is elsewhere), against the bot (the composition root, HTTP
 * mode, /slack/events on its own server) while a full report over 20 connectors runs in the same process, and
 * against a bare Bolt app that only acknowledges, in the same process and the same rounds. The connectors'
 * health routes answer slowly and their log files are scanned (in the bot's log scan thread, as in production), so
 * the report keeps the process busy throughout.
 * BENCH_RUNS rounds (default 5), each of two fresh reports with two bursts at each server per report, in the order
 * A B B A during the first and B A A B during the second, so that within a round both meet each report's busier start
 * and its quieter end alike.
 * Prints every round's p99 ratio to the bare app and the event loop's worst stall (perf_hooks) in the bot's stretches
 * of it (the report alone and the bursts at the bot; the bare app's bursts are its own work, shown apart), beside the
 * longest block of the process's own CPU time between two turns of the loop (a stall much longer than that block
 * was the machine's: another process held the CPU), and the median ratio.
 * Targets: every round's p99 ≤ 1.2 × the bare app's, and no stall of 50 ms or more.
 * Exits 1 when a target is missed. Usage: npm run bench:slack
 * (node --max-semi-space-size=16 bench/slack-ack.ts,
 * the young generation the image and the unit run the bot with)
 */
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, HTTPReceiver } from '@slack/bolt';
import { pino } from 'pino';
import { loadConfig } from '../src/config/load.ts';
import { BotServer } from '../src/http/server.ts';
import { createServices } from '../src/root.ts';
import { spawnJsonChild } from './support/child-json.ts';
import { busyConnectors, roundUnderReport } from './support/busy-report.ts';
import { stall, type LoopReading } from './support/loop-meter.ts';
import { median, p50p99, percentile } from './support/stats.ts';
import { timedBurst } from './support/timed-burst.ts';

const SECRET = 'bench-signing-secret';
const CONCURRENT = 50;
const ROUNDS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const CONNECTORS = 20;
const TARGET_RATIO = 1.2;
const TARGET_STALL_MS = 50;

const silent = pino({ level: 'silent' });
const work = await mkdtemp(join(tmpdir(), 'cops-bench-slack-'));
// Slack (support/slack-load.ts) and the sender (support/burst-sender.ts) run in processes of their own.
const load = spawnJsonChild(new URL('./support/slack-load.ts', import.meta.url));
const sender = spawnJsonChild(new URL('./support/burst-sender.ts', import.meta.url));
const slack = await load.next<{ apiUrl: string; botToken: string }>();

const connectors = await busyConnectors(work, CONNECTORS);
const services = createServices(
  loadConfig({ DATA_DIR: join(work, 'data'), CONNECTOR_OPS_CONFIG: connectors.configFile, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
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

/**
 * One burst; the bot's also waits until every command's answer has reached Slack, so that the next burst meets the
 * report and not the bot's answers to this one (which the bare app, answering nothing, would be spared).
 */
function burst(url: string): Promise<{ times: number[]; answeredMs: number }> {
  return timedBurst(load, sender, url, { count: CONCURRENT, secret: SECRET }, url === oursUrl);
}

interface Round {
  ours: number[];
  bare: number[];
  /** The longest time a burst took until the bot's last answer reached Slack. */
  answeredMs: number;
  /** The bot's stretches of the round: the report alone, and the bursts at the bot. */
  loop: LoopReading;
  /** The bare app's bursts: its own work on the shared event loop. */
  bareLoop: LoopReading;
  /** Whether the report was still running when the last burst was answered. */
  underLoad: boolean;
}

async function round(): Promise<Round> {
  const times = { ours: [] as number[], bare: [] as number[] };
  let answeredMs = 0;
  const { loop, bareLoop, underLoad } = await roundUnderReport(services, async (which) => {
    const result = await burst(which === 'ours' ? oursUrl : bareUrl);
    times[which].push(...result.times);
    if (which === 'ours') answeredMs = Math.max(answeredMs, result.answeredMs);
  });
  return { ...times, answeredMs, loop, bareLoop, underLoad };
}

try {
  // One burst each first, unmeasured: the first request of a path pays for its compilation and first connections.
  await burst(oursUrl);
  await burst(bareUrl);
  process.stdout.write(`${CONCURRENT} concurrent signed slash commands, 4 bursts at each server per round over two ${CONNECTORS}-connector reports running\n\n`);
  process.stdout.write(
    `| round | bare Bolt p50 / p99 | connector-ops p50 / p99 | p99 ratio | worst event-loop stall of the bot's stretches (longest block on its CPU); of the bare app's bursts | loop delay p99 | ${CONCURRENT} answered within |\n|---|---|---|---|---|---|---|\n`,
  );
  const rounds: Round[] = [];
  for (let index = 0; index < ROUNDS; index++) {
    const r = await round();
    rounds.push(r);
    process.stdout.write(
      `| ${index + 1} | ${p50p99(r.bare)} | ${p50p99(r.ours)} | ${ratioOf(r).toFixed(2)} | ${stall(r.loop)}; bare app's bursts ${stall(r.bareLoop)} | ${r.loop.p99DelayMs.toFixed(0)} ms | ${r.answeredMs.toFixed(0)} ms |${r.underLoad ? '' : ' the report ended before the last burst'}\n`,
    );
    if (process.env.BENCH_VERBOSE) process.stdout.write(`slowest: ours ${slowest(r.ours)}; bare ${slowest(r.bare)}\n`);
  }
  const ratios = rounds.map(ratioOf);
  const worst = { worstStallMs: Math.max(...rounds.map((r) => r.loop.worstStallMs)), longestBlockMs: Math.max(...rounds.map((r) => r.loop.longestBlockMs)) };
  const met = ratios.every((ratio) => ratio <= TARGET_RATIO) && worst.worstStallMs < TARGET_STALL_MS;
  process.stdout.write(
    `\np99 ratios ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)} (target: every round ≤ ${TARGET_RATIO}); ` +
      `worst event-loop stall of the bot ${stall(worst)} (target < ${TARGET_STALL_MS} ms): ${met ? 'met' : 'MISSED'}\n`,
  );
  if (rounds.some((r) => !r.underLoad)) process.stdout.write('note: in some rounds the report ended before the last burst: those measured less load\n');
  if (!met) process.exitCode = 1;
} finally {
  await services.chatAdapters[0]!.stop();
  await ours.close();
  services.close();
  bareServer.close();
  connectors.close();
  load.end();
  sender.end();
  await rm(work, { recursive: true, force: true });
}

function ratioOf(r: Round): number {
  return percentile(r.ours, 99) / percentile(r.bare, 99);
}

function slowest(values: number[]): string {
  return [...values].sort((a, b) => b - a).slice(0, 8).map((t) => t.toFixed(0)).join(' ');
}
