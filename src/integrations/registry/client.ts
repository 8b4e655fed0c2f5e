import { createHash } from 'node:crypto';
import { abortable } from '../abortable.ts';
import { describeFailure, withTimeout } from '../http/timeout.ts';
import { accessFor, allowsPlainHttp, registryBaseUrl, type RegistryAccessMap } from './access.ts';
import { RegistryError } from './errors.ts';
import { repositoryName, type ImageReference } from './reference.ts';
import type { RegistryReader } from './types.ts';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts';
import { isObject } from '../is-object.ts';

/** Every manifest kind a registry may hold for a tag: multi-arch indexes first, as Docker asks. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export interface RegistryClientOptions {
  /** Credentials and the insecure flag per registry host. */
  registries?: RegistryAccessMap;
  /** Bound for each request (token, list page, HEAD). */
  timeoutMs?: number;
  /** Tags asked for per page of the tag list (`n`). */
  pageSize?: number;
  /**
   * How long tag lists and digests are remembered (default a minute; 0: not at all), so that a report over
   * many connectors on one image asks the registry once, and concurrent checks share one request.
   */
  cacheMs?: number;
  /** Epoch ms, for the caches' expiry. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 8_000;
const DEFAULT_PAGE_SIZE = 1_000;
const DEFAULT_CACHE_MS = 60_000;
/** A registry that keeps sending `Link: next` is broken; stop rather than loop. */
const MAX_PAGES = 200;
/** The distribution token spec's default when a token answer has no `expires_in`. */
const DEFAULT_TOKEN_SECONDS = 60;
const USER_AGENT = 'connector-ops';

interface CachedAuthorization {
  header: string;
  /** Epoch ms; Infinity for basic credentials. */
  expiresAt: number;
}

/**
 * A Registry HTTP API v2 (OCI distribution) client: tag lists and manifest digests, with anonymous,
 * basic and bearer-token authentication as Docker Hub, ghcr.io and Harbor do it. HEAD of manifests and GET of tag lists
 * (GET of a manifest only where the registry sends no digest on HEAD); never a blob.
 */
export class RegistryClient implements RegistryReader {
  private readonly registries: RegistryAccessMap;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  /** Keyed by registry and scope; tokens are scoped to one repository. */
  private readonly authorizations = new Map<string, CachedAuthorization>();
  private readonly answers = new Map<string, { expiresAt: number; answer: Promise<unknown> }>();

  constructor(options: RegistryClientOptions = {}) {
    this.registries = options.registries ?? {};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  listTags(image: ImageReference, signal?: AbortSignal): Promise<string[]> {
    const key = `tags ${image.registry.toLowerCase()}/${image.repository}`;
    return this.remember(key, image.registry, signal, (shared) => this.fetchTags(image, shared));
  }

  manifestDigest(image: ImageReference, tagOrDigest: string, signal?: AbortSignal): Promise<string> {
    const key = `digest ${image.registry.toLowerCase()}/${image.repository}:${tagOrDigest}`;
    return this.remember(key, image.registry, signal, (shared) => this.fetchDigest(image, tagOrDigest, shared));
  }

  /**
   * A remembered answer, or a new request that concurrent callers share. Failures are not remembered.
   * Each caller still stops waiting when its own signal aborts.
   */
  private remember<T>(
    key: string,
    registry: string,
    signal: AbortSignal | undefined,
    request: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const now = this.now();
    const hit = this.answers.get(key);
    if (hit && hit.expiresAt > now) {
      return abortable(hit.answer as Promise<T>, signal).catch((error: unknown) => {
        if (error instanceof RegistryError) throw error;
        throw new RegistryError('unreachable', `registry ${registry} unreachable: ${describeFailure(error)}`);
      });
    }
    const answer = request(signal);
    if (this.cacheMs > 0) {
      this.answers.set(key, { expiresAt: now + this.cacheMs, answer });
      answer.catch(() => {
        if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
      });
    }
    return answer;
  }

  private async fetchTags(image: ImageReference, signal?: AbortSignal): Promise<string[]> {
    const what = `repository ${image.repository}`;
    let url: URL | undefined = new URL(
      `/v2/${image.repository}/tags/list?n=${this.pageSize}`,
      registryBaseUrl(this.registries, image.registry),
    );
    const tags: string[] = [];
    for (let page = 0; url; page++) {
      if (page === MAX_PAGES) {
        throw new RegistryError('bad-answer', `registry ${image.registry} sent more than ${MAX_PAGES} pages of tags`);
      }
      const response = await this.send(image, url, 'GET', { accept: 'application/json' }, what, signal);
      const body = await readJson(response, `registry ${image.registry} (tags of ${what})`);
      if (!isTagList(body)) {
        throw new RegistryError('bad-answer', `registry ${image.registry} answered the tag list of ${what} with an unexpected shape`);
      }
      tags.push(...(body.tags ?? []));
      url = nextPage(response.headers.get('link'), url, image.registry);
    }
    return tags;
  }

  private async fetchDigest(image: ImageReference, tagOrDigest: string, signal?: AbortSignal): Promise<string> {
    const what = `${tagOrDigest.includes(':') ? 'digest' : 'tag'} ${tagOrDigest} of ${image.repository}`;
    const url = new URL(
      `/v2/${image.repository}/manifests/${tagOrDigest}`,
      registryBaseUrl(this.registries, image.registry),
    );
    const accept = { accept: MANIFEST_MEDIA_TYPES.join(', ') };
    const response = await this.send(image, url, 'HEAD', accept, what, signal);
    const digest = response.headers.get('docker-content-digest');
    if (digest) return digest;
    // The header is optional (OCI distribution spec) and some registries and proxies leave it out: the digest
    // is then the hash of the manifest exactly as served.
    const manifest = await this.send(image, url, 'GET', accept, what, signal);
    let bytes: ArrayBuffer;
    try {
      bytes = await manifest.arrayBuffer();
    } catch (error) {
      throw new RegistryError('unreachable', `registry ${image.registry} (manifest of ${what}): the answer broke off: ${describeFailure(error)}`);
    }
    return `sha256:${createHash('sha256').update(Buffer.from(bytes)).digest('hex')}`;
  }

  /** One request, authenticated on the registry's challenge and retried once. */
  private async send(
    image: ImageReference,
    url: URL,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const scope = `repository:${image.repository}:pull`;
    const key = `${image.registry.toLowerCase()} ${scope}`;
    const cached = this.authorizations.get(key);
    let authorization = cached && cached.expiresAt > this.now() ? cached.header : undefined;

    let response = await this.fetch(image.registry, url, method, headers, authorization, signal);
    if (response.status === 401) {
      const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
      await discard(response);
      const fresh = await this.authorize(image, challenges, scope, signal);
      this.authorizations.set(key, fresh);
      authorization = fresh.header;
      response = await this.fetch(image.registry, url, method, headers, authorization, signal);
    }
    if (response.ok) return response;
    throw await this.failure(response, image.registry, what);
  }

  private async fetch(
    registry: string,
    url: URL,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>,
    authorization: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: { ...headers, 'user-agent': USER_AGENT, ...(authorization ? { authorization } : {}) },
        signal: withTimeout(signal, this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryError('unreachable', `registry ${registry} unreachable: ${describeFailure(error)}`);
    }
  }

  private async authorize(
    image: ImageReference,
    challenges: AuthChallenge[],
    scope: string,
    signal: AbortSignal | undefined,
  ): Promise<CachedAuthorization> {
    const access = accessFor(this.registries, image.registry);
    const basic =
      access?.username !== undefined && access.password !== undefined
        ? `Basic ${Buffer.from(`${access.username}:${access.password}`).toString('base64')}`
        : undefined;

    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) return this.fetchToken(image, bearer.params, scope, basic, signal);

    if (challenges.some((c) => c.scheme === 'basic')) {
      if (!basic) {
        throw new RegistryError(
          'unauthorized',
          `registry ${image.registry} requires a login (401): configure a username and password for ${image.registry}`,
          401,
        );
      }
      return { header: basic, expiresAt: Infinity };
    }
    throw new RegistryError(
      'unauthorized',
      `registry ${image.registry} answered 401 without a Bearer or Basic challenge`,
      401,
    );
  }

  /** The token flow of the distribution spec: GET realm?service=…&scope=…, anonymous or with basic credentials. */
  private async fetchToken(
    image: ImageReference,
    params: Record<string, string>,
    scope: string,
    basic: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CachedAuthorization> {
    const registry = image.registry;
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw new RegistryError('bad-answer', `registry ${registry} named a token service that is not a URL`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryError('bad-answer', `registry ${registry} named a token service that is not http(s)`);
    }
    // Credentials and tokens cross plain HTTP only where the registry itself may be reached that way.
    if (
      realm.protocol === 'http:' &&
      !allowsPlainHttp(this.registries, realm.host) &&
      accessFor(this.registries, registry)?.insecure !== true
    ) {
      throw new RegistryError(
        'unauthorized',
        `registry ${registry} named a token service over plain HTTP (${realm.host}); refused unless configured insecure`,
      );
    }
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', scope);

    const requestedAt = this.now();
    let response: Response;
    try {
      response = await fetch(realm, {
        headers: { accept: 'application/json', 'user-agent': USER_AGENT, ...(basic ? { authorization: basic } : {}) },
        signal: withTimeout(signal, this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryError(
        'unreachable',
        `token service of registry ${registry} (${realm.host}) unreachable: ${describeFailure(error)}`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw new RegistryError(
        'unauthorized',
        basic
          ? `token service of registry ${registry} rejected the configured credentials (${response.status})`
          : `token service of registry ${registry} refused anonymous access to ${repositoryName(image)} (${response.status}): configure credentials for ${registry}`,
        response.status,
      );
    }
    if (!response.ok) {
      await discard(response);
      throw new RegistryError(
        response.status >= 500 ? 'server-error' : 'bad-answer',
        `token service of registry ${registry} answered ${response.status}`,
        response.status,
      );
    }
    const body = await readJson(response, `token service of registry ${registry}`);
    const token = isObject(body) ? (body.token ?? body.access_token) : undefined;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError('bad-answer', `token service of registry ${registry} sent no token`);
    }
    const seconds = isObject(body) && typeof body.expires_in === 'number' && body.expires_in > 0
      ? body.expires_in
      : DEFAULT_TOKEN_SECONDS;
    // Cached for 90 % of its lifetime, so that a token does not expire between cache and use.
    return { header: `Bearer ${token}`, expiresAt: requestedAt + seconds * 1000 * 0.9 };
  }

  private async failure(response: Response, registry: string, what: string): Promise<RegistryError> {
    const status = response.status;
    const code = await errorCode(response);
    const detail = code ? `${status} ${code}` : String(status);
    if (status === 401 || status === 403) {
      const configured = accessFor(this.registries, registry)?.username !== undefined;
      return new RegistryError(
        'unauthorized',
        `registry ${registry} refused access to ${what} (${detail}): ${configured ? 'check the configured credentials' : 'configure credentials'} for ${registry}`,
        status,
      );
    }
    if (status === 404) return new RegistryError('not-found', `${what} not found in registry ${registry} (${detail})`, status);
    if (status === 429) return new RegistryError('rate-limited', `registry ${registry} rate-limits us (${detail})`, status);
    if (status >= 500) return new RegistryError('server-error', `registry ${registry} failed with ${detail} for ${what}`, status);
    return new RegistryError('bad-answer', `registry ${registry} answered ${detail} for ${what}`, status);
  }
}

/** The next page from a `Link: <…>; rel="next"` header, on the same origin only (our token is for this registry). */
function nextPage(link: string | null, current: URL, registry: string): URL | undefined {
  if (!link) return undefined;
  const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link);
  if (!match?.[1]) return undefined;
  const next = new URL(match[1], current);
  if (next.origin !== current.origin) {
    throw new RegistryError('bad-answer', `registry ${registry} sent a next page on another host`);
  }
  return next;
}

/** The first error code of a Registry API error body (`{"errors":[{"code":"NAME_UNKNOWN",…}]}`), if any. */
async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = response.headers.get('content-type')?.includes('json') ? await response.json() : undefined;
    if (!body) return undefined;
    const errors = isObject(body) ? body.errors : undefined;
    const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
    return isObject(first) && typeof first.code === 'string' ? first.code : undefined;
  } catch {
    return undefined;
  } finally {
    await discard(response);
  }
}

/** The JSON body; `source` names who answered, e.g. `registry ghcr.io (tags of repository nmshd/connector)`. */
async function readJson(response: Response, source: string): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    if (error instanceof SyntaxError) throw new RegistryError('bad-answer', `${source} answered with a body that is not JSON`);
    throw new RegistryError('unreachable', `${source}: the answer broke off: ${describeFailure(error)}`);
  }
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or closed: nothing to free.
  }
}

function isTagList(value: unknown): value is { tags?: string[] | null } {
  if (!isObject(value)) return false;
  const tags = value.tags;
  return tags === undefined || tags === null || (Array.isArray(tags) && tags.every((t) => typeof t === 'string'));
}

