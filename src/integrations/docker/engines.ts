import { DEFAULT_ENGINE, type EngineSettings } from '../../config/config.ts';
import { createDockerClient, type DockerClient } from './client.ts';

/** One Docker engine the bot talks to, with its one client, shared by every connector on it. */
export interface DockerEngine {
  readonly name: string;
  readonly client: DockerClient;
  /** On this host (a unix socket): its published ports are reachable on 127.0.0.1 and its paths are ours. */
  readonly local: boolean;
}

/** The engines of the configuration, each built once; the default engine first. */
export class DockerEngines {
  private readonly engines: Map<string, DockerEngine>;

  constructor(settings: readonly EngineSettings[], create: (settings: EngineSettings) => DockerClient = createDockerClient) {
    this.engines = new Map(settings.map((s) => [s.name, { name: s.name, client: create(s), local: isLocalEngine(s.host) }]));
  }

  get all(): DockerEngine[] {
    return [...this.engines.values()];
  }

  /** The engine of that name; the default engine when none is named. */
  get(name: string = DEFAULT_ENGINE): DockerEngine {
    const engine = this.engines.get(name);
    if (!engine) throw new Error(`no engine named "${name}" is configured`);
    return engine;
  }
}

/** Whether an engine runs on this host (a unix socket), so that its published ports and paths are ours. */
export function isLocalEngine(host: string | undefined): boolean {
  return !host || host.startsWith('unix://');
}
