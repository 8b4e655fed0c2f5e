/**
 * Network fixtures for the probe tests: certificates made by openssl at test time (node:crypto cannot sign
 * certificates), an https server and a TLS-terminating proxy that put such a certificate in front of real
 * services, and a server that accepts connections and never answers.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  key: string;
  cert: string;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** A self-signed certificate for localhost and 127.0.0.1 valid from an hour ago for `days` days. */
export function certificateValidFor(days: number): Promise<TestCertificate> {
  const now = Date.now();
  return createCertificate({ validFrom: new Date(now - 3_600_000), validTo: new Date(now + days * DAY_MS) });
}

/**
 * A self-signed certificate with any validity period, past ones included: `openssl ca -selfsign` takes
 * explicit start and end dates, which `openssl req -x509 -days` cannot (it refuses 0 and negative days).
 */
export async function createCertificate(options: { validFrom: Date; validTo: Date; commonName?: string }): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-ops-cert-'));
  try {
    await mkdir(join(dir, 'newcerts'));
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), '01\n');
    await writeFile(
      join(dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = test_ca',
        '[test_ca]',
        `dir = ${dir}`,
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${join(dir, 'newcerts')}`,
        `serial = ${join(dir, 'serial')}`,
        'default_md = sha256',
        'policy = policy_any',
        'copy_extensions = copy',
        '[policy_any]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    const commonName = options.commonName ?? 'localhost';
    await run('openssl', [
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=DNS:${commonName},IP:127.0.0.1`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'req.pem'),
    ]);
    await run('openssl', [
      'ca', '-batch', '-config', join(dir, 'ca.cnf'), '-selfsign', '-keyfile', join(dir, 'key.pem'),
      '-in', join(dir, 'req.pem'), '-out', join(dir, 'cert.pem'),
      '-startdate', opensslTime(options.validFrom), '-enddate', opensslTime(options.validTo),
    ]);
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z'); // YYYYMMDDHHMMSSZ
}

/** An https server on loopback with the given certificate; answers 200 unless a handler says otherwise. */
export async function startHttpsServer(
  certificate: TestCertificate,
  handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.end('ok'),
): Promise<RunningServer> {
  return listen(createHttpsServer(certificate, handler));
}

/** TLS in front of a plain TCP service (e.g. RabbitMQ on 5672): amqps/mqtts/rediss against the real broker. */
export async function startTlsProxy(certificate: TestCertificate, targetPort: number, targetHost = '127.0.0.1'): Promise<RunningServer> {
  return listen(
    createTlsServer(certificate, (client) => splice(client, connect(targetPort, targetHost))),
  );
}

/** Relays bytes both ways between two connections; when either ends or fails, both are closed. */
export function splice(client: Duplex, upstream: Duplex): void {
  client.pipe(upstream).pipe(client);
  const end = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
}

/** Accepts connections and never sends a byte: the hanging broker. */
export async function startSilentServer(): Promise<RunningServer & { connections: () => number; mostAtOnce: () => number }> {
  let count = 0;
  let open = 0;
  let most = 0;
  const server = createNetServer((socket) => {
    count += 1;
    most = Math.max(most, ++open);
    socket.on('close', () => (open -= 1));
    // Reads (and drops) what arrives: a paused socket would never see the client close, and stay open.
    socket.on('error', () => socket.destroy()).resume();
  });
  const running = await listen(server);
  return { ...running, connections: () => count, mostAtOnce: () => most };
}

/** Listens on a free loopback port; closing also ends the connections still open. */
export async function listen(server: Server): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
