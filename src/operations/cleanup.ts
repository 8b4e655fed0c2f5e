import { stat, unlink } from 'node:fs/promises';
import { classifyDockerMaterial } from '../checks/old-material.ts';
import type { Connector } from '../domain/connector.ts';
import type { CleanupItem } from '../domain/operation.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import type { OperationDependencies } from './dependencies.ts';
import type { ExecutionResult, OperationKindSpec, Plan } from './executor.ts';

const DAY_MS = 86_400_000;
const MAX_ITEMS = 200;

/** Exactly what the old-material check lists: unused Connector images, exited Connector containers, log files past retention. Never backups. */
async function listMaterial(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<CleanupItem[]> {
  const source = deps.oldMaterialFor(connector);
  const own = connector.container ? [...deps.ownContainers, connector.container] : [...deps.ownContainers];
  const [images, containers, files] = await Promise.all([
    source.images(signal),
    source.containers(signal),
    connector.logFiles.length > 0 ? source.filesOlderThan(connector.logFiles, new Date(deps.now().getTime() - deps.logRetentionDays * DAY_MS), signal) : undefined,
  ]);
  const { unusedImages, exitedContainers } = classifyDockerMaterial(images, containers, own);
  return [
    ...unusedImages.map((i): CleanupItem => ({ kind: 'image', id: i.id, name: i.repoTags[0] ?? i.repoDigests[0] ?? i.id.slice(0, 19), bytes: i.sizeBytes })),
    ...exitedContainers.map((c): CleanupItem => ({ kind: 'container', id: c.id, name: c.name, bytes: 0 })),
    ...(files?.files ?? []).map((f): CleanupItem => ({ kind: 'log-file', id: f.path, name: f.path, bytes: f.sizeBytes })),
  ].slice(0, MAX_ITEMS);
}

function describe(item: CleanupItem): string {
  return `${item.kind} ${item.name}${item.bytes > 0 ? ` (${mebibytes(item.bytes)})` : ''}`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function planCleanup(deps: OperationDependencies, connector: Connector, signal: AbortSignal): Promise<Plan<'cleanup'>> {
  const items = await listMaterial(deps, connector, signal);
  if (items.length === 0) return { ok: false, problem: `Nothing to clean up for ${connector.name}: no unused Connector images, exited Connector containers or old log files.` };
  const total = items.reduce((sum, i) => sum + i.bytes, 0);
  const lines = [...items.map((item, index) => `${index + 1}: ${describe(item)}`), `In all: ${items.length} items, up to ${mebibytes(total)} (shared image layers may free less)`];
  return { ok: true, params: { items, shown: { lines } }, lines };
}

/**
 * Removes exactly the items listed when it was requested, each checked again first: an image that came into
 * use, a container that runs again, a log file written since, is kept, and the outcome says so.
 */
export function cleanupKind(deps: OperationDependencies): OperationKindSpec<'cleanup'> {
  return {
    kind: 'cleanup',
    danger: true,
    timeoutMs: 15 * 60_000,
    // Old material is found on the connector's engine and in its log files, with or without a container.
    target: (connector) => ({ ok: true, connector }),
    plan: (connector, _asked, signal) => planCleanup(deps, connector, signal),
    execute: async ({ params, connector, signal, progress }): Promise<ExecutionResult> => {
      const listed = params.items;
      const still = new Set((await listMaterial(deps, connector, signal)).map((item) => `${item.kind}:${item.id}`));
      const containers = deps.containersFor(connector);
      const details: ExecutionResult['details'] = [];
      let freed = 0;
      let removed = 0;
      for (const item of listed) {
        if (!still.has(`${item.kind}:${item.id}`)) {
          details.push({ label: 'kept', value: `${describe(item)}: no longer old material (in use again, or changed since the request)`, status: 'warn' });
          continue;
        }
        try {
          if (item.kind === 'image') await containers.removeImage(item.id, signal);
          else if (item.kind === 'container') await containers.removeContainer(item.id, signal);
          else {
            const now = await stat(item.id);
            if (now.mtimeMs > deps.now().getTime() - deps.logRetentionDays * DAY_MS) throw new Error('written to since the request');
            await unlink(item.id);
          }
          freed += item.bytes;
          removed++;
          details.push({ label: 'removed', value: describe(item) });
        } catch (error) {
          details.push({ label: 'kept', value: `${describe(item)}: ${describeFailure(error)}`, status: 'warn' });
        }
      }
      await progress(`removed ${removed} of ${listed.length}`);
      return { ok: removed === listed.length, summary: `removed ${removed} of ${listed.length} items, ${mebibytes(freed)} freed`, details };
    },
  };
}
