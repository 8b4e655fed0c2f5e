/** Why a registry request failed, so that a check can say it plainly. */
export type RegistryErrorKind =
  /** 401/403 even after authenticating (or no credentials for a registry that requires them). */
  | 'unauthorized'
  /** 404: repository or tag unknown. */
  | 'not-found'
  /** 429: Docker Hub's pull limits, for example. */
  | 'rate-limited'
  /** 5xx. */
  | 'server-error'
  /** Refused, reset, timed out, TLS failure. */
  | 'unreachable'
  /** An answer that the Registry API does not give (other status, body that is not JSON, no digest). */
  | 'bad-answer';

export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly httpStatus?: number;

  constructor(
    kind: RegistryErrorKind,
    message: string,
    httpStatus?: number,
  ) {
    super(message);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.name = 'RegistryError';
  }
}
