import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type * as Mqtt from 'mqtt';
import type { IConnackPacket, MqttClient } from 'mqtt';
import type * as Ws from 'ws';
import { abortable } from '../abortable.ts';
import { openConnection } from './connection.ts';
import type { CertificateInfo, ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, ProbeTimeout, runProbe, type ProbeSession } from './session.ts';
import { parseTarget, type ProbeTarget } from './target.ts';

/** The URL schemes mqtt.js accepts in Node, with their default ports and whether they mean TLS. */
const SCHEMES = {
  'mqtt:': { port: 1883, tls: false },
  'tcp:': { port: 1883, tls: false },
  'mqtts:': { port: 8883, tls: true },
  'ssl:': { port: 8883, tls: true },
  'tls:': { port: 8883, tls: true },
  'ws:': { port: 80, tls: false },
  'wss:': { port: 443, tls: true },
};

type MqttVersion = 5 | 4;

interface Clients {
  mqtt: typeof Mqtt;
  /** Only for ws:// and wss://. */
  ws: typeof Ws | undefined;
}

/** What each CONNECT attempt of one probe shares. */
interface Attempt {
  session: ProbeSession;
  target: ProbeTarget;
  clients: Clients;
  certificate: CertificateInfo | undefined;
}
const VERSION_NAME: Record<MqttVersion, string> = { 5: 'MQTT 5', 4: 'MQTT 3.1.1' };
/** CONNACK codes that mean refused credentials: 3.1.1's 4 and 5, MQTT 5's 0x86 and 0x87. */
const AUTH_CODES = new Set([4, 5, 134, 135]);
/** CONNACK codes for "not this protocol version": 3.1.1's 1, MQTT 5's 0x84. */
const VERSION_CODES = new Set([1, 132]);

/**
 * MQTT through mqtt.js, the Connector's own MQTT client, over TCP, TLS or a WebSocket: CONNECT with a clean
 * session and the URL's user name and password (anonymous when it has none), as MQTT 5 and, when the broker
 * does not speak it, again as 3.1.1; then DISCONNECT. The connection is ours, handed to mqtt.js, so its
 * certificate is seen first: with redacted credentials, or credentials and an untrusted certificate, the
 * probe stops after the connection and says so. MQTT has no handshake without logging in.
 */
export async function probeMqtt(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  // Loaded when a probe runs, not at start-up (`--version` and `--help` must not pay for a broker client), and
  // before the probe's time starts: loading code is not the broker's time to answer, nor a connection's to wait.
  const libraries = { mqtt: await import('mqtt'), ws: await import('ws') };
  return runProbe(options, async (session) => {
    const target = parseTarget(url, SCHEMES);
    const { credentials, endpoint } = target;
    const clients: Clients = { mqtt: libraries.mqtt, ws: isWebSocket(target) ? libraries.ws : undefined };
    const first = await openConnection(session, endpoint);
    const withCertificate = <T extends object>(found: T): T => (first.certificate ? { ...found, certificate: first.certificate } : found);
    const sendsCredentials = credentials.username !== undefined || credentials.password !== undefined;
    const skip = credentials.redacted
      ? 'credentials redacted'
      : first.certificate && !first.certificate.verified && sendsCredentials
        ? 'certificate not trusted'
        : undefined;
    if (skip) return withCertificate({ detail: `${endpoint.tls ? 'TLS' : 'TCP'} connection accepted; ${skip}, MQTT login not tried` });

    const attempt = { session, target, clients, certificate: first.certificate };
    let version: MqttVersion = 5;
    let connack = await connectOnce(attempt, first.socket, version);
    if (connack === 'not-this-version') {
      version = 4;
      connack = await connectOnce(attempt, (await openConnection(session, endpoint)).socket, version);
      if (connack === 'not-this-version') {
        throw new ProbeError('protocol', 'the broker speaks neither MQTT 5 nor MQTT 3.1.1', first.certificate);
      }
    }
    const who = credentials.username === undefined ? 'anonymously' : `as "${credentials.username}"`;
    const fallback = version === 5 ? '' : ' (the broker does not speak MQTT 5)';
    return withCertificate({ detail: `${VERSION_NAME[version]} connection accepted ${who}${fallback}` });
  });
}

/**
 * One CONNECT over a connection already open: accepted (then DISCONNECT), or refused as this protocol version.
 * A broker that does not speak the version answers with its code for that, or just closes the connection.
 */
async function connectOnce(attempt: Attempt, socket: Duplex, version: MqttVersion): Promise<'accepted' | 'not-this-version'> {
  const { session, target, certificate } = attempt;
  const stream = attempt.clients.ws ? await webSocketOver(attempt, attempt.clients.ws, socket) : socket;
  session.stage = `waiting for CONNACK (${VERSION_NAME[version]})`;
  const { username, password } = target.credentials;
  const client = new attempt.clients.mqtt.MqttClient(() => stream, {
    protocolVersion: version,
    clientId: `connector-ops-probe-${randomBytes(6).toString('hex')}`,
    clean: true,
    keepalive: 30,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    reconnectPeriod: 0,
    connectTimeout: session.remainingMs(),
  });
  try {
    const answer = await abortable(connackOf(client), session.signal);
    if (answer === 'closed') return 'not-this-version';
    if (typeof answer !== 'number') {
      session.stage = 'waiting for DISCONNECT to be sent';
      await abortable(new Promise<void>((resolve) => client.end(false, {}, () => resolve())), session.signal).catch(() => undefined);
      return 'accepted';
    }
    if (VERSION_CODES.has(answer)) return 'not-this-version';
    const who = username === undefined ? 'anonymous login' : `login as "${username}"`;
    const meaning = `CONNACK ${answer} (${connackMeaning(answer)})`;
    if (AUTH_CODES.has(answer)) throw new ProbeError('auth', `${who} refused: ${meaning}`, certificate);
    throw new ProbeError('protocol', `connection refused by the broker: ${meaning}`, certificate);
  } finally {
    client.end(true);
  }
}

/** The broker's answer to CONNECT: accepted, a refusal code, or the connection closed before any CONNACK. */
function connackOf(client: MqttClient): Promise<IConnackPacket | number | 'closed'> {
  return new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('close', () => resolve('closed'));
    client.once('error', (error: Error & { code?: unknown }) => {
      if (typeof error.code === 'number') resolve(error.code);
      else if (typeof error.code === 'string') reject(error);
      else if (error.message === 'connack timeout') reject(new ProbeTimeout());
      else reject(new ProbeError('protocol', `the server does not speak MQTT (${error.message})`));
    });
  });
}

function isWebSocket(target: ProbeTarget): boolean {
  return target.url.protocol === 'ws:' || target.url.protocol === 'wss:';
}

/** What a CONNACK code means, in the words of the MQTT 3.1.1 and 5 specifications. */
function connackMeaning(code: number): string {
  const meanings: Record<number, string> = {
    2: 'client identifier rejected',
    3: 'server unavailable',
    4: 'bad user name or password',
    5: 'not authorized',
    128: 'unspecified error',
    133: 'client identifier not valid',
    134: 'bad user name or password',
    135: 'not authorized',
    136: 'server unavailable',
    137: 'server busy',
    138: 'banned',
  };
  return meanings[code] ?? 'unknown code';
}

/**
 * MQTT over a WebSocket on our connection: the upgrade to the "mqtt" subprotocol, as mqtt.js asks for it.
 * The URL's credentials are MQTT's, never sent as HTTP authentication.
 */
async function webSocketOver({ session, target }: Attempt, ws: typeof Ws, socket: Duplex): Promise<Duplex> {
  const { WebSocket, createWebSocketStream } = ws;
  const url = new URL(target.url);
  url.username = '';
  url.password = '';
  session.stage = 'waiting for the WebSocket upgrade';
  const webSocket = new WebSocket(url, ['mqtt'], { createConnection: () => socket as never, perMessageDeflate: false });
  await abortable(
    new Promise<void>((resolve, reject) => {
      webSocket.once('open', resolve);
      webSocket.once('error', (error: Error & { code?: unknown }) => {
        // Socket errors carry a code and are classified as such; the rest is a server that is no WebSocket endpoint.
        reject(typeof error.code === 'string' ? error : new ProbeError('protocol', `WebSocket upgrade failed: ${error.message}`));
      });
      webSocket.once('unexpected-response', (_request, response) => {
        reject(new ProbeError('protocol', `no WebSocket upgrade: the server answered HTTP ${response.statusCode ?? '?'}`));
      });
    }),
    session.signal,
  );
  return createWebSocketStream(webSocket);
}
