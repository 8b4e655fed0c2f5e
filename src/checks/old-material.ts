import type { OldMaterialData } from '../domain/check-data.ts';
import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import { worstStatus, type CheckStatus } from '../domain/status.ts';
import { isConnectorImage } from '../integrations/docker/image-ref.ts';
import type { ContainerListing, ImageListing, OldFilesScan, OldMaterialSource } from '../integrations/docker/old-material.ts';
import { withTimeout } from '../integrations/http/timeout.ts';
import { DEFAULT_ENGINE } from '../config/config.ts';
import type { Check, CheckContext } from './check.ts';
import { readOnce, type SharedReadings } from './shared-readings.ts';
import { formatAge, formatBytes } from './resources-format.ts';
import { settle, type Outcome } from './outcome.ts';

export interface OldMaterialCheckOptions {
  logRetentionDays: number;
  backupRetentionDays: number;
  /** Directories, files or globs of log files, besides the connector's own log files. */
  logPaths: string[];
  backupPaths: string[];
  /** Warn when unused Connector images hold more than this. */
  unusedImageWarnBytes: number;
  /** The containers of every configured connector: stopped on purpose or not, they are not old material. */
  ownContainers: string[];
  /** Items listed per kind before "and N more". */
  listLimit: number;
  /** Bound of each outside call; below the runner's timeout so the other parts still report. */
  timeoutMs: number;
}

export const DEFAULT_OLD_MATERIAL_OPTIONS: OldMaterialCheckOptions = {
  logRetentionDays: 30,
  backupRetentionDays: 30,
  logPaths: [],
  backupPaths: [],
  unusedImageWarnBytes: 1024 ** 3,
  ownContainers: [],
  listLimit: 10,
  timeoutMs: 5_000,
};

export interface DockerMaterial {
  /** Connector images no container uses, running or stopped; largest first. */
  unusedImages: ImageListing[];
  /** Exited or dead Connector containers other than the connectors' own; oldest first. */
  exitedContainers: ContainerListing[];
}

/**
 * Sorts Connector images and containers into old material. An image is a Connector image when any of
 * its tags or digests names a repository ending in `nmshd/connector`: an image whose tag moved on to a
 * newer version keeps only its digest. A container is a Connector container when its image is one.
 */
export function classifyDockerMaterial(
  images: readonly ImageListing[],
  containers: readonly ContainerListing[],
  ownContainers: readonly string[],
): DockerMaterial {
  const connectorImages = images.filter((i) => [...i.repoTags, ...i.repoDigests].some(isConnectorImage));
  const connectorImageIds = new Set(connectorImages.map((i) => i.id));
  const usedImageIds = new Set(containers.map((c) => c.imageId));
  const unusedImages = connectorImages
    .filter((i) => !usedImageIds.has(i.id))
    .sort((a, b) => b.sizeBytes - a.sizeBytes);
  const exitedContainers = containers
    .filter((c) => c.state === 'exited' || c.state === 'dead')
    .filter((c) => connectorImageIds.has(c.imageId) || isConnectorImage(c.image))
    .filter((c) => !ownContainers.some((ref) => sameContainer(c, ref)))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return { unusedImages, exitedContainers };
}

/** Docker accepts a container's name (with or without the leading slash), its full id or an id prefix. */
function sameContainer(container: ContainerListing, ref: string): boolean {
  const name = ref.replace(/^\//, '');
  return container.name === name || (/^[0-9a-f]{12,64}$/.test(ref) && container.id.startsWith(ref));
}


interface FileKind {
  title: string;
  noun: string;
}
const LOG_FILES: FileKind = { title: 'Log files', noun: 'log file' };
const BACKUPS: FileKind = { title: 'Backups', noun: 'backup' };

const DAY_MS = 86_400_000;

type OldFileData = NonNullable<OldMaterialData['oldLogFiles']>[number];

/**
 * Old Connector images, exited Connector containers, and log files and backups past their retention.
 * Reports only: removing any of it is the cleanup operation's job.
 */
export class OldMaterialCheck implements Check {
  readonly id = 'old-material' as const;

  private readonly source: OldMaterialSource;
  private readonly options: OldMaterialCheckOptions;

  constructor(
    source: OldMaterialSource,
    options: OldMaterialCheckOptions = DEFAULT_OLD_MATERIAL_OPTIONS,
  ) {
    this.source = source;
    this.options = options;
  }

  appliesTo(): boolean {
    return true;
  }

  async run({ connector, signal, now, shared }: CheckContext): Promise<CheckResult> {
    const partSignal = withTimeout(signal, this.options.timeoutMs);
    const own = connector.container ? [...this.options.ownContainers, connector.container] : this.options.ownContainers;
    const logPaths = [...new Set([...this.options.logPaths, ...connector.logFiles])];
    const engine = { name: connector.engine ?? DEFAULT_ENGINE, shared };
    const [docker, logs, backups] = await Promise.all([
      settle(this.dockerMaterial(engine, own, partSignal, now)),
      this.filesPart(LOG_FILES, logPaths, this.options.logRetentionDays, now, partSignal),
      this.filesPart(BACKUPS, this.options.backupPaths, this.options.backupRetentionDays, now, partSignal),
    ]);

    const details: CheckDetail[] = [];
    const found: string[] = [];
    const data: OldMaterialData = {
      ...(docker.ok && docker.value.data),
      ...(logs.files && { oldLogFiles: logs.files }),
      ...(backups.files && { oldBackups: backups.files }),
    };
    if (docker.ok) {
      details.push(...docker.value.details);
      found.push(...docker.value.found);
    } else {
      details.push({ label: 'Connector images and containers', value: `could not read: ${docker.reason}`, status: 'unknown' });
    }
    for (const part of [logs, backups]) {
      details.push(...part.details);
      if (part.found) found.push(part.found);
    }
    const status = worstStatus(details.flatMap((d) => (d.status ? [d.status] : [])));
    const summary = found.length > 0 ? found.join(', ') : nothingFound(status);
    return checkResult('old-material', status, summary, details, [], data);
  }

  /**
   * The engine's images and containers are the same for every connector on it: listed once per engine in a
   * report, and each listed container's stop time asked once, however many connectors the report covers.
   */
  private async dockerMaterial(
    engine: { name: string; shared?: SharedReadings },
    own: string[],
    signal: AbortSignal,
    now: Date,
  ): Promise<{ details: CheckDetail[]; found: string[]; data: Pick<OldMaterialData, 'unusedImages' | 'exitedContainers'> }> {
    const [images, containers] = await readOnce(engine.shared, `docker-material:${engine.name}`, () =>
      Promise.all([this.source.images(signal), this.source.containers(signal)]),
    );
    const { unusedImages, exitedContainers } = classifyDockerMaterial(images, containers, own);
    const details: CheckDetail[] = [];
    const found: string[] = [];

    const bytes = unusedImages.reduce((sum, i) => sum + i.sizeBytes, 0);
    const imageStatus: CheckStatus = bytes > this.options.unusedImageWarnBytes ? 'warn' : 'ok';
    details.push({
      label: 'Unused Connector images',
      value:
        unusedImages.length === 0
          ? 'none'
          : `${plural(unusedImages.length, 'image')}, ${formatBytes(bytes)} (shared layers may make this more than removing them frees)`,
      status: imageStatus,
    });
    details.push(
      ...this.limited(unusedImages, (image) => ({
        label: 'Unused image',
        value: `${imageName(image)}, ${formatBytes(image.sizeBytes)}, created ${formatAge(now.getTime() - image.createdAt.getTime())} ago`,
      })),
    );
    if (unusedImages.length > 0) found.push(`${plural(unusedImages.length, 'unused Connector image')} (${formatBytes(bytes)})`);

    details.push({
      label: 'Exited Connector containers',
      value: exitedContainers.length === 0 ? 'none' : plural(exitedContainers.length, 'container'),
      status: 'ok',
    });
    // Only the listed containers are asked when they stopped: the call count stays bounded.
    const shown = exitedContainers.slice(0, this.options.listLimit);
    const finished = await Promise.all(
      shown.map((c) =>
        readOnce(engine.shared, `finished-at:${engine.name}:${c.id}`, () => this.source.finishedAt(c.id, signal).catch(() => undefined)),
      ),
    );
    details.push(
      ...this.limited(exitedContainers, (container, index) => {
        const since = finished[index] ?? container.createdAt;
        const verb = finished[index] ? 'stopped' : 'created';
        return {
          label: 'Exited container',
          value: `${container.name} (${container.image}), ${container.state}, ${verb} ${formatAge(now.getTime() - since.getTime())} ago`,
        };
      }),
    );
    if (exitedContainers.length > 0) found.push(plural(exitedContainers.length, 'exited Connector container'));
    const data = {
      unusedImages: unusedImages.map((i) => ({ id: i.id, references: [...i.repoTags, ...i.repoDigests], sizeBytes: i.sizeBytes, createdAt: i.createdAt.toISOString() })),
      exitedContainers: exitedContainers.map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, createdAt: c.createdAt.toISOString() })),
    };
    return { details, found, data };
  }

  private async filesPart(
    kind: FileKind,
    patterns: string[],
    retentionDays: number,
    now: Date,
    signal: AbortSignal,
  ): Promise<{ details: CheckDetail[]; found?: string; files?: OldFileData[] }> {
    const label = `${kind.title} older than ${retentionDays} days`;
    if (patterns.length === 0) return { details: [{ label, value: 'no paths configured' }] };
    const scan: Outcome<OldFilesScan> = await settle(
      this.source.filesOlderThan(patterns, new Date(now.getTime() - retentionDays * DAY_MS), signal),
    );
    if (!scan.ok) return { details: [{ label, value: `could not read: ${scan.reason}`, status: 'unknown' }] };
    const { files, unreadable, truncated } = scan.value;
    const bytes = files.reduce((sum, f) => sum + f.sizeBytes, 0);
    const more = truncated ? ' (the walk stopped at its bound: there may be more)' : '';
    const details: CheckDetail[] = [
      {
        label,
        value: files.length === 0 ? `none${more}` : `${plural(files.length, 'file')}, ${formatBytes(bytes)}${more}`,
        status: files.length > 0 ? 'warn' : 'ok',
      },
      ...this.limited(files, (file) => ({
        label: `Old ${kind.noun}`,
        value: `${file.path}, ${formatBytes(file.sizeBytes)}, modified ${formatAge(now.getTime() - file.modifiedAt.getTime())} ago`,
      })),
      ...unreadable.map((u) => ({ label: `${kind.title} ${u.path}`, value: `could not read: ${u.reason}`, status: 'unknown' as const })),
    ];
    const listed = files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, modifiedAt: f.modifiedAt.toISOString() }));
    return { details, found: files.length > 0 ? `${plural(files.length, kind.noun)} past retention` : undefined, files: listed };
  }

  /** The first listLimit items as details, then "and N more". */
  private limited<T>(items: readonly T[], toDetail: (item: T, index: number) => CheckDetail): CheckDetail[] {
    const details = items.slice(0, this.options.listLimit).map(toDetail);
    const rest = items.length - this.options.listLimit;
    if (rest > 0) details.push({ label: '…', value: `and ${rest} more` });
    return details;
  }
}

function imageName(image: ImageListing): string {
  const shortId = image.id.replace(/^sha256:/, '').slice(0, 12);
  if (image.repoTags.length > 0) return `${image.repoTags.join(', ')} (${shortId})`;
  // Untagged: the tag moved to a newer image. The digest still says where it came from.
  const repository = image.repoDigests[0]?.split('@')[0];
  return repository ? `${repository} untagged (${shortId})` : shortId;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function nothingFound(status: CheckStatus): string {
  return status === 'ok' ? 'No old material' : 'Nothing old found, but not everything could be read';
}

