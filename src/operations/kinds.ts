import type { OperationKind } from '../domain/operation.ts';
import { backupKind } from './backup.ts';
import { cleanupKind } from './cleanup.ts';
import type { OperationDependencies } from './dependencies.ts';
import type { OperationKindSpec } from './executor.ts';
import { restartKind } from './restart.ts';
import { startKind } from './start.ts';
import { stopKind } from './stop.ts';
import { updateKind } from './update.ts';

/** Every operation the bot can run, each with its plan and its executor. */
export function operationKinds(deps: OperationDependencies): Map<OperationKind, OperationKindSpec> {
  const kinds = [restartKind(deps), stopKind(deps), startKind(deps), updateKind(deps), backupKind(deps), cleanupKind(deps)];
  return new Map(kinds.map((spec) => [spec.kind, spec]));
}
