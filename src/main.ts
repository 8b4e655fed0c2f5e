import { fstatSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ChatAdapter } from './chat/adapter.ts';
import { ConsoleAdapter } from './chat/console/console-adapter.ts';
import type { Config } from './config/config.ts';
import type { Service } from './domain/service.ts';
import { BotServer } from './http/server.ts';
import type { Logger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { ProcessGuard } from './process-guard.ts';
import { createServices, type Services } from './root.ts';
import { describeBreak } from './store/audit-chain.ts';

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
 * Runs the bot: services from the composition root, the HTTP server, the services in order and the chat
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
  // Started in this order, stopped in reverse: the outbox and the recovery of interrupted runs (before anyone is
  // answered), the audit log's verification, the long-running bot's background work (not a console session's), and
  // the chat adapters last, once what they rely on runs.
  const running: Service[] = [...services.always, auditVerification(services, shutdown.signal), ...(options.http ? services.background : []), ...adapters];
  for (const adapter of adapters) void adapter.ended.then(() => shutdown.abort());

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const started: Service[] = [];
  try {
    if (server) {
      const port = await server.listen().catch((error: unknown) => {
        // The usual causes are the operator's to fix: the port is taken, or the host is not this machine's.
        const { code, message } = error as NodeJS.ErrnoException;
        throw Object.assign(new Error(`cannot serve HTTP on HTTP_HOST ${config.http.host}, HTTP_PORT ${config.http.port}: ${message}`), { code });
      });
      logger.info({ host: config.http.host, port, routes: services.routes.map((route) => route.name) }, 'HTTP server listening');
    }
    const connectors = config.connectors.length > 0 ? config.connectors.map((c) => c.name).join(', ') : 'discovered on the container engines';
    logger.info({ connectors, engines: config.engines.map((e) => e.name), dataDir: config.dataDir }, 'connector-ops started');
    for (const service of running) {
      await service.start();
      started.push(service);
    }
    guard.serving();
    await waitForAbort(shutdown.signal);
  } finally {
    // Also when the start failed: background work such as the audit verification ends with the bot.
    shutdown.abort();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await Promise.race([Promise.allSettled([stopInReverse(started, logger), server?.close()]), delay(SHUTDOWN_GRACE_MS)]);
    services.close();
    guard.uninstall();
    logger.info('stopped');
  }
}

/** Stops what was started, the last first: one that fails to stop is logged, and the others still stop. */
async function stopInReverse(started: readonly Service[], logger: Logger): Promise<void> {
  for (const service of [...started].reverse()) {
    try {
      await service.stop();
    } catch (error) {
      logger.error({ err: error, service: service.name }, 'could not stop cleanly');
    }
  }
}

/** The audit log's verification, in the background a slice at a time (a big log does not hold up the start); it ends with the bot. */
function auditVerification(services: Services, shutdown: AbortSignal): Service {
  let verifying: Promise<void> | undefined;
  return {
    name: 'audit verification',
    start: () => {
      verifying = verifyAuditChain(services, shutdown);
    },
    stop: () => verifying,
  };
}

/**
 * Verifies the audit log's hash chain: a broken chain is a warning naming the first bad entry, and 0 on /metrics.
 * The bot keeps serving: the log is evidence to look at, not a reason to stop operating.
 */
async function verifyAuditChain(services: Services, signal: AbortSignal): Promise<void> {
  const { logger } = services;
  const began = performance.now();
  try {
    const verdict = await services.auditChain.verify({ signal });
    if (!verdict) return;
    services.metrics.auditVerified(verdict);
    const took = { entries: verdict.entries, durationMs: Math.round(performance.now() - began) };
    if (verdict.intact) logger.info({ ...took, ...(verdict.latest && { latest: verdict.latest.seq, hash: verdict.latest.hash }) }, 'audit log verified: its hash chain is intact');
    else {
      logger.warn(
        { ...took, entry: verdict.broken.seq },
        `audit log tampered with: ${describeBreak(verdict.broken)}. Entries are appended only through connector-ops; find out who wrote the store file (run connector-ops audit --verify to check again).`,
      );
    }
  } catch (error) {
    logger.error({ err: error }, 'the audit log could not be verified');
  }
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
