import { z } from 'zod';
import type { Connector } from '../../domain/connector.ts';
import { SETTINGS, type Setting } from '../settings.ts';
import type { Sources } from '../sources.ts';
import { connectorName, containerName, credentialFreeHttpUrl, mongodbUri } from '../values.ts';
import { dockerTarget, type DockerTarget } from './docker-target.ts';

/** A configured connector, with the Docker engine the YAML file puts it on, for the engines' reader. */
export interface ConfiguredConnector {
  connector: Connector;
  docker?: DockerTarget;
  /** How messages name it: `connectors[1] ("staging")`. */
  label: string;
}

/** One connector in the YAML file. */
const connectorSchema = z
  .object({
    name: connectorName,
    container: containerName.optional(),
    url: credentialFreeHttpUrl("the Connector's API key belongs in apiKey or apiKeyFile").optional(),
    apiKey: z.string().min(1).optional(),
    apiKeyFile: z.string().min(1).optional(),
    apiKeyHeader: SETTINGS.CONNECTOR_API_KEY_HEADER.schema.default(SETTINGS.CONNECTOR_API_KEY_HEADER.default),
    mongodbUri: mongodbUri.optional(),
    mongodbUriFile: z.string().min(1).optional(),
    logFiles: z.array(z.string().min(1)).default([]),
    thirdParty: z.array(z.string().min(1)).default([]),
    backupPath: z.string().min(1).optional(),
    diskPaths: z.array(z.string().min(1)).default([]),
    docker: dockerTarget.optional(),
  })
  .strict()
  .refine((c) => c.container !== undefined || c.url !== undefined, {
    message: 'needs a container, a url, or both',
  });

/** Set without CONNECTOR_CONTAINER or CONNECTOR_URL, these would configure nothing: refused, not ignored. */
const ANCHORED: readonly Setting[] = [
  SETTINGS.CONNECTOR_NAME,
  SETTINGS.CONNECTOR_API_KEY,
  SETTINGS.CONNECTOR_MONGODB_URI,
  SETTINGS.CONNECTOR_LOG_FILES,
  SETTINGS.CONNECTOR_THIRD_PARTY,
  SETTINGS.CONNECTOR_BACKUP_PATH,
];

/** The connector of the CONNECTOR_* variables first, then those of the YAML file; names are unique. */
export function readConnectors(sources: Sources): ConfiguredConnector[] {
  const fromEnv = connectorFromEnv(sources);
  const fromFile = (sources.file?.section('connectors', z.array(connectorSchema), sources.problems) ?? []).map(
    (c, i): ConfiguredConnector => ({
      connector: {
        name: c.name,
        container: c.container?.replace(/^\//, ''),
        url: c.url,
        apiKey: sources.secretOf(c.apiKey, c.apiKeyFile, `connectors "${c.name}" apiKeyFile`),
        apiKeyHeader: c.apiKeyHeader,
        mongodbUri: sources.secretOf(c.mongodbUri, c.mongodbUriFile, `connectors "${c.name}" mongodbUriFile`),
        logFiles: c.logFiles,
        thirdParty: c.thirdParty,
        backupPath: c.backupPath,
        diskPaths: c.diskPaths,
        source: 'config',
      },
      docker: c.docker,
      label: `connectors[${i}] (${JSON.stringify(c.name)})`,
    }),
  );
  const configured = [...fromFile];
  const path = sources.file?.path;
  if (fromEnv) {
    if (fromFile.some((c) => c.connector.name === fromEnv.connector.name)) {
      sources.problems.push(`CONNECTOR_NAME "${fromEnv.connector.name}" is also a connector in ${path}; give each connector one name`);
    } else {
      configured.unshift(fromEnv);
    }
  }
  const names = configured.map((c) => c.connector.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    sources.problems.push(`connector name "${name}" appears more than once in ${path}`);
  }
  return configured;
}

function connectorFromEnv(sources: Sources): ConfiguredConnector | undefined {
  const container = sources.read(SETTINGS.CONNECTOR_CONTAINER)?.replace(/^\//, '');
  const url = sources.read(SETTINGS.CONNECTOR_URL);
  const connector: Connector = {
    name: sources.read(SETTINGS.CONNECTOR_NAME) ?? container ?? 'connector',
    container,
    url,
    apiKey: sources.read(SETTINGS.CONNECTOR_API_KEY),
    apiKeyHeader: sources.read(SETTINGS.CONNECTOR_API_KEY_HEADER),
    mongodbUri: sources.read(SETTINGS.CONNECTOR_MONGODB_URI),
    logFiles: sources.read(SETTINGS.CONNECTOR_LOG_FILES),
    thirdParty: sources.read(SETTINGS.CONNECTOR_THIRD_PARTY),
    backupPath: sources.read(SETTINGS.CONNECTOR_BACKUP_PATH),
    diskPaths: [],
    source: 'config',
  };
  if (container || url) return { connector, label: 'the connector of CONNECTOR_*' };
  const orphans = ANCHORED.map((s) => s.env).filter((name) => sources.env[name] || sources.env[`${name}_FILE`]);
  if (orphans.length > 0) {
    sources.problems.push(
      `${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} set, but CONNECTOR_CONTAINER and CONNECTOR_URL are not; set at least one of them`,
    );
  }
  return undefined;
}
