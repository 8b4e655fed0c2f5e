import { openConnection } from './connection.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { ProbeError, runProbe } from './session.ts';

/**
 * The certificate a TLS server presents: subject, issuer, days until expiry and whether it verifies.
 * A certificate that does not verify is still a successful probe: judging it is the caller's business.
 */
export function probeTlsCertificate(
  host: string,
  port: number,
  servername?: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const endpoint = servername ? { host, port, tls: true, servername } : { host, port, tls: true };
    const { certificate } = await openConnection(session, endpoint);
    if (!certificate) throw new ProbeError('tls', 'the server presented no certificate');
    return { certificate, detail: `certificate for ${certificate.subject}` };
  });
}
