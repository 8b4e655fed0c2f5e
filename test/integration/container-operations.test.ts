import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ContainerNotFoundError } from '../../src/integrations/docker/containers.ts';
import {
  ContainerRunningError,
  DockerContainerOperations,
  ImagePullError,
  RecreateError,
  RollbackError,
  type PullProgress,
  type RecreateHandle,
} from '../../src/integrations/docker/container-operations.ts';
import { fixtureDockerClient, testDockerClient } from '../support/builders.ts';
import { requireBusybox } from '../support/busybox-image.ts';
import { dockerPush } from '../support/registry-fixtures.ts';
import { describeWith, registryHost, requireDocker, requireRegistry } from '../support/requirements.ts';
import { testLabels } from '../support/standin.ts';

const RUN = randomBytes(4).toString('hex');
const SUITE_LABEL = 'connector-ops.test.container-operations';
const REPOSITORY = `${registryHost()}/connector-ops-it-${RUN}`;
const IMAGE_1 = `${REPOSITORY}:1`;
const IMAGE_2 = `${REPOSITORY}:2`;
/** An image whose command does not exist: its containers are created, and fail to start. */
const IMAGE_BROKEN = `${REPOSITORY}:broken`;
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((candidate) => existsSync(candidate)) ?? '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'printf', 'true', 'test', 'cat'];
const SECOND = 1_000_000_000;

const docker: Docker = fixtureDockerClient();
const ops = new DockerContainerOperations(testDockerClient());
const signal = () => AbortSignal.timeout(20_000);
const LOOP = (trap: string) => `trap ${trap} TERM; while true; do sleep 1; done`;

/** A busybox image as `docker import --change …` makes it: the changes set ENV, CMD, LABEL, HEALTHCHECK, WORKDIR. */
async function importImage(reference: string, changes: string[]): Promise<string> {
  const rootfs = await mkdtemp(path.join(os.tmpdir(), 'cops-ops-image-'));
  try {
    // mkdtemp makes it 0700: the image's root must let a non-root user (the containers' 1234) in.
    await chmod(rootfs, 0o755);
    await mkdir(path.join(rootfs, 'bin'), { mode: 0o755 });
    await copyFile(BUSYBOX, path.join(rootfs, 'bin/busybox'));
    for (const applet of APPLETS) await symlink('busybox', path.join(rootfs, 'bin', applet));
    await writeFile(path.join(rootfs, 'marker'), `${reference} ${RUN}\n`);
    const tar = spawn('tar', ['--owner=0', '--group=0', '--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const colon = reference.lastIndexOf(':');
    const progress = await docker.importImage(tar.stdout, { repo: reference.slice(0, colon), tag: reference.slice(colon + 1), changes });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (error: Error | null) => (error ? reject(error) : resolve())));
    return (await docker.getImage(reference).inspect()).Id;
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

/** A container of this suite (removed after it), from IMAGE_1 without networking unless told otherwise. */
async function createContainer(suffix: string, options: Docker.ContainerCreateOptions = {}): Promise<string> {
  const name = `cops-test-ops-${RUN}-${suffix}`;
  await docker.createContainer({
    Image: IMAGE_1,
    ...options,
    name,
    Labels: { ...options.Labels, ...testLabels(), [SUITE_LABEL]: RUN },
    HostConfig: { NetworkMode: 'none', ...options.HostConfig },
  });
  return name;
}

async function runContainer(suffix: string, options: Docker.ContainerCreateOptions = {}): Promise<string> {
  const name = await createContainer(suffix, options);
  await docker.getContainer(name).start();
  return name;
}

async function suiteContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${SUITE_LABEL}=${RUN}`] }, abortSignal: signal() });
}

async function removeSuiteContainers(): Promise<void> {
  for (const info of await suiteContainers()) {
    await docker.getContainer(info.Id).remove({ force: true, v: true, abortSignal: signal() }).catch(() => undefined);
  }
}

function withoutIdAliases(info: Docker.ContainerInspectInfo): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(info.NetworkSettings.Networks).map(([network, endpoint]) => [
      network,
      ((endpoint.Aliases as string[] | null) ?? []).filter((alias) => !info.Id.startsWith(alias)),
    ]),
  );
}

const IMAGE_1_CHANGES = [
  'ENV PATH=/bin NODE_VERSION=1.0.0 IMAGE_ONLY=one',
  `CMD ["/bin/sh", "-c", "${LOOP("'exit 0'")}; echo image-1"]`,
  'LABEL org.opencontainers.image.version=1 image.only=one',
  'HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exit 0"]',
  'WORKDIR /image-1',
];
const IMAGE_2_CHANGES = [
  'ENV PATH=/bin:/sbin NODE_VERSION=2.0.0 IMAGE_ONLY=two',
  `CMD ["/bin/sh", "-c", "${LOOP("'exit 0'")}; echo image-2"]`,
  'LABEL org.opencontainers.image.version=2 image.only=two',
  'HEALTHCHECK --interval=40s --timeout=4s CMD ["/bin/sh", "-c", "true"]',
  'WORKDIR /image-2',
];

describeWith([requireDocker(), requireBusybox()], 'Docker container operations against the real engine', () => {
  let image2Id = '';
  let configDir = '';
  /** Two user-defined networks, when the engine can make them (internal bridges need no iptables). */
  let networks: [string, string] | undefined;

  beforeAll(async () => {
    await importImage(IMAGE_1, IMAGE_1_CHANGES);
    image2Id = await importImage(IMAGE_2, IMAGE_2_CHANGES);
    await importImage(IMAGE_BROKEN, ['CMD ["/no/such/program"]']);
    configDir = await mkdtemp(path.join(os.tmpdir(), 'cops-ops-config-'));
    await writeFile(path.join(configDir, 'config.json'), '{}\n');
    const names: [string, string] = [`cops-test-ops-${RUN}-a`, `cops-test-ops-${RUN}-b`];
    try {
      for (const name of names) {
        await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true, Labels: { ...testLabels(), [SUITE_LABEL]: RUN }, abortSignal: signal() });
      }
      networks = names;
    } catch (error) {
      console.warn(`container-operations: networks and aliases not checked, the engine cannot create a network: ${String(error)}`);
      for (const name of names) await docker.getNetwork(name).remove().catch(() => undefined);
    }
  });

  afterAll(async () => {
    await removeSuiteContainers();
    for (const name of networks ?? []) await docker.getNetwork(name).remove({ abortSignal: signal() }).catch(() => undefined);
    for (const image of [IMAGE_1, IMAGE_2, IMAGE_BROKEN]) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  /** The rich definition of a Connector: what recreate must carry over. */
  function richDefinition(): Docker.ContainerCreateOptions {
    const [primary, second] = networks ?? [];
    return {
      Env: ['NODE_VERSION=operator', 'OPERATOR_ONLY=kept'],
      Labels: { 'com.example.role': 'connector' },
      User: '1234:1234',
      WorkingDir: '/work',
      StopTimeout: 4,
      Healthcheck: { Test: ['CMD-SHELL', 'test -f /config/config.json'], Interval: 2 * SECOND, Retries: 2 },
      HostConfig: {
        NetworkMode: primary ?? 'none',
        Binds: [`${configDir}:/config:ro`],
        Tmpfs: { '/scratch': 'rw,size=16m' },
        RestartPolicy: { Name: 'unless-stopped' },
        Memory: 64 * 1024 * 1024,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
        CapDrop: ['NET_RAW'],
        ExtraHosts: ['backbone.test:127.0.0.2'],
        SecurityOpt: ['no-new-privileges:true'],
      },
      ...(primary && second && { NetworkingConfig: { EndpointsConfig: { [primary]: { Aliases: ['connector', 'connector-a'] } } } }),
    };
  }

  async function runRich(suffix: string): Promise<string> {
    const name = await createContainer(suffix, richDefinition());
    if (networks) await docker.getNetwork(networks[1]).connect({ Container: name, EndpointConfig: { Aliases: ['connector-b'] } });
    await docker.getContainer(name).start();
    return name;
  }

  it('recreates a container on a new image with its definition, and rolls back to the old one', async () => {
    const name = await runRich('rich');
    const before = await ops.inspect(name, signal());

    const handle = await ops.recreate(name, IMAGE_2, signal());
    const after = await ops.inspect(name, signal());
    expect(handle).toMatchObject({ name, previousId: before.Id, newId: after.Id, previousWasRunning: true });
    expect(handle.previousName).toMatch(new RegExp(`^${name}-previous-\\d{8}T\\d{6}Z$`));
    expect(handle.stopped).toMatchObject({ wasRunning: true, killed: false, exitCode: 0 });
    expect(after.Id).not.toBe(before.Id);
    expect(after.Name).toBe(before.Name);
    expect(after.State.Running).toBe(true);
    expect(after.Image).toBe(image2Id);
    expect(after.Config.Image).toBe(IMAGE_2);

    // What the operator set is kept; what image 1 set gives way to image 2.
    expect([...after.Config.Env].sort()).toEqual(['IMAGE_ONLY=two', 'NODE_VERSION=operator', 'OPERATOR_ONLY=kept', 'PATH=/bin:/sbin']);
    expect(after.Config.Cmd).toEqual(['/bin/sh', '-c', `${LOOP("'exit 0'")}; echo image-2`]);
    expect(after.Config.Labels).toEqual({
      ...before.Config.Labels,
      'org.opencontainers.image.version': '2',
      'image.only': 'two',
    });
    expect(after.Config.Labels['com.example.role']).toBe('connector');
    // Docker fills unset health check fields from the image: the timeout now comes from image 2.
    expect(after.Config.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'test -f /config/config.json'], Interval: 2 * SECOND, Timeout: 4 * SECOND, Retries: 2 });
    for (const field of ['User', 'WorkingDir', 'Entrypoint', 'ExposedPorts', 'Volumes', 'Tty', 'OpenStdin', 'Domainname'] as const) {
      expect(after.Config[field], `Config.${field}`).toEqual(before.Config[field]);
    }
    expect((after.Config as { StopTimeout?: number }).StopTimeout).toBe(4);
    for (const [field, value] of Object.entries(before.HostConfig)) {
      expect((after.HostConfig as Record<string, unknown>)[field], `HostConfig.${field}`).toEqual(value);
    }
    expect(after.HostConfig).toMatchObject({
      RestartPolicy: { Name: 'unless-stopped' },
      Memory: 64 * 1024 * 1024,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
      Tmpfs: { '/scratch': 'rw,size=16m' },
    });
    expect(after.Mounts).toEqual(before.Mounts);
    expect(withoutIdAliases(after)).toEqual(withoutIdAliases(before));
    if (networks) {
      expect(withoutIdAliases(after)).toEqual({ [networks[0]]: ['connector', 'connector-a'], [networks[1]]: ['connector-b'] });
    }

    const kept = await ops.inspect(handle.previousId, signal());
    expect(kept.Name).toBe(`/${handle.previousName}`);
    expect(kept.State.Running).toBe(false);
    expect(kept.HostConfig.RestartPolicy).toMatchObject({ Name: 'no' });

    await ops.rollback(handle, signal());
    const back = await ops.inspect(name, signal());
    expect(back.Id).toBe(before.Id);
    expect(back.State.Running).toBe(true);
    expect(back.Config.Image).toBe(IMAGE_1);
    for (const field of ['Env', 'Cmd', 'Labels', 'Healthcheck', 'User', 'WorkingDir'] as const) {
      expect(back.Config[field], `Config.${field}`).toEqual(before.Config[field]);
    }
    expect(back.HostConfig).toEqual(before.HostConfig);
    expect(withoutIdAliases(back)).toEqual(withoutIdAliases(before));
    await expect(ops.inspect(handle.newId, signal())).rejects.toThrow(ContainerNotFoundError);
    // After the rollback the "previous" container is the live one again: it must not be discarded.
    await expect(ops.discardPrevious(handle, signal())).rejects.toThrow(RollbackError);
    expect((await ops.inspect(name, signal())).State.Running).toBe(true);
  });

  it('discards the kept container after a successful update', async () => {
    const name = await runContainer('discard', { Env: ['OPERATOR_ONLY=kept'] });
    const handle = await ops.recreate(name, IMAGE_2, signal(), { graceSeconds: 3 });
    await ops.discardPrevious(handle, signal());
    await expect(ops.inspect(handle.previousId, signal())).rejects.toThrow(ContainerNotFoundError);
    expect((await ops.inspect(name, signal())).Id).toBe(handle.newId);
    // Again, with nothing left to discard: no error.
    await ops.discardPrevious(handle, signal());
  });

  it('puts the old container back and says so when the new one cannot be created', async () => {
    // --volumes-from a container that is gone since: the old container still starts, a new one cannot be created.
    const helper = await createContainer('volumes', { Volumes: { '/shared': {} } });
    const name = await runContainer('create-fails', { HostConfig: { NetworkMode: 'none', VolumesFrom: [helper], RestartPolicy: { Name: 'always' } } });
    await docker.getContainer(helper).remove();
    const before = await ops.inspect(name, signal());

    const failure = await ops.recreate(name, IMAGE_2, signal()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecreateError);
    expect((failure as RecreateError).restored).toBe(true);
    expect((failure as Error).message).toMatch(/failed while creating the new container: .*No such container.*; the old container is back as .*create-fails, running$/);
    const now = await ops.inspect(name, signal());
    expect(now.Id).toBe(before.Id);
    expect(now.State.Running).toBe(true);
    expect(now.HostConfig.RestartPolicy).toEqual(before.HostConfig.RestartPolicy);
    expect((await suiteContainers()).filter((c) => c.Names.some((n) => n.includes(`${name}-previous-`)))).toEqual([]);
  });

  it('removes the new container and restarts the old one when the new one fails to start', async () => {
    const name = await runContainer('start-fails');
    const before = await ops.inspect(name, signal());
    const failure = await ops.recreate(name, IMAGE_BROKEN, signal()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecreateError);
    expect((failure as RecreateError).restored).toBe(true);
    expect((failure as Error).message).toMatch(/failed while starting the new container: .*no\/such\/program.*; the old container is back as .*start-fails, running$/s);
    const now = await ops.inspect(name, signal());
    expect(now.Id).toBe(before.Id);
    expect(now.State.Running).toBe(true);
    expect((await suiteContainers()).map((c) => c.Names[0])).not.toContainEqual(expect.stringContaining(`${name}-previous-`));
    expect((await suiteContainers()).filter((c) => c.Image === IMAGE_BROKEN)).toEqual([]);
  });

  it('refuses to recreate without the image on the engine, changing nothing', async () => {
    const name = await runContainer('no-image');
    const failure = await ops.recreate(name, `${REPOSITORY}:never-imported`, signal()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecreateError);
    expect((failure as Error).message).toMatch(/not on the engine \(pull it first\); nothing was changed/);
    expect((await ops.inspect(name, signal())).State.Running).toBe(true);
  });

  it('says killed when Docker had to SIGKILL a container that ignores SIGTERM', async () => {
    const name = await runContainer('stubborn', { Cmd: ['/bin/sh', '-c', LOOP('""')] });
    const stopped = await ops.stop(name, { graceSeconds: 1 }, signal());
    expect(stopped).toMatchObject({ wasRunning: true, killed: true, exitCode: 137 });
    expect(stopped.tookMs).toBeGreaterThanOrEqual(1_000);
  });

  it('says not killed when the container stops on SIGTERM, and takes a second stop calmly', async () => {
    const name = await runContainer('graceful', { Cmd: ['/bin/sh', '-c', LOOP("'exit 0'")] });
    // The trap runs once the loop's `sleep 1` ends: a grace well past that, so that only a SIGTERM that went
    // unheard ends in a kill, however busy the machine.
    const stopped = await ops.stop(name, { graceSeconds: 15 }, signal());
    expect(stopped).toMatchObject({ wasRunning: true, killed: false, exitCode: 0 });
    expect(await ops.stop(name, { graceSeconds: 5 }, signal())).toMatchObject({ wasRunning: false, killed: false });
  });

  it('restarts as stop and start, and starts a running container calmly', async () => {
    const name = await runContainer('restart', { Cmd: ['/bin/sh', '-c', LOOP("'exit 0'")] });
    const first = (await ops.inspect(name, signal())).State.StartedAt;
    expect(await ops.restart(name, { graceSeconds: 5 }, signal())).toMatchObject({ wasRunning: true, killed: false });
    const now = await ops.inspect(name, signal());
    expect(now.State.Running).toBe(true);
    expect(now.State.StartedAt).not.toBe(first);
    expect(await ops.start(name, signal())).toEqual({ alreadyRunning: true });
  });

  it('gives the last output of a container that exits during its start', async () => {
    const script = 'printf "\\033[32mstarting\\033[39m\\n"; printf "connecting\\r\\n"; printf "Could not connect to the configured database\\n" >&2; exit 1';
    const name = await createContainer('exits', { Cmd: ['/bin/sh', '-c', script] });
    expect(await ops.start(name, signal())).toEqual({ alreadyRunning: false });
    await docker.getContainer(name).wait({ abortSignal: signal() } as object);
    expect((await ops.inspect(name, signal())).State).toMatchObject({ Running: false, ExitCode: 1 });
    // The engine copies stdout and stderr apart: their order within one instant is its own.
    const lines = await ops.lastLogLines(name, 10, signal());
    expect([...lines].sort()).toEqual(['Could not connect to the configured database', 'connecting', 'starting']);
    expect(lines.filter((line) => line !== 'Could not connect to the configured database')).toEqual(['starting', 'connecting']);
    expect(await ops.lastLogLines(name, 2, signal())).toEqual(lines.slice(-2));
    expect(await ops.lastLogLines(name, 0, signal())).toEqual([]);
  });

  it('removes a stopped container and refuses a running one', async () => {
    const running = await runContainer('remove-running');
    await expect(ops.removeContainer(running, signal())).rejects.toThrow(ContainerRunningError);
    expect((await ops.inspect(running, signal())).State.Running).toBe(true);
    const stopped = await createContainer('remove-stopped');
    await ops.removeContainer(stopped, signal());
    await expect(ops.inspect(stopped, signal())).rejects.toThrow(ContainerNotFoundError);
  });

  it('does nothing on an already aborted signal', async () => {
    const name = await runContainer('aborted', { Cmd: ['/bin/sh', '-c', LOOP("'exit 0'")] });
    const stopped = await createContainer('aborted-stopped');
    const before = await ops.inspect(name, signal());
    const aborted = AbortSignal.abort();
    const handle: RecreateHandle = {
      name,
      newId: before.Id,
      previousId: before.Id,
      previousName: name,
      previousWasRunning: true,
      previousRestartPolicy: { Name: 'no' },
      stopped: { wasRunning: true, killed: false, exitCode: 0, tookMs: 0 },
    };
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['inspect', () => ops.inspect(name, aborted)],
      ['stop', () => ops.stop(name, { graceSeconds: 1 }, aborted)],
      ['start', () => ops.start(stopped, aborted)],
      ['restart', () => ops.restart(name, { graceSeconds: 1 }, aborted)],
      ['lastLogLines', () => ops.lastLogLines(name, 5, aborted)],
      ['pull', () => ops.pull(IMAGE_1, () => undefined, aborted)],
      ['recreate', () => ops.recreate(name, IMAGE_2, aborted)],
      ['rollback', () => ops.rollback(handle, aborted)],
      ['discardPrevious', () => ops.discardPrevious(handle, aborted)],
      ['removeImage', () => ops.removeImage(IMAGE_BROKEN, aborted)],
      ['removeContainer', () => ops.removeContainer(stopped, aborted)],
    ];
    for (const [call, run] of calls) await expect(run(), call).rejects.toThrow(/abort/i);
    const after = await ops.inspect(name, signal());
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect((await ops.inspect(stopped, signal())).State.Status).toBe('created');
    expect((await docker.getImage(IMAGE_BROKEN).inspect()).Id).toMatch(/^sha256:/);
  });
});

describeWith([requireDocker(), requireBusybox(), requireRegistry()], 'Docker image pull and removal against the real engine and registry', () => {
  const reference = `${REPOSITORY}:pull`;

  beforeAll(async () => {
    await importImage(reference, ['CMD ["/bin/sh"]']);
    await dockerPush(reference);
    await docker.getImage(reference).remove();
  });

  afterAll(async () => {
    await docker.getImage(reference).remove({ force: true }).catch(() => undefined);
  });

  it('pulls an image with progress, then finds it up to date, then removes it', async () => {
    const events: PullProgress[] = [];
    const pulled = await ops.pull(reference, (progress) => events.push(progress), signal(), {
      username: 'unused',
      password: 'unused',
      serveraddress: registryHost(),
    });
    expect(pulled.imageId).toBe((await docker.getImage(reference).inspect()).Id);
    expect(pulled.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pulled.upToDate).toBe(false);
    expect(events.length).toBeGreaterThan(2);
    expect(events[0]?.phase).toBe('resolving');
    expect(events.some((e) => e.phase === 'downloading' || e.phase === 'extracting')).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'complete', layers: { total: 1, done: 1 }, percent: 100 });
    expect(events.at(-1)?.text).toMatch(/^Status: Downloaded newer image for /);

    const again = await ops.pull(reference, () => undefined, signal());
    expect(again).toMatchObject({ imageId: pulled.imageId, digest: pulled.digest, upToDate: true });

    const removed = await ops.removeImage(reference, signal());
    expect(removed.untagged).toContain(reference);
    expect(removed.deleted).toContain(pulled.imageId);
  });

  it('fails with the registry’s reason for an image that is not there', async () => {
    const failure = await ops.pull(`${REPOSITORY}:never-pushed`, () => undefined, signal()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImagePullError);
    expect((failure as Error).message).toMatch(/^pulling .*:never-pushed failed: .*(not found|unknown)/);
  });
});
