import { DEFAULT_ENGINE, type Config } from './config/config.ts';
import type { ConfiguredAccess } from './domain/access.ts';
import { DockerContainerOperations } from './integrations/docker/container-operations.ts';
import { MongoStopMarkers } from './integrations/mongo/stop-marker.ts';
import { pullCredentials } from './integrations/registry/access.ts';
import type { Logger } from './logging/logger.ts';
import { conditionByName } from './operations/current-state.ts';
import type { OperationDependencies } from './operations/dependencies.ts';
import { operationKinds } from './operations/kinds.ts';
import { RequestPosts } from './operations/request-posts.ts';
import { OperationService } from './operations/service.ts';
import type { Checking } from './root-checking.ts';
import type { AuditLog } from './store/audit-log.ts';
import { OperationRequests } from './store/operation-requests.ts';
import type { Outbox } from './store/outbox.ts';
import { StopMarkerRecords } from './store/stop-markers.ts';
import type { Store } from './store/store.ts';

// The composition root's part that builds the operations: each kind over the integrations of its connector's engine.

export interface OperationsInput {
  config: Config;
  checking: Checking;
  store: Store;
  audit: AuditLog;
  outbox: Outbox;
  access: ConfiguredAccess;
  logger: Logger;
}

/** The operation service, its kinds built once over the checks' integrations; its posts go through the outbox. */
export function createOperations({ config, checking, store, audit, outbox, access, logger }: OperationsInput): OperationService {
  const { engines, perEngine, shared, directory } = checking;
  const containerOperations = new Map(engines.all.map((engine) => [engine.name, new DockerContainerOperations(engine.client)]));
  const dependencies: OperationDependencies = {
    containersFor: (connector) => onEngine(containerOperations, connector.engine),
    localEngine: (connector) => engines.get(connector.engine).local,
    api: shared.api,
    stopRecords: new StopMarkerRecords(store),
    mongoMarkers: new MongoStopMarkers({ timeoutMs: checking.probeTimeout * 2 }),
    backupDir: config.operations.backupDir,
    registry: shared.registry,
    registryAuth: (registry) => pullCredentials(config.registries, registry),
    includePrereleases: config.checks.imageUpdate.includePrereleases,
    oldMaterialFor: (connector) => onEngine(perEngine, connector.engine).oldMaterial,
    ownContainers: config.connectors.flatMap((c) => (c.container ? [c.container] : [])),
    logRetentionDays: config.checks.oldMaterial.logRetentionDays,
    stopGraceSeconds: config.operations.stopGraceSeconds,
    healthyTimeoutMs: config.operations.healthyTimeoutSeconds * 1000,
    now: () => new Date(),
  };
  const kinds = operationKinds(dependencies);
  return new OperationService({
    requests: new OperationRequests(store, audit),
    audit,
    kinds,
    posts: new RequestPosts(outbox, (kind) => kinds.get(kind)?.danger ?? true),
    conditionOf: conditionByName(directory, dependencies),
    maySelfApprove: (actor) => access.maySelfApprove(actor),
    approvalTimeoutMs: config.operations.approvalTimeoutMinutes * 60_000,
    logger,
  });
}

/** A connector's engine's part, or the default engine's for a connector whose engine is not configured. */
function onEngine<T>(byEngine: ReadonlyMap<string, T>, engine = DEFAULT_ENGINE): T {
  return byEngine.get(engine) ?? byEngine.get(DEFAULT_ENGINE)!;
}
