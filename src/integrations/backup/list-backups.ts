import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArchiveName } from './archive-name.ts';

export interface BackupListing {
  path: string;
  connector: string;
  /** The moment in its name: when it was taken. */
  takenAt: Date;
  bytes: number;
}

/**
 * The backup archives in a directory, newest first, of one connector or of all. Other files and
 * unfinished archives (their temporary names start with a dot) are passed over; a directory that
 * does not exist holds none.
 */
export async function listBackups(directory: string, connector?: string): Promise<BackupListing[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const backups: BackupListing[] = [];
  for (const name of names) {
    const parsed = parseArchiveName(name);
    if (!parsed || (connector !== undefined && parsed.connector !== connector)) continue;
    const path = join(directory, name);
    // Removed since readdir (retention ran): not a backup any more.
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) continue;
    backups.push({ path, connector: parsed.connector, takenAt: parsed.takenAt, bytes: stats.size });
  }
  return backups.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || a.path.localeCompare(b.path));
}
