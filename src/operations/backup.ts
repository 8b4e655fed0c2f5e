import type { ContainerConnector } from '../domain/connector.ts';
import { connectorFiles } from '../integrations/backup/connector-files.ts';
import { writeBackupArchive, type BackupArchive } from '../integrations/backup/write-archive.ts';
import type { OperationDependencies } from './dependencies.ts';
import { containerTarget, type ExecutionResult, type OperationKindSpec } from './executor.ts';

/**
 * What the guide says to keep besides the database: the container's definition, its mounted configuration
 * and its logs, in a 0600 archive. Stop and update take one first.
 */
export async function takeBackup(deps: OperationDependencies, connector: ContainerConnector, signal: AbortSignal): Promise<{ archive: BackupArchive; notIncluded: string[] }> {
  const inspect = await deps.containersFor(connector).inspect(connector.container, signal);
  const found = connectorFiles(inspect, { localEngine: deps.localEngine(connector) });
  const archive = await writeBackupArchive({ directory: deps.backupDir, connector: connector.name, takenAt: deps.now(), definition: inspect, files: found.files, signal });
  return { archive, notIncluded: found.notIncluded.map((n) => `${n.what}: ${n.reason}`) };
}

/**
 * The backup a stop or an update takes first: nothing is changed when it fails. Returns the backup, or the
 * outcome to report instead.
 */
export async function backupFirst(
  deps: OperationDependencies,
  connector: ContainerConnector,
  signal: AbortSignal,
  progress: (text: string) => Promise<void>,
  what: 'stopped' | 'updated',
): Promise<{ ok: true; archive: BackupArchive; notIncluded: string[] } | { ok: false; result: ExecutionResult }> {
  try {
    const backup = await takeBackup(deps, connector, signal);
    await progress(`backup written: ${backup.archive.path}`);
    return { ok: true, ...backup };
  } catch (error) {
    return { ok: false, result: { ok: false, summary: `not ${what}: the backup it takes first failed: ${(error as Error).message}`, details: [] } };
  }
}

export function backupResultDetails(archive: BackupArchive, notIncluded: readonly string[]): ExecutionResult['details'] {
  return [
    { label: 'archive', value: `${archive.path} (${Math.ceil(archive.bytes / 1024)} KiB, ${archive.entries.length} entries, mode 0600)` },
    ...archive.skipped.map((s) => ({ label: 'skipped', value: `${s.path}: ${s.reason}`, status: 'warn' as const })),
    ...notIncluded.map((text) => ({ label: 'not included', value: text })),
  ];
}

export function backupKind(deps: OperationDependencies): OperationKindSpec<'backup'> {
  return {
    kind: 'backup',
    danger: false,
    timeoutMs: 10 * 60_000,
    target: containerTarget(': there is no definition to back up'),
    plan: async () => ({ ok: true, params: { shown: { lines: [`Into: ${deps.backupDir}`, 'What: the container definition, its mounted configuration and log files (not the database: that is MongoDB\'s to back up)'] } }, lines: [] }),
    execute: async ({ connector, signal, progress }) => {
      const { archive, notIncluded } = await takeBackup(deps, connector, signal);
      await progress(`archive written: ${archive.path}`);
      return { ok: true, summary: `backup written to ${archive.path}`, details: backupResultDetails(archive, notIncluded) };
    },
  };
}
