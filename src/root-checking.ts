import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from './checks/check.ts';
import { createConnectorChecks, createEngineChecks, probeTimeoutMs, type EngineIntegrations, type SharedIntegrations } from './checks/index.ts';
import { CheckRunner } from './checks/runner.ts';
import { DEFAULT_ENGINE, type Config } from './config/config.ts';
import { DockerConnectorDirectory } from './connectors/directory.ts';
import type { ConnectorDirectory, ReportRunner } from './domain/ports.ts';
import type { DiskSampleReader, SamplesLeftOut } from './domain/samples.ts';
import type { Metrics } from './http/metrics.ts';
import { ConnectorApiClient } from './integrations/connector-api/client.ts';
import { DockerContainerStats } from './integrations/docker/container-stats.ts';
import { DockerContainers } from './integrations/docker/containers.ts';
import { DockerEngineInfo } from './integrations/docker/engine-info.ts';
import { DockerEngines, type DockerEngine } from './integrations/docker/engines.ts';
import { DockerImages } from './integrations/docker/images.ts';
import { DockerHostOldMaterial } from './integrations/docker/old-material.ts';
import { LocalHostOs } from './integrations/host/os-info.ts';
import { LocalHostResources } from './integrations/host/resources.ts';
import { engineLogScanner } from './checks/error-logs/scanner.ts';
import type { ErrorLogScanner } from './checks/error-logs/scanner.ts';
import { inspectOnDemand, mongoPingOnDemand } from './integrations/mongo/on-demand.ts';
import { NetworkProber } from './integrations/probes/prober.ts';
import { RegistryClient } from './integrations/registry/client.ts';
import type { Logger } from './logging/logger.ts';
import { Redactor } from './logging/redact.ts';
import { DiskSampleRepository } from './store/disk-samples.ts';
import { StoreError } from './store/store-error.ts';
import { Store } from './store/store.ts';

// The composition root's half that both the bot (root.ts) and `connector-ops check` build: the integrations the
// checks look through, the checks, the connector directory and the runner.

/** What `connector-ops check` needs: the connectors and their checks, and the samples of a store it only reads. */
export interface CheckServices {
  directory: ConnectorDirectory;
  runner: ReportRunner;
  /** Why the disk samples (and the disk-full forecast made from them) were left out; undefined when read. */
  samplesLeftOut?: string;
  close(): void;
}

/**
 * For `connector-ops check`: it writes nothing, so it opens the store read-only, and a store it cannot open
 * (none yet, another user's, a broken disk) leaves out the samples rather than the check.
 */
export function createCheckServices(config: Config, logger: Logger, redactor: Redactor = new Redactor(config.secrets)): CheckServices {
  const path = storePath(config);
  let store: Store | undefined;
  let leftOut: string | undefined;
  if (!existsSync(path)) leftOut = `no store at ${path} yet (the bot keeps the samples there)`;
  else {
    try {
      store = Store.open(path, { readOnly: true });
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      leftOut = error.message;
    }
  }
  const samples = store ? new DiskSampleRepository(store) : { leftOut: leftOut ?? 'no store' };
  const { directory, checkRunner } = createChecking(config, logger, redactor, samples);
  return { directory, runner: checkRunner, ...(leftOut && { samplesLeftOut: leftOut }), close: () => store?.close() };
}

export type Checking = ReturnType<typeof createChecking>;

/**
 * Every integration the checks look through, the checks (one Docker-backed set per engine, sharing its client),
 * the connector directory and the runner: the bot's and `connector-ops check`'s alike.
 */
export function createChecking(
  config: Config,
  logger: Logger,
  redactor: Redactor,
  diskSamples: DiskSampleReader | SamplesLeftOut,
  /** The bot's LogScanThread; without it, logs are scanned in this thread. */
  logScanner?: ErrorLogScanner,
  metrics?: Metrics,
) {
  const engines = new DockerEngines(config.engines);
  const hostResources = new LocalHostResources();
  const probeTimeout = probeTimeoutMs(config);
  const shared: SharedIntegrations = {
    api: new ConnectorApiClient(Math.max(1_000, Math.floor(config.checks.timeoutMs / 2))),
    prober: new NetworkProber(mongoPingOnDemand(probeTimeout)),
    inspectMongo: inspectOnDemand,
    hostResources,
    hostOs: new LocalHostOs(),
    // Without the bot's thread (`connector-ops check`, which has no chat to keep answering): in this one.
    logScanner: logScanner ?? engineLogScanner(engines, redactor),
    // A bearer login takes up to three requests in a row: each gets a share of the check's time.
    registry: new RegistryClient({ registries: config.registries, timeoutMs: Math.max(1_000, Math.floor((config.checks.timeoutMs - 1_000) / 2)) }),
    diskSamples,
    redactor,
  };
  const perEngine = new Map(engines.all.map((engine) => [engine.name, engineIntegrations(engine)]));
  const connectorChecks = createConnectorChecks(config, shared);
  const checksByEngine = new Map<string, readonly Check[]>(
    [...perEngine].map(([name, integrations]) => [name, [...connectorChecks, ...createEngineChecks(config, shared, integrations)]]),
  );
  const defaultChecks = checksByEngine.get(DEFAULT_ENGINE) ?? [...checksByEngine.values()][0] ?? connectorChecks;
  const directory = new DockerConnectorDirectory({ configured: config.connectors, engines: engines.all });
  const checkRunner = new CheckRunner((connector) => checksByEngine.get(connector.engine ?? DEFAULT_ENGINE) ?? defaultChecks, {
    timeoutMs: config.checks.timeoutMs,
    timeoutsMs: { 'error-logs': Math.max(config.checks.timeoutMs, config.checks.errorLogs.timeoutMs) },
    concurrency: config.checks.concurrency,
    onResult: (connector, result, durationMs) => {
      metrics?.checks.inc({ check: result.id, status: result.status });
      metrics?.checkDuration.observe({ check: result.id }, durationMs / 1000);
      logger.debug({ connector: connector.name, check: result.id, status: result.status, durationMs: Math.round(durationMs) }, 'check finished');
    },
  });
  return { engines, hostResources, probeTimeout, shared, perEngine, directory, checkRunner };
}

export function storePath(config: Config): string {
  return join(config.dataDir, 'connector-ops.sqlite');
}

function engineIntegrations(engine: DockerEngine): EngineIntegrations {
  const { client } = engine;
  return {
    containers: new DockerContainers(client),
    containerResources: new DockerContainerStats(client),
    images: new DockerImages(client),
    engineInfo: new DockerEngineInfo(client),
    name: engine.name,
    oldMaterial: new DockerHostOldMaterial(client),
  };
}
