import { FrameReader, openConnection } from './connection.ts';
import { encodeCommand, parseReply, type RespReply } from './resp.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, runProbe } from './session.ts';
import { parseTarget } from './target.ts';

const SCHEMES = { 'redis:': { port: 6379, tls: false }, 'rediss:': { port: 6379, tls: true } };

/**
 * Redis: AUTH with the URL's password (or user name and password, Redis 6 ACLs) when it has one, then PING,
 * expecting PONG, then QUIT. NOAUTH and WRONGPASS are reported as refused credentials. With redacted credentials
 * or an untrusted certificate no AUTH is sent: a PING answered with NOAUTH still shows a live Redis.
 * A least-privilege ACL user may be refused PING (NOPERM): the login worked and Redis answered, so that is up.
 */
export function probeRedis(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const { endpoint, credentials } = parseTarget(url, SCHEMES);
    const { socket, certificate } = await openConnection(session, endpoint);
    const withCertificate = <T extends object>(found: T): T => (certificate ? { ...found, certificate } : found);
    const reader = new FrameReader(socket, session);
    const command = (stage: string, ...args: string[]): Promise<RespReply> => {
      reader.write(encodeCommand(...args));
      return reader.next(parseReply, stage);
    };

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

    const login = hasPassword && !withheld ? (credentials.username ? ` as "${credentials.username}"` : ' with password') : '';
    const pong = await command('waiting for PONG', 'PING');
    if (pong.type === 'error' && /^NOPERM\b/.test(pong.value)) {
      socket.end();
      return withCertificate({ detail: `logged in${login || ' as the default user'}; PING not permitted for this user (${pong.value})` });
    }
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
    return withCertificate({ detail: `PONG${login}${withheld ? `; ${withheld}, login not tried` : ''}` });
  });
}
