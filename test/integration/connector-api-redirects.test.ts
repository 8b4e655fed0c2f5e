/**
 * The Connector API client behind a reverse proxy that redirects: it follows a redirect on the
 * Connector's own host, but never takes the API key to another host (fetch would send X-API-KEY along).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectorApiClient } from '../../src/integrations/connector-api/client.ts';
import { describeWith, requireStandinImage } from '../support/requirements.ts';
import { startStandinConnector, type StandinConnector } from '../support/standin.ts';

interface Server {
  port: number;
  /** The API key each request carried (undefined: none). */
  keys: (string | undefined)[];
  close(): Promise<void>;
}

/** A server that answers every request with a redirect to `location(path)`, or with 404 when that is undefined. */
async function startRedirector(location: (path: string) => string | undefined): Promise<Server> {
  const keys: (string | undefined)[] = [];
  const server = http.createServer((request, response) => {
    keys.push(request.headers['x-api-key'] as string | undefined);
    const target = location(request.url ?? '/');
    response.writeHead(target ? 302 : 404, target ? { location: target } : {});
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    keys,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeWith([requireStandinImage()], 'Connector API client through a redirecting proxy on the same host', () => {
  let standin: StandinConnector;
  let proxy: Server;

  beforeAll(async () => {
    standin = await startStandinConnector({ name: 'api-redirects' });
    // As a proxy that moves http to https, or /connector to /connector/: same host, another port or path.
    proxy = await startRedirector((path) => `http://127.0.0.1:${standin.port}${path}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await standin?.remove();
  });

  it('follows the redirect with the API key and reads the version', async () => {
    const target = { url: `http://127.0.0.1:${proxy.port}`, apiKey: standin.apiKey, apiKeyHeader: 'X-API-KEY' };
    const answer = await new ConnectorApiClient(5_000).version(target, AbortSignal.timeout(10_000));
    expect(answer.kind).toBe('ok');
  });
});

describeWith([], 'Connector API client redirected to another host', () => {
  let elsewhere: Server;
  let proxy: Server;

  beforeAll(async () => {
    elsewhere = await startRedirector(() => undefined);
    // `localhost` is another host name than 127.0.0.1, as an identity provider's login page would be.
    proxy = await startRedirector((path) => `http://localhost:${elsewhere.port}/login?next=${encodeURIComponent(path)}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await elsewhere?.close();
  });

  it('does not follow, so the API key never reaches the other host', async () => {
    const target = { url: `http://127.0.0.1:${proxy.port}`, apiKey: 'the-secret-api-key', apiKeyHeader: 'X-API-KEY' };
    const answer = await new ConnectorApiClient(5_000).version(target, AbortSignal.timeout(10_000));
    expect(answer).toEqual({
      kind: 'failed',
      reason: `redirected to another host (localhost:${elsewhere.port}): not followed with the API key`,
    });
    expect(proxy.keys).toEqual(['the-secret-api-key']);
    expect(elsewhere.keys).toEqual([]);
  });
});
