import { openConnection } from './connection.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { runProbe } from './session.ts';

/** Whether something accepts TCP connections on host:port. */
export function probeTcp(host: string, port: number, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    await openConnection(session, { host, port, tls: false });
    return { detail: 'TCP connection accepted' };
  });
}
