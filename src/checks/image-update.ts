import semver, { type SemVer } from 'semver';
import { checkResult, type CheckResult } from '../domain/check-result.ts';
import { engineLabel, type Connector } from '../domain/connector.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { ContainerImage, ContainerImageReader } from '../integrations/docker/images.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import { RegistryError } from '../integrations/registry/errors.ts';
import { digestsInRepository, parseImageReference, type ImageReference } from '../integrations/registry/reference.ts';
import type { RegistryReader } from '../integrations/registry/types.ts';
import type { Check, CheckContext } from './check.ts';
import {
  assessImageUpdate,
  compareDigests,
  type DigestFinding,
  type ImageUpdateFindings,
  type RunningVersion,
} from './image-update-assess.ts';
import { versionOfTag } from './image-update-versions.ts';

export interface ImageUpdateCheckOptions {
  /** Consider prerelease versions (`7.5.0-beta.1`) as updates. */
  includePrereleases: boolean;
}

export interface ImageUpdateDependencies {
  images: ContainerImageReader;
  registry: RegistryReader;
  /** Asked for the running version when the image tag names none (`latest`, a channel). */
  connectorApi?: Pick<ConnectorApiClient, 'version'>;
}

/**
 * The running container's image against its registry: the routine update within the running major, a newer
 * major as a migration, and a tag that moved to another image. Lists tags and HEADs manifests; never pulls.
 */
export class ImageUpdateCheck implements Check {
  readonly id = 'image-update' as const;

  private readonly deps: ImageUpdateDependencies;
  private readonly options: ImageUpdateCheckOptions;

  constructor(
    deps: ImageUpdateDependencies,
    options: ImageUpdateCheckOptions,
  ) {
    this.deps = deps;
    this.options = options;
  }

  readonly needs = 'a container: set CONNECTOR_CONTAINER (or container in the YAML file)';

  appliesTo(connector: Connector): boolean {
    return connector.container !== undefined;
  }

  async run({ connector, signal }: CheckContext): Promise<CheckResult> {
    let container: ContainerImage;
    try {
      container = await this.deps.images.containerImage(connector.container!, signal);
    } catch (error) {
      return checkResult('image-update', 'unknown', `Could not read the container's image from ${engineLabel(connector)}: ${describeFailure(error)}`);
    }
    let image: ImageReference;
    try {
      image = parseImageReference(container.reference);
    } catch (error) {
      return checkResult('image-update', 'unknown', `Could not tell the registry: ${describeFailure(error)}`);
    }

    const tagVersion = image.tag ? versionOfTag(image.tag) : undefined;
    const [tags, digest, reported] = await Promise.all([
      this.readTags(image, signal),
      image.tag ? this.compareTag(image, image.tag, container.repoDigests, signal) : undefined,
      tagVersion ? undefined : this.reportedVersion(connector, signal),
    ]);
    const running: RunningVersion | undefined = tagVersion
      ? { version: tagVersion, source: 'tag' }
      : reported?.version
        ? { version: reported.version, source: 'connector' }
        : undefined;

    const findings: ImageUpdateFindings = {
      image,
      tags,
      includePrereleases: this.options.includePrereleases,
      ...(running ? { running } : {}),
      ...(digest ? { digest } : {}),
      ...(reported?.problem ? { versionProblem: reported.problem } : {}),
    };
    return assessImageUpdate(findings);
  }

  private async readTags(image: ImageReference, signal: AbortSignal): Promise<ImageUpdateFindings['tags']> {
    try {
      return { ok: true, tags: await this.deps.registry.listTags(image, signal) };
    } catch (error) {
      return { ok: false, reason: describeFailure(error) };
    }
  }

  /** HEAD of the running tag, compared with the digests the image was pulled or pushed with. */
  private async compareTag(
    image: ImageReference,
    tag: string,
    repoDigests: readonly string[],
    signal: AbortSignal,
  ): Promise<DigestFinding> {
    // An image built or loaded locally has nothing to compare with: spare the request.
    if (digestsInRepository(repoDigests, image).length === 0) return { kind: 'not-from-registry' };
    let finding: DigestFinding;
    try {
      finding = compareDigests(image, repoDigests, await this.deps.registry.manifestDigest(image, tag, signal));
    } catch (error) {
      if (error instanceof RegistryError && error.kind === 'not-found') return { kind: 'tag-gone' };
      return { kind: 'failed', reason: describeFailure(error) };
    }
    return finding.kind === 'moved' ? this.movedOrSideLoaded(image, finding, signal) : finding;
  }

  /**
   * A tag that moved leaves the manifest the container runs in the registry; a digest the registry never had
   * was computed where the image was loaded (`docker load`, `podman load`): that image was not pulled from here.
   */
  private async movedOrSideLoaded(
    image: ImageReference,
    moved: Extract<DigestFinding, { kind: 'moved' }>,
    signal: AbortSignal,
  ): Promise<DigestFinding> {
    try {
      const known = await Promise.all(
        moved.localDigests.map((digest) =>
          this.deps.registry.manifestDigest(image, digest, signal).then(
            () => true,
            (error: unknown) => {
              if (error instanceof RegistryError && error.kind === 'not-found') return false;
              throw error;
            },
          ),
        ),
      );
      return known.some(Boolean) ? moved : { kind: 'not-from-registry', sideLoaded: moved.localDigests };
    } catch (error) {
      return { kind: 'failed', reason: describeFailure(error) };
    }
  }

  private async reportedVersion(
    connector: Connector,
    signal: AbortSignal,
  ): Promise<{ version?: SemVer; problem?: string } | undefined> {
    const api = this.deps.connectorApi;
    if (!api || !connector.url) return undefined;
    const answer = await api.version(
      { url: connector.url, apiKeyHeader: connector.apiKeyHeader, ...(connector.apiKey ? { apiKey: connector.apiKey } : {}) },
      signal,
    );
    if (answer.kind !== 'ok') return { problem: answer.reason };
    const version = semver.parse(answer.value.version);
    return version ? { version } : { problem: `it reports "${answer.value.version}", not a version` };
  }
}
