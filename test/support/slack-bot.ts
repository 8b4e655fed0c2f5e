import type { Logger } from '../../src/logging/logger.ts';
import type { Services } from '../../src/root.ts';
import { silentLogger } from './builders.ts';
import { startChatBot } from './chat-bot.ts';
import { SlackStandin } from './slack/index.ts';

/** The signing secret of every bot started here in HTTP mode. */
export const SLACK_TEST_SECRET = 'slack-signing-secret-for-tests';

export interface SlackBot {
  services: Services;
  /** `http://127.0.0.1:P`: /slack/events (HTTP mode), /metrics, /readyz. */
  url: string;
  stop(): Promise<void>;
}

/** A Slack stand-in and a bot over HTTP pointed at it, for a test file's beforeAll; `stop` ends both. */
export async function slackBotOverHttp(logger: Logger): Promise<{ standin: SlackStandin; bot: SlackBot; stop(): Promise<void> }> {
  const standin = await SlackStandin.start();
  const bot = await startSlackBot(standin, 'http', {}, logger);
  return { standin, bot, stop: async () => (await bot.stop(), await standin.stop()) };
}

/** How many signed deliveries the bot refused, as its /metrics says. */
export async function refusedDeliveries(bot: { url: string }): Promise<number> {
  const text = await (await fetch(`${bot.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^connector_ops_chat_deliveries_refused_total\{platform="slack"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** The bot as `connector-ops start` builds it, with Slack pointed at the stand-in; HTTP mode serves /slack/events on its own server. */
export async function startSlackBot(standin: SlackStandin, mode: 'http' | 'socket', env: Record<string, string> = {}, logger: Logger = silentLogger()): Promise<SlackBot> {
  const bot = await startChatBot(
    'slack',
    {
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_API_URL: standin.apiUrl,
      ...(mode === 'http' ? { SLACK_SIGNING_SECRET: SLACK_TEST_SECRET } : { SLACK_APP_TOKEN: standin.appToken }),
      ...env,
    },
    logger,
  );
  const { services, adapter } = bot;
  services.outboxWorker.start();
  const deadline = Date.now() + 10_000;
  while ((adapter.notReady?.() ?? []).length > 0) {
    if (Date.now() > deadline) throw new Error(`Slack adapter not ready: ${adapter.notReady?.().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    services,
    url: bot.url,
    stop: async () => {
      await services.outboxWorker.stop();
      await bot.stop();
    },
  };
}
