import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { kindOf, reasonOf } from './fs-reason.ts';

export interface WalkSource {
  path: string;
  /** Its absence is no gap (a log rotation not made yet): left out without a word. */
  optional?: boolean;
}

export interface FoundFile {
  path: string;
  /** Named by the caller, not found in a directory: a link there was followed, so opening may follow it too. */
  named: boolean;
}

/**
 * The regular files of the sources, directories recursively, each path once, in name order.
 * A named path that is a link is followed (Docker follows it too when mounting); links inside
 * a directory are not, so the walk never leaves the tree. Everything left out goes to `skipped`.
 */
export async function* walkSources(
  sources: readonly WalkSource[],
  exclude: string,
  skipped: Array<{ path: string; reason: string }>,
  signal: AbortSignal | undefined,
): AsyncGenerator<FoundFile> {
  const seen = new Set<string>();
  const directories = new Set<string>();

  async function* visit(path: string, stats: Stats, named: boolean): AsyncGenerator<FoundFile> {
    signal?.throwIfAborted();
    if (seen.has(path)) return;
    seen.add(path);
    // The archive being written, and the backups before it, must not go into the archive.
    if (path === exclude || path.startsWith(exclude + sep)) {
      skipped.push({ path, reason: 'in the backup directory itself' });
      return;
    }
    if (stats.isFile()) {
      yield { path, named };
      return;
    }
    if (stats.isSymbolicLink()) {
      const target = await readlink(path).catch(() => '?');
      skipped.push({ path, reason: `a symbolic link to ${target}: not followed` });
      return;
    }
    if (!stats.isDirectory()) {
      skipped.push({ path, reason: `${kindOf(stats)}, not a regular file` });
      return;
    }
    // A bind mount of a directory inside itself would otherwise be walked for ever.
    const identity = `${stats.dev}:${stats.ino}`;
    if (directories.has(identity)) return;
    directories.add(identity);
    let names: string[];
    try {
      names = (await readdir(path)).sort();
    } catch (error) {
      skipped.push({ path, reason: reasonOf(error) });
      return;
    }
    for (const name of names) {
      const child = join(path, name);
      let childStats: Stats;
      try {
        childStats = await lstat(child);
      } catch (error) {
        skipped.push({ path: child, reason: reasonOf(error) });
        continue;
      }
      yield* visit(child, childStats, false);
    }
  }

  for (const source of sources) {
    const path = resolve(source.path);
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch (error) {
      if (!(source.optional && (error as NodeJS.ErrnoException).code === 'ENOENT')) skipped.push({ path, reason: reasonOf(error) });
      continue;
    }
    yield* visit(path, stats, true);
  }
}
