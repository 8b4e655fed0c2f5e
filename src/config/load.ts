import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { Connector } from '../domain/connector.ts';
import { redact } from '../logging/redact.ts';
import type { Config, RegistryCredentials } from './config.ts';
import { ConfigError } from './errors.ts';
import { fileSchema, type FileConfig } from './schema.ts';
import {
  boolean as booleanValue,
  commaList,
  connectorName,
  containerName,
  httpUrl,
  logFormat,
  logLevel,
  mongodbUri,
  nonEmpty,
  percent,
  port,
  positiveInt,
  registryHost as registryHostValue,
} from './values.ts';

type Env = Record<string, string | undefined>;

/** Variables whose values are secrets: each may instead be read from the file named by NAME_FILE. */
export const SECRET_VARIABLES = ['CONNECTOR_API_KEY', 'CONNECTOR_MONGODB_URI', 'REGISTRY_PASSWORD'] as const;

/**
 * Reads `.env` from the working directory (values already in the environment win), as Docker Compose
 * and most twelve-factor tools do.
 */
export function withDotEnv(env: Env, cwd = process.cwd()): Env {
  const path = resolve(cwd, '.env');
  if (!existsSync(path)) return env;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // e.g. a .env readable by root only, with the bot running as its own user.
    throw new ConfigError([`.env file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return { ...parseEnv(text), ...env };
}

/** Validates the environment (and the YAML file it names) into one typed Config, or throws ConfigError. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const secrets: string[] = [];

  const read = <S extends z.ZodType>(name: string, schema: S, options: { secret?: boolean } = {}): z.output<S> | undefined => {
    const raw = readVariable(env, name, problems, options.secret === true);
    if (raw === undefined || raw === '') return undefined;
    if (options.secret) secrets.push(raw);
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    // Not secret, yet it may carry credentials (a URL with user:password@): masked as in the logs.
    const shown = options.secret ? '(value hidden)' : `got ${JSON.stringify(redact(raw))}`;
    problems.push(`${name} ${parsed.error.issues[0]?.message ?? 'is invalid'}, ${shown}`);
    return undefined;
  };

  const file = readConfigFile(env.CONNECTOR_OPS_CONFIG, problems);
  checkDockerVariables(env, problems);

  const envConnector = connectorFromEnv(env, problems, read);
  const connectors: Connector[] = [];
  for (const c of file?.connectors ?? []) {
    const apiKey = c.apiKey ?? readSecretFile(c.apiKeyFile, `connectors "${c.name}" apiKeyFile`, problems);
    const uri = c.mongodbUri ?? readSecretFile(c.mongodbUriFile, `connectors "${c.name}" mongodbUriFile`, problems);
    if (apiKey) secrets.push(apiKey);
    if (uri) secrets.push(uri);
    connectors.push({
      name: c.name,
      container: c.container?.replace(/^\//, ''),
      url: c.url,
      apiKey,
      apiKeyHeader: c.apiKeyHeader,
      mongodbUri: uri,
      logFiles: c.logFiles,
      thirdParty: c.thirdParty,
      backupPath: c.backupPath,
      diskPaths: c.diskPaths,
      source: 'config',
    });
  }
  if (envConnector) {
    if (connectors.some((c) => c.name === envConnector.name)) {
      problems.push(
        `CONNECTOR_NAME "${envConnector.name}" is also a connector in ${env.CONNECTOR_OPS_CONFIG}; give each connector one name`,
      );
    } else {
      connectors.unshift(envConnector);
    }
  }
  const duplicates = connectors.map((c) => c.name).filter((n, i, all) => all.indexOf(n) !== i);
  for (const name of new Set(duplicates)) problems.push(`connector name "${name}" appears more than once in ${env.CONNECTOR_OPS_CONFIG}`);

  const registries: Record<string, RegistryCredentials> = {};
  for (const [host, r] of Object.entries(file?.registries ?? {})) {
    const password = r.password ?? readSecretFile(r.passwordFile, `registries "${host}" passwordFile`, problems);
    if (password) secrets.push(password);
    registries[host] = { username: r.username, password, insecure: r.insecure };
  }
  const registryHost = read('REGISTRY_HOST', registryHostValue);
  const registryUser = read('REGISTRY_USERNAME', nonEmpty);
  const registryPassword = read('REGISTRY_PASSWORD', nonEmpty, { secret: true });
  if (registryHost) {
    registries[registryHost] = { ...registries[registryHost], username: registryUser, password: registryPassword, insecure: registries[registryHost]?.insecure ?? false };
  } else if (registryUser || registryPassword) {
    problems.push('REGISTRY_USERNAME and REGISTRY_PASSWORD need REGISTRY_HOST (e.g. ghcr.io)');
  }
  for (const host of read('REGISTRY_INSECURE', commaList) ?? []) {
    registries[host] = { ...registries[host], insecure: true };
  }

  const fileChecks = file?.checks;
  const threshold = (name: string, fromFile: { warn: number; critical: number } | undefined) => {
    const warn = read(`${name}_WARN_PERCENT`, percent) ?? fromFile?.warn ?? 80;
    const critical = read(`${name}_CRITICAL_PERCENT`, percent) ?? fromFile?.critical ?? 90;
    if (warn > critical) problems.push(`${name}_WARN_PERCENT (${warn}) must not be above ${name}_CRITICAL_PERCENT (${critical})`);
    return { warn, critical };
  };

  const config: Config = {
    dataDir: resolve(read('DATA_DIR', nonEmpty) ?? './data'),
    http: {
      host: read('HTTP_HOST', nonEmpty) ?? '127.0.0.1',
      port: read('HTTP_PORT', port) ?? 3000,
    },
    log: {
      level: read('LOG_LEVEL', logLevel) ?? 'info',
      format: read('LOG_FORMAT', logFormat) ?? 'auto',
    },
    connectors,
    checks: {
      timeoutMs: read('CHECK_TIMEOUT_MS', positiveInt) ?? fileChecks?.timeoutMs ?? 10_000,
      concurrency: read('CHECK_CONCURRENCY', positiveInt) ?? fileChecks?.concurrency ?? 20,
      resources: {
        cpu: threshold('CPU', fileChecks?.resources?.cpu),
        memory: threshold('MEMORY', fileChecks?.resources?.memory),
        disk: threshold('DISK', fileChecks?.resources?.disk),
        paths: read('DISK_PATHS', commaList) ?? fileChecks?.resources?.paths ?? [],
      },
      errorLogs: {
        windowHours: read('ERROR_LOG_WINDOW_HOURS', positiveInt) ?? fileChecks?.errorLogs?.windowHours ?? 24,
        timeoutMs: read('ERROR_LOG_TIMEOUT_MS', positiveInt) ?? fileChecks?.errorLogs?.timeoutMs ?? 60_000,
      },
      imageUpdate: {
        includePrereleases:
          read('INCLUDE_PRERELEASES', booleanValue) ?? fileChecks?.imageUpdate?.includePrereleases ?? false,
      },
      sync: {
        intervalMultiple: read('SYNC_INTERVAL_MULTIPLE', positiveInt) ?? fileChecks?.sync?.intervalMultiple ?? 5,
        maxAgeMinutes: read('SYNC_MAX_AGE_MINUTES', positiveInt) ?? fileChecks?.sync?.maxAgeMinutes ?? 15,
      },
      oldMaterial: {
        logRetentionDays: read('LOG_RETENTION_DAYS', positiveInt) ?? fileChecks?.oldMaterial?.logRetentionDays ?? 30,
        backupRetentionDays: read('BACKUP_RETENTION_DAYS', positiveInt) ?? fileChecks?.oldMaterial?.backupRetentionDays ?? 30,
      },
      versions: {
        minDockerVersion: read('MIN_DOCKER_VERSION', nonEmpty) ?? fileChecks?.versions?.minDockerVersion,
        minKernel: read('MIN_KERNEL_VERSION', nonEmpty) ?? fileChecks?.versions?.minKernel,
      },
    },
    registries,
    secrets,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function connectorFromEnv(
  env: Env,
  problems: string[],
  read: <S extends z.ZodType>(name: string, schema: S, options?: { secret?: boolean }) => z.output<S> | undefined,
): Connector | undefined {
  const container = read('CONNECTOR_CONTAINER', containerName);
  const url = read('CONNECTOR_URL', httpUrl);
  const name = read('CONNECTOR_NAME', connectorName);
  const apiKey = read('CONNECTOR_API_KEY', nonEmpty, { secret: true });
  const uri = read('CONNECTOR_MONGODB_URI', mongodbUri, { secret: true });
  const logFiles = read('CONNECTOR_LOG_FILES', commaList) ?? [];
  const thirdParty = read('CONNECTOR_THIRD_PARTY', commaList) ?? [];
  const backupPath = read('CONNECTOR_BACKUP_PATH', nonEmpty);
  const header = read('CONNECTOR_API_KEY_HEADER', nonEmpty) ?? 'X-API-KEY';
  if (!container && !url) {
    const orphans = ['CONNECTOR_NAME', 'CONNECTOR_API_KEY', 'CONNECTOR_MONGODB_URI', 'CONNECTOR_LOG_FILES', 'CONNECTOR_THIRD_PARTY', 'CONNECTOR_BACKUP_PATH']
      .filter((n) => env[n] || env[`${n}_FILE`]);
    if (orphans.length > 0) {
      problems.push(`${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} set, but CONNECTOR_CONTAINER and CONNECTOR_URL are not; set at least one of them`);
    }
    return undefined;
  }
  return {
    name: name ?? container?.replace(/^\//, '') ?? 'connector',
    container: container?.replace(/^\//, ''),
    url,
    apiKey,
    apiKeyHeader: header,
    mongodbUri: uri,
    logFiles,
    thirdParty,
    backupPath,
    diskPaths: [],
    source: 'config',
  };
}

/** NAME or NAME_FILE (Docker secrets); both at once is an error, since one would silently win. */
function readVariable(env: Env, name: string, problems: string[], secret: boolean): string | undefined {
  const direct = env[name];
  const fileVar = `${name}_FILE`;
  const filePath = secret ? env[fileVar] : undefined;
  if (filePath && direct) {
    problems.push(`${name} and ${fileVar} are both set; set only one`);
    return undefined;
  }
  if (filePath) return readSecretFile(filePath, fileVar, problems);
  return direct?.trim();
}

function readSecretFile(path: string | undefined, what: string, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    const value = readFileSync(path, 'utf8').trim();
    if (value === '') problems.push(`${what} names ${JSON.stringify(path)}, which is empty`);
    return value || undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${what} names ${JSON.stringify(path)}, which cannot be read (${code})`);
    return undefined;
  }
}

/**
 * The Docker client reads DOCKER_HOST and DOCKER_CERT_PATH itself, at start, and throws on what it
 * cannot use: checked here, so that the answer names the variable.
 */
function checkDockerVariables(env: Env, problems: string[]): void {
  const host = env.DOCKER_HOST;
  if (!host || host.startsWith('unix://') || host.startsWith('npipe://')) return;
  try {
    // As docker-modem reads it: without a scheme, tcp:// is meant.
    new URL(host.includes('//') ? host : `tcp://${host}`);
  } catch {
    problems.push(`DOCKER_HOST must be unix:///path/to/docker.sock, tcp://host:port or ssh://user@host, got ${JSON.stringify(redact(host))}`);
    return;
  }
  const certPath = env.DOCKER_CERT_PATH;
  if (!certPath) return;
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
    try {
      readFileSync(join(certPath, file));
    } catch (error) {
      problems.push(`DOCKER_CERT_PATH names ${JSON.stringify(certPath)}, whose ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

function readConfigFile(path: string | undefined, problems: string[]): FileConfig | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`CONNECTOR_OPS_CONFIG names ${JSON.stringify(path)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    problems.push(`CONNECTOR_OPS_CONFIG file ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const parsed = fileSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    const secretField = /apiKey$|password$|mongodbUri$/i.test(String(issue.path.at(-1) ?? ''));
    const got = secretField || !('input' in issue) || issue.input === undefined ? '' : `, got ${JSON.stringify(issue.input)}`;
    problems.push(`CONNECTOR_OPS_CONFIG file ${path}: ${where || '(top level)'} ${issue.message}${got}`);
  }
  return undefined;
}
