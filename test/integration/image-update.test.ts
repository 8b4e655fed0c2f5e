import { fixtureDockerClient, testDockerClient, aConnector } from '../support/builders.ts';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ImageUpdateCheck } from '../../src/checks/image-update.ts';
import { DockerImages } from '../../src/integrations/docker/images.ts';
import type { RegistryAccessMap } from '../../src/integrations/registry/access.ts';
import { RegistryClient } from '../../src/integrations/registry/client.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import {
  dockerPush,
  importTestImage,
  pushViaApi,
  requireBusybox,
  requireRegistryTools,
  startBrokenRegistry,
  startRegistry,
  TokenServer,
  type TestRegistry,
} from '../support/registry-fixtures.ts';
import { describeWith, registryHost, requireDocker, requireDockerEngine, requireRegistry } from '../support/requirements.ts';
import { RUN_LABEL, testLabels, testRunId } from '../support/standin.ts';
import { validCheck } from '../support/report-schema.ts';

const RUN = randomBytes(4).toString('hex');
interface Options {
  includePrereleases: boolean;
  registries: RegistryAccessMap;
}
const OPTIONS: Options = { includePrereleases: false, registries: {} };

describeWith(
  [requireDocker(), requireRegistry(), requireBusybox(), requireRegistryTools()],
  'image-update check against the real engine and registry',
  () => {
    const repository = `${registryHost()}/nmshd/connector-it-${RUN}`;
    const docker: Docker = fixtureDockerClient();
    const product = testDockerClient();
    const containers: Docker.Container[] = [];
    /** References and ids of the images this suite made. */
    const images: string[] = [];
    const stops: Array<() => Promise<void>> = [];

    /** A container (created, or also started) from `image`, removed after the suite. */
    async function container(image: string, start = false): Promise<string> {
      const name = `cops-test-image-update-${RUN}-${containers.length}`;
      const created = await docker.createContainer({
        name,
        Image: image,
        Labels: testLabels(),
        HostConfig: { NetworkMode: 'host' },
      });
      containers.push(created);
      if (start) await created.start();
      return name;
    }

    async function tag(source: string, target: string): Promise<void> {
      const [repo, tagName] = [target.slice(0, target.lastIndexOf(':')), target.slice(target.lastIndexOf(':') + 1)];
      await docker.getImage(source).tag({ repo, tag: tagName });
      images.push(target);
    }

    async function check(containerName: string, options: Partial<Options> = {}): Promise<CheckResult> {
      const connector: Connector = aConnector('it', { container: containerName });
      const { includePrereleases, registries } = { ...OPTIONS, ...options };
      const registry = new RegistryClient({ registries, timeoutMs: 5_000 });
      return new ImageUpdateCheck({ images: new DockerImages(product), registry }, { includePrereleases }).run({
        connector,
        signal: AbortSignal.timeout(10_000),
        now: new Date(),
      }).then(validCheck);
    }

    beforeAll(async () => {
      for (const version of ['7.3.0', '7.4.6', '7.5.0', '7.6.0-beta.1', '8.0.0', 'latest']) {
        const reference = `${repository}:${version}`;
        await importTestImage(reference, `connector ${version}`);
        images.push(reference);
        await dockerPush(reference);
      }
    });

    afterAll(async () => {
      for (const c of containers) await c.remove({ force: true }).catch(() => undefined);
      for (const image of images) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
      for (const stop of stops) await stop();
    });

    it('recommends the newest version of the running major and names the new major a migration', async () => {
      const result = await check(await container(`${repository}:7.4.6`, true));
      expect(result.status).toBe('warn');
      expect(result.summary).toBe('7.4.6 → 7.5.0 available; 8.0.0 is a new major version (a migration)');
      expect(result.details).toContainEqual({ label: 'digest', value: expect.stringMatching(/^7\.4\.6 matches the registry/), status: 'ok' });
      expect(result.details).toContainEqual({ label: 'prereleases', value: '1 prerelease tags ignored' });
    });

    it('recommends a prerelease only when configured to', async () => {
      const name = await container(`${repository}:7.5.0`);
      const stable = await check(name);
      expect(stable.status).toBe('ok');
      expect(stable.summary).toBe('7.5.0 is the newest 7.x; 8.0.0 is a new major version (a migration)');
      expect((await check(name, { includePrereleases: true })).summary).toBe(
        '7.5.0 → 7.6.0-beta.1 available; 8.0.0 is a new major version (a migration)',
      );
    });

    it('is ok on the newest version', async () => {
      const result = await check(await container(`${repository}:8.0.0`));
      expect(result.status).toBe('ok');
      expect(result.summary).toBe('8.0.0 is the newest version');
    });

    it('detects that latest moved while the container runs the old latest', async () => {
      const name = await container(`${repository}:latest`, true);
      const before = await check(name);
      expect(before.status).toBe('ok');
      expect(before.summary).toBe('latest is unchanged in the registry (newest version 8.0.0)');

      // A new image published under the same tag; the container keeps running the old one (removed by id later).
      images.push((await docker.getImage(`${repository}:latest`).inspect()).Id);
      await importTestImage(`${repository}:latest`, `connector latest, rebuilt ${RUN}`);
      await dockerPush(`${repository}:latest`);

      const after = await check(name);
      expect(after.status).toBe('warn');
      expect(after.summary).toBe('latest moved: the registry has a newer image for the same tag');
    });

    describeWith([requireDockerEngine('podman')], 'an image side-loaded into Podman', () => {
      const podman = fixtureDockerClient('podman');
      afterAll(async () => {
        for (const c of await podman.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${testRunId()}`] } })) {
          if (c.Names.some((n) => n.includes(`cops-test-image-update-${RUN}-`))) await podman.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
        }
        await podman.getImage(`${repository}:7.4.6`).remove({ force: true }).catch(() => undefined);
      });

      it('is not pulled from this registry, whose tag did not move: podman load gave it a digest the registry never had', async () => {
        const reference = `${repository}:7.4.6`;
        // docker save | podman load: the same image, with a repo digest Podman computed when it loaded it.
        await podman.loadImage(await docker.getImage(reference).get());
        const [loadedDigest] = (await podman.getImage(reference).inspect()).RepoDigests;
        const [pushedDigest] = (await docker.getImage(reference).inspect()).RepoDigests;
        expect(loadedDigest).toBeDefined();
        expect(loadedDigest).not.toBe(pushedDigest);
        const name = `cops-test-image-update-${RUN}-podman`;
        await podman.createContainer({ name, Image: reference, Labels: testLabels(), HostConfig: { NetworkMode: 'host' } });

        const connector: Connector = aConnector('it', { container: name });
        const registry = new RegistryClient({ registries: {}, timeoutMs: 5_000 });
        const result = await new ImageUpdateCheck({ images: new DockerImages(testDockerClient('podman')), registry }, { includePrereleases: false }).run({
          connector,
          signal: AbortSignal.timeout(10_000),
          now: new Date(),
        });
        expect(result.summary).toBe('7.4.6 → 7.5.0 available; 8.0.0 is a new major version (a migration)');
        expect(result.details).toContainEqual({
          label: 'digest',
          value: expect.stringMatching(/^the running image was not pulled from this registry: its digest sha256:[0-9a-f]{12} is not in it .*cannot tell whether 7\.4\.6 moved$/),
        });
      });
    });

    it('is unknown with the reason when the repository is not in the registry (404)', async () => {
      const reference = `${registryHost()}/nmshd/never-pushed-${RUN}:7.4.6`;
      await tag(`${repository}:7.4.6`, reference);
      const result = await check(await container(reference));
      expect(result.status).toBe('unknown');
      expect(result.summary).toBe(
        `Could not read the registry: repository nmshd/never-pushed-${RUN} not found in registry ${registryHost()} (404 NAME_UNKNOWN)`,
      );
    });

    it('is unknown with the reason when the registry fails (500)', async () => {
      const broken = await startBrokenRegistry(500);
      stops.push(broken.stop);
      const reference = `${broken.host}/nmshd/connector:7.4.6`;
      await tag(`${repository}:7.4.6`, reference);
      const result = await check(await container(reference));
      expect(result.status).toBe('unknown');
      expect(result.summary).toBe(`Could not read the registry: registry ${broken.host} failed with 500 UNKNOWN for repository nmshd/connector`);
    });

    it('is unknown with the reason when the registry refuses the credentials (401)', async () => {
      const registry: TestRegistry = await startRegistry({ htpasswd: { alice: `pw-${RUN}` } });
      stops.push(registry.stop);
      const reference = `${registry.host}/nmshd/connector:7.4.6`;
      await tag(`${repository}:7.4.6`, reference);
      const result = await check(await container(reference), {
        registries: { [registry.host]: { username: 'alice', password: 'wrong-password' } },
      });
      expect(result.status).toBe('unknown');
      expect(result.summary).toContain(`registry ${registry.host} refused access to repository nmshd/connector (401 UNAUTHORIZED)`);
      expect(JSON.stringify(result)).not.toContain('wrong-password');
    });

    it('reads a registry behind bearer-token authentication with configured credentials', async () => {
      const tokens = await TokenServer.start({ users: { bob: `pw-${RUN}` } });
      const registry = await startRegistry({ token: tokens });
      stops.push(registry.stop, () => tokens.stop());
      const push = `Bearer ${tokens.mint('bob', [{ name: 'nmshd/connector', actions: ['pull', 'push'] }])}`;
      for (const version of ['7.4.6', '7.4.7', '8.1.0']) {
        await pushViaApi(registry.host, 'nmshd/connector', version, `token ${version}`, push);
      }
      const reference = `${registry.host}/nmshd/connector:7.4.6`;
      await tag(`${repository}:7.4.6`, reference);

      const result = await check(await container(reference), {
        registries: { [registry.host]: { username: 'bob', password: `pw-${RUN}` } },
      });
      expect(result.status).toBe('warn');
      expect(result.summary).toBe('7.4.6 → 7.4.7 available; 8.1.0 is a new major version (a migration)');
      expect(tokens.requests.at(-1)).toMatchObject({ user: 'bob', scopes: ['repository:nmshd/connector:pull'] });
    });

    it('is unknown when the container does not exist', async () => {
      const result = await check(`cops-test-no-such-container-${RUN}`);
      expect(result.status).toBe('unknown');
      expect(result.summary).toContain('No such container');
    });
  },
);
