/**
 * Every Docker Engine API endpoint the bot calls, and why: the one list a socket proxy in front of the engine
 * must allow (examples/compose.yml is checked against it). The client refuses any other call before it reaches
 * the engine, so the list cannot fall behind the code: a new call fails its tests until it is added here.
 * Paths as the Engine API names them; `{id}` is one path segment, `{name}` an image reference (it may hold `/`).
 */
export interface DockerEndpoint {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** What of the bot needs it. */
  usedBy: string;
}

export const DOCKER_ENDPOINTS: readonly DockerEndpoint[] = [
  { method: 'GET', path: '/_ping', usedBy: "the engine's state on /readyz and /metrics" },
  { method: 'GET', path: '/containers/json', usedBy: 'discovery, old material, resources' },
  { method: 'GET', path: '/containers/{id}/json', usedBy: 'every check and operation on a container' },
  { method: 'GET', path: '/containers/{id}/logs', usedBy: 'error logs, log alerts, the reason a start failed' },
  { method: 'GET', path: '/containers/{id}/stats', usedBy: 'resources' },
  { method: 'GET', path: '/images/json', usedBy: 'old material' },
  { method: 'GET', path: '/images/{name}/json', usedBy: 'updates, old material, discovery' },
  { method: 'GET', path: '/info', usedBy: 'versions, resources, log alerts' },
  { method: 'GET', path: '/version', usedBy: 'versions' },
  { method: 'POST', path: '/containers/{id}/stop', usedBy: 'stop, restart, update' },
  { method: 'POST', path: '/containers/{id}/start', usedBy: 'start, restart, update and its rollback' },
  { method: 'POST', path: '/images/create', usedBy: 'update (the pull)' },
  { method: 'POST', path: '/containers/create', usedBy: 'update (the new container)' },
  { method: 'POST', path: '/containers/{id}/rename', usedBy: 'update (the kept container)' },
  { method: 'POST', path: '/containers/{id}/update', usedBy: "update (the kept container's restart policy; Podman 4 has none: there only a container without one is updated)" },
  { method: 'POST', path: '/networks/{id}/connect', usedBy: "update (the new container's further networks)" },
  { method: 'DELETE', path: '/containers/{id}', usedBy: 'update (the kept or failed container), cleanup (exited containers)' },
  { method: 'DELETE', path: '/images/{name}', usedBy: 'cleanup (unused images, never forced)' },
];

const MATCHERS = DOCKER_ENDPOINTS.map((endpoint) => ({
  endpoint,
  pattern: new RegExp(`^${endpoint.path.replace(/\{id\}/g, '[^/]+').replace(/\{name\}/g, '.+')}$`),
}));

/** The listed endpoint a request is for; undefined for one the bot does not call. A leading `/v1.xx` and the query are ignored. */
export function dockerEndpointOf(method: string, path: string): DockerEndpoint | undefined {
  const bare = (path.split('?')[0] ?? '').replace(/^\/v\d+(\.\d+)*(?=\/)/, '');
  return MATCHERS.find(({ endpoint, pattern }) => endpoint.method === method.toUpperCase() && pattern.test(bare))?.endpoint;
}
