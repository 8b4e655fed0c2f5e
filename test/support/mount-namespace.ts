import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequirementResult } from './requirements.ts';

/**
 * Runs `command` in a mount namespace of its own (`unshare --mount`, as root) with a tmpfs of `sizeKiB` on `dir`
 * (an existing directory): a disk that can be filled for real without touching the host's. The namespace and the
 * tmpfs end with the process; another process reaches the tmpfs at `/proc/<pid>/root<dir>` meanwhile. `unshare`
 * and `sh` exec into the command, so the child's pid is the command's.
 */
export function spawnOnTmpfs(dir: string, sizeKiB: number, command: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const script = 'mount -t tmpfs -o "size=$1k,mode=0755" tmpfs "$2" && shift 2 && exec "$@"';
  return spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', String(sizeKiB), dir, ...command], options);
}

/** Runs `command` in a mount namespace of its own where `dir` is bound onto itself read-only: a read-only disk for it alone. */
export function spawnOnReadOnly(dir: string, command: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"';
  return spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, ...command], options);
}

/** The tmpfs of `spawnOnTmpfs` as the test sees it: a path inside it, through the process's root. */
export function onTmpfsOf(pid: number, path: string): string {
  return `/proc/${pid}/root${path}`;
}

/** Writes a file at `path` until its file system is full (ENOSPC); deleting the file frees the space again. */
export function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  try {
    // Large blocks first, then pages: nothing the file system could still give is left.
    for (const size of [64 * 1024, 4 * 1024, 512]) {
      const block = Buffer.alloc(size, 0x2e);
      for (;;) {
        try {
          writeSync(fd, block);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Root may make a mount namespace and mount a tmpfs in it (not so in an unprivileged container). */
export async function requireMountNamespaces(): Promise<RequirementResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cops-tmpfs-probe-'));
  try {
    const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8', timeout: 5_000 });
    if (run.error) return { ok: false, reason: `unshare cannot run (${run.error.message}); it is in util-linux` };
    return run.status === 0 ? { ok: true } : { ok: false, reason: `no tmpfs in a mount namespace of its own (unshare --mount, as root): ${run.stderr.trim()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
