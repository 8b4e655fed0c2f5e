/** What a probe of one outside system found: reachable (with how fast), or why not. */
export type ProbeResult = ProbeSuccess | ProbeFailure;

export interface ProbeSuccess {
  ok: true;
  latencyMs: number;
  /** What was seen, e.g. "RabbitMQ 3.12.1, logged in as guest" or "HTTP 204". */
  detail?: string;
  /** HTTP probes: the status the server answered with. */
  httpStatus?: number;
  /** TLS connections: the peer certificate as seen. */
  certificate?: CertificateInfo;
}

export interface ProbeFailure {
  ok: false;
  kind: ProbeFailureKind;
  reason: string;
  /** Present when the TLS handshake got as far as the certificate. */
  certificate?: CertificateInfo;
}

/**
 * Why a probe failed, coarse enough for a check to decide on:
 * refused (nobody listens), unreachable (name or route), timeout (no connection or no answer in time),
 * reset (dropped mid-way), tls (handshake failed), auth (credentials refused), protocol (something
 * answered that does not speak the protocol), invalid-url (nothing to probe).
 */
export type ProbeFailureKind =
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'reset'
  | 'tls'
  | 'auth'
  | 'protocol'
  | 'invalid-url';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 */
  validTo: string;
  /** Whole days until validTo; negative once expired. */
  daysLeft: number;
  /** Whether the chain and host name verify against the bot's trust store (Node's CAs plus NODE_EXTRA_CA_CERTS). */
  verified: boolean;
  /** OpenSSL's code when it does not verify, e.g. DEPTH_ZERO_SELF_SIGNED_CERT or CERT_HAS_EXPIRED. */
  verifyError?: string;
}

export interface ProbeOptions {
  /** Per-probe time limit in ms; default 5000. */
  timeoutMs?: number;
  /** The caller's signal (the check's time); the probe stops when it aborts. */
  signal?: AbortSignal;
  /** Clock for certificate days; defaults to the current time. */
  now?: Date;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

export function probeFailure(kind: ProbeFailureKind, reason: string, certificate?: CertificateInfo): ProbeFailure {
  return certificate ? { ok: false, kind, reason, certificate } : { ok: false, kind, reason };
}
