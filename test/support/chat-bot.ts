import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatAdapter } from '../../src/chat/adapter.ts';
import { loadConfig } from '../../src/config/load.ts';
import { BotServer } from '../../src/http/server.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { createServices, type Services } from '../../src/root.ts';

export interface ChatBot {
  services: Services;
  /** The chat platform's adapter, started. */
  adapter: ChatAdapter;
  /** `http://127.0.0.1:P`: the bot's own server. */
  url: string;
  /** The adapter stopped, then the server, then the services. */
  stop(): Promise<void>;
}

/**
 * The bot as `connector-ops start` builds it, in a fresh DATA_DIR, with one connector `ops` that answers nothing and
 * the chat platform `env` configures; its own server on a free loopback port, and that platform's adapter started.
 */
export async function startChatBot(platform: string, env: Record<string, string>, logger: Logger): Promise<ChatBot> {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), `cops-${platform}-`)),
    DOCKER_HOST: process.env.DOCKER_HOST,
    CONNECTOR_NAME: 'ops',
    CONNECTOR_URL: 'http://127.0.0.1:1',
    ...env,
  });
  const services = createServices(config, logger);
  const server = new BotServer({ host: '127.0.0.1', port: 0, routes: services.routes, logger });
  const port = await server.listen();
  const adapter = services.chatAdapters.find((a) => a.name === platform)!;
  await adapter.start();
  return {
    services,
    adapter,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await adapter.stop();
      await server.close();
      services.close();
    },
  };
}
