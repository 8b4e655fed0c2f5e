import { randomBytes } from 'node:crypto';
import { endpointOf, FrameReader, openConnection } from './connection.ts';
import { urlCredentials } from './mask.ts';
import { CONNACK_MEANING, encodeConnect, encodeDisconnect, parseConnack } from './mqtt-packets.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, runProbe } from './session.ts';

/** URL schemes mqtt.js accepts for MQTT over TCP, and whether they mean TLS. */
const SCHEMES: Record<string, boolean> = { 'mqtt:': false, 'tcp:': false, 'mqtts:': true, 'ssl:': true, 'tls:': true };

/**
 * MQTT 3.1.1: CONNECT with a clean session and the URL's user name and password (anonymous when it has none),
 * CONNACK return code 0 is up; 4 and 5 are refused credentials; then DISCONNECT.
 * MQTT has no handshake without logging in, so with redacted credentials or an untrusted certificate
 * the probe stops after the connection (TCP or TLS) and says so.
 */
export function probeMqtt(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const target = parseMqttUrl(url);
    const tls = SCHEMES[target.protocol] === true;
    const { socket, certificate } = await openConnection(session, endpointOf(target, tls ? 8883 : 1883, tls));
    const withCertificate = <T extends object>(found: T): T => (certificate ? { ...found, certificate } : found);

    const credentials = urlCredentials(target);
    const skip = credentials.redacted
      ? 'credentials redacted'
      : certificate && !certificate.verified && credentials.username !== undefined
        ? 'certificate not trusted'
        : undefined;
    if (skip) {
      socket.end();
      return withCertificate({ detail: `${tls ? 'TLS' : 'TCP'} connection accepted; ${skip}, MQTT login not tried` });
    }

    const reader = new FrameReader(socket, session);
    reader.write(
      encodeConnect({
        clientId: `connector-ops-probe-${randomBytes(6).toString('hex')}`,
        username: credentials.username,
        password: credentials.password,
        keepAliveSeconds: 30,
      }),
    );
    const connack = await reader.next(parseConnack, 'waiting for CONNACK');
    const meaning = CONNACK_MEANING[connack.returnCode] ?? 'unknown return code';
    if (connack.returnCode === 4 || connack.returnCode === 5) {
      const who = credentials.username === undefined ? 'anonymous login' : `login as "${credentials.username}"`;
      throw new ProbeError('auth', `${who} refused: CONNACK ${connack.returnCode} (${meaning})`, certificate);
    }
    if (connack.returnCode !== 0) {
      throw new ProbeError('protocol', `connection refused by the broker: CONNACK ${connack.returnCode} (${meaning})`, certificate);
    }
    reader.write(encodeDisconnect());
    socket.end();
    const who = credentials.username === undefined ? 'anonymously' : `as "${credentials.username}"`;
    return withCertificate({ detail: `MQTT connection accepted ${who}` });
  });
}

function parseMqttUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ProbeError('invalid-url', 'not a valid URL');
  }
  if (!(target.protocol in SCHEMES)) throw new ProbeError('invalid-url', `not an mqtt(s) URL (${target.protocol})`);
  return target;
}
