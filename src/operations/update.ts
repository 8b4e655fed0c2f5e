import { selectUpdate, versionOfTag, type VersionTag } from '../checks/image-update-versions.ts';
import type { ContainerConnector } from '../domain/connector.ts';
import type { OperationAsks } from '../domain/operation.ts';
import { RecreateError } from '../integrations/docker/container-operations.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import { formatImageReference, parseImageReference } from '../integrations/registry/reference.ts';
import { backupFirst, backupResultDetails } from './backup.ts';
import type { OperationDependencies } from './dependencies.ts';
import { seconds } from './dependencies.ts';
import { containerTarget, type ExecutionResult, type OperationKindSpec, type Plan } from './executor.ts';
import { waitHealthy } from './wait-healthy.ts';
import { currentState } from './current-state.ts';

const MIGRATION =
  'A new major version is a migration, not a routine update: 6 → 7 needed a database wipe. Read its migration guide and back up the database before you approve.';

/** The target: the version asked for, or the newest of the running major; a new major only with --major. */
async function planUpdate(deps: OperationDependencies, connector: ContainerConnector, asked: OperationAsks['update'], signal: AbortSignal): Promise<Plan<'update'>> {
  const inspect = await deps.containersFor(connector).inspect(connector.container, signal);
  const image = parseImageReference(inspect.Config.Image);
  const running = image.tag ? versionOfTag(image.tag) : undefined;
  if (!running) {
    return { ok: false, problem: `The image ${inspect.Config.Image} names no version in its tag, so the bot cannot tell what an update goes from; run a versioned tag (e.g. :7.4.6).` };
  }
  let tags: string[];
  try {
    tags = await deps.registry.listTags(image, signal);
  } catch (error) {
    return { ok: false, problem: `Could not read the tags of ${image.registry}/${image.repository}: ${describeFailure(error)}` };
  }
  const selection = selectUpdate(tags, running, deps.includePrereleases || /-/.test(asked.targetVersion ?? ''));
  let target: VersionTag | undefined;
  if (asked.targetVersion) {
    const version = asked.targetVersion;
    target = tags.map((tag) => ({ tag, version: versionOfTag(tag) })).find((found): found is VersionTag => found.version?.version === version);
    if (!target) return { ok: false, problem: `${image.registry}/${image.repository} has no tag for version ${version}. Newest: ${selection.newest?.tag ?? 'none'}.` };
    if (target.version.compare(running) <= 0) return { ok: false, problem: `${version} is not newer than the running ${running.version}.` };
  } else {
    target = selection.recommended ?? (asked.major ? selection.newerMajor : undefined);
    if (!target) {
      const major = selection.newerMajor ? ` ${selection.newerMajor.tag} is a new major version: request it with --major (a migration).` : '';
      return { ok: false, problem: `${connector.name} runs ${running.version}, the newest of ${running.major}.x.${major}` };
    }
  }
  const major = target.version.major > running.major;
  if (major && !asked.major) {
    return { ok: false, problem: `${running.version} → ${target.version.version} is a new major version. ${MIGRATION} To go ahead, request it with --major.` };
  }
  const { digest: _pinned, ...named } = image;
  const targetImage = formatImageReference({ ...named, tag: target.tag });
  const lines = [
    await currentState(deps, connector, signal),
    `Version: ${running.version} → ${target.version.version}${major ? ' (NEW MAJOR)' : ''}`,
    `Image: ${targetImage}`,
    'First: a backup of definition, configuration and logs',
    `Then: the container recreated with the same definition; not healthy within ${Math.round(deps.healthyTimeoutMs / 1000)} s → rolled back to ${running.version}`,
  ];
  const params = {
    targetVersion: target.version.version,
    targetImage,
    currentVersion: running.version,
    ...(major && { major: true }),
    shown: { lines, ...(major && { warning: MIGRATION }) },
  };
  return { ok: true, params, lines, ...(major && { warning: MIGRATION }) };
}

/** Backup, pull (with progress), recreate with an identical definition, wait for healthy; roll back when it is not. */
export function updateKind(deps: OperationDependencies): OperationKindSpec<'update'> {
  return {
    kind: 'update',
    danger: true,
    timeoutMs: 30 * 60_000,
    target: containerTarget(' to update'),
    plan: (connector, asked, signal) => planUpdate(deps, connector, asked, signal),
    execute: async ({ params, connector, signal, progress }): Promise<ExecutionResult> => {
      const { targetImage, targetVersion, currentVersion } = params;
      const { container } = connector;
      const containers = deps.containersFor(connector);
      const backup = await backupFirst(deps, connector, signal, progress, 'updated');
      if (!backup.ok) return backup.result;
      const before = await containers.inspect(container, signal);
      let lastShown = -25;
      const pulled = await containers.pull(
        targetImage,
        (p) => {
          // Every quarter is enough for a chat message: a pull reports hundreds of events.
          if (p.percent !== undefined && p.percent - lastShown >= 25) {
            lastShown = p.percent;
            void progress(`pulling ${targetImage}: ${Math.round(p.percent)} %`);
          }
        },
        signal,
        deps.registryAuth(parseImageReference(targetImage).registry),
      );
      await progress(`pulled ${targetImage}${pulled.digest ? ` (${pulled.digest})` : ''}`);
      let handle;
      try {
        handle = await containers.recreate(container, targetImage, signal, { graceSeconds: deps.stopGraceSeconds });
      } catch (error) {
        const restored = error instanceof RecreateError && error.restored;
        return { ok: false, summary: `not updated: ${(error as Error).message}${restored ? '; the old container runs as before' : ''}`, details: [] };
      }
      await progress(`recreated with the same definition on ${targetVersion}; waiting for healthy`);
      const healthy = await waitHealthy({ api: deps.api, containers }, connector, deps.healthyTimeoutMs, signal);
      const digests = [
        { label: 'before', value: `${before.Config.Image} (${before.Image})` },
        { label: 'after', value: `${targetImage} (${pulled.imageId}${pulled.digest ? `, ${pulled.digest}` : ''})` },
      ];
      if (healthy.ok) {
        await containers.discardPrevious(handle, signal);
        return {
          ok: true,
          summary: `updated ${currentVersion} → ${targetVersion}; healthy after ${seconds(healthy.ms)}`,
          details: [...digests, { label: 'time to healthy', value: seconds(healthy.ms) }, ...backupResultDetails(backup.archive, backup.notIncluded)],
        };
      }
      await progress(`${targetVersion} is not healthy (${healthy.reason}); rolling back to ${currentVersion}`);
      try {
        // The rollback runs on its own clock: the operation's time may be nearly up, half a rollback must not be.
        await containers.rollback(handle, AbortSignal.timeout(5 * 60_000), { graceSeconds: deps.stopGraceSeconds });
      } catch (error) {
        return { ok: false, summary: `${targetVersion} did not become healthy (${healthy.reason}), and the ROLLBACK FAILED: ${(error as Error).message}`, details: digests };
      }
      const again = await waitHealthy({ api: deps.api, containers }, connector, deps.healthyTimeoutMs, AbortSignal.timeout(deps.healthyTimeoutMs + 10_000));
      return {
        ok: false,
        summary: `${targetVersion} did not become healthy (${healthy.reason}); rolled back to ${currentVersion}${again.ok ? `, healthy again after ${seconds(again.ms)}` : `, which is not healthy either: ${again.reason}`}`,
        details: [...digests, { label: 'rollback', value: again.ok ? `${currentVersion} with its old definition, healthy` : again.reason, status: again.ok ? 'warn' : 'critical' }],
      };
    },
  };
}
