import { fstatSync } from 'node:fs';
import { ConsoleChat } from './chat/console/console-chat.ts';
import type { Config } from './config/config.ts';
import { BotServer } from './http/server.ts';
import { ResourceSampler } from './scheduler/resource-sampler.ts';
import type { Logger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { createServices, type Services } from './services.ts';

export interface BotIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export interface BotOptions {
  config: Config;
  logger: Logger;
  redactor: Redactor;
  io: BotIo;
  /** `auto`: the console opens when stdin is a terminal, a pipe or a file (not /dev/null, as in a container). */
  console: 'auto' | 'always';
  /** The bot's own HTTP server; off for the plain `console` command. */
  http: boolean;
}

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The composition root: configuration → services → adapters. Resolves when the bot has shut down
 * (a signal, or the end of the console's input when the console is the only chat).
 */
export async function runBot(options: BotOptions): Promise<void> {
  const { config, logger, redactor, io } = options;
  const services = createServices(config, logger, redactor);
  const shutdown = new AbortController();
  const server = options.http
    ? new BotServer({
        host: config.http.host,
        port: config.http.port,
        metrics: services.metrics,
        logger,
        readiness: { notReady: () => (services.store.isOpen ? [] : ['store']) },
      })
    : undefined;

  const sampler = new ResourceSampler({ directory: services.directory, runner: services.runner, logger });

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  try {
    if (server) {
      const port = await server.listen().catch((error: unknown) => {
        // The usual causes are the operator's to fix: the port is taken, or the host is not this machine's.
        const { code, message } = error as NodeJS.ErrnoException;
        throw Object.assign(new Error(`cannot serve HTTP on HTTP_HOST ${config.http.host}, HTTP_PORT ${config.http.port}: ${message}`), { code });
      });
      logger.info({ host: config.http.host, port }, 'HTTP server listening: /healthz, /readyz, /metrics');
    }
    const connectors = config.connectors.length > 0 ? config.connectors.map((c) => c.name).join(', ') : 'discovered on the Docker engine';
    logger.info({ connectors, dataDir: config.dataDir }, 'connector-ops started');
    // Background work belongs to the long-running bot, not to a console session.
    if (options.http) sampler.start();

    const chatTasks: Promise<void>[] = [];
    if (options.console === 'always' || stdinCarriesInput(io.stdin)) {
      chatTasks.push(runConsole(services, redactor, io, shutdown.signal).then(() => shutdown.abort()));
    }
    await waitForAbort(shutdown.signal);
    await Promise.race([Promise.allSettled(chatTasks), delay(SHUTDOWN_GRACE_MS)]);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await Promise.race([Promise.all([server?.close(), sampler.stop()]), delay(SHUTDOWN_GRACE_MS)]);
    services.close();
    logger.info('stopped');
  }
}

function runConsole(services: Services, redactor: Redactor, io: BotIo, signal: AbortSignal): Promise<void> {
  const chat = new ConsoleChat({
    input: io.stdin,
    output: io.stdout,
    interactive: io.stdin.isTTY === true,
    redact: (text) => redactor.redact(text),
    handle: async (input) => {
      const outcome = await services.commands.handle(input);
      services.metrics.commands.inc({ verb: outcome.verb, adapter: 'console' });
      return outcome.message;
    },
  });
  return chat.run(signal);
}

/** A terminal, a pipe or a file: someone or something will type. /dev/null (a container's stdin) will not. */
export function stdinCarriesInput(stdin: NodeJS.ReadStream): boolean {
  if (stdin.isTTY) return true;
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
