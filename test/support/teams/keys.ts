import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { listen, sendJson, type Loopback } from './loopback.ts';

/** The app registration and tenant every Teams test speaks for. */
export const TEAMS_APP_ID = '11111111-2222-3333-4444-555555555555';
export const TEAMS_TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const KEY_ID = 'standin-key-1';

export interface TokenOptions {
  /** Claims over (or, as undefined, instead of) Bot Service's: aud, iss, tid, serviceurl. */
  claims?: Record<string, unknown>;
  /** Header fields over `{alg: RS256, kid, typ: JWT}`. */
  header?: Record<string, unknown>;
  /** Another key than the one the key server publishes: a forged signature. */
  key?: CryptoKey;
  /** Seconds since the epoch: when the token was issued, from when it holds, until when. */
  issuedAt?: number;
  notBefore?: number;
  expires?: number;
}

/**
 * The Entra authority on loopback: the tenant's OpenID configuration and its signing keys (JWKS), where the
 * Agents SDK looks for them, `{authorityEndpoint}/{tenant}/discovery/v2.0/keys`; and tokens signed as Bot
 * Service signs them (no `appid` or `azp`: the SDK would ask for outbound tokens of that scope instead).
 */
export class KeyServer {
  /** The paths fetched, in order. */
  readonly fetches: string[] = [];
  private server?: Loopback;
  private privateKey?: CryptoKey;
  private jwk?: JWK;

  static async start(): Promise<KeyServer> {
    const keys = new KeyServer();
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    keys.privateKey = privateKey;
    keys.jwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, use: 'sig', alg: 'RS256' };
    keys.server = await listen((req, res) => {
      keys.fetches.push(req.url ?? '');
      if (req.url === `/${TEAMS_TENANT}/discovery/v2.0/keys`) return sendJson(res, 200, { keys: [keys.jwk] });
      if (req.url === `/${TEAMS_TENANT}/v2.0/.well-known/openid-configuration`) {
        return sendJson(res, 200, { issuer: keys.issuer, jwks_uri: `${keys.url}/${TEAMS_TENANT}/discovery/v2.0/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      }
      sendJson(res, 404, { error: 'not found' });
    });
    return keys;
  }

  /** The SDK's `authorityEndpoint`. */
  get url(): string {
    return this.server!.url;
  }

  /** The issuer of the tenant's tokens, as the SDK accepts it with `validateIssuer`. */
  get issuer(): string {
    return `${this.url}/${TEAMS_TENANT}/v2.0`;
  }

  /** A token vouching for `serviceUrl`, valid now, unless the options say otherwise. */
  async sign(serviceUrl: string | undefined, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = { aud: TEAMS_APP_ID, iss: this.issuer, tid: TEAMS_TENANT, serviceurl: serviceUrl, ...options.claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT', ...options.header })
      .setIssuedAt(options.issuedAt ?? now)
      .setNotBefore(options.notBefore ?? now - 60)
      .setExpirationTime(options.expires ?? now + 3600)
      .sign(options.key ?? this.privateKey!);
  }

  /** A token with `alg: none` and no signature at all. */
  unsigned(serviceUrl: string): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: TEAMS_APP_ID, iss: this.issuer, tid: TEAMS_TENANT, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600 })}.`;
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }
}
