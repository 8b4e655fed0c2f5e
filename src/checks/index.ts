import type { Config } from '../config/config.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { DockerClient } from '../integrations/docker/client.ts';
import { DockerEngineInfo } from '../integrations/docker/engine-info.ts';
import { ContainerLogs } from '../integrations/docker/logs.ts';
import { LogFiles } from '../integrations/logfiles/log-files.ts';
import { LocalHostOs } from '../integrations/host/os-info.ts';
import { mongoPing } from '../integrations/mongo/ping.ts';
import { DockerContainerStats } from '../integrations/docker/container-stats.ts';
import { DockerHostOldMaterial } from '../integrations/docker/old-material.ts';
import { LocalHostResources } from '../integrations/host/resources.ts';
import { DiskSampleRepository } from '../store/disk-samples.ts';
import type { Redactor } from '../logging/redact.ts';
import type { Store } from '../store/store.ts';
import type { Check } from './check.ts';
import { ContainerCheck } from './container.ts';
import { DatabaseCheck } from './database.ts';
import { ErrorLogsCheck } from './error-logs/check.ts';
import { HealthCheck } from './health.ts';
import { KeyMaterialCheck } from './key-material.ts';
import { ThirdPartyCheck } from './third-party.ts';
import { createImageUpdateCheck } from './image-update.ts';
import { VersionsCheck } from './versions.ts';
import { DEFAULT_OLD_MATERIAL_OPTIONS, OldMaterialCheck } from './old-material.ts';
import { DEFAULT_RESOURCES_OPTIONS, ResourcesCheck } from './resources.ts';

export interface CheckDependencies {
  config: Config;
  docker: DockerClient;
  api: ConnectorApiClient;
  store: Store;
  redactor: Redactor;
}

/** Every check of the operations guide, built from the configuration. */
export function createChecks({ config, docker, api, store, redactor }: CheckDependencies): Check[] {
  const connectors = config.connectors;
  // Parts of a check give up a little before the runner's limit, so the other parts still report.
  const partTimeoutMs = Math.max(1_000, config.checks.timeoutMs - 1_000);
  // Third-party probes start after the Connector told its configuration: half the time each.
  const probeTimeoutMs = Math.max(1_000, Math.floor(partTimeoutMs / 2));
  return [
    new HealthCheck({
      api,
      sync: { intervalMultiple: config.checks.sync.intervalMultiple, maxAgeMs: config.checks.sync.maxAgeMinutes * 60_000 },
    }),
    new ContainerCheck(docker),
    new ResourcesCheck(new LocalHostResources(), new DockerContainerStats(docker), {
      ...DEFAULT_RESOURCES_OPTIONS,
      thresholds: {
        cpu: config.checks.resources.cpu,
        memory: config.checks.resources.memory,
        disk: config.checks.resources.disk,
      },
      paths: [...new Set([...config.checks.resources.paths, ...connectors.flatMap((c) => c.diskPaths ?? [])])],
      dataDir: config.dataDir,
      sampleStore: new DiskSampleRepository(store),
      timeoutMs: Math.min(DEFAULT_RESOURCES_OPTIONS.timeoutMs, partTimeoutMs),
    }),
    createImageUpdateCheck(
      docker,
      {
        includePrereleases: config.checks.imageUpdate.includePrereleases,
        registries: config.registries,
        // A bearer login takes up to three requests in a row: each gets a share of the check's time.
        timeoutMs: Math.max(1_000, Math.floor(partTimeoutMs / 2)),
      },
      api,
    ),
    new VersionsCheck(new DockerEngineInfo(docker), new LocalHostOs(), config.checks.versions),
    new ErrorLogsCheck(
      { containerLogs: new ContainerLogs(docker), logFiles: new LogFiles(), redactor },
      { windowHours: config.checks.errorLogs.windowHours },
    ),
    // The driver keeps selecting a refused server until its time is up: a shorter limit keeps the report quick.
    new DatabaseCheck({ timeoutMs: probeTimeoutMs }),
    new KeyMaterialCheck({ api, probeTimeoutMs: probeTimeoutMs }),
    new ThirdPartyCheck({
      api,
      thirdParty: (connector) => connector.thirdParty ?? [],
      mongoPing: mongoPing(probeTimeoutMs),
      probeTimeoutMs,
    }),
    new OldMaterialCheck(new DockerHostOldMaterial(docker), {
      ...DEFAULT_OLD_MATERIAL_OPTIONS,
      // Every configured connector's container is in use, even when stopped on purpose.
      ownContainers: connectors.flatMap((c) => (c.container ? [c.container] : [])),
      backupPaths: connectors.flatMap((c) => (c.backupPath ? [c.backupPath] : [])),
      logRetentionDays: config.checks.oldMaterial.logRetentionDays,
      backupRetentionDays: config.checks.oldMaterial.backupRetentionDays,
      timeoutMs: Math.min(DEFAULT_OLD_MATERIAL_OPTIONS.timeoutMs, partTimeoutMs),
    }),
  ];
}
