import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_OLD_MATERIAL_OPTIONS, OldMaterialCheck } from '../../src/checks/old-material.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { createDockerClient } from '../../src/integrations/docker/client.ts';
import { DockerHostOldMaterial } from '../../src/integrations/docker/old-material.ts';
import { describeWith, requireDocker, type RequirementResult } from '../support/requirements.ts';
import { testLabels } from '../support/standin.ts';

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));

async function requireBusybox(): Promise<RequirementResult> {
  return BUSYBOX ? { ok: true } : { ok: false, reason: 'no static busybox to build a test image from (apt-get install busybox-static)' };
}

/**
 * A one-file image (/bin/busybox), imported as `docker import` does: nothing can be pulled here.
 * The label makes each import a distinct image even from the same files.
 */
async function importBusyboxImage(docker: Docker, repo: string, tag: string): Promise<string> {
  const rootfs = await mkdtemp(join(tmpdir(), 'cops-rootfs-'));
  try {
    await mkdir(join(rootfs, 'bin'));
    await copyFile(BUSYBOX as string, join(rootfs, 'bin', 'busybox'));
    const tar = spawn('tar', ['-C', rootfs, '--owner=0', '--group=0', '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const changes = ['LABEL connector-ops.test=1', `LABEL connector-ops.test.variant=${tag}`];
    const progress = await docker.importImage(tar.stdout, { repo, tag, changes } as object);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (error: Error | null) => (error ? reject(error) : resolve())));
    return (await docker.getImage(`${repo}:${tag}`).inspect()).Id;
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

describeWith([requireDocker(), requireBusybox()], 'old-material against the real engine', () => {
  const docker = createDockerClient();
  const run = randomBytes(4).toString('hex');
  // Any registry host: what makes a Connector image is a repository ending in nmshd/connector.
  const repo = 'cops-test.local/nmshd/connector';
  const usedTag = `7.0.0-oldtest-used-${run}`;
  const unusedTag = `7.0.0-oldtest-unused-${run}`;
  const own = `cops-test-old-own-${run}`;
  const exited = `cops-test-old-exited-${run}`;
  const images: string[] = [];
  const containers: Docker.Container[] = [];
  let result: CheckResult;

  async function container(name: string, cmd: string[]): Promise<Docker.Container> {
    const created = await docker.createContainer({
      name,
      Image: `${repo}:${usedTag}`,
      Cmd: ['/bin/busybox', ...cmd],
      Labels: testLabels(),
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(created);
    await created.start();
    return created;
  }

  beforeAll(async () => {
    images.push(await importBusyboxImage(docker, repo, usedTag));
    images.push(await importBusyboxImage(docker, repo, unusedTag));
    expect(images[0]).not.toBe(images[1]);
    await container(own, ['sleep', '300']);
    const done = await container(exited, ['true']);
    await done.wait();

    const connector: Connector = { name: 'it', container: own, apiKeyHeader: 'X-API-KEY', logFiles: [], source: 'config' };
    // Other tests share the engine: list everything so this run's items are not cut off.
    const check = new OldMaterialCheck(new DockerHostOldMaterial(docker), {
      ...DEFAULT_OLD_MATERIAL_OPTIONS,
      listLimit: 10_000,
      unusedImageWarnBytes: 1,
    });
    result = await check.run({ connector, signal: AbortSignal.timeout(20_000), now: new Date() });
  });

  afterAll(async () => {
    for (const c of containers) await c.remove({ force: true }).catch(() => undefined);
    for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
  });

  const values = (label: string) => result.details.filter((d) => d.label === label).map((d) => d.value);

  it('lists the Connector image no container uses, with its size', () => {
    const unused = values('Unused image').find((v) => v.startsWith(`${repo}:${unusedTag} `));
    expect(unused).toMatch(/^\S+ \([0-9a-f]{12}\), \d+(\.\d)? MiB, created \d+ min ago$/);
    expect(result.details.find((d) => d.label === 'Unused Connector images')?.status).toBe('warn');
    expect(result.status).toBe('warn');
  });

  it('does not list the image a container uses, even one that has exited', () => {
    expect(values('Unused image').some((v) => v.includes(usedTag))).toBe(false);
  });

  it('lists the exited Connector container with its age, and not the connector own container', () => {
    expect(values('Exited container')).toContain(`${exited} (${repo}:${usedTag}), exited, stopped 0 min ago`);
    expect(values('Exited container').some((v) => v.startsWith(own))).toBe(false);
  });

  it('removed nothing', async () => {
    const left = await docker.listContainers({ all: true, filters: { name: [run] } });
    expect(left.map((c) => c.Names[0]).sort()).toEqual([`/${exited}`, `/${own}`]);
    for (const id of images) await expect(docker.getImage(id).inspect()).resolves.toMatchObject({ Id: id });
  });
});
