import { testDockerClient, aConnector } from '../support/builders.ts';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import Docker from 'dockerode';
import { expect, it } from 'vitest';
import { VersionsCheck } from '../../src/checks/versions.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { DockerEngineInfo } from '../../src/integrations/docker/engine-info.ts';
import { LocalHostOs } from '../../src/integrations/host/os-info.ts';
import { run } from '../support/registry-fixtures.ts';
import { describeWith, engineHost, requireDocker, requireDockerEngine } from '../support/requirements.ts';
import { validCheck } from '../support/report-schema.ts';

const connector: Connector = aConnector('it');
const context = () => ({ connector, signal: AbortSignal.timeout(10_000), now: new Date() });

describeWith([requireDocker()], 'versions check against the real engine', () => {
  it('reports the engine version and API version as the docker CLI tells them, and the kernel', async () => {
    const [version, apiVersion] = (await run('docker', ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}'])).trim().split(' ');
    const engine = await new DockerEngineInfo(testDockerClient()).engineInfo(AbortSignal.timeout(5_000));
    expect(engine.version).toBe(version);
    expect(engine.apiVersion).toBe(apiVersion);
    // DOCKER_HOST is a local socket here: the engine's host is this host.
    expect(engine.kernelVersion).toBe(os.release());

    const result = await new VersionsCheck(new DockerEngineInfo(testDockerClient()), new LocalHostOs()).run(context());
    expect(result.details).toContainEqual({ label: 'Docker Engine', value: `${version} (minimum 20.10)`, status: 'ok' });
    expect(result.details).toContainEqual({ label: 'Docker API', value: `${apiVersion} (minimum 1.41)`, status: 'ok' });
    expect(result.details).toContainEqual({ label: 'Docker host kernel', value: os.release() });
    expect(result.status).toBe('ok');
  });

  it('warns when the engine is below the configured minimum, saying what is expected', async () => {
    const result = await new VersionsCheck(new DockerEngineInfo(testDockerClient()), new LocalHostOs(), {
      minDockerVersion: '999.0',
      minKernel: '999.1',
    }).run(context());
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/^Docker Engine \S+ is below the minimum 999\.0; Docker host kernel \S+ is below the minimum 999\.1; bot host kernel/);
  });
});

describeWith([requireDockerEngine('podman')], 'versions check against the real Podman service', () => {
  it("names Podman and its host, and judges Podman's version against the Podman minimum", async () => {
    const podman = testDockerClient('podman');
    const [version] = (await run('podman', ['--remote', '--url', engineHost('podman') ?? '', 'version', '--format', '{{.Server.Version}}'])).trim().split(' ');
    const result = await new VersionsCheck(new DockerEngineInfo(podman), new LocalHostOs(), { minDockerVersion: '999.0', minPodmanVersion: '4.3' }).run(context());
    expect(result.details).toContainEqual({ label: 'Podman Engine', value: `${version} (minimum 4.3)`, status: 'ok' });
    expect(result.details).toContainEqual({ label: 'Podman host kernel', value: os.release() });
    expect(result.details.find((d) => d.label === "Podman's Docker API")?.status).toBe('ok');
    expect(result.summary).toMatch(new RegExp(`^Podman ${version} \\(API 1\\.\\d+\\), kernel `));
    expect(result.status).toBe('ok');
  });
});

describeWith([], 'versions check without an engine', () => {
  it('is unknown for the engine part and still reports the bot host OS and kernel', async () => {
    const gone = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const result = await new VersionsCheck(new DockerEngineInfo(gone), new LocalHostOs()).run(context());
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/^Engine unreachable: .*ENOENT/);
    expect(result.details).toContainEqual({ label: 'bot host kernel', value: os.release() });
    expect(result.details.find((d) => d.label === 'bot host OS')?.value).not.toContain('could not read');
  });

  it.runIf(os.platform() === 'linux')('reads the bot host OS from os-release without starting a process', async () => {
    // A child process per report (systeminformation ran `hostname -f` and more, some synchronously) held the event loop.
    const started: unknown[] = [];
    const onSpawn = (message: unknown) => started.push(message);
    subscribe('child_process', onSpawn);
    try {
      const host = await new LocalHostOs().hostOs(AbortSignal.timeout(5_000));
      const name = /^NAME=["']?([^"'\n]*)/m.exec(await readFile('/etc/os-release', 'utf8').catch(() => readFile('/usr/lib/os-release', 'utf8')));
      expect(host).toMatchObject({ distro: name?.[1], kernel: os.release(), arch: os.arch() });
    } finally {
      unsubscribe('child_process', onSpawn);
    }
    expect(started).toEqual([]);
  });

  it('stops waiting for the engine when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('time is up'));
    const result = await new VersionsCheck(new DockerEngineInfo(testDockerClient()), new LocalHostOs()).run({
      connector,
      signal: controller.signal,
      now: new Date(),
    }).then(validCheck);
    expect(result.status).toBe('unknown');
    expect(result.details.map((d) => d.status)).toEqual(['unknown', 'unknown']);
  });
});
