/** One Connector instance the bot operates, as configured or discovered. */
export interface Connector {
  name: string;
  /** Docker container name or id; absent when the Connector does not run on a reachable engine. */
  container?: string;
  /** Base URL of the Connector's HTTP API, e.g. http://127.0.0.1:8080 */
  url?: string;
  apiKey?: string;
  apiKeyHeader: string;
  mongodbUri?: string;
  /** Paths or globs of log files, when the operator added a file appender. */
  logFiles: string[];
  /** Systems the Connector depends on, besides those it reports itself (broker, webhook, database URLs). */
  thirdParty?: string[];
  /** Directory holding this connector's database backups, for the age of the newest one. */
  backupPath?: string;
  /** Further file systems worth watching, e.g. the MongoDB volume. */
  diskPaths?: string[];
  /** Where the Connector came from: the configuration or discovery on the Docker engine. */
  source: 'config' | 'discovered';
  /** The name of the Docker engine its container runs on (one of Config.engines); absent: the default engine. */
  engine?: string;
}

/** A connector that runs in a container: what restart, stop, start, update and backup act on. */
export type ContainerConnector = Connector & { container: string };

export function hasContainer(connector: Connector): connector is ContainerConnector {
  return Boolean(connector.container);
}

/** The connector a person named: by name first, then by container, ignoring case. Chat input goes no further than this. */
export function findConnector(connectors: readonly Connector[], name: string): Connector | undefined {
  const wanted = name.toLowerCase();
  return connectors.find((c) => c.name.toLowerCase() === wanted) ?? connectors.find((c) => c.container?.toLowerCase() === wanted);
}

/** How messages name a connector's engine: the default one plainly, any other by its name. */
export function engineLabel(connector: Pick<Connector, 'engine'>): string {
  return connector.engine && connector.engine !== 'default' ? `the container engine ${connector.engine}` : 'the container engine';
}
