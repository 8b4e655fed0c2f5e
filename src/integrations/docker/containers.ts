import type { DockerClient } from './client.ts';
import { abortable } from '../abortable.ts';
import { isConnectorImage } from './image-ref.ts';

export interface ContainerState {
  id: string;
  name: string;
  image: string;
  status: string;
  running: boolean;
  restarting: boolean;
  oomKilled: boolean;
  exitCode: number;
  restartCount: number;
  startedAt?: Date;
  finishedAt?: Date;
  /** The engine's HEALTHCHECK status: healthy, unhealthy, starting; absent without a health check. */
  health?: string;
  lastHealthOutput?: string;
}

export interface ConnectorContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  /** Host ports published for the container's ports 80 and 8080 (the Connector's defaults). */
  publishedPorts: number[];
}

/** Reads a container's state; the container check's view of an engine. */
export interface ContainerInspector {
  inspect(container: string, signal: AbortSignal): Promise<ContainerState>;
}

export class DockerContainers implements ContainerInspector {
  private readonly docker: DockerClient;

  constructor(docker: DockerClient) {
    this.docker = docker;
  }

  inspect(container: string, signal: AbortSignal): Promise<ContainerState> {
    return inspectContainer(this.docker, container, signal);
  }
}

/** The container named in the configuration does not exist on the engine. */
export class ContainerNotFoundError extends Error {
  readonly container: string;

  constructor(container: string) {
    super(`container "${container}" not found`);
    this.container = container;
    this.name = 'ContainerNotFoundError';
  }
}

/** Connector containers on the engine, running or not, found by their image repository. */
export async function listConnectorContainers(docker: DockerClient, signal?: AbortSignal): Promise<ConnectorContainer[]> {
  const containers = await abortable(docker.listContainers({ all: true, abortSignal: signal }), signal);
  const imageTags = new Map<string, string[]>();
  const found: ConnectorContainer[] = [];
  for (const c of containers) {
    let refs = [c.Image];
    // A container whose tag was moved or removed lists its image by id: ask the image for its tags.
    if (c.Image.startsWith('sha256:') || /^[0-9a-f]{12,64}$/.test(c.Image)) {
      if (!imageTags.has(c.ImageID)) {
        const tags = await abortable(docker.getImage(c.ImageID).inspect(), signal)
          .then((i) => [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])])
          .catch(() => [] as string[]);
        imageTags.set(c.ImageID, tags);
      }
      refs = imageTags.get(c.ImageID) ?? [];
    }
    if (!refs.some(isConnectorImage)) continue;
    found.push({
      id: c.Id,
      name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      image: refs.find(isConnectorImage) ?? c.Image,
      state: c.State,
      labels: c.Labels ?? {},
      publishedPorts: (c.Ports ?? [])
        .filter((p) => (p.PrivatePort === 80 || p.PrivatePort === 8080) && p.PublicPort)
        .map((p) => p.PublicPort),
    });
  }
  return found;
}

export async function inspectContainer(docker: DockerClient, container: string, signal?: AbortSignal): Promise<ContainerState> {
  let info;
  try {
    info = await docker.getContainer(container).inspect({ abortSignal: signal });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw new ContainerNotFoundError(container);
    throw error;
  }
  const state = info.State;
  const health = (state as { Health?: { Status: string; Log?: Array<{ Output: string }> } }).Health;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    status: state.Status,
    running: state.Running,
    restarting: state.Restarting || restartedByPolicy(state, info.HostConfig.RestartPolicy),
    oomKilled: state.OOMKilled,
    exitCode: state.ExitCode,
    restartCount: info.RestartCount,
    startedAt: parseDockerDate(state.StartedAt),
    finishedAt: parseDockerDate(state.FinishedAt),
    health: health?.Status,
    lastHealthOutput: health?.Log?.at(-1)?.Output?.trim(),
  };
}

/**
 * Podman 4 never says Restarting: between two runs its restart policy gives a container, it shows it "stopped"
 * (exited, not yet cleaned up: the cleanup is where it starts it again).
 */
function restartedByPolicy(state: { Status: string; Running: boolean; ExitCode: number }, policy: { Name?: string } | undefined): boolean {
  if (state.Status !== 'stopped' || state.Running) return false;
  return policy?.Name === 'always' || policy?.Name === 'unless-stopped' || (policy?.Name === 'on-failure' && state.ExitCode !== 0);
}

/** Docker reports "never" as 0001-01-01T00:00:00Z. */
function parseDockerDate(text: string | undefined): Date | undefined {
  if (!text || text.startsWith('0001-')) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
