import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { RequirementResult } from './requirements.ts';

/**
 * A Docker Engine of a test's own, for what must not touch the engines other test files share (a cleanup
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

export async function requirePrivateEngine(): Promise<RequirementResult> {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'a private Docker Engine needs root' };
  return dockerdPath() ? { ok: true } : { ok: false, reason: 'no dockerd binary on this machine; run: npm run testenv:start' };
}

export async function startPrivateEngine(copyImages: readonly string[], from: Docker): Promise<PrivateEngine> {
  const dockerd = dockerdPath();
  if (!dockerd) throw new Error('no dockerd binary');
  // Short paths: containerd's sockets live under the exec root, and a unix socket path has ~100 bytes at most.
  const dir = `/tmp/cops-pe-${randomBytes(3).toString('hex')}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') }));
  const socket = join(dir, 'docker.sock');
  const child: ChildProcess = spawn(
    dockerd,
    ['--config-file', join(dir, 'daemon.json'), '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs', '--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '-H', `unix://${socket}`],
    { stdio: 'ignore' },
  );
  const client = new Docker({ socketPath: socket });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`private dockerd did not answer: ${(error as Error).message}`, { cause: error });
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
