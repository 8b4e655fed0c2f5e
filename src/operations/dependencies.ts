import type { Connector } from '../domain/connector.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { ContainerOperations } from '../integrations/docker/container-operations.ts';
import type { MongoStopMarkers } from '../integrations/mongo/stop-marker.ts';
import type { OldMaterialSource } from '../integrations/docker/old-material.ts';
import type { RegistryAuthConfig } from '../integrations/docker/container-operations.ts';
import type { RegistryReader } from '../integrations/registry/types.ts';
import type { StopMarkerRecords } from '../store/stop-markers.ts';

/** What the operations act through, built at the composition root; Docker per the connector's engine. */
export interface OperationDependencies {
  containersFor(connector: Connector): ContainerOperations;
  /** Whether the connector's engine is on this host, so that its host paths can be read for a backup. */
  localEngine(connector: Connector): boolean;
  api: Pick<ConnectorApiClient, 'health' | 'syncInfo' | 'sync'>;
  stopRecords: StopMarkerRecords;
  mongoMarkers: Pick<MongoStopMarkers, 'write' | 'read'>;
  backupDir: string;
  registry: RegistryReader;
  /** Credentials for pulling from a registry, when configured. */
  registryAuth(registry: string): RegistryAuthConfig | undefined;
  includePrereleases: boolean;
  oldMaterialFor(connector: Connector): OldMaterialSource;
  /** Every configured connector's container: never old material, even when stopped. */
  ownContainers: readonly string[];
  logRetentionDays: number;
  stopGraceSeconds: number;
  healthyTimeoutMs: number;
  now(): Date;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
