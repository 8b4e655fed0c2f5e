/** The claims of a token the SDK validated (signature, issuer, audience, lifetime). */
type Claims = Record<string, unknown>;

const MAX_TOKENS = 1_000;

/**
 * Tokens already validated, with their claims, until they expire. Teams sends one token with many activities for
 * its hour, and validating it again each time (decoding, an RSA signature, a key object made anew) was most of the
 * work of a burst of fifty on the thread that acknowledges them. Holding a validated token changes nothing about
 * what is accepted: a token is valid until its `exp` whether it is checked once or every time; here without the
 * SDK's five minutes of clock tolerance. What each activity claims (its service URL) is still checked per request.
 */
export class VerifiedTokens {
  private readonly tokens = new Map<string, { claims: Claims; expiresAt: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The claims of `token` if it was validated and has not expired since. */
  claimsOf(token: string): Claims | undefined {
    const known = this.tokens.get(token);
    if (!known) return undefined;
    if (this.now() < known.expiresAt) return known.claims;
    this.tokens.delete(token);
    return undefined;
  }

  /** Keeps a token the SDK just validated; one without an expiry (a development setup's anonymous caller) is not kept. */
  add(token: string, claims: Claims): void {
    const exp = claims['exp'];
    if (typeof exp !== 'number' || exp * 1000 <= this.now()) return;
    // The oldest first: a Map iterates in insertion order.
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    this.tokens.set(token, { claims, expiresAt: exp * 1000 });
  }
}
