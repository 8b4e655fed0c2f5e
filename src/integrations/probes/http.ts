import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { certificateOf } from './certificate.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { runProbe, type ProbeSession } from './session.ts';
import { parseTarget } from './target.ts';

const SCHEMES = { 'http:': { port: 80, tls: false }, 'https:': { port: 443, tls: true } };

/**
 * GET on a URL: the status the server answers with and, for https, its certificate (expiry, whether it verifies).
 * Redirects are not followed and the body is not read: any answer proves the server is there.
 * Credentials in the URL are not sent: the probe asks whether the system is up, not whether it lets us in.
 */
export function probeHttp(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const { url: target } = parseTarget(url, SCHEMES);
    // Not sent: the probe asks whether the system is up, not whether it lets us in.
    target.username = '';
    target.password = '';
    const response = await get(session, target);
    const status = response.statusCode ?? 0;
    const socket = response.socket as TLSSocket;
    const certificate = target.protocol === 'https:' ? certificateOf(socket, session.now) : undefined;
    const found = { httpStatus: status, detail: `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` };
    return certificate ? { ...found, certificate } : found;
  });
}

function get(session: ProbeSession, target: URL): Promise<IncomingMessage> {
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(target, {
      method: 'GET',
      agent: false,
      // Seen and reported, not refused: an expired or self-signed certificate is a finding, not a crash.
      rejectUnauthorized: false,
      signal: session.signal,
      headers: { 'user-agent': 'connector-ops-probe', accept: '*/*' },
    });
    outgoing.on('socket', (socket) => {
      session.track(socket);
      socket.once('connect', () => {
        session.stage = target.protocol === 'https:' ? 'waiting for the TLS handshake' : 'waiting for the HTTP response';
      });
      socket.once('secureConnect', () => (session.stage = 'waiting for the HTTP response'));
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end();
  });
}
