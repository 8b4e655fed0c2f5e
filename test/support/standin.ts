import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { dockerEngineSettings, loadTestEnv, type TestDockerEngine } from './requirements.ts';

/**
 * Stand-in enmeshed Connectors for integration tests: real containers on the real engine,
 * from the busybox image that scripts/testenv.sh builds (test/support/standin-connector/).
 * Each runs with host networking on its own loopback port; its behaviour is switched through
 * files in a temporary state directory mounted at /state (see http-handler.sh and entrypoint.sh).
 */

/** `unhealthy:backbone`: the Backbone refuses connections (both Backbone services unhealthy, a WARN dump per check). */
export type StandinHealth = 'healthy' | `unhealthy:${string}` | 'hang';
/** How the stand-in fails at start (exit 1): database unreachable, Backbone unreachable at the first start, broker unreachable. */
export type StandinCrash = 'database' | 'backbone' | 'broker';
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface StandinOptions {
  /** Part of the container name: cops-test-<name>-<random>. */
  name?: string;
  port?: number;
  /**
   * The full image reference to run (default standinImage(), i.e. 7.4.6); standinImageOf(version) names
   * the others that testenv provides on every engine and in the registry, standinBrokenImage() the one
   * that never becomes healthy.
   */
  image?: string;
  /** The version the stand-in reports, as a state file that wins over the image's own (its tag). */
  version?: string;
  apiKey?: string;
  health?: StandinHealth;
  /** The "configuration" of /Monitoring/Support (e.g. infrastructure.messageBrokerPublisher). */
  supportConfig?: object;
  /**
   * Exit 1 at start with what the real Connector prints: `database` (true) its ERROR "Could not connect
   * to the configured database", `backbone` yargs' usage and a RequestError through console.error,
   * `broker` Node's uncaught ECONNREFUSED for the AMQP port.
   */
  crash?: boolean | StandinCrash;
  /** Seconds the graceful SIGTERM/SIGINT shutdown takes (between "Received signal" and "Connector stopped"). */
  stopDelaySeconds?: number;
  /** The shutdown never ends, as with a Connector that lost its brokers: `docker stop` ends in SIGKILL. */
  ignoreSigterm?: boolean;
  restartPolicy?: 'no' | 'always';
  /** A Docker HEALTHCHECK on /health, as the real image has (here every second). */
  healthcheck?: boolean;
  /** The unhealthy `health` is cleared by the next restart of the container (a Connector stuck until restarted). */
  healOnRestart?: boolean;
  /** Further container labels. */
  labels?: Record<string, string>;
  /** The test environment's engine to run on (default: the first, DOCKER_HOST). */
  engine?: TestDockerEngine;
}

export interface StandinConnector {
  name: string;
  containerId: string;
  url: string;
  port: number;
  apiKey: string;
  stateDir: string;
  setHealth(health: StandinHealth): Promise<void>;
  /** Writes any state file read by the stand-in (version, support-config.json, last-sync, ...). */
  writeState(file: string, content: string): Promise<void>;
  /** Removes a state file, so the stand-in falls back to its default (all scopes, no identity error, ...). */
  removeState(file: string): Promise<void>;
  /** Lines appear in `docker logs` within about a second (busybox tail polls). */
  appendLog(lines: string[]): Promise<void>;
  /** `docker stop` with a grace period of `timeoutSeconds` (default 5) before SIGKILL. */
  stop(timeoutSeconds?: number): Promise<void>;
  restart(): Promise<void>;
  remove(): Promise<void>;
}

// DOCKER_HOST, TEST_STANDIN_IMAGE, TEST_STANDIN_VERSIONS and TEST_STANDIN_BROKEN as `scripts/testenv.sh start` wrote them.
loadTestEnv();

export const TEST_LABEL = 'connector-ops.test';
/** Which test run made the container: the pid of the vitest main process. */
export const RUN_LABEL = 'connector-ops.test.run';
const STATE_LABEL = 'connector-ops.test.state-dir';
const START_TIMEOUT_MS = 15_000;

export function standinImage(): string {
  return process.env.TEST_STANDIN_IMAGE ?? '127.0.0.1:5000/nmshd/connector:7.4.6';
}

/** The repository of the stand-in images, `127.0.0.1:5000/nmshd/connector`. */
export function standinRepository(): string {
  const image = standinImage();
  return image.slice(0, image.lastIndexOf(':'));
}

/**
 * The stand-in image of `version` (e.g. `7.4.5`): its own image (its own ID) that reports that version on
 * /Monitoring/Version when no `version` state file says otherwise. testenv provides standinVersions() and
 * the broken one on every engine and in the registry.
 */
export function standinImageOf(version: string): string {
  return `${standinRepository()}:${version}`;
}

/** The versions of the stand-in images that testenv provides, oldest first: 7.4.5, 7.4.6 (the default), 7.4.7, 8.0.0. */
export function standinVersions(): string[] {
  return (process.env.TEST_STANDIN_VERSIONS ?? '7.4.5 7.4.6 7.4.7 8.0.0').split(/\s+/).filter(Boolean);
}

/**
 * The stand-in image that never becomes healthy (7.4.8, a plausible patch update): /health answers 500
 * (database unhealthy) whatever the state dir says, so an update to it must roll back, though the old
 * and the new container share the state dir. A HEALTHCHECK on /health fails as well.
 */
export function standinBrokenImage(): string {
  return process.env.TEST_STANDIN_BROKEN ?? standinImageOf('7.4.8');
}

/** The id of this test run (set by global-setup.ts for the workers it starts). */
export function testRunId(): string {
  return process.env.CONNECTOR_OPS_TEST_RUN ?? String(process.pid);
}

/** Labels that mark a container as this run's test container; the global teardown removes them. */
export function testLabels(): Record<string, string> {
  return { [TEST_LABEL]: '1', [RUN_LABEL]: testRunId() };
}

/** log4js's level colours; its "red" for ERROR is the bright 91, not 31. */
export const ANSI_COLOUR: Record<LogLevel, number> = { TRACE: 34, DEBUG: 36, INFO: 32, WARN: 33, ERROR: 91, FATAL: 35 };

/**
 * One event in the Connector's default log4js layout `%[[%d] [%p] %c - %m %x{correlationId}%]`:
 * the whole event wrapped in the level's colour, local time without zone. A message with
 * newlines (an error's stack) stays one event over several lines; the correlation id (empty
 * unless given) trails its last line.
 */
export function connectorLogLine(level: LogLevel, category: string, message: string, date: Date = new Date(), correlationId = ''): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const stamp =
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return `\x1b[${ANSI_COLOUR[level]}m[${stamp}] [${level}] ${category} - ${message} ${correlationId}\x1b[39m`;
}

// The engine at DOCKER_HOST, as the docker CLI reads it (docker-modem does), not through the bot's
// own client: the fixture must not change with how the bot picks its engines.
/** A client per engine of the test environment; the other engines hold the same stand-in images (testenv pulls them). */
function dockerFor(engine: TestDockerEngine = 'first'): Docker {
  if (engine === 'first') return docker();
  const settings = dockerEngineSettings(engine);
  if (!settings.ok) throw new Error(settings.reason);
  return new Docker(settings.options);
}

let client: Docker | undefined;
function docker(): Docker {
  client ??= new Docker();
  return client;
}

/** A loopback port that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether this very stand-in answers on the port (not some other server that holds it). */
async function answersAsItself(url: string, name: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/__standin/ready`, { signal: AbortSignal.timeout(1_000) });
    return (await response.text()).trim() === name;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`stand-in Connector: ${what} not reached within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function ignoreStatus(...codes: number[]) {
  return (error: unknown) => {
    if (codes.includes((error as { statusCode?: number }).statusCode ?? 0)) return;
    throw error;
  };
}

/** The container exited before its HTTP server listened; `portTaken` when its port was in use. */
class StandinExited extends Error {
  readonly portTaken: boolean;

  constructor(
    portTaken: boolean,
    logs: string,
  ) {
    super(`stand-in Connector exited before listening; its last output:\n${logs}`);
    this.portTaken = portTaken;
  }
}

/** Splits the engine's multiplexed log stream (8-byte frame headers) back into text. */
export function demultiplex(stream: Buffer): string {
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= stream.length; ) {
    const size = stream.readUInt32BE(offset + 4);
    parts.push(stream.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The environment that configures `connector-ops` with one stand-in, as connector `name`, on the engine of DOCKER_HOST. */
export function standinEnv(standin: StandinConnector, name: string): Record<string, string> {
  return { DOCKER_HOST: process.env.DOCKER_HOST ?? '', CONNECTOR_NAME: name, CONNECTOR_CONTAINER: standin.name, CONNECTOR_URL: standin.url, CONNECTOR_API_KEY: standin.apiKey };
}

/** What a container has printed so far (stdout and stderr), as `docker logs` shows it. */
export async function containerOutput(containerId: string, tail?: number, engine?: TestDockerEngine): Promise<string> {
  const logs = await dockerFor(engine)
    .getContainer(containerId)
    .logs({ stdout: true, stderr: true, follow: false, ...(tail !== undefined && { tail }) });
  return demultiplex(logs);
}

async function lastOutput(container: Docker.Container, engine?: TestDockerEngine): Promise<string> {
  return containerOutput(container.id, 10, engine).catch(() => '');
}

const started = new Set<StandinConnector>();

export async function startStandinConnector(options: StandinOptions = {}): Promise<StandinConnector> {
  // A port picked free can be taken before the container binds it: then try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchStandin(options, options.port ?? (await freePort()));
    } catch (error) {
      if (options.port !== undefined || attempt >= 3 || !(error instanceof StandinExited && error.portTaken)) throw error;
    }
  }
}

async function launchStandin(options: StandinOptions, port: number): Promise<StandinConnector> {
  const apiKey = options.apiKey ?? randomBytes(12).toString('hex');
  const name = `cops-test-${options.name ?? 'connector'}-${randomBytes(4).toString('hex')}`;
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'cops-standin-'));
  const statePath = (file: string) => path.join(stateDir, path.basename(file));

  await writeFile(statePath('apikey'), apiKey);
  await writeFile(statePath('health'), options.health ?? 'healthy');
  await writeFile(statePath('log'), '');
  if (options.version) await writeFile(statePath('version'), options.version);
  if (options.supportConfig) await writeFile(statePath('support-config.json'), JSON.stringify(options.supportConfig));
  if (options.crash) await writeFile(statePath('crash'), options.crash === true ? '' : options.crash);
  if (options.stopDelaySeconds !== undefined) await writeFile(statePath('stop-delay'), String(options.stopDelaySeconds));
  if (options.ignoreSigterm) await writeFile(statePath('sigterm'), 'ignore');
  if (options.healOnRestart) await writeFile(statePath('heal-on-restart'), '');

  const container = await dockerFor(options.engine).createContainer({
    name,
    Image: options.image ?? standinImage(),
    Env: [`PORT=${port}`, `STANDIN_NAME=${name}`],
    // Host networking publishes no ports, so the container tells discovery its URL as an operator would.
    Labels: { 'connector-ops.url': `http://127.0.0.1:${port}`, ...options.labels, ...testLabels(), [STATE_LABEL]: stateDir },
    HostConfig: {
      NetworkMode: 'host',
      Binds: [`${stateDir}:/state`],
      RestartPolicy: { Name: options.restartPolicy ?? 'no' },
    },
    ...(options.healthcheck && {
      Healthcheck: {
        Test: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${port}/health || exit 1`],
        Interval: 1_000_000_000,
        Timeout: 5_000_000_000,
        Retries: 2,
      },
    }),
  });

  const url = `http://127.0.0.1:${port}`;
  const ready = async () => {
    if (options.crash) {
      // Settled once it has exited (or is between restarts) at least once.
      await waitFor('first exit', async () => {
        const { State, RestartCount } = await container.inspect();
        return !State.Running || RestartCount > 0 || State.Restarting;
      });
      return;
    }
    await waitFor(`port ${port} listening`, async () => {
      if (await answersAsItself(url, name)) return true;
      const { State } = await container.inspect();
      if (State.Running && !State.Restarting) return false;
      const logs = await lastOutput(container, options.engine);
      throw new StandinExited(/address (already )?in use/i.test(logs), logs);
    });
  };

  try {
    await container.start();
    await ready();
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }

  const standin: StandinConnector = {
    name,
    containerId: container.id,
    url,
    port,
    apiKey,
    stateDir,
    setHealth: (health) => writeFile(statePath('health'), health),
    writeState: (file, content) => writeFile(statePath(file), content),
    removeState: (file) => rm(statePath(file), { force: true }),
    appendLog: (lines) => appendFile(statePath('log'), lines.map((line) => `${line}\n`).join('')),
    stop: (timeoutSeconds = 5) => container.stop({ t: timeoutSeconds }).catch(ignoreStatus(304)),
    restart: async () => {
      await container.restart({ t: 5 });
      await ready();
    },
    remove: async () => {
      await container.remove({ force: true }).catch(ignoreStatus(404));
      await rm(stateDir, { recursive: true, force: true }).catch(() => undefined);
      started.delete(standin);
    },
  };
  started.add(standin);
  return standin;
}

/**
 * Removes every stand-in this test file started and has not removed yet. Only those: test files
 * run in parallel, and another file's stand-ins may still be in use.
 */
export async function removeAllStandins(): Promise<void> {
  await Promise.all([...started].map((standin) => standin.remove()));
}

/**
 * Removes the test containers (label connector-ops.test=1) that `choose` picks, and the
 * stand-ins' state directories, on one test engine (the first by default). For the global teardown.
 */
export async function removeTestContainers(choose: (container: Docker.ContainerInfo) => boolean, engine?: TestDockerEngine): Promise<number> {
  const containers = await dockerFor(engine).listContainers({
    all: true,
    filters: { label: [`${TEST_LABEL}=1`] },
    abortSignal: AbortSignal.timeout(5_000),
  });
  const chosen = containers.filter(choose);
  await Promise.all(
    chosen.map(async (info) => {
      await dockerFor(engine)
        .getContainer(info.Id)
        .remove({ force: true, abortSignal: AbortSignal.timeout(15_000) })
        .catch(ignoreStatus(404, 409));
      const stateDir = info.Labels[STATE_LABEL];
      if (stateDir?.startsWith(os.tmpdir())) await rm(stateDir, { recursive: true, force: true }).catch(() => undefined);
    }),
  );
  return chosen.length;
}
