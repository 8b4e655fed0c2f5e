import { opendir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Reading } from '../integrations/mongo/types.ts';
import { formatHours, type Finding } from './database-interpret.ts';

export interface BackupScan {
  newest?: { path: string; modified: Date };
  files: number;
  /** The scan stopped at its bounds; an even newer file may lie beyond them. */
  truncated: boolean;
}

export interface BackupScanLimits {
  maxEntries: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: BackupScanLimits = { maxEntries: 10_000, maxDepth: 6 };

/**
 * The newest regular file under a backup location, by modification time. Walks the tree breadth
 * first within bounds so a huge or deep tree cannot stall the check; symbolic links are not
 * followed (no loops, and a "latest" link points at a file that is there anyway).
 */
export async function scanBackups(
  directory: string,
  signal: AbortSignal,
  limits: BackupScanLimits = DEFAULT_LIMITS,
): Promise<BackupScan> {
  const pending = [{ path: directory, depth: 0 }];
  const scan: BackupScan = { files: 0, truncated: false };
  let entries = 0;
  for (let next = pending.shift(); next; next = pending.shift()) {
    signal.throwIfAborted();
    let dir;
    try {
      dir = await opendir(next.path);
    } catch (error) {
      // The location itself must be readable; a subdirectory that is not is passed over.
      if (next.depth === 0) throw error;
      continue;
    }
    for await (const entry of dir) {
      signal.throwIfAborted();
      if (++entries > limits.maxEntries) {
        scan.truncated = true;
        return scan;
      }
      const path = join(next.path, entry.name);
      if (entry.isDirectory()) {
        if (next.depth < limits.maxDepth) pending.push({ path, depth: next.depth + 1 });
        else scan.truncated = true;
      } else if (entry.isFile()) {
        const modified = await modifiedAt(path);
        if (!modified) continue;
        scan.files += 1;
        if (!scan.newest || modified > scan.newest.modified) scan.newest = { path, modified };
      }
    }
  }
  return scan;
}

/** A file may be rotated away between listing and stat. */
async function modifiedAt(path: string): Promise<Date | undefined> {
  try {
    return (await stat(path)).mtime;
  } catch {
    return undefined;
  }
}

/** Age of the newest backup against the allowed age: older than maxAgeHours warns, older than criticalHours is critical. */
export function backupFinding(
  directory: string,
  scan: Reading<BackupScan>,
  now: Date,
  maxAgeHours: number,
  criticalHours: number,
): Finding {
  const label = 'Newest backup';
  if (!scan.ok) {
    return {
      detail: { label, value: `not readable: ${scan.error}`, status: 'unknown' },
      problem: 'backup location not readable',
    };
  }
  const { newest, files, truncated } = scan.value;
  if (!newest) {
    return {
      detail: { label, value: `no file in ${directory}`, status: 'critical' },
      problem: `no backup found in ${directory}`,
    };
  }
  const hours = (now.getTime() - newest.modified.getTime()) / 3_600_000;
  const limit = Math.max(criticalHours, maxAgeHours);
  const status = hours > limit ? 'critical' : hours > maxAgeHours ? 'warn' : 'ok';
  const scope = `${files} file${files === 1 ? '' : 's'}${truncated ? ', scan stopped at its bounds' : ''}`;
  const value = `${formatHours(Math.max(0, hours))} old: ${relative(directory, newest.path)} (${scope})`;
  const threshold = status === 'critical' ? limit : maxAgeHours;
  return status === 'ok'
    ? { detail: { label, value, status } }
    : { detail: { label, value, status }, problem: `newest backup is ${formatHours(hours)} old (threshold ${threshold} h)` };
}
