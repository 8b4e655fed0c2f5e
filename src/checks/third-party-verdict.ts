import type { CheckDetail } from '../domain/check-result.ts';
import { worstStatus, type CheckStatus } from '../domain/status.ts';
import type { ProbeResult } from '../integrations/probes/result.ts';
import { DEFAULT_CERTIFICATE_THRESHOLDS, judgeCertificate, type CertificateThresholds } from './third-party-certificate.ts';
import type { ThirdPartyTarget } from './third-party-discovery.ts';

const FAILURE_WORDS: Record<string, string> = {
  refused: 'down',
  unreachable: 'unreachable',
  timeout: 'not answering',
  reset: 'connection dropped',
  tls: 'TLS failed',
  auth: 'credentials refused',
  protocol: 'unexpected answer',
};

/**
 * One detail per target: what the probe found, judged. A system that is down, refuses the credentials
 * or answers HTTP 5xx is critical; a certificate near its end or not trusted is a warning, an expired one
 * critical. A URL that cannot be probed at all is unknown: the check could not look.
 */
export function judgeProbe(
  target: ThirdPartyTarget,
  result: ProbeResult,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): CheckDetail {
  const label = target.shownUrl;
  if (!result.ok) {
    if (result.kind === 'invalid-url') {
      return { label, value: `${target.source}: cannot probe: ${result.reason}`, status: 'unknown' };
    }
    return { label, value: `${target.source}: ${FAILURE_WORDS[result.kind] ?? 'failed'}: ${result.reason}`, status: 'critical' };
  }
  const statuses: CheckStatus[] = ['ok'];
  const parts = [result.detail ?? 'reachable'];
  if (result.httpStatus !== undefined && result.httpStatus >= 500) {
    statuses.push('critical');
    parts[0] = `server error: ${parts[0]}`;
  }
  if (result.certificate) {
    const judged = judgeCertificate(result.certificate, thresholds, !target.tlsUnchecked);
    statuses.push(judged.status);
    parts.push(judged.text);
  }
  parts.push(`${result.latencyMs} ms`);
  return { label, value: `${target.source}: ${parts.join('; ')}`, status: worstStatus(statuses) };
}
