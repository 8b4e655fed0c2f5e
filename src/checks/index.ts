import type { Config } from '../config/config.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { ContainerResourcesSource } from '../integrations/docker/container-stats.ts';
import type { ContainerInspector } from '../integrations/docker/containers.ts';
import type { EngineInfoReader } from '../integrations/docker/engine-info.ts';
import type { ContainerImageReader } from '../integrations/docker/images.ts';
import type { OldMaterialSource } from '../integrations/docker/old-material.ts';
import type { HostOsReader } from '../integrations/host/os-info.ts';
import type { HostResources } from '../integrations/host/resources.ts';
import type { Prober } from '../integrations/probes/prober.ts';
import type { RegistryReader } from '../integrations/registry/types.ts';
import type { Redactor } from '../logging/redact.ts';
import type { DiskSampleReader, SamplesLeftOut } from '../domain/samples.ts';
import type { Check } from './check.ts';
import { ContainerCheck } from './container.ts';
import { DatabaseCheck, type InspectMongo } from './database.ts';
import { ErrorLogsCheck } from './error-logs/check.ts';
import type { ErrorLogScanner } from './error-logs/scanner.ts';
import { HealthCheck } from './health.ts';
import { ImageUpdateCheck } from './image-update.ts';
import { KeyMaterialCheck } from './key-material.ts';
import { DEFAULT_OLD_MATERIAL_OPTIONS, OldMaterialCheck } from './old-material.ts';
import { DEFAULT_RESOURCES_OPTIONS, ResourcesCheck } from './resources.ts';
import { ThirdPartyCheck } from './third-party.ts';
import { VersionsCheck } from './versions.ts';

/** What the checks look through that is the same for every engine: built once at the composition root. */
export interface SharedIntegrations {
  api: ConnectorApiClient;
  prober: Prober;
  inspectMongo: InspectMongo;
  hostResources: HostResources;
  hostOs: HostOsReader;
  /** Scans connectors' container logs and log files for errors. */
  logScanner: ErrorLogScanner;
  registry: RegistryReader;
  diskSamples: DiskSampleReader | SamplesLeftOut;
  redactor: Redactor;
}

/** What the checks look through on one Docker engine: one set per engine, sharing that engine's client. */
export interface EngineIntegrations {
  containers: ContainerInspector;
  containerResources: ContainerResourcesSource;
  images: ContainerImageReader;
  engineInfo: EngineInfoReader;
  /** The engine's name, as configured. */
  name: string;
  oldMaterial: OldMaterialSource;
}

/** Parts of a check give up a little before the runner's limit, so the other parts still report. */
function partTimeoutMs(config: Config): number {
  return Math.max(1_000, config.checks.timeoutMs - 1_000);
}

/** Third-party probes start after the Connector told its configuration: half the time each. */
export function probeTimeoutMs(config: Config): number {
  return Math.max(1_000, Math.floor(partTimeoutMs(config) / 2));
}

/** The checks that do not depend on a Docker engine: built once, shared by every engine's set. */
export function createConnectorChecks(config: Config, shared: SharedIntegrations): Check[] {
  const { api, prober } = shared;
  const probeTimeout = probeTimeoutMs(config);
  return [
    new HealthCheck({
      api,
      sync: { intervalMultiple: config.checks.sync.intervalMultiple, maxAgeMs: config.checks.sync.maxAgeMinutes * 60_000 },
    }),
    // The driver keeps selecting a refused server until its time is up: a shorter limit keeps the report quick.
    new DatabaseCheck({ timeoutMs: probeTimeout }, shared.inspectMongo),
    new KeyMaterialCheck({ api, prober, probeTimeoutMs: probeTimeout }),
    new ThirdPartyCheck({ api, prober, thirdParty: (connector) => connector.thirdParty ?? [], probeTimeoutMs: probeTimeout }),
  ];
}

/** The checks that look at one engine's containers, images and host. */
export function createEngineChecks(config: Config, shared: SharedIntegrations, engine: EngineIntegrations): Check[] {
  const connectors = config.connectors;
  const partTimeout = partTimeoutMs(config);
  return [
    new ContainerCheck(engine.containers),
    new ResourcesCheck(shared.hostResources, engine.containerResources, {
      ...DEFAULT_RESOURCES_OPTIONS,
      thresholds: {
        cpu: config.checks.resources.cpu,
        memory: config.checks.resources.memory,
        disk: config.checks.resources.disk,
      },
      paths: diskPaths(config),
      dataDir: config.dataDir,
      sampleStore: shared.diskSamples,
      timeoutMs: Math.min(DEFAULT_RESOURCES_OPTIONS.timeoutMs, partTimeout),
    }),
    new ImageUpdateCheck(
      { images: engine.images, registry: shared.registry, connectorApi: shared.api },
      { includePrereleases: config.checks.imageUpdate.includePrereleases },
    ),
    new VersionsCheck(engine.engineInfo, shared.hostOs, config.checks.versions),
    new ErrorLogsCheck(
      { scanner: shared.logScanner, engine: engine.name },
      { windowHours: config.checks.errorLogs.windowHours },
    ),
    new OldMaterialCheck(engine.oldMaterial, {
      ...DEFAULT_OLD_MATERIAL_OPTIONS,
      // Every configured connector's container is in use, even when stopped on purpose.
      ownContainers: connectors.flatMap((c) => (c.container ? [c.container] : [])),
      backupPaths: connectors.flatMap((c) => (c.backupPath ? [c.backupPath] : [])),
      logRetentionDays: config.checks.oldMaterial.logRetentionDays,
      backupRetentionDays: config.checks.oldMaterial.backupRetentionDays,
      timeoutMs: Math.min(DEFAULT_OLD_MATERIAL_OPTIONS.timeoutMs, partTimeout),
    }),
  ];
}

/** The configured paths and every connector's own, which the resources check and the disk sampler watch. */
export function diskPaths(config: Config): string[] {
  return [...new Set([...config.checks.resources.paths, ...config.connectors.flatMap((c) => c.diskPaths ?? [])])];
}
