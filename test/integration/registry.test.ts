import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegistryClient } from '../../src/integrations/registry/client.ts';
import { RegistryError } from '../../src/integrations/registry/errors.ts';
import { parseImageReference, type ImageReference } from '../../src/integrations/registry/reference.ts';
import {
  pushViaApi,
  requireRegistryTools,
  startBrokenRegistry,
  startRegistry,
  TokenServer,
  type TestRegistry,
} from '../support/registry-fixtures.ts';
import { describeWith, registryHost, requireRegistry } from '../support/requirements.ts';
import { freePort } from '../support/standin.ts';

const RUN = randomBytes(4).toString('hex');
const REPOSITORY = `nmshd/registry-it-${RUN}`;
const TAGS = ['7.3.0', '7.4.6', '7.5.0', '8.0.0', 'latest'];

/** Expects `promise` to reject with a RegistryError of `kind` and returns it. */
async function registryError(promise: Promise<unknown>, kind: RegistryError['kind']): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  expect((error as RegistryError).kind).toBe(kind);
  return error as RegistryError;
}

const image = (host: string, repository = REPOSITORY): ImageReference => parseImageReference(`${host}/${repository}:latest`);

describeWith([requireRegistry(), requireRegistryTools()], 'registry client against the shared registry (no auth)', () => {
  const digests = new Map<string, string>();

  beforeAll(async () => {
    for (const tag of TAGS) digests.set(tag, await pushViaApi(registryHost(), REPOSITORY, tag, `${RUN} ${tag}`));
  });

  it('lists every tag', async () => {
    const client = new RegistryClient();
    expect((await client.listTags(image(registryHost()))).sort()).toEqual([...TAGS].sort());
  });

  it('reads the manifest digest of a tag with HEAD', async () => {
    const client = new RegistryClient();
    expect(await client.manifestDigest(image(registryHost()), '7.4.6')).toBe(digests.get('7.4.6'));
    expect(await client.manifestDigest(image(registryHost()), 'latest')).toBe(digests.get('latest'));
  });

  it('tells an unknown repository and an unknown tag apart from other failures', async () => {
    const client = new RegistryClient();
    const repository = await registryError(client.listTags(image(registryHost(), `nmshd/never-pushed-${RUN}`)), 'not-found');
    expect(repository.message).toBe(`repository nmshd/never-pushed-${RUN} not found in registry ${registryHost()} (404 NAME_UNKNOWN)`);
    const tag = await registryError(client.manifestDigest(image(registryHost()), '9.9.9'), 'not-found');
    expect(tag.message).toContain(`tag 9.9.9 of ${REPOSITORY} not found`);
  });
});

describeWith([requireRegistryTools()], 'registry client with basic authentication (htpasswd)', () => {
  let registry: TestRegistry;
  const password = `pw-${RUN}`;

  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { alice: password } });
    const basic = `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
    await pushViaApi(registry.host, 'nmshd/connector', '7.4.6', 'basic 7.4.6', basic);
    await pushViaApi(registry.host, 'nmshd/connector', '7.5.0', 'basic 7.5.0', basic);
  });
  afterAll(() => registry?.stop());

  it('answers the Basic challenge with the configured credentials', async () => {
    const client = new RegistryClient({ registries: { [registry.host]: { username: 'alice', password } } });
    expect((await client.listTags(image(registry.host, 'nmshd/connector'))).sort()).toEqual(['7.4.6', '7.5.0']);
    expect(await client.manifestDigest(image(registry.host, 'nmshd/connector'), '7.5.0')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('is unauthorized with a wrong password, without showing it', async () => {
    const client = new RegistryClient({ registries: { [registry.host]: { username: 'alice', password: 'wrong-secret' } } });
    const error = await registryError(client.listTags(image(registry.host, 'nmshd/connector')), 'unauthorized');
    expect(error.message).toContain('check the configured credentials');
    expect(error.message).not.toContain('wrong-secret');
  });

  it('is unauthorized without credentials, saying what to configure', async () => {
    const error = await registryError(new RegistryClient().listTags(image(registry.host, 'nmshd/connector')), 'unauthorized');
    expect(error.message).toBe(`registry ${registry.host} requires a login (401): configure a username and password for ${registry.host}`);
  });
});

describeWith([requireRegistryTools()], 'registry client with bearer tokens (token-auth registry)', () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  const password = `pw-${RUN}`;

  beforeAll(async () => {
    tokens = await TokenServer.start({ users: { bob: password }, publicRepositories: ['nmshd/connector'], expiresInSeconds: 2 });
    registry = await startRegistry({ token: tokens });
    const push = (repository: string) =>
      `Bearer ${tokens.mint('bob', [{ name: repository, actions: ['pull', 'push'] }])}`;
    await pushViaApi(registry.host, 'nmshd/connector', '7.4.6', 'token 7.4.6', push('nmshd/connector'));
    await pushViaApi(registry.host, 'nmshd/connector', '8.0.0', 'token 8.0.0', push('nmshd/connector'));
    await pushViaApi(registry.host, 'private/connector', '1.0.0', 'private 1.0.0', push('private/connector'));
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it('fetches an anonymous token for a public repository, as from ghcr.io, and caches it', async () => {
    const client = new RegistryClient();
    const before = tokens.requests.length;
    expect((await client.listTags(image(registry.host, 'nmshd/connector'))).sort()).toEqual(['7.4.6', '8.0.0']);
    await client.manifestDigest(image(registry.host, 'nmshd/connector'), '8.0.0');
    const requests = tokens.requests.slice(before);
    expect(requests).toEqual([{ service: tokens.service, scopes: ['repository:nmshd/connector:pull'] }]);
  });

  it('fetches a new token once the cached one has expired', async () => {
    let now = Date.now();
    const client = new RegistryClient({ cacheMs: 0, now: () => now });
    const before = tokens.requests.length;
    await client.listTags(image(registry.host, 'nmshd/connector'));
    await client.listTags(image(registry.host, 'nmshd/connector'));
    expect(tokens.requests.length - before).toBe(1);
    // The token lives 2 s and is kept for 90 % of that.
    now += 1_900;
    await client.listTags(image(registry.host, 'nmshd/connector'));
    expect(tokens.requests.length - before).toBe(2);
  });

  it('sends the configured credentials to the token service for a private repository', async () => {
    const client = new RegistryClient({ registries: { [registry.host]: { username: 'bob', password } } });
    const before = tokens.requests.length;
    expect(await client.listTags(image(registry.host, 'private/connector'))).toEqual(['1.0.0']);
    expect(tokens.requests.slice(before)).toEqual([
      { user: 'bob', service: tokens.service, scopes: ['repository:private/connector:pull'] },
    ]);
  });

  it('is unauthorized when an anonymous token holds no access to a private repository', async () => {
    const error = await registryError(new RegistryClient().listTags(image(registry.host, 'private/connector')), 'unauthorized');
    expect(error.message).toContain('configure credentials');
  });

  it('is unauthorized when the token service rejects the credentials', async () => {
    const client = new RegistryClient({ registries: { [registry.host]: { username: 'bob', password: 'not-the-password' } } });
    const error = await registryError(client.listTags(image(registry.host, 'private/connector')), 'unauthorized');
    expect(error.message).toBe(`token service of registry ${registry.host} rejected the configured credentials (401)`);
    expect(error.message).not.toContain('not-the-password');
  });

  it('accepts a token service that answers access_token', async () => {
    const oauth = await TokenServer.start({ users: {}, publicRepositories: ['nmshd/connector'], tokenField: 'access_token' });
    const oauthRegistry = await startRegistry({ token: oauth });
    try {
      const push = `Bearer ${oauth.mint('admin', [{ name: 'nmshd/connector', actions: ['pull', 'push'] }])}`;
      await pushViaApi(oauthRegistry.host, 'nmshd/connector', '7.4.6', 'oauth 7.4.6', push);
      expect(await new RegistryClient().listTags(image(oauthRegistry.host, 'nmshd/connector'))).toEqual(['7.4.6']);
    } finally {
      await oauthRegistry.stop();
      await oauth.stop();
    }
  });
});

/** A registry that pages its tag list as Docker Hub and ghcr.io do; the Distribution registry 2.8 ignores `n`. */
async function startPagingRegistry(tags: string[], nextLink: (last: string, n: number) => string) {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const url = new URL(request.url ?? '/', 'http://registry');
    const n = Number(url.searchParams.get('n'));
    const last = url.searchParams.get('last');
    const start = last ? tags.indexOf(last) + 1 : 0;
    const page = tags.slice(start, start + n);
    const more = start + n < tags.length;
    response.writeHead(200, {
      'content-type': 'application/json',
      ...(more ? { link: `<${nextLink(page[page.length - 1]!, n)}>; rel="next"` } : {}),
    });
    response.end(JSON.stringify({ name: 'nmshd/connector', tags: page }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeWith([], 'registry client against scripted registries (behaviour the local registry lacks, and failures)', () => {
  it('follows Link pagination of the tag list with the page size it asks for', async () => {
    const tags = ['1.0.0', '1.1.0', '2.0.0', '2.1.0', 'latest'];
    const paging = await startPagingRegistry(tags, (last, n) => `/v2/nmshd/connector/tags/list?last=${last}&n=${n}`);
    try {
      const client = new RegistryClient({ pageSize: 2 });
      expect(await client.listTags(image(paging.host, 'nmshd/connector'))).toEqual(tags);
      expect(paging.requests).toEqual([
        '/v2/nmshd/connector/tags/list?n=2',
        '/v2/nmshd/connector/tags/list?last=1.1.0&n=2',
        '/v2/nmshd/connector/tags/list?last=2.1.0&n=2',
      ]);
    } finally {
      await paging.stop();
    }
  });

  it('shares one request among concurrent callers and remembers the answer for a while', async () => {
    const paging = await startPagingRegistry(['1.0.0', '2.0.0'], () => '');
    try {
      const client = new RegistryClient();
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => client.listTags(image(paging.host, 'nmshd/connector'))));
      expect(answers).toEqual(Array(5).fill(['1.0.0', '2.0.0']));
      await client.listTags(image(paging.host, 'nmshd/connector'));
      expect(paging.requests).toHaveLength(1);

      const uncached = new RegistryClient({ cacheMs: 0 });
      await uncached.listTags(image(paging.host, 'nmshd/connector'));
      await uncached.listTags(image(paging.host, 'nmshd/connector'));
      expect(paging.requests).toHaveLength(3);
    } finally {
      await paging.stop();
    }
  });

  it('does not follow a next page to another host', async () => {
    const paging = await startPagingRegistry(['1.0.0', '2.0.0'], () => 'http://127.0.0.2:1/v2/x/tags/list');
    try {
      const error = await registryError(new RegistryClient({ pageSize: 1 }).listTags(image(paging.host, 'nmshd/connector')), 'bad-answer');
      expect(error.message).toContain('next page on another host');
    } finally {
      await paging.stop();
    }
  });

  it('hashes the manifest when the registry sends no Docker-Content-Digest (the header is optional)', async () => {
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    const methods: string[] = [];
    const server = http.createServer((request, response) => {
      methods.push(request.method ?? '');
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json', 'content-length': Buffer.byteLength(manifest) });
      response.end(request.method === 'HEAD' ? undefined : manifest);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const digest = await new RegistryClient().manifestDigest(image(host, 'nmshd/connector'), '7.4.6');
      expect(digest).toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
      expect(methods).toEqual(['HEAD', 'GET']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a registry that answers 500 as a server error', async () => {
    const broken = await startBrokenRegistry(500);
    try {
      const client = new RegistryClient();
      const error = await registryError(client.listTags(image(broken.host)), 'server-error');
      expect(error.message).toBe(`registry ${broken.host} failed with 500 UNKNOWN for repository ${REPOSITORY}`);
      expect(error.httpStatus).toBe(500);
      // A failure is not remembered: the next call asks again.
      await registryError(client.listTags(image(broken.host)), 'server-error');
      expect(broken.requests).toBe(2);
    } finally {
      await broken.stop();
    }
  });

  it('reports a closed port as unreachable', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const error = await registryError(new RegistryClient().listTags(image(host)), 'unreachable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up on a registry that does not answer, within its timeout', async () => {
    let requested: () => void = () => undefined;
    const silent = http.createServer(() => requested());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const error = await registryError(new RegistryClient({ timeoutMs: 300 }).manifestDigest(image(host), 'latest'), 'unreachable');
      expect(error.message).toBe(`registry ${host} unreachable: timed out`);

      const held = new Promise<void>((resolve) => (requested = resolve));
      const controller = new AbortController();
      const pending = new RegistryClient({ timeoutMs: 60_000 }).listTags(image(host), controller.signal);
      // Aborted while the registry holds the request.
      await held;
      controller.abort();
      await registryError(pending, 'unreachable');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
