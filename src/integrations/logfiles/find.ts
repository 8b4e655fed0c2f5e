import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { LogWindow } from '../../logs/lines.ts';

export interface LogFile {
  path: string;
  modified: Date;
  gzip: boolean;
}

/**
 * The files a log-file setting stands for, oldest first: the path itself, or what a glob with `*`
 * and `?` in its last segment matches, plus the rotated siblings of each (`app.log.1`,
 * `app.log.2.gz`, log4js dateFile's `latest.log.2026-08-19` or, with keepFileExt,
 * `latest.2026-08-19.log`). Files last modified before the window are left out: they cannot hold
 * anything newer. A directory that cannot be read throws; a pattern matching nothing returns [].
 */
export async function findLogFiles(pattern: string, window: LogWindow): Promise<LogFile[]> {
  const directory = dirname(pattern);
  const namePattern = basename(pattern);
  const names = await readdir(directory);
  const matchesPattern = globToRegExp(namePattern);
  const bases = names.filter((name) => matchesPattern.test(name));
  const wanted = new Set<string>();
  for (const base of bases) {
    const rotated = rotationOf(base);
    for (const name of names) if (name === base || rotated.test(name)) wanted.add(name);
  }
  const files: LogFile[] = [];
  for (const name of wanted) {
    const path = join(directory, name);
    const info = await stat(path).catch(() => undefined); // rotated away since readdir
    if (!info?.isFile() || info.mtime < window.since) continue;
    files.push({ path, modified: info.mtime, gzip: name.endsWith('.gz') });
  }
  return files.sort((a, b) => a.modified.getTime() - b.modified.getTime());
}

/** `*` and `?` as the shell means them; every other character literally. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

/** Names a rotation of `base` gets: a numeric or date suffix, optionally gzipped. */
function rotationOf(base: string): RegExp {
  const suffix = '[0-9][0-9._-]*';
  const extension = extname(base);
  const stem = base.slice(0, base.length - extension.length);
  const plain = `${escapeRegExp(base)}\\.${suffix}`;
  const keepingExtension = extension ? `|${escapeRegExp(stem)}\\.${suffix}${escapeRegExp(extension)}` : '';
  return new RegExp(`^(?:${plain}${keepingExtension})(?:\\.gz)?$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
