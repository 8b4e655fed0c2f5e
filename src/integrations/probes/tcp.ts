import { openConnection } from './connection.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { runProbe } from './session.ts';
import { parseTarget } from './target.ts';

/** Whether something accepts TCP connections at tcp://host:port. */
export function probeTcp(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const { endpoint } = parseTarget(url, { 'tcp:': { port: 0, tls: false } });
    await openConnection(session, endpoint);
    return { detail: 'TCP connection accepted' };
  });
}
