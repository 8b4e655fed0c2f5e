import type { KeyMaterialData } from '../domain/check-data.ts';
import { checkResult, type CheckDetail, type CheckResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import type { KeyMaterialFinding, Unplaced } from '../domain/finding.ts';
import { worstStatus } from '../domain/status.ts';
import type { ConnectorApiClient, ConnectorApiTarget } from '../integrations/connector-api/client.ts';
import type { ApiAnswer, HealthAnswer, IdentityInfo, SupportInfo } from '../integrations/connector-api/types.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from '../integrations/probes/result.ts';
import type { Prober } from '../integrations/probes/prober.ts';
import type { Check, CheckContext } from './check.ts';
import { supportFailureText } from './connector-answers.ts';
import { healthOnce, supportOnce, apiTargetOf, NEEDS_CONNECTOR_URL } from './connector-readings.ts';
import { DEFAULT_CERTIFICATE_THRESHOLDS, judgeCertificate, type CertificateThresholds } from './third-party-certificate.ts';

export interface KeyMaterialCheckOptions {
  api: Pick<ConnectorApiClient, 'health' | 'support' | 'identityInfo'>;
  /** Reads the certificate of an https Connector URL. */
  prober: Pick<Prober, 'tlsCertificate'>;
  /** Time limit of the TLS certificate probe, in ms (default 5000). */
  probeTimeoutMs?: number;
  certificate?: CertificateThresholds;
}

/** What the Connector answered, gathered in parallel; the input of the pure interpretation below. */
export interface KeyMaterialFindings {
  apiKeyConfigured: boolean;
  support?: ApiAnswer<SupportInfo>;
  /** Asked only when Support could not tell (forbidden, failed, or an older Connector without identityInfo). */
  identityRoute?: ApiAnswer<IdentityInfo>;
  health: HealthAnswer;
  /** Only for an https Connector URL. */
  tls?: ProbeResult;
}

/**
 * "Check access to key material": the Connector can read its identity (address and public key),
 * authenticates against the Backbone, accepts the bot's API key, and its TLS certificate is not about to expire.
 */
export class KeyMaterialCheck implements Check {
  readonly id = 'key-material' as const;
  private readonly options: KeyMaterialCheckOptions;

  constructor(options: KeyMaterialCheckOptions) {
    this.options = options;
  }

  readonly needs = NEEDS_CONNECTOR_URL;

  appliesTo(connector: Connector): boolean {
    return connector.url !== undefined;
  }

  async run(context: CheckContext): Promise<CheckResult> {
    const { connector, signal, now } = context;
    const target = apiTargetOf(connector);
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      return checkResult('key-material', 'unknown', 'The Connector URL is not a URL');
    }
    // All at once: a rejected key is answered only after 1-4 s and must not hold up the other parts.
    const [identity, health, tls] = await Promise.all([
      connector.apiKey ? this.readIdentity(target, context) : Promise.resolve({}),
      healthOnce(this.options.api, target, context),
      url.protocol === 'https:'
        ? this.options.prober.tlsCertificate(url.hostname.replace(/^\[(.*)\]$/, '$1'), Number(url.port || 443), {
            signal,
            now,
            timeoutMs: this.options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
          })
        : Promise.resolve(undefined),
    ]);
    return interpretKeyMaterial(
      { apiKeyConfigured: connector.apiKey !== undefined, ...identity, health, ...(tls ? { tls } : {}) },
      this.options.certificate,
    );
  }

  /** Support first (it holds identityInfo); the IdentityInfo route when Support cannot tell and the key is not rejected. */
  private async readIdentity(
    target: ConnectorApiTarget,
    context: CheckContext,
  ): Promise<Pick<KeyMaterialFindings, 'support' | 'identityRoute'>> {
    const support = await supportOnce(this.options.api, target, context);
    const rejectedKey = support.kind === 'rejected' && support.httpStatus === 401;
    if (identityFromSupport(support) || rejectedKey) return { support };
    return { support, identityRoute: await this.options.api.identityInfo(target, context.signal) };
  }
}

export function interpretKeyMaterial(
  findings: KeyMaterialFindings,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): CheckResult<'key-material'> {
  const lines = [identityLine(findings), backboneLine(findings.health), apiKeyLine(findings)];
  if (findings.tls) lines.push(certificateLine(findings.tls, thresholds));
  const details = lines.map((line) => line.detail);
  const status = worstStatus(details.map((detail) => detail.status!));
  const summary =
    status === 'ok'
      ? details.map((detail) => `${detail.label}: ${detail.value}`).join(' · ')
      : details
          .filter((detail) => detail.status !== 'ok')
          .map((detail) => `${detail.label}: ${detail.value}`)
          .join(' · ');
  const typed = lines.flatMap(({ finding }, line) => (finding ? [{ ...finding, line }] : []));
  return checkResult('key-material', status, summary, details, typed, keyMaterialData(typed));
}

/** The findings as one object, keyed by what each is about. */
function keyMaterialData(typed: readonly KeyMaterialFinding[]): KeyMaterialData {
  const data: KeyMaterialData = { apiKey: { configured: false } };
  for (const finding of typed) {
    switch (finding.kind) {
      case 'identity': {
        const { address, publicKeyReadable } = finding;
        data.identity = { ...(address !== undefined && { address }), ...(publicKeyReadable !== undefined && { publicKeyReadable }) };
        break;
      }
      case 'backbone-authentication':
        data.backboneAuthentication = finding.state === undefined ? {} : { state: finding.state };
        break;
      case 'api-key':
        data.apiKey = { configured: finding.configured, ...(finding.accepted !== undefined && { accepted: finding.accepted }) };
        break;
      case 'certificate':
        data.certificate = { subject: finding.subject, expiresAt: finding.expiresAt, daysToExpiry: finding.daysLeft, trusted: finding.trusted };
        break;
    }
  }
  return data;
}

/** A line of the report and the finding it tells (none when there is nothing to tell as data). */
interface Line {
  detail: CheckDetail;
  finding?: Unplaced<KeyMaterialFinding>;
}

type IdentityRead = { kind: 'identity'; info: IdentityInfo } | { kind: 'error'; error: string };

function identityFromSupport(support: ApiAnswer<SupportInfo> | undefined): IdentityRead | undefined {
  if (support?.kind !== 'ok') return undefined;
  const info = support.value.identityInfo;
  if (!info || typeof info !== 'object') return undefined;
  if ('error' in info) return { kind: 'error', error: typeof info.error === 'string' ? info.error : JSON.stringify(info.error) };
  if (typeof info.address === 'string') return { kind: 'identity', info };
  return undefined;
}

function identityLine(findings: KeyMaterialFindings): Line {
  const detail = identityDetail(findings);
  const info = identityRead(findings);
  return {
    detail,
    finding: { kind: 'identity', status: detail.status!, ...(info && { address: info.address, publicKeyReadable: Boolean(info.publicKey) }) },
  };
}

/** The identity, when the Connector told it: from Support, else from the IdentityInfo route (as identityDetail takes it). */
function identityRead(findings: KeyMaterialFindings): IdentityInfo | undefined {
  if (!findings.apiKeyConfigured) return undefined;
  const fromSupport = identityFromSupport(findings.support);
  if (fromSupport) return fromSupport.kind === 'identity' ? fromSupport.info : undefined;
  return findings.identityRoute?.kind === 'ok' ? findings.identityRoute.value : undefined;
}

function identityDetail(findings: KeyMaterialFindings): CheckDetail {
  const label = 'identity';
  if (!findings.apiKeyConfigured) return { label, value: 'not checked: no API key configured', status: 'unknown' };
  const fromSupport = identityFromSupport(findings.support);
  if (fromSupport?.kind === 'error') {
    return { label, value: `the Connector cannot read its identity: ${fromSupport.error}`, status: 'critical' };
  }
  if (fromSupport?.kind === 'identity') return identityOk(fromSupport.info);
  const route = findings.identityRoute;
  if (route?.kind === 'ok') return identityOk(route.value);
  if (findings.support?.kind === 'rejected' && findings.support.httpStatus === 401) {
    return { label, value: 'not checked: API key rejected', status: 'unknown' };
  }
  if (route?.kind === 'rejected') {
    return { label, value: 'not checked: the API key has neither the monitoring:support nor the core:account scope', status: 'unknown' };
  }
  // An HTTP 5xx from the identity route is the Connector failing to read it; anything else is the bot not reaching it.
  const support = findings.support?.kind === 'failed' ? findings.support : undefined;
  const supportHung = support?.timedOutMs !== undefined;
  const reason =
    route?.reason && supportHung ? `${route.reason}; ${supportFailureText(support)}` : (route?.reason ?? (support ? supportFailureText(support) : 'no answer'));
  return /^HTTP 5\d\d/.test(reason)
    ? { label, value: `the Connector cannot read its identity: ${reason}`, status: 'critical' }
    : { label, value: `not checked: ${reason}`, status: 'unknown' };
}

function identityOk(info: IdentityInfo): CheckDetail {
  const key = info.publicKey ? 'public key readable' : 'no public key in the answer';
  return { label: 'identity', value: `${info.address} (${key})`, status: info.publicKey ? 'ok' : 'warn' };
}

function backboneLine(health: HealthAnswer): Line {
  const detail = backboneDetail(health);
  const state = health.kind === 'unreachable' ? undefined : health.body.services.backboneAuthentication;
  return { detail, finding: { kind: 'backbone-authentication', status: detail.status!, ...(state !== undefined && { state }) } };
}

/**
 * The Connector's own authentication check fails on any error, so it speaks of the credentials only while
 * the Backbone answers; and a success is cached for 5 minutes, so "healthy" may be stale while it does not.
 */
function backboneDetail(health: HealthAnswer): CheckDetail {
  const label = 'Backbone authentication';
  if (health.kind === 'unreachable') {
    const why = health.timedOutMs !== undefined ? `/health did not answer (its Backbone check hangs): ${health.reason}` : `/health ${health.reason}`;
    return { label, value: `not checked: ${why}`, status: 'unknown' };
  }
  const { backboneAuthentication: state, backboneConnection: connection } = health.body.services;
  if (state === undefined) return { label, value: 'not reported by this Connector version', status: 'unknown' };
  const backboneDown = connection !== undefined && connection !== 'healthy';
  if (backboneDown && state !== 'healthy') return { label, value: 'not checked: the Backbone is unreachable', status: 'unknown' };
  if (backboneDown) {
    return {
      label,
      value: 'healthy, but possibly stale: the Connector caches a successful authentication for 5 minutes and the Backbone is unreachable',
      status: 'unknown',
    };
  }
  if (state === 'healthy') return { label, value: 'healthy', status: 'ok' };
  return { label, value: `${state} (the Connector cannot authenticate with its device credentials)`, status: 'critical' };
}

function apiKeyLine(findings: KeyMaterialFindings): Line {
  const detail = apiKeyDetail(findings);
  // Only a 401 is critical and only an answer that knows the key is ok: unknown is a key not asked about.
  const accepted = detail.status === 'unknown' ? undefined : detail.status === 'ok';
  return { detail, finding: { kind: 'api-key', status: detail.status!, configured: findings.apiKeyConfigured, ...(accepted !== undefined && { accepted }) } };
}

function apiKeyDetail(findings: KeyMaterialFindings): CheckDetail {
  const label = 'API key';
  if (!findings.apiKeyConfigured) return { label, value: 'not configured', status: 'unknown' };
  const answers = [findings.support, findings.identityRoute].filter((answer) => answer !== undefined);
  if (answers.some((answer) => answer.kind === 'rejected' && answer.httpStatus === 401)) {
    return { label, value: 'API key rejected (401)', status: 'critical' };
  }
  // A 403 is a key the Connector knows, lacking a scope.
  if (answers.some((answer) => answer.kind === 'ok' || answer.kind === 'rejected')) return { label, value: 'accepted', status: 'ok' };
  const failed = answers.find((answer) => answer.kind === 'failed');
  const reason = failed === undefined ? 'no answer' : failed === findings.support ? supportFailureText(failed) : failed.reason;
  return { label, value: `not checked: ${reason}`, status: 'unknown' };
}

function certificateLine(tls: ProbeResult, thresholds: CertificateThresholds): Line {
  const label = 'TLS certificate';
  if (!tls.ok || !tls.certificate) {
    return { detail: { label, value: `not read: ${tls.ok ? 'no certificate presented' : tls.reason}`, status: 'unknown' } };
  }
  const { subject, validTo, daysLeft, verified } = tls.certificate;
  const judged = judgeCertificate(tls.certificate, thresholds);
  return {
    detail: { label, value: `${subject}: ${judged.text}`, status: judged.status },
    finding: { kind: 'certificate', status: judged.status, subject, expiresAt: validTo, daysLeft, trusted: verified },
  };
}
