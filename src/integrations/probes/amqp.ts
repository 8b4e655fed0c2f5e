import type { Socket } from 'node:net';
import type { ServerProperties, SocketOptions } from 'amqplib';
import { abortable } from '../abortable.ts';
import { openConnection } from './connection.ts';
import type { CertificateInfo, ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, ProbeTimeout, runProbe } from './session.ts';
import { parseTarget } from './target.ts';

const SCHEMES = { 'amqp:': { port: 5672, tls: false }, 'amqps:': { port: 5671, tls: true } };

/**
 * AMQP 0-9-1 (RabbitMQ) through amqplib, the Connector's own AMQP client: a real login with the URL's
 * credentials (guest/guest when it has none, as amqplib does), opening the URL's virtual host, and a close.
 * A connection of our own comes first: it tells "nobody listens" from "no answer" and shows the TLS
 * certificate. Login is skipped, and said so, when the credentials were redacted or the certificate does
 * not verify; amqplib's own TLS connection verifies again, so credentials never reach an unverified server.
 */
export async function probeAmqp(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  // Loaded when a probe runs, not at start-up (`--version` and `--help` must not pay for a broker client), and
  // before the probe's time starts: loading code is not the broker's time to answer, nor a connection's to wait.
  const { connect } = await import('amqplib');
  return runProbe(options, async (session) => {
    const { url: parsed, endpoint, credentials } = parseTarget(url, SCHEMES);
    const { socket, certificate } = await openConnection(session, endpoint);
    socket.destroy();
    const withCertificate = <T extends object>(found: T): T => (certificate ? { ...found, certificate } : found);
    const skip = credentials.redacted ? 'credentials redacted' : certificate && !certificate.verified ? 'certificate not trusted' : undefined;
    if (skip) return withCertificate({ detail: `${endpoint.tls ? 'TLS' : 'TCP'} connection accepted; ${skip}, login not tried` });

    const username = credentials.username ?? (credentials.password === undefined ? 'guest' : '');
    const virtualHost = virtualHostOf(parsed);
    session.stage = 'waiting for the AMQP handshake';
    // amqplib hands these to net/tls.connect, whose socket the signal destroys (a hard close on abort).
    const socketOptions: SocketOptions & { signal: AbortSignal } = {
      timeout: session.remainingMs(),
      signal: session.signal,
      clientProperties: { connection_name: 'connector-ops probe' },
    };
    const model = await connect(
      {
        protocol: endpoint.tls ? 'amqps' : 'amqp',
        hostname: endpoint.host,
        port: endpoint.port,
        ...(credentials.username !== undefined && { username: credentials.username }),
        ...(credentials.password !== undefined && { password: credentials.password }),
        // amqplib unescapes the virtual host itself.
        vhost: parsed.pathname.slice(1),
        heartbeat: 0,
      },
      socketOptions,
    ).catch((error: unknown) => {
      throw amqpFailure(error, username, virtualHost, certificate);
    });
    // Not in amqplib's types; tracked so that every path out of the probe closes it.
    session.track((model.connection as unknown as { stream: Socket }).stream);
    const server = describeServer(model.connection.serverProperties);
    session.stage = 'waiting for Connection.Close-Ok';
    // The answer to our close only keeps the broker's log tidy; the probe has its result already.
    await abortable(model.close(), session.signal).catch(() => undefined);
    return withCertificate({ detail: `${server}; logged in as "${username}", virtual host "${virtualHost}" open` });
  });
}

/** amqplib's reading of the path: none or "/" means the default virtual host "/". */
function virtualHostOf(target: URL): string {
  const path = target.pathname.replace(/^\//, '');
  if (path === '') return '/';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** amqplib says what went wrong in its messages only; these are the ones a probe meets. */
function amqpFailure(error: unknown, username: string, virtualHost: string, certificate: CertificateInfo | undefined): unknown {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== undefined) return error;
  const message = error.message;
  if (message === 'connect ETIMEDOUT') return new ProbeTimeout();
  const closed = /^Handshake terminated by server: (.*)$/s.exec(message)?.[1];
  if (closed !== undefined) {
    return /^403\b/.test(closed)
      ? new ProbeError('auth', `login as "${username}" refused (${closed})`, certificate)
      : new ProbeError('protocol', `the server closed the connection (${closed})`, certificate);
  }
  // RabbitMQ closes the connection at Connection.Open for a virtual host it lacks or the user may not use.
  if (/^Expected ConnectionOpenOk; got <ConnectionClose/.test(message)) {
    return new ProbeError('auth', `access to the virtual host "${virtualHost}" refused: the server closed the connection`, certificate);
  }
  if (/^SASL mechanism/.test(message)) return new ProbeError('auth', `the server offers no PLAIN login (${message})`, certificate);
  if (/^Socket closed abruptly/.test(message)) return new ProbeError('reset', 'the server closed the connection during the handshake', certificate);
  return new ProbeError('protocol', `the server does not speak AMQP 0-9-1 (${message})`, certificate);
}

function describeServer(properties: ServerProperties): string {
  const product = typeof properties.product === 'string' ? properties.product : 'AMQP server';
  const version = typeof properties.version === 'string' ? ` ${properties.version}` : '';
  return `${product}${version}`;
}
