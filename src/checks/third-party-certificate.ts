import type { CheckStatus } from '../domain/status.ts';
import type { CertificateInfo } from '../integrations/probes/result.ts';

export interface CertificateThresholds {
  /** Fewer days left than this: warn. */
  warnDays: number;
  /** Fewer days left than this, or expired: critical. */
  criticalDays: number;
}

export const DEFAULT_CERTIFICATE_THRESHOLDS: CertificateThresholds = { warnDays: 14, criticalDays: 3 };

/**
 * How a TLS certificate stands: by its expiry, and by whether it verifies against the bot's trust store.
 * `trustRequired` is false where the Connector itself skips verification (webhooks' skipTlsCheck).
 */
export function judgeCertificate(
  certificate: CertificateInfo,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
  trustRequired = true,
): { status: CheckStatus; text: string } {
  const until = certificate.validTo.slice(0, 10);
  const days = certificate.daysLeft;
  let status: CheckStatus;
  let text: string;
  if (days < 0) {
    status = 'critical';
    text = `certificate expired ${-days === 1 ? '1 day' : `${-days} days`} ago (${until})`;
  } else {
    status = days < thresholds.criticalDays ? 'critical' : days < thresholds.warnDays ? 'warn' : 'ok';
    text = `certificate expires in ${days === 1 ? '1 day' : `${days} days`} (${until})`;
  }
  // An expired certificate fails verification for that reason alone; saying so twice helps no one.
  if (!certificate.verified && certificate.verifyError !== 'CERT_HAS_EXPIRED') {
    const why = certificate.verifyError ?? 'does not verify';
    if (trustRequired) {
      text += `; not trusted: ${why}`;
      if (status === 'ok') status = 'warn';
    } else {
      text += `; not trusted (${why}), but TLS checks are off for it`;
    }
  }
  return { status, text };
}
