import { fstatSync } from 'node:fs';
import type { ChatAdapter } from './chat/adapter.ts';
import { ConsoleAdapter } from './chat/console/console-adapter.ts';
import type { Config } from './config/config.ts';
import { BotServer } from './http/server.ts';
import type { Logger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { ProcessGuard } from './process-guard.ts';
import { createServices, type Services } from './root.ts';
import { StoreError } from './store/store-error.ts';

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
const RECOVERY_INTERVAL_MS = 30_000;

/**
 * Runs the bot: services from the composition root, the HTTP server, the background sampler and the chat
 * adapters. Resolves when the bot has shut down (a signal, or an adapter that ended on its own: the console's
 * input closed).
 */
export async function runBot(options: BotOptions): Promise<void> {
  const { config, logger } = options;
  const services = createServices(config, logger, options.redactor);
  // Before anything starts: an error no code catches ends a start-up, and is survived once the bot serves.
  const guard = new ProcessGuard({ logger, count: (kind) => services.metrics.uncaughtErrors.inc({ kind }), exit: (code) => process.exit(code) });
  guard.install();
  const shutdown = new AbortController();
  const server = options.http
    ? new BotServer({ host: config.http.host, port: config.http.port, routes: services.routes, logger })
    : undefined;
  const adapters = chatAdapters(options, services);

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const started: ChatAdapter[] = [];
  const stopTimers: Array<() => void> = [];
  try {
    if (server) {
      const port = await server.listen().catch((error: unknown) => {
        // The usual causes are the operator's to fix: the port is taken, or the host is not this machine's.
        const { code, message } = error as NodeJS.ErrnoException;
        throw Object.assign(new Error(`cannot serve HTTP on HTTP_HOST ${config.http.host}, HTTP_PORT ${config.http.port}: ${message}`), { code });
      });
      logger.info({ host: config.http.host, port, routes: services.routes.map((route) => route.name) }, 'HTTP server listening');
    }
    const connectors = config.connectors.length > 0 ? config.connectors.map((c) => c.name).join(', ') : 'discovered on the Docker engines';
    logger.info({ connectors, engines: config.engines.map((e) => e.name), dataDir: config.dataDir }, 'connector-ops started');
    // The outbox is how the states and outcomes of operations reach their conversations, so the console runs it too.
    services.outboxWorker.start();
    // What a crash (kill -9) of an earlier run cut off is marked interrupted and announced, at start (before
    // anyone is answered) and every little while (a bot beside this one on the same DATA_DIR may end at any
    // time, and one that restarted in a new container is known gone once its heartbeat is stale); live runs
    // are left alone. A store that cannot be written is told by the store's health (and /readyz); the search
    // is tried again in a little while.
    const recover = () =>
      services.operations.recover().catch((error: unknown) => {
        if (!(error instanceof StoreError)) logger.error({ err: error }, 'could not look for interrupted operations');
      });
    await recover();
    const recovery = setInterval(() => void recover(), RECOVERY_INTERVAL_MS);
    recovery.unref();
    stopTimers.push(() => clearInterval(recovery));
    // Background work belongs to the long-running bot, not to a console session.
    if (options.http) {
      services.storeProbe.start();
      services.engineMonitor.start();
      services.sampler.start();
      services.reportSchedule.start();
      services.alerts.engine.start();
      services.alerts.probes.start();
      services.alerts.watcher?.start();
    }

    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
      void adapter.ended.then(() => shutdown.abort());
    }
    guard.serving();
    await waitForAbort(shutdown.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    for (const stop of stopTimers) stop();
    services.storeProbe.stop();
    services.alerts.engine.stop();
    const stopping = [...started].reverse().map((adapter) => adapter.stop());
    await Promise.race([
      Promise.allSettled([...stopping, server?.close(), services.engineMonitor.stop(), services.sampler.stop(), services.reportSchedule.stop(), services.alerts.probes.stop(), services.alerts.watcher?.stop(), stopOutbox(services)]),
      delay(SHUTDOWN_GRACE_MS),
    ]);
    services.close();
    guard.uninstall();
    logger.info('stopped');
  }
}

/** What is due goes out first (the outcome of an operation that just ended, say), within the shutdown's grace. */
async function stopOutbox(services: Services): Promise<void> {
  await services.outboxWorker.flush();
  await services.outboxWorker.stop();
}

/** The chat adapters this run has: those the configuration asks for (Slack), and the console when someone types. */
function chatAdapters(options: BotOptions, services: Services): ChatAdapter[] {
  // The plain `console` command is the terminal alone: no chat platform beside it.
  const adapters: ChatAdapter[] = options.http ? [...services.chatAdapters] : [];
  // `start` opens the console only when no chat platform is configured (a terminal beside Slack would split the audience).
  if (options.console === 'always' || (adapters.length === 0 && stdinCarriesInput(options.io.stdin))) {
    const terminal = new ConsoleAdapter({
      input: options.io.stdin,
      output: options.io.stdout,
      redact: (text) => options.redactor.redact(text),
      dispatch: (request, reply) => services.dispatcher.dispatch(request, reply),
    });
    // `/connector subscribe reports` at the console: the daily report shows up in the terminal too.
    services.transports.set('console', terminal.transport());
    adapters.push(terminal);
  }
  return adapters;
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
