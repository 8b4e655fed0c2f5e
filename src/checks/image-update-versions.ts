import semver, { type SemVer } from 'semver';

/** A registry tag that names a version. */
export interface VersionTag {
  tag: string;
  version: SemVer;
}

/** What the tag list offers relative to the running version. */
export interface UpdateSelection {
  /** The newest version of the running major above the running version: the routine update. */
  recommended?: VersionTag;
  /** The newest version of a higher major: a migration, never a routine update. */
  newerMajor?: VersionTag;
  /** The newest version among the tags considered. */
  newest?: VersionTag;
  /** Version tags that were left out because they are prereleases. */
  prereleasesIgnored: number;
}

const VERSION_TAG = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * The version a tag names: `7.4.6`, `v7.4.6`, `7.5.0-beta.1`. Channel tags (`latest`, `beta`), build numbers
 * (`1234`), commit SHAs and partial versions (`7.4`) name no version.
 */
export function versionOfTag(tag: string): SemVer | undefined {
  return VERSION_TAG.test(tag) ? (semver.parse(tag) ?? undefined) : undefined;
}

export function selectUpdate(
  tags: readonly string[],
  running: SemVer | undefined,
  includePrereleases: boolean,
): UpdateSelection {
  const candidates: VersionTag[] = [];
  let prereleasesIgnored = 0;
  for (const tag of tags) {
    const version = versionOfTag(tag);
    if (!version) continue;
    if (version.prerelease.length > 0 && !includePrereleases) {
      prereleasesIgnored++;
      continue;
    }
    candidates.push({ tag, version });
  }
  // Newest first; of `7.4.6` and `v7.4.6`, the plain tag.
  candidates.sort((a, b) => semver.rcompare(a.version, b.version) || a.tag.length - b.tag.length);

  const selection: UpdateSelection = { prereleasesIgnored };
  const newest = candidates[0];
  if (newest) selection.newest = newest;
  if (!running) return selection;

  const recommended = candidates.find((c) => c.version.major === running.major && semver.gt(c.version, running));
  if (recommended) selection.recommended = recommended;
  const newerMajor = candidates.find((c) => c.version.major > running.major);
  if (newerMajor) selection.newerMajor = newerMajor;
  return selection;
}
