import type { EngineSettings } from '../../config/config.ts';
import type { EngineState, EngineStates } from '../../domain/engine-state.ts';
import type { Logger } from '../../logging/logger.ts';
import { describeFailure } from '../http/timeout.ts';
import { modemOptions, type DockerClient } from './client.ts';
import { dockerStatus } from './container-errors.ts';
import { isLocalEngine } from './engines.ts';
import { isAccessRefused, socketAccess } from './socket-access.ts';
import type { Service } from '../../domain/service.ts';

export interface EngineMonitorOptions {
  engines: ReadonlyArray<{ settings: EngineSettings; client: DockerClient }>;
  logger: Logger;
  intervalMs?: number;
  timeoutMs?: number;
}

const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_TIMEOUT_MS = 5_000;
const TLS_FAILURE = /^(ERR_TLS|ERR_SSL|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/;

// dockerode's typings omit ping's options; at run time it forwards `abortSignal` to the request.
type Ping = (options: { abortSignal: AbortSignal }) => Promise<unknown>;

/**
 * Pings every engine in the background (GET /_ping, under a timeout), so that /readyz and /metrics tell each one's
 * state without waiting on it. An engine that is down is said once at error level, with what fixes it, and again
 * only when its problem changes; that it answers again is said once at info level.
 */
export class EngineMonitor implements EngineStates, Service {
  readonly name = 'engine monitor';
  private readonly options: EngineMonitorOptions;
  private readonly current = new Map<string, EngineState>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(options: EngineMonitorOptions) {
    this.options = options;
    const now = new Date();
    for (const { settings } of options.engines) this.current.set(settings.name, { engine: settings.name, state: 'unknown', since: now });
  }

  states(): readonly EngineState[] {
    return [...this.current.values()];
  }

  start(): void {
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
    void this.probeAll();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Every engine once; a slow engine does not stack probes up. */
  probeAll(): Promise<void> {
    this.running ??= Promise.all(this.options.engines.map((engine) => this.probe(engine.settings, engine.client))).then(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async probe(settings: EngineSettings, client: DockerClient): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const ping = (client.ping as unknown as Ping).bind(client);
    const found = await ping({ abortSignal: AbortSignal.timeout(timeoutMs) }).then(
      () => ({ state: 'up' as const }),
      (error: unknown) => ({ state: 'down' as const, ...whyDown(error, settings, timeoutMs) }),
    );
    this.record(settings, found, new Date());
  }

  private record(settings: EngineSettings, found: Pick<EngineState, 'state' | 'problem' | 'fix'>, now: Date): void {
    const { logger } = this.options;
    const before = this.current.get(settings.name);
    const changed = before?.state !== found.state || before.problem !== found.problem;
    this.current.set(settings.name, { engine: settings.name, ...found, since: changed ? now : (before?.since ?? now), checkedAt: now });
    if (!changed) return;
    const where = settings.host ?? 'the default socket';
    if (found.state === 'down') logger.error({ engine: settings.name, host: where, fix: found.fix }, `Container engine ${settings.name} cannot be reached: ${found.problem}. ${found.fix}`);
    else logger.info({ engine: settings.name, host: where }, `Container engine ${settings.name} answers${before?.state === 'down' ? ' again' : ''}`);
  }
}

/** What went wrong, in the operator's words, and what fixes it: the socket's group for EACCES, above all. */
export function whyDown(error: unknown, settings: EngineSettings, timeoutMs: number): { problem: string; fix: string } {
  // Only a unix socket's settings: those of a TLS engine would read its certificates again.
  const socket = isLocalEngine(settings.host) ? modemOptions(settings).socketPath : undefined;
  const where = socket ? `the socket ${socket}` : (settings.host ?? 'DOCKER_HOST');
  const code = errorCode(error);
  const status = dockerStatus(error);
  if (isAccessRefused(code)) return socket ? socketAccess(socket) : { problem: `no permission to reach ${where}`, fix: 'Check the permissions of what DOCKER_HOST names.' };
  if (code === 'ENOENT') return { problem: `no socket at ${socket ?? where}`, fix: "Start the engine (Docker, or Podman's podman.socket), or set DOCKER_HOST to its socket (in a container: mount the socket, or reach the engine through the socket proxy)." };
  if (code === 'ECONNREFUSED') return { problem: `nothing listens at ${where}`, fix: 'Start the engine (or the socket proxy) there, or correct DOCKER_HOST.' };
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { problem: `no answer within ${timeoutMs / 1000} s from ${where}`, fix: 'Check the engine (systemctl status docker, or podman.socket) and the way to it.' };
  }
  if (code && TLS_FAILURE.test(code)) return { problem: `TLS to ${where} failed (${describeFailure(error)})`, fix: 'Check DOCKER_TLS_VERIFY and the ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH.' };
  if (status !== undefined) return { problem: `${where} answered HTTP ${status} to GET /_ping`, fix: 'A socket proxy in between must allow PING (GET /_ping).' };
  return { problem: `${where}: ${describeFailure(error)}`, fix: 'Check DOCKER_HOST and the engine.' };
}

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}
