/**
 * Image references parsed the way Docker parses them (github.com/distribution/reference):
 * `ghcr.io/nmshd/connector:7.4.6`, `nmshd/connector` (Docker Hub), `busybox` (Docker Hub `library/`),
 * `localhost:5000/x`, `127.0.0.1:5000/nmshd/connector@sha256:…`.
 */
export interface ImageReference {
  /** The registry as Docker names it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  registry: string;
  /** The repository path inside the registry, e.g. `nmshd/connector`, `library/busybox`. */
  repository: string;
  /** The tag; `latest` when the reference names neither tag nor digest, absent when pinned by digest only. */
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's registry API does not live at docker.io itself. */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', DOCKER_HUB_API_HOST]);

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

export class InvalidImageReferenceError extends Error {
  constructor(reference: string, why: string) {
    super(`"${reference}" is not an image reference: ${why}`);
    this.name = 'InvalidImageReferenceError';
  }
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidImageReferenceError(reference, `bad digest "${digest}"`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidImageReferenceError(reference, `bad tag "${tag}"`);
  }
  if (rest.length > MAX_NAME_LENGTH) throw new InvalidImageReferenceError(reference, 'name longer than 255 characters');

  const { registry, repository } = splitRegistry(rest);
  if (!DOMAIN.test(registry)) throw new InvalidImageReferenceError(reference, `bad registry "${registry}"`);
  if (!REPOSITORY.test(repository)) {
    throw new InvalidImageReferenceError(reference, `bad repository "${repository}" (lowercase letters, digits, separators)`);
  }
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : digest === undefined ? { tag: 'latest' } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * The first path component is a registry only when it looks like a host: it has a dot or a port,
 * is `localhost`, or has uppercase letters (repositories are lowercase). Otherwise it is Docker Hub,
 * where single-segment names live under `library/`.
 */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isHost =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (!isHost) {
    return { registry: DOCKER_HUB, repository: slash === -1 ? `library/${name}` : name };
  }
  const registry = DOCKER_HUB_ALIASES.has(first) ? DOCKER_HUB : first;
  const repository = name.slice(slash + 1);
  return { registry, repository: registry === DOCKER_HUB && !repository.includes('/') ? `library/${repository}` : repository };
}

/** Host (and port) that serves the registry API for a registry name. */
export function registryApiHost(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_API_HOST : registry;
}

export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase());
}

/** The name without tag or digest, as Docker shows it: `nmshd/connector`, `busybox`, `ghcr.io/nmshd/connector`. */
export function repositoryName(image: ImageReference): string {
  if (image.registry !== DOCKER_HUB) return `${image.registry}/${image.repository}`;
  return image.repository.startsWith('library/') ? image.repository.slice('library/'.length) : image.repository;
}

/** The reference as Docker shows it, e.g. `ghcr.io/nmshd/connector:7.4.6`. */
export function formatImageReference(image: ImageReference): string {
  return repositoryName(image) + (image.tag ? `:${image.tag}` : '') + (image.digest ? `@${image.digest}` : '');
}

/**
 * The digests among an image's RepoDigests (`repo@sha256:…`) that belong to the same repository as `image`:
 * the digests the registry served for this image when it was pulled or pushed.
 */
export function digestsInRepository(repoDigests: readonly string[], image: ImageReference): string[] {
  const digests: string[] = [];
  for (const entry of repoDigests) {
    let parsed: ImageReference;
    try {
      parsed = parseImageReference(entry);
    } catch {
      continue;
    }
    if (
      parsed.digest &&
      parsed.registry.toLowerCase() === image.registry.toLowerCase() &&
      parsed.repository === image.repository
    ) {
      digests.push(parsed.digest);
    }
  }
  return digests;
}
