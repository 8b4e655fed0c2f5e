import { listen, sendJson, type Loopback } from './loopback.ts';

/**
 * Microsoft's Entra auth sidecar on loopback, the SDK's way to outbound tokens that is not MSAL (which refuses an
 * http:// authority): `GET /AuthorizationHeaderUnauthenticated/{service}?optionsOverride.Scopes=…` answers with the
 * header the bot then sends to the Bot Connector. The token names its scope, so a test can see which was asked for.
 */
export class TokenService {
  /** The query of every request, in order. */
  readonly requests: URLSearchParams[] = [];
  /** Down: every request is answered 503, as the sidecar answers when Entra cannot be reached. */
  down = false;
  private server?: Loopback;

  static async start(): Promise<TokenService> {
    const service = new TokenService();
    service.server = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://standin');
      if (req.method !== 'GET' || !url.pathname.startsWith('/AuthorizationHeaderUnauthenticated/')) return sendJson(res, 404, { title: 'not found' });
      service.requests.push(url.searchParams);
      if (service.down) return sendJson(res, 503, { type: 'about:blank', title: 'Entra ID not reachable', status: 503 }, { 'content-type': 'application/problem+json' });
      sendJson(res, 200, { authorizationHeader: `Bearer ${outboundToken(url.searchParams.get('optionsOverride.Scopes') ?? '')}` });
    });
    return service;
  }

  /** The SDK's `sidecarBaseUrl`. */
  get url(): string {
    return this.server!.url;
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }
}

/** A JWT-shaped token (the SDK reads its `exp` to cache it); the Bot Connector stand-in only reads its scope back. */
function outboundToken(scope: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: scope, exp: Math.floor(Date.now() / 1000) + 3600 })}.standin`;
}
