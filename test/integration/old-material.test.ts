import { fixtureDockerClient, testDockerClient, aConnector } from '../support/builders.ts';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_OLD_MATERIAL_OPTIONS, OldMaterialCheck } from '../../src/checks/old-material.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { DockerHostOldMaterial } from '../../src/integrations/docker/old-material.ts';
import { importBusyboxImage, requireBusybox } from '../support/busybox-image.ts';
import { describeWith, requireDocker } from '../support/requirements.ts';
import { testLabels } from '../support/standin.ts';
import { validCheck } from '../support/report-schema.ts';

describeWith([requireDocker(), requireBusybox()], 'old-material against the real engine', () => {
  const docker = fixtureDockerClient();
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

    const connector: Connector = aConnector('it', { container: own });
    // Other tests share the engine: list everything so this run's items are not cut off.
    const check = new OldMaterialCheck(new DockerHostOldMaterial(testDockerClient()), {
      ...DEFAULT_OLD_MATERIAL_OPTIONS,
      listLimit: 10_000,
      unusedImageWarnBytes: 1,
    });
    result = await check.run({ connector, signal: AbortSignal.timeout(20_000), now: new Date() }).then(validCheck);
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
