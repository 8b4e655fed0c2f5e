import { endpointOf, FrameReader, openConnection } from './connection.ts';
import { urlCredentials } from './mask.ts';
import { encodeCommand, parseReply, type RespReply } from './resp.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, runProbe } from './session.ts';

/**
 * Redis: AUTH with the URL's password (or user name and password, Redis 6 ACLs) when it has one, then PING,
 * expecting PONG, then QUIT. NOAUTH and WRONGPASS are reported as refused credentials. With redacted credentials
 * or an untrusted certificate no AUTH is sent: a PING answered with NOAUTH still shows a live Redis.
 */
export function probeRedis(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const target = parseRedisUrl(url);
    const tls = target.protocol === 'rediss:';
    const { socket, certificate } = await openConnection(session, endpointOf(target, 6379, tls));
    const withCertificate = <T extends object>(found: T): T => (certificate ? { ...found, certificate } : found);
    const reader = new FrameReader(socket, session);
    const command = (stage: string, ...args: string[]): Promise<RespReply> => {
      reader.write(encodeCommand(...args));
      return reader.next(parseReply, stage);
    };

    const credentials = urlCredentials(target);
    const hasPassword = credentials.password !== undefined;
    const withheld = !hasPassword
      ? undefined
      : credentials.redacted
        ? 'credentials redacted'
        : certificate && !certificate.verified
          ? 'certificate not trusted'
          : undefined;

    if (hasPassword && !withheld) {
      const args = credentials.username ? [credentials.username, credentials.password!] : [credentials.password!];
      const auth = await command('waiting for the AUTH reply', 'AUTH', ...args);
      if (auth.type === 'error') throw new ProbeError('auth', `login refused: ${auth.value}`, certificate);
    }

    const pong = await command('waiting for PONG', 'PING');
    if (pong.type === 'error') {
      if (/^NOAUTH\b/.test(pong.value)) {
        if (withheld) {
          socket.end();
          return withCertificate({ detail: `Redis answers and requires a login; ${withheld}, login not tried` });
        }
        throw new ProbeError('auth', `the server requires a password and the URL has none (${pong.value})`, certificate);
      }
      if (/^WRONGPASS\b/.test(pong.value)) throw new ProbeError('auth', `login refused: ${pong.value}`, certificate);
      throw new ProbeError('protocol', `PING answered with an error: ${pong.value}`, certificate);
    }
    if (pong.value !== 'PONG') throw new ProbeError('protocol', 'PING was not answered with PONG');

    // QUIT's +OK only keeps the server's view tidy; the probe has its result already.
    await command('waiting for the QUIT reply', 'QUIT').catch(() => undefined);
    const login = hasPassword && !withheld ? (credentials.username ? ` as "${credentials.username}"` : ' with password') : '';
    return withCertificate({ detail: `PONG${login}${withheld ? `; ${withheld}, login not tried` : ''}` });
  });
}

function parseRedisUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ProbeError('invalid-url', 'not a valid URL');
  }
  if (target.protocol !== 'redis:' && target.protocol !== 'rediss:') {
    throw new ProbeError('invalid-url', `not a redis(s) URL (${target.protocol})`);
  }
  return target;
}
