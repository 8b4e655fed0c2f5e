import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { testenvDir, type RequirementResult } from './requirements.ts';

/**
 * An engine of a test's own (Docker, or Podman), for what must not touch the engines other test files share (a cleanup
 * removes every unused Connector image on its engine). Started as the test environment starts its engines
 * (no bridge, no iptables, vfs), with the stand-in image copied in; stopped and removed by `stop()`.
 */
export interface PrivateEngine {
  host: string;
  client: Docker;
  stop(): Promise<void>;
}

function dockerdPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'dockerd'), constants.X_OK);
      return join(dir, 'dockerd');
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function requirePrivateEngine(kind: PrivateEngineKind = 'Docker'): Promise<RequirementResult> {
  if (process.getuid?.() !== 0) return { ok: false, reason: `a private ${kind} engine needs root` };
  if (kind === 'Podman') {
    return existsSync(join(testenvDir(), 'podman', 'containers.conf')) ? { ok: true } : { ok: false, reason: 'no Podman configuration of the test environment; run: npm run testenv:start' };
  }
  return dockerdPath() ? { ok: true } : { ok: false, reason: 'no dockerd binary on this machine; run: npm run testenv:start' };
}

function spawnDockerd(dir: string, socket: string): ChildProcess {
  const dockerd = dockerdPath();
  if (!dockerd) throw new Error('no dockerd binary');
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') }));
  return spawn(
    dockerd,
    ['--config-file', join(dir, 'daemon.json'), '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs', '--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '-H', `unix://${socket}`],
    { stdio: 'ignore' },
  );
}

/** The test environment's Podman settings (scripts/testenv-podman.sh) with storage and state of its own under `dir`. */
function spawnPodman(dir: string, socket: string): ChildProcess {
  const shared = join(testenvDir(), 'podman');
  writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`);
  writeFileSync(join(dir, 'containers.conf'), readFileSync(join(shared, 'containers.conf'), 'utf8').replaceAll(shared, dir));
  const env = {
    ...process.env,
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_REGISTRIES_CONF: join(shared, 'registries.conf'),
  };
  return spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore', env });
}

/** What the private engine is: a dockerd, or Podman's Docker-compatible service configured as testenv-podman.sh does. */
export type PrivateEngineKind = 'Docker' | 'Podman';

export async function startPrivateEngine(copyImages: readonly string[], from: Docker, kind: PrivateEngineKind = 'Docker'): Promise<PrivateEngine> {
  // Short paths: containerd's and conmon's sockets live under it, and a unix socket path has ~100 bytes at most.
  const dir = `/tmp/cops-pe-${randomBytes(3).toString('hex')}`;
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, kind === 'Docker' ? 'docker.sock' : 'podman.sock');
  const child = kind === 'Docker' ? spawnDockerd(dir, socket) : spawnPodman(dir, socket);
  const client = new Docker({ socketPath: socket });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`private ${kind} engine did not answer: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  for (const image of copyImages) {
    const stream = await from.getImage(image).get();
    await new Promise<void>((resolve, reject) => {
      void client.loadImage(stream, {}, (error, output?: NodeJS.ReadableStream) => {
        if (error || !output) return reject(error ?? new Error('no answer to the image load'));
        output.on('end', () => resolve());
        output.on('error', reject);
        output.resume();
      });
    });
  }
  return {
    host: `unix://${socket}`,
    client,
    stop: async () => {
      const containers = await client.listContainers({ all: true }).catch(() => []);
      await Promise.all(containers.map((c) => client.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
