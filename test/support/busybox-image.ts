import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { RequirementResult } from './requirements.ts';

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));

export async function requireBusybox(): Promise<RequirementResult> {
  return BUSYBOX ? { ok: true } : { ok: false, reason: 'no static busybox to build a test image from (apt-get install busybox-static)' };
}

/**
 * A one-file image (/bin/busybox), imported as `docker import` does: nothing can be pulled here.
 * The variant label makes each import a distinct image even from the same files.
 */
export async function importBusyboxImage(docker: Docker, repo: string, tag: string): Promise<string> {
  const rootfs = await mkdtemp(join(tmpdir(), 'cops-rootfs-'));
  try {
    await mkdir(join(rootfs, 'bin'));
    await copyFile(BUSYBOX as string, join(rootfs, 'bin', 'busybox'));
    const tar = spawn('tar', ['-C', rootfs, '--owner=0', '--group=0', '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const changes = ['LABEL connector-ops.test=1', `LABEL connector-ops.test.variant=${tag}`];
    // The tag within `repo`: Podman 4 ignores the `tag` parameter of an import (and tags it latest).
    const progress = await docker.importImage(tar.stdout, { repo: `${repo}:${tag}`, changes } as object);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (error: Error | null) => (error ? reject(error) : resolve())));
    return (await docker.getImage(`${repo}:${tag}`).inspect()).Id;
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}
