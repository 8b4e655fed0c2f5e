import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { SlackStandin } from '../../test/support/slack/index.ts';
import { freePort } from '../../test/support/standin.ts';
import { startBot, type BotProcess } from './bot-process.ts';
import { startStandinFleet, type StandinFleet } from './standin-fleet.ts';

export const CHANNEL = 'C0OPS00001';
const OPERATOR = 'U0ALICE001';
const READY_TIMEOUT_MS = 60_000;

/** What the alert benchmarks run against: stand-in Connectors, the loopback Slack, the bot subscribed to alerts. */
export interface AlertRig {
  fleet: StandinFleet;
  slack: SlackStandin;
  bot: BotProcess;
  /** The bot's store, to read once it has stopped. */
  storePath: string;
  /** Stops the bot (resolving with its exit code), then removes the stand-ins and Slack. */
  close(): Promise<number | null>;
}

/**
 * `count` stand-in Connectors (c0, c1, …) in a YAML configuration, the bot in its own process against them and
 * the loopback Slack (Socket Mode), `settings` (ALERT_*) on top; resolves once the channel is subscribed to
 * alerts by a slash command and every connector's container log is followed.
 */
export async function startAlertRig(count: number, prefix: string, settings: Record<string, string>): Promise<AlertRig> {
  const fleet = await startStandinFleet(count, prefix);
  const slack = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
  const work = await mkdtemp(join(tmpdir(), `cops-bench-${prefix}-bot-`));
  let bot: BotProcess | undefined;
  const close = async () => {
    const code = (await bot?.stop()) ?? null;
    await slack.stop();
    await fleet.close();
    await rm(work, { recursive: true, force: true });
    return code;
  };
  try {
    const configFile = join(work, 'connector-ops.yml');
    const connectors = fleet.connectors(count);
    await writeFile(configFile, stringify({ connectors }));
    const port = await freePort();
    bot = startBot({
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
      CONNECTOR_OPS_CONFIG: configFile,
      DATA_DIR: join(work, 'data'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      CONNECTOR_OPS_OPERATORS: `slack:${OPERATOR}`,
      // The probes run once at start and then stay out of the way: these benchmarks are about the log.
      ALERT_PROBE_SECONDS: '3600',
      ALERT_SLOW_CHECKS_SECONDS: '3600',
      ...settings,
    });
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, bot);
    const started = bot;
    await Promise.all(
      connectors.map((c) =>
        started.waitForLog((r) => r.msg === 'log follower following' && r.connector === c.name && r.source === 'container', READY_TIMEOUT_MS),
      ),
    );
    await slack.socket.send({ payload: slack.slashCommand({ text: 'subscribe alerts', user: OPERATOR, channel: CHANNEL }) });
    await slack.waitFor(() => slack.messagesIn(CHANNEL).find((m) => (m.text ?? '').includes('now receives alerts')), 15_000);
    return { fleet, slack, bot, storePath: join(work, 'data', 'connector-ops.sqlite'), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** /readyz answers 200 once the store is open and Slack connected. */
async function waitUntilReady(url: string, bot: BotProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      async (response) => (response.ok ? undefined : `${response.status} ${await response.text()}`),
      (error: unknown) => String(error),
    );
    if (answer === undefined) return;
    last = answer;
    if (!bot.alive()) throw new Error(`the bot exited before it was ready: ${last}`);
    await sleep(200);
  }
  throw new Error(`the bot was not ready within ${READY_TIMEOUT_MS} ms: ${last}`);
}
