import Docker from 'dockerode';
import { testDockerClient } from '../support/builders.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWith,
  dockerEngineSettings,
  requireDockerEngine,
  requireRegistry,
  requireStandinImage,
  type TestDockerEngine,
} from '../support/requirements.ts';
import {
  connectorLogLine,
  containerOutput,
  removeAllStandins,
  standinBrokenImage,
  standinImageOf,
  standinRepository,
  standinVersions,
  startStandinConnector,
  testRunId,
  type StandinConnector,
} from '../support/standin.ts';

// The fixture every Connector integration test stands on must itself behave like a Connector.
describeWith([requireStandinImage()], 'stand-in Connector fixture', () => {
  let connector: StandinConnector;

  beforeAll(async () => {
    connector = await startStandinConnector({ name: 'fixture', version: '7.4.6' });
  });
  afterAll(async () => {
    await connector?.remove();
  });

  it('runs from the nmshd/connector image, labelled as this run\'s test container', async () => {
    const info = await testDockerClient().getContainer(connector.containerId).inspect();
    expect(info.Config.Image).toMatch(/nmshd\/connector:7\.4\.6$/);
    expect(info.Config.Labels).toMatchObject({ 'connector-ops.test': '1', 'connector-ops.test.run': testRunId() });
    expect(info.HostConfig.NetworkMode).toBe('host');
  });

  it('answers /health 200 when healthy and 500 naming the service after the test switched it', async () => {
    const healthy = await fetch(`${connector.url}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({
      isHealthy: true,
      services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' },
    });

    await connector.setHealth('unhealthy:backboneConnection');
    const unhealthy = await fetch(`${connector.url}/health`);
    expect(unhealthy.status).toBe(500);
    expect(await unhealthy.json()).toEqual({
      isHealthy: false,
      services: { database: 'healthy', backboneConnection: 'unhealthy', backboneAuthentication: 'healthy' },
    });
  });

  it('refuses a wrong API key with 401 after a delay and serves the version for the right one', async () => {
    const started = Date.now();
    const refused = await fetch(`${connector.url}/Monitoring/Version`, { headers: { 'X-API-KEY': 'wrong' } });
    expect(refused.status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await refused.body?.cancel();

    const version = await fetch(`${connector.url}/Monitoring/Version`, { headers: { 'X-API-KEY': connector.apiKey } });
    expect(version.status).toBe(200);
    expect(await version.json()).toMatchObject({ version: '7.4.6' });

    const identity = await fetch(`${connector.url}/api/core/v1/Account/IdentityInfo`, { headers: { 'x-api-key': connector.apiKey } });
    expect(await identity.json()).toMatchObject({ result: { address: expect.stringMatching(/^did:e:/) } });
  });

  it('prints log4js lines, and lines appended to /state/log show up in docker logs', async () => {
    await (await fetch(`${connector.url}/health`)).body?.cancel();
    const line = connectorLogLine('ERROR', 'Runtime.SyncModule', 'Sync failed Error: fixture-marker\n    at sync (/usr/app/sync.js:1:1)');
    await connector.appendLog([line]);

    let logs = '';
    const deadline = Date.now() + 5_000;
    while (!logs.includes('fixture-marker') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      logs = await containerOutput(connector.containerId);
    }
    const lines = logs.split('\n');
    const event = lines.findIndex((line) => line.includes('fixture-marker'));
    // log4js colours ERROR "red", which is 91 (bright red), as a real Connector prints it.
    expect(lines[event]?.startsWith('\x1b[91m[')).toBe(true);
    expect(lines[event]).toMatch(/\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\] \[ERROR\] Runtime\.SyncModule - Sync failed Error: fixture-marker$/);
    expect(lines[event + 1]).toBe('    at sync (/usr/app/sync.js:1:1) \x1b[39m');
    const request = lines.find((line) => / \[INFO\] HttpServer - GET \/health (200|500) -- \d+ms /.test(line));
    expect(request?.startsWith('\x1b[32m[')).toBe(true);
    expect(request?.endsWith(' \x1b[39m')).toBe(true);
  });
});

// The images an UPDATE is tested with: several versions, each its own image, and one that never becomes healthy.
const ENGINES: readonly TestDockerEngine[] = ['first', 'second', 'tls'];

function engineClient(engine: TestDockerEngine): Docker {
  const settings = dockerEngineSettings(engine);
  if (!settings.ok) throw new Error(settings.reason);
  return new Docker(settings.options);
}

describeWith(
  [requireStandinImage(), requireRegistry(), ...ENGINES.map((engine) => () => requireDockerEngine(engine))],
  'stand-in Connector images of several versions',
  () => {
    const versions = standinVersions();
    const images = [...versions.map(standinImageOf), standinBrokenImage()];
    const repository = standinRepository();
    // 127.0.0.1:5000 and nmshd/connector
    const [registry, path] = [repository.slice(0, repository.indexOf('/')), repository.slice(repository.indexOf('/') + 1)];

    /** The manifest digest the registry holds for `tag`, as a pull records it in RepoDigests. */
    async function registryDigest(tag: string): Promise<string | null> {
      const response = await fetch(`http://${registry}/v2/${path}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        signal: AbortSignal.timeout(5_000),
      });
      return response.ok ? response.headers.get('docker-content-digest') : null;
    }

    afterAll(async () => {
      await removeAllStandins();
    });

    it('provides 7.4.5, 7.4.6, 7.4.7, 8.0.0 and the broken 7.4.8 in the registry\'s tag list', async () => {
      expect(versions).toEqual(['7.4.5', '7.4.6', '7.4.7', '8.0.0']);
      expect(standinBrokenImage()).toBe(standinImageOf('7.4.8'));
      const response = await fetch(`http://${registry}/v2/${path}/tags/list`, { signal: AbortSignal.timeout(5_000) });
      expect(response.status).toBe(200);
      const { tags } = (await response.json()) as { tags: string[] };
      expect(tags).toEqual(expect.arrayContaining([...versions, '7.4.8']));
      // latest, if anything ever pushes one, must stay the default version, not the newest.
      if (tags.includes('latest')) expect(await registryDigest('latest')).toBe(await registryDigest('7.4.6'));
    });

    it('holds each image on every engine as the same image, pulled from the registry (RepoDigests)', async () => {
      for (const image of images) {
        const digest = await registryDigest(image.slice(image.lastIndexOf(':') + 1));
        expect(digest, image).toMatch(/^sha256:[0-9a-f]{64}$/);
        const inspected = await Promise.all(ENGINES.map((engine) => engineClient(engine).getImage(image).inspect()));
        expect(new Set(inspected.map((info) => info.Id)).size, `${image} differs between the engines; run: npm run testenv:start`).toBe(1);
        for (const [index, info] of inspected.entries()) {
          expect(info.RepoTags, `${image} on ${ENGINES[index]}`).toContain(image);
          expect(info.RepoDigests, `${image} on ${ENGINES[index]}`).toContain(`${repository}@${digest}`);
        }
      }
    });

    it('makes every version its own image (its own image id and digest), on one shared layer', async () => {
      const inspected = await Promise.all(images.map((image) => engineClient('first').getImage(image).inspect()));
      expect(new Set(inspected.map((info) => info.Id)).size).toBe(images.length);
      expect(new Set(inspected.map((info) => info.RepoDigests?.[0])).size).toBe(images.length);
      expect(new Set(inspected.map((info) => JSON.stringify(info.RootFS.Layers))).size).toBe(1);
      for (const [index, info] of inspected.entries()) {
        expect(info.Config.Env).toContain(`STANDIN_IMAGE_VERSION=${images[index]!.slice(images[index]!.lastIndexOf(':') + 1)}`);
      }
    });

    it('a stand-in from 7.4.5 reports 7.4.5, one from 8.0.0 on the second engine 8.0.0; a version state file still wins', async () => {
      const [old, newest] = await Promise.all([
        startStandinConnector({ name: 'fixture-745', image: standinImageOf('7.4.5') }),
        startStandinConnector({ name: 'fixture-800', image: standinImageOf('8.0.0'), engine: 'second' }),
      ]);
      const version = async (standin: StandinConnector) => {
        const response = await fetch(`${standin.url}/Monitoring/Version`, { headers: { 'X-API-KEY': standin.apiKey } });
        expect(response.status).toBe(200);
        return ((await response.json()) as { version: string }).version;
      };
      expect((await testDockerClient().getContainer(old.containerId).inspect()).Config.Image).toBe(standinImageOf('7.4.5'));
      expect(await version(old)).toBe('7.4.5');
      expect(await version(newest)).toBe('8.0.0');

      await old.writeState('version', '7.4.9');
      expect(await version(old)).toBe('7.4.9');
      await old.removeState('version');
      expect(await version(old)).toBe('7.4.5');
    });

    it('the broken image answers /health 500 even with the state "healthy", and its HEALTHCHECK fails', async () => {
      const broken = await startStandinConnector({ name: 'fixture-broken', image: standinBrokenImage(), health: 'healthy', healthcheck: true });
      await broken.setHealth('healthy');
      const health = await fetch(`${broken.url}/health`);
      expect(health.status).toBe(500);
      expect(await health.json()).toEqual({
        isHealthy: false,
        services: { database: 'unhealthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' },
      });
      const version = await fetch(`${broken.url}/Monitoring/Version`, { headers: { 'X-API-KEY': broken.apiKey } });
      expect(await version.json()).toMatchObject({ version: '7.4.8' });

      const container = testDockerClient().getContainer(broken.containerId);
      const deadline = Date.now() + 10_000;
      let status = (await container.inspect()).State.Health?.Status;
      while (status !== 'unhealthy' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await container.inspect()).State.Health?.Status;
      }
      expect(status).toBe('unhealthy');
    });
  },
);
