import { describe, expect, it } from 'vitest';
import { ImageUpdateCheck } from '../../src/checks/image-update.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { ConnectorApiTarget } from '../../src/integrations/connector-api/client.ts';
import type { ApiAnswer, VersionInfo } from '../../src/integrations/connector-api/types.ts';
import type { ContainerImage, ContainerImageReader } from '../../src/integrations/docker/images.ts';
import { RegistryError } from '../../src/integrations/registry/errors.ts';
import type { ImageReference } from '../../src/integrations/registry/reference.ts';
import type { RegistryReader } from '../../src/integrations/registry/types.ts';

const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;
const connector: Connector = {
  name: 'main',
  container: 'connector',
  url: 'http://127.0.0.1:8080',
  apiKey: 'key',
  apiKeyHeader: 'X-API-KEY',
  logFiles: [],
  source: 'config',
};

function images(image: Partial<ContainerImage> | Error): ContainerImageReader {
  return {
    containerImage: () =>
      image instanceof Error
        ? Promise.reject(image)
        : Promise.resolve({ reference: '', imageId: 'sha256:abc', repoDigests: [], repoTags: [], ...image }),
  };
}

/**
 * A registry held in memory: tags and the digest each tag points to, or an error for every call. It keeps the
 * manifests of `formerly` (tags that moved on) by digest, as a registry does; any other digest is unknown to it.
 */
class MemoryRegistry implements RegistryReader {
  readonly heads: string[] = [];
  private readonly content: Record<string, string> | RegistryError;
  private readonly formerly: readonly string[];

  constructor(content: Record<string, string> | RegistryError, formerly: readonly string[] = []) {
    this.content = content;
    this.formerly = formerly;
  }
  listTags(_image: ImageReference): Promise<string[]> {
    return this.content instanceof RegistryError ? Promise.reject(this.content) : Promise.resolve(Object.keys(this.content));
  }
  manifestDigest(image: ImageReference, tag: string): Promise<string> {
    this.heads.push(`${image.repository}:${tag}`);
    if (this.content instanceof RegistryError) return Promise.reject(this.content);
    const digest = this.formerly.includes(tag) || Object.values(this.content).includes(tag) ? tag : this.content[tag];
    return digest ? Promise.resolve(digest) : Promise.reject(new RegistryError('not-found', `tag ${tag} not found`, 404));
  }
}

function versionApi(answer: ApiAnswer<VersionInfo>) {
  const asked: ConnectorApiTarget[] = [];
  return { asked, version: (target: ConnectorApiTarget) => (asked.push(target), Promise.resolve(answer)) };
}

const run = (check: ImageUpdateCheck) => check.run({ connector, signal: new AbortController().signal, now: new Date() });

describe('ImageUpdateCheck', () => {
  it('applies only to connectors with a container', () => {
    const check = new ImageUpdateCheck({ images: images({}), registry: new MemoryRegistry({}) }, { includePrereleases: false });
    expect(check.appliesTo(connector)).toBe(true);
    const { container: _container, ...withoutContainer } = connector;
    expect(check.appliesTo(withoutContainer)).toBe(false);
  });

  it("is unknown, naming the engine it asked, when the container's image cannot be read", async () => {
    const down = Object.assign(new Error('connect ENOENT /run/podman/podman.sock'), { code: 'ENOENT' });
    const check = new ImageUpdateCheck({ images: images(down), registry: new MemoryRegistry({}) }, { includePrereleases: false });
    expect(await run(check)).toMatchObject({ status: 'unknown', summary: "Could not read the container's image from the container engine: connect ENOENT /run/podman/podman.sock" });
    const onEu = await check.run({ connector: { ...connector, engine: 'eu' }, signal: new AbortController().signal, now: new Date() });
    expect(onEu.summary).toMatch(/^Could not read the container's image from the container engine eu: /);
  });

  it('recommends the same-major update and compares the running tag digest', async () => {
    const registry = new MemoryRegistry({ '7.4.6': OLD, '7.5.0': NEW, '8.0.0': NEW });
    const check = new ImageUpdateCheck(
      {
        images: images({ reference: 'ghcr.io/nmshd/connector:7.4.6', repoDigests: [`ghcr.io/nmshd/connector@${OLD}`] }),
        registry,
      },
      { includePrereleases: false },
    );
    const result = await run(check);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('7.4.6 → 7.5.0 available; 8.0.0 is a new major version (a migration)');
    expect(registry.heads).toEqual(['nmshd/connector:7.4.6']);
  });

  it('does not HEAD the tag of an image that has no digest from the registry', async () => {
    const registry = new MemoryRegistry({ '7.4.6': OLD });
    const check = new ImageUpdateCheck(
      { images: images({ reference: 'ghcr.io/nmshd/connector:7.4.6', repoDigests: [] }), registry },
      { includePrereleases: false },
    );
    expect((await run(check)).status).toBe('ok');
    expect(registry.heads).toEqual([]);
  });

  it('asks the Connector for its version when the tag is latest', async () => {
    const api = versionApi({ kind: 'ok', value: { version: '7.4.6' } });
    const check = new ImageUpdateCheck(
      {
        images: images({ reference: 'ghcr.io/nmshd/connector', repoDigests: [`ghcr.io/nmshd/connector@${OLD}`] }),
        registry: new MemoryRegistry({ latest: OLD, '7.4.6': OLD, '7.5.0': NEW }),
        connectorApi: api,
      },
      { includePrereleases: false },
    );
    const result = await run(check);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('7.4.6 → 7.5.0 available');
    expect(api.asked).toEqual([{ url: 'http://127.0.0.1:8080', apiKey: 'key', apiKeyHeader: 'X-API-KEY' }]);
  });

  it('does not ask the Connector when the tag is a version', async () => {
    const api = versionApi({ kind: 'ok', value: { version: '1.0.0' } });
    const check = new ImageUpdateCheck(
      { images: images({ reference: 'ghcr.io/nmshd/connector:7.5.0' }), registry: new MemoryRegistry({ '7.5.0': OLD }), connectorApi: api },
      { includePrereleases: false },
    );
    expect((await run(check)).summary).toBe('7.5.0 is the newest version');
    expect(api.asked).toEqual([]);
  });

  it('says latest moved', async () => {
    const check = new ImageUpdateCheck(
      {
        images: images({ reference: '127.0.0.1:5000/nmshd/connector:latest', repoDigests: [`127.0.0.1:5000/nmshd/connector@${OLD}`] }),
        registry: new MemoryRegistry({ latest: NEW, '7.5.0': NEW }, [OLD]),
        connectorApi: versionApi({ kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' }),
      },
      { includePrereleases: false },
    );
    const result = await run(check);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('latest moved: the registry has a newer image for the same tag');
    expect(result.details.find((d) => d.label === 'running version')?.value).toContain('API key rejected (401)');
  });

  it('says an image whose digest the registry never had (docker load, podman load) was not pulled from it, not that its tag moved', async () => {
    const check = new ImageUpdateCheck(
      {
        images: images({ reference: '127.0.0.1:5000/nmshd/connector:latest', repoDigests: [`127.0.0.1:5000/nmshd/connector@${OLD}`] }),
        registry: new MemoryRegistry({ latest: NEW, '7.5.0': NEW }),
        connectorApi: versionApi({ kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' }),
      },
      { includePrereleases: false },
    );
    const result = await run(check);
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/^Cannot tell whether .*: its tag names no version and the running image was not pulled from this registry$/);
    expect(result.details).toContainEqual({ label: 'digest', value: expect.stringMatching(/^the running image was not pulled from this registry: its digest sha256:111111111111 is not in it/) });
  });

  it.each([
    ['unauthorized', 401],
    ['not-found', 404],
    ['server-error', 500],
    ['unreachable', undefined],
  ] as const)('is unknown with the reason when the registry fails (%s)', async (kind, status) => {
    const error = new RegistryError(kind, `registry ghcr.io: ${kind}`, status);
    const check = new ImageUpdateCheck(
      {
        images: images({ reference: 'ghcr.io/nmshd/connector:7.4.6', repoDigests: [`ghcr.io/nmshd/connector@${OLD}`] }),
        registry: new MemoryRegistry(error),
      },
      { includePrereleases: false },
    );
    const result = await run(check);
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe(`Could not read the registry: registry ghcr.io: ${kind}`);
  });

  it('is unknown when Docker cannot tell the image', async () => {
    const check = new ImageUpdateCheck(
      { images: images(new Error('(HTTP code 404) no such container')), registry: new MemoryRegistry({}) },
      { includePrereleases: false },
    );
    const result = await run(check);
    expect(result.status).toBe('unknown');
    expect(result.summary).toContain('no such container');
  });

  it('is unknown when the image reference cannot be parsed', async () => {
    const check = new ImageUpdateCheck(
      { images: images({ reference: 'Not A Reference' }), registry: new MemoryRegistry({}) },
      { includePrereleases: false },
    );
    expect((await run(check)).status).toBe('unknown');
  });
});
