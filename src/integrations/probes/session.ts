import type { Socket } from 'node:net';
import { withTimeout } from '../http/timeout.ts';
import {
  type CertificateInfo,
  DEFAULT_PROBE_TIMEOUT_MS,
  probeFailure,
  type ProbeFailureKind,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSuccess,
} from './result.ts';

/** A failure a probe raises on purpose, already classified. */
export class ProbeError extends Error {
  readonly kind: ProbeFailureKind;
  readonly certificate?: CertificateInfo;

  constructor(kind: ProbeFailureKind, message: string, certificate?: CertificateInfo) {
    super(message);
    this.name = 'ProbeError';
    this.kind = kind;
    if (certificate) this.certificate = certificate;
  }
}

/** A client library gave up at the probe's deadline (its own timer): reported as the probe's timeout. */
export class ProbeTimeout extends Error {
  constructor() {
    super('the probe ran out of time');
    this.name = 'ProbeTimeout';
  }
}

/** One probe run: its signal, its clock, what it is waiting for (for a useful timeout message), its sockets. */
export class ProbeSession {
  /** Set by the probe as it goes, e.g. "waiting for CONNACK"; until a connection stands it is "connecting". */
  stage = 'connecting';
  readonly signal: AbortSignal;
  readonly now: Date;
  readonly timeoutMs: number;
  private readonly deadline: number;
  private readonly sockets = new Set<Socket>();

  constructor(signal: AbortSignal, now: Date, timeoutMs: number) {
    this.signal = signal;
    this.now = now;
    this.timeoutMs = timeoutMs;
    this.deadline = performance.now() + timeoutMs;
  }

  /**
   * What is left of the probe's time, for a client library's own connect timeout. Rounded up, so the
   * session's signal (same deadline, set first) fires before the library's timer and names the stage.
   */
  remainingMs(): number {
    return Math.max(1, Math.ceil(this.deadline - performance.now()));
  }

  track<T extends Socket>(socket: T): T {
    this.sockets.add(socket);
    return socket;
  }

  /** Every path out of a probe closes what it opened. */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  throwIfAborted(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }
}

/**
 * Runs a probe body under the time limit and turns whatever it throws into a classified failure.
 * The body never needs its own try/catch for cleanup: sockets it tracked are destroyed here.
 */
export async function runProbe(
  options: ProbeOptions,
  body: (session: ProbeSession) => Promise<Omit<ProbeSuccess, 'ok' | 'latencyMs'>>,
): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const session = new ProbeSession(withTimeout(options.signal, timeoutMs), options.now ?? new Date(), timeoutMs);
  const started = performance.now();
  try {
    session.throwIfAborted();
    const found = await body(session);
    return { ok: true, latencyMs: Math.round(performance.now() - started), ...found };
  } catch (error) {
    return classify(error, session);
  } finally {
    session.destroyAll();
  }
}

function classify(error: unknown, session: ProbeSession): ProbeResult {
  if (session.signal.aborted || error instanceof ProbeTimeout) {
    // The probe's own limit, or the caller's signal (the check's time is up); whatever error the abort caused.
    const own = !session.signal.aborted || (session.signal.reason as Error | undefined)?.name === 'TimeoutError';
    const what = own ? `within ${session.timeoutMs} ms` : 'before the check was stopped';
    return session.stage === 'connecting'
      ? probeFailure('timeout', `timed out: no connection ${what}`)
      : probeFailure('timeout', `timed out: connected, but no answer ${what} (${session.stage})`);
  }
  if (error instanceof ProbeError) return probeFailure(error.kind, error.message, error.certificate);
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return probeFailure('refused', 'connection refused (nothing listens on that port)');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return probeFailure('unreachable', `host name not found (${String(code)})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return probeFailure('unreachable', `no route to host (${String(code)})`);
    case 'ETIMEDOUT':
      return probeFailure('timeout', 'timed out: no connection (ETIMEDOUT)');
    case 'ECONNRESET':
    case 'EPIPE':
      return probeFailure('reset', `connection reset by the server (${session.stage})`);
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO')) {
    // OpenSSL's "...:SSL routines:<function>:<reason>:<file>:<line>:" says it in its reason field.
    const openssl = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
    return probeFailure('tls', `TLS handshake failed: ${openssl ?? message}`);
  }
  return probeFailure('unreachable', typeof code === 'string' ? `${code}: ${message}` : message);
}
