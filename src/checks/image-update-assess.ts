import type { SemVer } from 'semver';
import { checkResult, type CheckDetail, type CheckResult } from '../domain/check-result.ts';
import type { ImageUpdateData } from '../domain/check-data.ts';
import type { ImageUpdateFinding } from '../domain/finding.ts';
import { worstStatus, type CheckStatus } from '../domain/status.ts';
import { digestsInRepository, formatImageReference, type ImageReference } from '../integrations/registry/reference.ts';
import { selectUpdate } from './image-update-versions.ts';

/** How the running image compares with what the registry now serves under the same tag. */
export type DigestFinding =
  | { kind: 'same'; digest: string }
  | { kind: 'moved'; registryDigest: string; localDigests: string[] }
  /**
   * The image was not pulled from this registry: it has no digest from this repository (built locally), or only
   * digests the registry does not know (`sideLoaded`: `docker load`/`podman load` computed them).
   */
  | { kind: 'not-from-registry'; sideLoaded?: string[] }
  /** The registry no longer has the running tag. */
  | { kind: 'tag-gone' }
  | { kind: 'failed'; reason: string };

export interface RunningVersion {
  version: SemVer;
  /** Read from the image tag, or reported by the Connector when the tag is not a version (`latest`). */
  source: 'tag' | 'connector';
}

export interface ImageUpdateFindings {
  image: ImageReference;
  running?: RunningVersion;
  /** Why the Connector could not tell its version, when it was asked. */
  versionProblem?: string;
  tags: { ok: true; tags: string[] } | { ok: false; reason: string };
  /** Absent when the container runs a digest without a tag. */
  digest?: DigestFinding;
  includePrereleases: boolean;
}

/** The registry's digest for the running tag against the image's RepoDigests for the same repository. */
export function compareDigests(image: ImageReference, repoDigests: readonly string[], registryDigest: string): DigestFinding {
  const localDigests = digestsInRepository(repoDigests, image);
  if (localDigests.length === 0) return { kind: 'not-from-registry' };
  return localDigests.includes(registryDigest)
    ? { kind: 'same', digest: registryDigest }
    : { kind: 'moved', registryDigest, localDigests };
}

/**
 * Interprets what the registry offers. Status choice (documented in the README): a routine update of the running
 * major, or a moved tag, is `warn`; a newer major alone leaves the status `ok`, because it is a planned migration
 * (6 → 7 needed a database wipe), not something to apply routinely, and operators may stay on a major on purpose.
 * It is still shown in the summary and the details.
 */
export function assessImageUpdate(findings: ImageUpdateFindings): CheckResult<'image-update'> {
  const { image, running, digest } = findings;
  const details: CheckDetail[] = [{ label: 'image', value: formatImageReference(image) }];
  if (!findings.tags.ok) {
    return checkResult('image-update', 'unknown', `Could not read the registry: ${findings.tags.reason}`, details);
  }

  const selection = selectUpdate(findings.tags.tags, running?.version, findings.includePrereleases);
  const summary: string[] = [];
  const statuses: CheckStatus[] = [];
  const typed: ImageUpdateFinding[] = [];

  if (running) {
    typed.push({ kind: 'running', version: running.version.version, source: running.source });
    const from = running.source === 'connector' ? ' (as the Connector reports it)' : '';
    details.push({ label: 'running version', value: `${running.version.version}${from}` });
    const major = `${running.version.major}.x`;
    if (selection.recommended) {
      const update = `${running.version.version} → ${selection.recommended.tag}`;
      details.push({ label: 'update', value: `${update} (newest ${major})`, status: 'warn' });
      typed.push({ kind: 'update', current: running.version.version, recommended: selection.recommended.tag, major: false });
      summary.push(`${update} available`);
      statuses.push('warn');
    } else {
      details.push({ label: 'update', value: `none: ${running.version.version} is the newest ${major}`, status: 'ok' });
      summary.push(`${running.version.version} is the newest ${selection.newerMajor ? major : 'version'}`);
      statuses.push('ok');
    }
  } else {
    const unknown = image.tag ? `tag "${image.tag}" names no version` : 'pinned to a digest';
    const note = findings.versionProblem ? `; the Connector did not tell: ${findings.versionProblem}` : '';
    details.push({ label: 'running version', value: `unknown: ${unknown}${note}` });
    if (selection.newest) details.push({ label: 'newest version', value: selection.newest.tag });
  }

  if (selection.newerMajor) {
    const major = selection.newerMajor.tag;
    if (running) typed.push({ kind: 'update', current: running.version.version, recommended: major, major: true });
    details.push({
      label: 'new major version',
      value: `${major} is a new major version: a migration (see the Connector's migration guide), not a routine update`,
    });
    summary.push(`${major} is a new major version (a migration)`);
  }
  if (selection.prereleasesIgnored > 0) {
    details.push({ label: 'prereleases', value: `${selection.prereleasesIgnored} prerelease tags ignored` });
  }

  const tag = image.tag;
  if (!tag) {
    details.push({ label: 'digest', value: `pinned to ${image.digest}` });
  } else if (digest) {
    const digestStatus = describeDigest(tag, digest, details, summary);
    if (digestStatus) statuses.push(digestStatus);
    if (digest.kind === 'moved') typed.push({ kind: 'tag-moved', tag, registryDigest: digest.registryDigest, runningDigests: digest.localDigests });
    if (digest.kind === 'tag-gone') typed.push({ kind: 'tag-gone', tag });
  }

  // Without a version, only the digest can tell whether the image is current.
  if (!running && !statuses.some((s) => s === 'ok' || s === 'warn')) {
    const why = !tag
      ? 'it is pinned to a digest and its version is unknown'
      : `its tag names no version and ${digest?.kind === 'failed' ? `the digest comparison failed: ${digest.reason}` : digest?.kind === 'not-from-registry' && digest.sideLoaded ? 'the running image was not pulled from this registry' : 'the running image has no digest from this registry'}`;
    return checkResult('image-update', 'unknown', `Cannot tell whether ${formatImageReference(image)} is current: ${why}`, details, typed, imageUpdateData(typed, image, digest));
  }
  if (summary.length === 0) {
    summary.push(`${tag} is unchanged in the registry${selection.newest ? ` (newest version ${selection.newest.tag})` : ''}`);
  }
  return checkResult('image-update', worstStatus(statuses), summary.join('; '), details, typed, imageUpdateData(typed, image, digest));
}

/** The findings as one object, with the digests compared even when the tag did not move. */
function imageUpdateData(typed: readonly ImageUpdateFinding[], image: ImageReference, digest: DigestFinding | undefined): ImageUpdateData {
  const running = typed.find((f) => f.kind === 'running');
  const updates = typed.filter((f) => f.kind === 'update');
  const recommended = updates.find((f) => !f.major)?.recommended;
  const newestMajor = updates.find((f) => f.major)?.recommended;
  return {
    ...(running && { current: running.version }),
    ...(recommended && { recommended }),
    ...(newestMajor && { newestMajor }),
    updatesPending: updates.length,
    ...(image.tag && { tag: image.tag }),
    ...digestData(digest),
  };
}

function digestData(digest: DigestFinding | undefined): Pick<ImageUpdateData, 'registryDigest' | 'runningDigests' | 'tagState'> {
  switch (digest?.kind) {
    case 'same':
      return { registryDigest: digest.digest, runningDigests: [digest.digest], tagState: 'same' };
    case 'moved':
      return { registryDigest: digest.registryDigest, runningDigests: digest.localDigests, tagState: 'moved' };
    case 'tag-gone':
      return { runningDigests: [], tagState: 'gone' };
    case 'not-from-registry':
      return { runningDigests: [], tagState: 'not-from-registry' };
    default:
      return { runningDigests: [] };
  }
}

/** Adds the digest detail (and a summary part when the tag moved or vanished); returns its status. */
function describeDigest(tag: string, digest: DigestFinding, details: CheckDetail[], summary: string[]): CheckStatus | undefined {
  switch (digest.kind) {
    case 'same':
      details.push({ label: 'digest', value: `${tag} matches the registry (${shortDigest(digest.digest)})`, status: 'ok' });
      return 'ok';
    case 'moved': {
      const local = digest.localDigests.map(shortDigest).join(', ');
      details.push({
        label: 'digest',
        value: `${tag} moved: the registry has ${shortDigest(digest.registryDigest)}, the container runs ${local}`,
        status: 'warn',
      });
      summary.unshift(`${tag} moved: the registry has a newer image for the same tag`);
      return 'warn';
    }
    case 'not-from-registry':
      details.push({
        label: 'digest',
        value: digest.sideLoaded
          ? `the running image was not pulled from this registry: its digest ${digest.sideLoaded.map(shortDigest).join(', ')} is not in it (loaded with docker load or podman load, or deleted from the registry since): cannot tell whether ${tag} moved`
          : `the running image has no digest from this registry (built or loaded locally): cannot tell whether ${tag} moved`,
      });
      return undefined;
    case 'tag-gone':
      details.push({ label: 'digest', value: `tag ${tag} is no longer in the registry`, status: 'warn' });
      summary.push(`tag ${tag} is no longer in the registry`);
      return 'warn';
    case 'failed':
      details.push({ label: 'digest', value: `could not compare: ${digest.reason}`, status: 'unknown' });
      return 'unknown';
  }
}

/** `sha256:` and the first 12 hex digits, as Docker shows ids. */
function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}
