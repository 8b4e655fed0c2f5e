import type { Connector } from '../domain/connector.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import { listConnectorContainers, type ConnectorContainer } from '../integrations/docker/containers.ts';
import type { DockerEngine } from '../integrations/docker/engines.ts';
import { describeFailure } from '../integrations/http/timeout.ts';

export interface DirectoryOptions {
  /** Configured connectors; discovery runs only when there are none. */
  configured: Connector[];
  /** Where to discover: every engine of the configuration. */
  engines: readonly DockerEngine[];
  /** Discovery results are reused this long, so a burst of chat commands costs one call per engine. */
  cacheMs?: number;
  timeoutMs?: number;
}

/** Labels an operator may put on a Connector container to name it and tell the bot its URL. */
export const LABEL_NAME = 'connector-ops.name';
export const LABEL_URL = 'connector-ops.url';

type Listing = { connectors: Connector[]; problem?: string };

export class DockerConnectorDirectory implements ConnectorDirectory {
  private cached?: { at: number; value: Listing };

  private readonly options: DirectoryOptions;

  constructor(options: DirectoryOptions) {
    this.options = options;
  }

  async list(signal?: AbortSignal): Promise<Listing> {
    if (this.options.configured.length > 0) return { connectors: this.options.configured };
    const cacheMs = this.options.cacheMs ?? 10_000;
    if (this.cached && Date.now() - this.cached.at < cacheMs) return this.cached.value;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 5_000);
    const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const { engines } = this.options;
    // Every engine at once: one engine down costs its own connectors, not the others'.
    const found = await Promise.all(
      engines.map(async (engine) => {
        try {
          const containers = await listConnectorContainers(engine.client, bounded);
          return { engine, connectors: containers.map((c) => toConnector(c, engine)) };
        } catch (error) {
          const which = engines.length > 1 ? ` ${engine.name}` : '';
          return { engine, connectors: [], problem: `Discovery on the container engine${which} failed: ${describeFailure(error)}.` };
        }
      }),
    );
    const problems = found.flatMap((f) => (f.problem ? [f.problem] : []));
    const connectors = uniqueNames(found.map((f) => f.connectors).flat(), problems);
    const value: Listing = { connectors, ...(problems.length > 0 && { problem: problems.join(' ') }) };
    // A failed engine is asked again by the next command; a clean listing is reused for a while.
    if (!found.some((f) => f.problem)) this.cached = { at: Date.now(), value };
    return value;
  }
}

function toConnector(container: ConnectorContainer, engine: DockerEngine): Connector {
  const label = httpUrlOrUndefined(container.labels[LABEL_URL]);
  const port = container.publishedPorts[0];
  const url = label ?? (port && engine.local ? `http://127.0.0.1:${port}` : undefined);
  return {
    name: container.labels[LABEL_NAME] ?? container.name,
    container: container.name,
    url,
    apiKeyHeader: 'X-API-KEY',
    logFiles: [],
    source: 'discovered',
    engine: engine.name,
  };
}

/**
 * A name typed in chat must pick one connector: of two discovered under one name on different engines,
 * the first engine's is kept and the clash is told, naming both, with the label that resolves it.
 */
function uniqueNames(connectors: Connector[], problems: string[]): Connector[] {
  const byName = new Map<string, Connector>();
  for (const connector of connectors) {
    const key = connector.name.toLowerCase();
    const first = byName.get(key);
    if (!first) {
      byName.set(key, connector);
      continue;
    }
    problems.push(
      `Connector name "${connector.name}" is discovered on the engines ${first.engine} and ${connector.engine}; only the one on ${first.engine} is operated. Give the other container a unique ${LABEL_NAME} label.`,
    );
  }
  return [...byName.values()];
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
