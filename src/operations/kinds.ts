import { OPERATION_KINDS, type OperationKind } from '../domain/operation.ts';
import { backupKind } from './backup.ts';
import { cleanupKind } from './cleanup.ts';
import type { OperationDependencies } from './dependencies.ts';
import type { OperationKindSpec } from './executor.ts';
import { restartKind } from './restart.ts';
import { startKind } from './start.ts';
import { stopKind } from './stop.ts';
import { updateKind } from './update.ts';

/** Every operation the bot can run, each with its plan and its executor, typed by its own params. */
export function operationKinds(deps: OperationDependencies): Map<OperationKind, OperationKindSpec> {
  const kinds: { [K in OperationKind]: OperationKindSpec<K> } = {
    restart: restartKind(deps),
    stop: stopKind(deps),
    start: startKind(deps),
    update: updateKind(deps),
    backup: backupKind(deps),
    cleanup: cleanupKind(deps),
  };
  return new Map(OPERATION_KINDS.map((kind) => [kind, kinds[kind]]));
}
