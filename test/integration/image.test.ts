import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, requireProductImage, requireStandinImage } from '../support/requirements.ts';
import { demultiplex, freePort, startStandinConnector, testLabels, type StandinConnector } from '../support/standin.ts';

const BUILD_SCRIPT = resolve(import.meta.dirname, '../../scripts/testenv-image.sh');
const SECOND_NS = 1_000_000_000;
/** What `docker stop` gives the bot before SIGKILL. */
const GRACE_SECONDS = 20;

interface Report {
  connectors: Array<{ name: string; checks: Array<{ id: string; status: string; summary: string }> }>;
}

/**
 * The product image as an operator runs it, on the test engine: built from this tree by the Dockerfile (on the
 * base image that scripts/testenv-image.sh makes, since none can be pulled here), with the engine's socket
 * mounted and its group added, its store on a named volume, host networking on a loopback port.
 */
describeWith([requireProductImage(), requireStandinImage()], 'the container image', () => {
  const docker = new Docker();
  const socket = new URL(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').pathname;
  const volume = `cops-test-image-${randomBytes(4).toString('hex')}`;
  let image: string;
  let gid: string;
  let standin: StandinConnector;
  let port: number;
  let bot: Docker.Container;
  const containers: Docker.Container[] = [];

  beforeAll(async () => {
    // The test environment built it; built again here (from the layer cache when nothing changed), so that the
    // image is this tree's. Its ID, not its tag: another tree may tag its own build meanwhile.
    const built = await promisify(execFile)('bash', [BUILD_SCRIPT, process.env.TEST_PRODUCT_IMAGE!], { timeout: 600_000, maxBuffer: 1 << 20 });
    image = built.stdout.trim();
    gid = String(statSync(socket).gid);
    await docker.createVolume({ Name: volume, Labels: testLabels() });
    standin = await startStandinConnector({ name: 'image' });
    port = await freePort();
    bot = await runBot({ groupAdd: true });
  }, 660_000);

  afterAll(async () => {
    await Promise.all(containers.map((container) => container.remove({ force: true }).catch(() => undefined)));
    await docker.getVolume(volume).remove().catch(() => undefined);
    await standin?.remove();
  });

  /** The bot's container, started: the socket's group added or not, `start` or another command. */
  async function runBot(options: { groupAdd: boolean; cmd?: string[] }): Promise<Docker.Container> {
    const container = await docker.createContainer({
      Image: image,
      name: `cops-test-image-bot-${randomBytes(4).toString('hex')}`,
      Labels: testLabels(),
      ...(options.cmd && { Cmd: options.cmd }),
      Env: [
        `HTTP_HOST=127.0.0.1`,
        `HTTP_PORT=${port}`,
        'CONNECTOR_NAME=main',
        `CONNECTOR_CONTAINER=${standin.name}`,
        `CONNECTOR_URL=${standin.url}`,
        `CONNECTOR_API_KEY=${standin.apiKey}`,
      ],
      // Only the interval, so that healthy comes within seconds: the test command stays the image's.
      Healthcheck: { Interval: SECOND_NS },
      StopTimeout: GRACE_SECONDS,
      HostConfig: {
        NetworkMode: 'host',
        Binds: [`${socket}:/var/run/docker.sock`, `${volume}:/data`],
        ...(options.groupAdd && { GroupAdd: [gid] }),
      },
    });
    containers.push(container);
    await container.start();
    return container;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  const healthy = (container: Docker.Container) =>
    until('Docker health "healthy"', async () => ((await container.inspect()).State.Health?.Status === 'healthy' ? true : undefined));

  /** `docker exec`: the exit code and what it printed on stdout and stderr. */
  async function exec(container: Docker.Container, cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const run = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await run.start({});
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    const text = (from: PassThrough) => new Promise<string>((done) => {
      let all = '';
      from.on('data', (chunk: Buffer) => (all += chunk.toString()));
      from.on('end', () => done(all));
    });
    const printed = Promise.all([text(stdout), text(stderr)]);
    docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`docker exec ${cmd.join(' ')}: no end within 60 s`)), 60_000);
      stream.on('end', () => {
        clearTimeout(timer);
        done();
      });
      stream.on('error', fail);
    });
    stdout.end();
    stderr.end();
    const [out, err] = await printed;
    return { code: (await run.inspect()).ExitCode ?? -1, stdout: out, stderr: err };
  }

  const consoleSays = async (command: string) => (await exec(bot, ['sh', '-c', `echo '${command}' | connector-ops console`])).stdout;

  it('runs as the non-root node user and turns healthy by its own HEALTHCHECK', async () => {
    await healthy(bot);
    const [container, built] = await Promise.all([bot.inspect(), docker.getImage(image).inspect()]);
    expect(container.Config.User).toBe('node');
    expect(container.Config.Healthcheck?.Test).toEqual(built.Config.Healthcheck?.Test);
    expect(built.Config.Healthcheck?.Test?.join(' ')).toContain('/healthz');
    // The bot itself (pid 1), not just the exec.
    const status = await exec(bot, ['cat', '/proc/1/status']);
    expect(status.stdout).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
  }, 90_000);

  it('answers /healthz and /readyz, with the engine reached through the mounted socket', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await until('/readyz with the engine up', async () => {
      const answer = await fetch(`http://127.0.0.1:${port}/readyz`);
      const body = (await answer.json()) as { engines?: Record<string, { state: string }> };
      return answer.status === 200 && body.engines?.default?.state === 'up' ? body : undefined;
    });
    expect(ready).toMatchObject({ engines: { default: { state: 'up' } } });
  }, 90_000);

  it('reports a stand-in Connector through the engine with `connector-ops check --json` inside', async () => {
    const run = await exec(bot, ['connector-ops', 'check', 'main', '--json', '--only', 'container,health']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.connectors).toHaveLength(1);
    expect(report.connectors[0]).toMatchObject({ name: 'main', status: 'ok' });
    expect(report.connectors[0]!.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'container', status: 'ok', summary: expect.stringMatching(/^Running/) }),
        expect.objectContaining({ id: 'health', status: 'ok' }),
      ]),
    );
    expect(run.code).toBe(0);
  }, 90_000);

  it('carries only what runs: no sources, tests, type declarations or source maps', async () => {
    expect((await exec(bot, ['ls', '-A', '/app'])).stdout.split('\n').filter(Boolean)).toEqual(['dist', 'node_modules', 'package.json']);
    const extra = await exec(bot, [
      'find', '/app', '-regextype', 'posix-extended',
      '(', '-name', '@types', '-o', '-name', '*.map', '-o', '-name', '*.ts', '-o', '-regex', '.*/node_modules/(@[^/]+/)?[^/]+/(test|tests|__tests__)', ')',
    ]);
    expect(extra.stdout).toBe('');
    expect(extra.code).toBe(0);
  }, 90_000);

  it("without the socket's group, the failing check says which group to add", async () => {
    const check = await runBot({ groupAdd: false, cmd: ['check', 'main', '--json', '--only', 'container'] });
    const { StatusCode } = (await check.wait()) as { StatusCode: number };
    const report = JSON.parse(demultiplex(await check.logs({ stdout: true, stderr: false, follow: false }))) as Report;
    expect(report.connectors[0]!.checks[0]).toMatchObject({
      id: 'container',
      status: 'unknown',
      summary: expect.stringContaining(`may not use the socket /var/run/docker.sock (owner uid 0, group gid ${gid}, mode 660): the socket is owned by group ${gid}; run with --group-add ${gid}`),
    });
    expect(StatusCode).toBe(3);
  }, 90_000);

  it('keeps DATA_DIR across a restart of the container and in a new container on the volume', async () => {
    expect(await consoleSays('subscribe reports')).toContain('This conversation now receives the daily report');
    await bot.restart({ t: GRACE_SECONDS });
    await healthy(bot);
    expect(await consoleSays('subscriptions')).toMatch(/console\s+reports/);

    await bot.remove({ force: true });
    bot = await runBot({ groupAdd: true });
    await healthy(bot);
    expect(await consoleSays('subscriptions')).toMatch(/console\s+reports/);
  }, 180_000);

  it('stops on SIGTERM within the grace period, with exit code 0', async () => {
    await bot.stop({ t: GRACE_SECONDS });
    const { State } = await bot.inspect();
    // SIGKILL after the grace period would be exit code 137.
    expect(State).toMatchObject({ Running: false, ExitCode: 0, OOMKilled: false });
    const said = demultiplex(await bot.logs({ stdout: true, stderr: true, follow: false, tail: 20 }));
    expect(said).toMatch(/"msg":"stopped"/);
  }, 90_000);
});
