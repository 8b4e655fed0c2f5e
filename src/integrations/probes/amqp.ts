import {
  CLOSE,
  CONNECTION,
  decodeClose,
  decodeConnectionStart,
  decodeMethod,
  decodeTune,
  encodeClose,
  encodeCloseOk,
  encodeOpen,
  encodeStartOk,
  encodeTuneOk,
  FRAME_HEARTBEAT,
  FRAME_METHOD,
  type FieldTable,
  type Method,
  OPEN_OK,
  parseInbound,
  plainResponse,
  PROTOCOL_HEADER,
  START,
  TUNE,
} from './amqp-frames.ts';
import { endpointOf, FrameReader, openConnection } from './connection.ts';
import { urlCredentials } from './mask.ts';
import type { CertificateInfo, ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, runProbe } from './session.ts';

const DEFAULT_FRAME_MAX = 131_072;

/**
 * AMQP 0-9-1 (RabbitMQ): protocol header, Connection.Start, then a real login with the URL's credentials
 * (amqplib's default guest/guest when the URL has none, as the Connector's AMQP publisher would), opening
 * the URL's virtual host, and a clean Connection.Close. Login is skipped, and said so, when the credentials
 * were redacted or the TLS certificate does not verify (credentials never go to an unverified server).
 */
export function probeAmqp(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const target = parseAmqpUrl(url);
    const tls = target.protocol === 'amqps:';
    const { socket, certificate } = await openConnection(session, endpointOf(target, tls ? 5671 : 5672, tls));
    const reader = new FrameReader(socket, session);
    const nextMethod = (stage: string): Promise<Method> => readMethod(reader, stage);

    reader.write(PROTOCOL_HEADER);
    const startMethod = await nextMethod('waiting for Connection.Start');
    if (startMethod.classId !== CONNECTION || startMethod.methodId !== START) {
      throw new ProbeError('protocol', `expected Connection.Start, got method ${startMethod.classId}.${startMethod.methodId}`);
    }
    const start = decodeConnectionStart(startMethod.args);
    const server = describeServer(start.serverProperties);
    const withCertificate = <T extends object>(found: T): T & { certificate?: CertificateInfo } =>
      certificate ? { ...found, certificate } : found;

    const credentials = urlCredentials(target);
    const skipLogin = credentials.redacted
      ? 'credentials redacted, login not tried'
      : certificate && !certificate.verified
        ? 'certificate not trusted, login not tried'
        : !start.mechanisms.includes('PLAIN')
          ? `no PLAIN login offered (${start.mechanisms.join(', ')}), login not tried`
          : undefined;
    if (skipLogin) {
      // Before Start-Ok the protocol has no polite close: the spec has the client just close the socket.
      socket.end();
      return withCertificate({ detail: `${server}; ${skipLogin}` });
    }

    const username = credentials.username ?? 'guest';
    reader.write(
      encodeStartOk({
        clientProperties: {
          product: 'connector-ops',
          connection_name: 'connector-ops probe',
          // Makes RabbitMQ answer a refused login with Connection.Close 403 instead of dropping the socket.
          capabilities: { authentication_failure_close: true },
        },
        mechanism: 'PLAIN',
        response: plainResponse(username, credentials.password ?? 'guest'),
        locale: start.locales[0] ?? 'en_US',
      }),
    );

    const tuneMethod = await nextMethod('waiting for Connection.Tune').catch((error: unknown) => {
      // Servers without authentication_failure_close drop the connection on a failed login.
      if (error instanceof ProbeError && error.kind === 'reset') {
        throw new ProbeError('auth', `login as "${username}" refused: the server closed the connection`, certificate);
      }
      throw error;
    });
    if (isClose(tuneMethod)) throw serverClosed(reader, tuneMethod, username);
    if (tuneMethod.methodId !== TUNE) throw new ProbeError('protocol', `expected Connection.Tune, got method ${tuneMethod.classId}.${tuneMethod.methodId}`);
    const tune = decodeTune(tuneMethod.args);
    reader.write(encodeTuneOk({ channelMax: tune.channelMax, frameMax: tune.frameMax || DEFAULT_FRAME_MAX, heartbeat: 0 }));

    const virtualHost = virtualHostOf(target);
    reader.write(encodeOpen(virtualHost));
    const openMethod = await nextMethod('waiting for Connection.Open-Ok');
    if (isClose(openMethod)) throw serverClosed(reader, openMethod, username);
    if (openMethod.methodId !== OPEN_OK) throw new ProbeError('protocol', `expected Connection.Open-Ok, got method ${openMethod.classId}.${openMethod.methodId}`);

    reader.write(encodeClose({ replyCode: 200, replyText: 'probe done', classId: 0, methodId: 0 }));
    // The answer to our Close only keeps the broker's log tidy; the probe has its result already.
    await nextMethod('waiting for Connection.Close-Ok').catch(() => undefined);
    return withCertificate({ detail: `${server}; logged in as "${username}", virtual host "${virtualHost}" open` });
  });
}

function parseAmqpUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ProbeError('invalid-url', 'not a valid URL');
  }
  if (target.protocol !== 'amqp:' && target.protocol !== 'amqps:') {
    throw new ProbeError('invalid-url', `not an amqp(s) URL (${target.protocol})`);
  }
  return target;
}

/** amqplib's reading of the path: none or "/" means the default virtual host "/". */
function virtualHostOf(target: URL): string {
  const path = target.pathname.replace(/^\//, '');
  return path === '' ? '/' : decodeURIComponent(path);
}

async function readMethod(reader: FrameReader, stage: string): Promise<Method> {
  for (;;) {
    const inbound = await reader.next(parseInbound, stage);
    if (inbound.kind === 'protocol-header') {
      throw new ProbeError('protocol', `the server speaks AMQP ${inbound.version}, not 0-9-1`);
    }
    if (inbound.type === FRAME_HEARTBEAT) continue;
    if (inbound.type !== FRAME_METHOD) throw new ProbeError('protocol', `unexpected AMQP frame type ${inbound.type}`);
    return decodeMethod(inbound.payload);
  }
}

function isClose(method: Method): boolean {
  return method.classId === CONNECTION && method.methodId === CLOSE;
}

/** The server ended the connection with a reason: acknowledge it, and say what it means. */
function serverClosed(reader: FrameReader, method: Method, username: string): ProbeError {
  const close = decodeClose(method.args);
  reader.write(encodeCloseOk());
  const text = `${close.replyCode} ${close.replyText}`;
  if (close.replyCode === 403) return new ProbeError('auth', `login as "${username}" refused (${text})`);
  if (close.replyCode === 530) return new ProbeError('auth', `access to the virtual host not allowed (${text})`);
  return new ProbeError('protocol', `the server closed the connection (${text})`);
}

function describeServer(properties: FieldTable): string {
  const product = typeof properties.product === 'string' ? properties.product : 'AMQP server';
  const version = typeof properties.version === 'string' ? ` ${properties.version}` : '';
  return `${product}${version}`;
}
