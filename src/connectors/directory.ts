import type { Connector } from '../domain/connector.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import type { DockerClient } from '../integrations/docker/client.ts';
import { listConnectorContainers, type ConnectorContainer } from '../integrations/docker/containers.ts';
import { describeFailure } from '../integrations/http/timeout.ts';

export interface DirectoryOptions {
  /** Configured connectors; discovery runs only when there are none. */
  configured: Connector[];
  docker: DockerClient;
  /** Whether the engine runs on this host, so that published ports are reachable on 127.0.0.1. */
  localEngine: boolean;
  /** Discovery results are reused this long, so a burst of chat commands costs one engine call. */
  cacheMs?: number;
  timeoutMs?: number;
}

/** Labels an operator may put on a Connector container to name it and tell the bot its URL. */
export const LABEL_NAME = 'connector-ops.name';
export const LABEL_URL = 'connector-ops.url';

export class DockerConnectorDirectory implements ConnectorDirectory {
  private cached?: { at: number; value: { connectors: Connector[]; problem?: string } };

  private readonly options: DirectoryOptions;

  constructor(options: DirectoryOptions) {
    this.options = options;
  }

  async list(signal?: AbortSignal): Promise<{ connectors: Connector[]; problem?: string }> {
    if (this.options.configured.length > 0) return { connectors: this.options.configured };
    const cacheMs = this.options.cacheMs ?? 10_000;
    if (this.cached && Date.now() - this.cached.at < cacheMs) return this.cached.value;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 5_000);
    let value: { connectors: Connector[]; problem?: string };
    try {
      const containers = await listConnectorContainers(this.options.docker, signal ? AbortSignal.any([signal, timeout]) : timeout);
      value = { connectors: containers.map((c) => this.toConnector(c)) };
    } catch (error) {
      // Not cached: the next command tries the engine again.
      return { connectors: [], problem: `Discovery on the Docker engine failed: ${describeFailure(error)}.` };
    }
    this.cached = { at: Date.now(), value };
    return value;
  }

  private toConnector(container: ConnectorContainer): Connector {
    const label = httpUrlOrUndefined(container.labels[LABEL_URL]);
    const port = container.publishedPorts[0];
    const url = label ?? (port && this.options.localEngine ? `http://127.0.0.1:${port}` : undefined);
    return {
      name: container.labels[LABEL_NAME] ?? container.name,
      container: container.name,
      url,
      apiKeyHeader: 'X-API-KEY',
      logFiles: [],
      source: 'discovered',
    };
  }
}

function httpUrlOrUndefined(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : undefined;
  } catch {
    return undefined;
  }
}
