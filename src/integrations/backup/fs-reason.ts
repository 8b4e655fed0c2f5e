import type { Stats } from 'node:fs';

/** Why a path could not be read, in words for a report. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'no permission';
  if (code === 'ELOOP') return 'a symbolic link: not followed';
  if (code === 'ENXIO') return 'a socket or device with nothing to read';
  return error instanceof Error ? error.message : String(error);
}

/** What a path is when it is not a regular file. */
export function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}
