import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { BotServer } from '../../src/http/server.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { createServices, type Services } from '../../src/root.ts';
import { silentLogger } from './builders.ts';
import type { SlackStandin } from './slack/index.ts';

/** The signing secret of every bot started here in HTTP mode. */
export const SLACK_TEST_SECRET = 'slack-signing-secret-for-tests';

export interface SlackBot {
  services: Services;
  /** `http://127.0.0.1:P`: /slack/events (HTTP mode), /metrics, /readyz. */
  url: string;
  stop(): Promise<void>;
}

/** How many signed deliveries the bot refused, as its /metrics says. */
export async function refusedDeliveries(bot: { url: string }): Promise<number> {
  const text = await (await fetch(`${bot.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^connector_ops_chat_deliveries_refused_total\{platform="slack"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** The bot as `connector-ops start` builds it, with Slack pointed at the stand-in; HTTP mode serves /slack/events on its own server. */
export async function startSlackBot(standin: SlackStandin, mode: 'http' | 'socket', env: Record<string, string> = {}, logger: Logger = silentLogger()): Promise<SlackBot> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cops-slack-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DOCKER_HOST: process.env.DOCKER_HOST,
    SLACK_BOT_TOKEN: standin.botToken,
    SLACK_API_URL: standin.apiUrl,
    ...(mode === 'http' ? { SLACK_SIGNING_SECRET: SLACK_TEST_SECRET } : { SLACK_APP_TOKEN: standin.appToken }),
    CONNECTOR_NAME: 'ops',
    CONNECTOR_URL: 'http://127.0.0.1:1',
    ...env,
  });
  const services = createServices(config, logger);
  const server = new BotServer({ host: '127.0.0.1', port: 0, routes: services.routes, logger });
  const port = await server.listen();
  const adapter = services.chatAdapters[0]!;
  await adapter.start();
  services.outboxWorker.start();
  const deadline = Date.now() + 10_000;
  while ((adapter.notReady?.() ?? []).length > 0) {
    if (Date.now() > deadline) throw new Error(`Slack adapter not ready: ${adapter.notReady?.().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    services,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await services.outboxWorker.stop();
      await adapter.stop();
      await server.close();
      services.close();
    },
  };
}
