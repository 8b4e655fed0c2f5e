import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { describe, it } from 'vitest';

/**
 * What an integration test needs from the machine, checked by actually talking to it.
 * A missing component skips the suite with the reason printed, except under CI=true, where
 * it fails: CI's machine must have everything (`.ci/run` starts it with scripts/testenv.sh).
 */
export type RequirementResult = { ok: true } | { ok: false; reason: string };
export type Requirement = Promise<RequirementResult> | (() => Promise<RequirementResult>);
export type Broker = 'amqp' | 'mqtt' | 'redis';

const PROBE_TIMEOUT_MS = 2_000;

export function testenvDir(): string {
  return process.env.TESTENV_DIR ?? '/tmp/connector-ops-testenv';
}

/**
 * Loads the `export NAME=value` lines that `scripts/testenv.sh start` writes into process.env,
 * so `npm test` works without sourcing anything. Variables already set win.
 */
export function loadTestEnv(): void {
  const file = path.join(testenvDir(), 'env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    const value = match[2].trim().replace(/^(['"])(.*)\1$/, '$2');
    if (!process.env[match[1]]) process.env[match[1]] = value;
  }
}

loadTestEnv();

export function brokerUrl(broker: Broker): string {
  const defaults: Record<Broker, string> = {
    amqp: 'amqp://guest:guest@127.0.0.1:5672',
    mqtt: 'mqtt://127.0.0.1:1883',
    redis: 'redis://127.0.0.1:6379',
  };
  const variable = { amqp: 'TEST_AMQP_URL', mqtt: 'TEST_MQTT_URL', redis: 'TEST_REDIS_URL' }[broker];
  return process.env[variable] ?? defaults[broker];
}

export function registryHost(): string {
  return process.env.TEST_REGISTRY ?? '127.0.0.1:5000';
}

function fail(reason: string): RequirementResult {
  return { ok: false, reason };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    // fetch wraps the socket's error: "fetch failed" says nothing by itself.
    if (error.cause instanceof Error) return describeError(error.cause);
    const code = (error as Error & { code?: string }).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export async function requireDocker(): Promise<RequirementResult> {
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  try {
    const docker = new Docker();
    // dockerode's typings omit ping's options; at run time it forwards abortSignal to the request.
    const ping = docker.ping.bind(docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping({ abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { ok: true };
  } catch (error) {
    return fail(`no Docker Engine answers at ${where} (${describeError(error)}); run: npm run testenv:start`);
  }
}

export async function requireRegistry(): Promise<RequirementResult> {
  const url = `http://${registryHost()}/v2/`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    // 401 is a registry that wants credentials: reachable all the same.
    if (response.status === 200 || response.status === 401) return { ok: true };
    return fail(`${url} answered ${response.status}, not a Registry API v2`);
  } catch (error) {
    return fail(`no registry answers at ${url} (${describeError(error)}); run: npm run testenv:start`);
  }
}

/** Opens a TCP connection, sends `hello` and waits for an answer that `accepts`. */
function probe(host: string, port: number, hello: Buffer, accepts: (answer: Buffer) => boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = Buffer.alloc(0);
    const finish = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(`no answer within ${PROBE_TIMEOUT_MS} ms`));
    socket.on('connect', () => socket.write(hello));
    socket.on('data', (data) => {
      answer = Buffer.concat([answer, data]);
      if (accepts(answer)) finish(undefined);
      else if (answer.length >= 64) finish('unexpected answer');
    });
    socket.on('error', (error) => finish(describeError(error)));
    socket.on('end', () => finish(accepts(answer) ? undefined : 'connection closed without the expected answer'));
  });
}

const HELLO: Record<Broker, { defaultPort: number; hello: Buffer; accepts: (answer: Buffer) => boolean }> = {
  // AMQP 0-9-1 protocol header; the broker answers with a Connection.Start method frame (type 1).
  amqp: { defaultPort: 5672, hello: Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'), accepts: (a) => a[0] === 1 },
  // MQTT 3.1.1 CONNECT, clean session, client id "cops-probe"; the broker answers with CONNACK.
  mqtt: {
    defaultPort: 1883,
    hello: Buffer.from([0x10, 0x16, 0x00, 0x04, ...Buffer.from('MQTT'), 0x04, 0x02, 0x00, 0x0a, 0x00, 0x0a, ...Buffer.from('cops-probe')]),
    accepts: (a) => a.length >= 4 && a[0] === 0x20,
  },
  // A server that wants a password answers PING with -NOAUTH: reachable all the same.
  redis: { defaultPort: 6379, hello: Buffer.from('PING\r\n'), accepts: (a) => /^(\+PONG|-NOAUTH)/.test(a.toString('latin1')) },
};

export async function requireBroker(broker: Broker): Promise<RequirementResult> {
  const raw = brokerUrl(broker);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`${broker} broker URL is not a URL`);
  }
  const { defaultPort, hello, accepts } = HELLO[broker];
  const port = url.port ? Number(url.port) : defaultPort;
  const where = `${url.hostname}:${port}`;
  const problem = await probe(url.hostname, port, hello, accepts);
  return problem === undefined ? { ok: true } : fail(`no ${broker} broker answers at ${where} (${problem}); run: npm run testenv:start`);
}

/** The stand-in Connector image must have been built (by `scripts/testenv.sh start`). */
export function requireStandinImage(): Promise<RequirementResult> {
  return requireImage(process.env.TEST_STANDIN_IMAGE ?? '127.0.0.1:5000/nmshd/connector:7.4.6', 'the stand-in Connector image');
}

/** The product image (the Dockerfile's, on the base image that `scripts/testenv.sh start` makes): TEST_PRODUCT_IMAGE. */
export async function requireProductImage(): Promise<RequirementResult> {
  const image = process.env.TEST_PRODUCT_IMAGE;
  return image ? requireImage(image, 'the product image') : fail('TEST_PRODUCT_IMAGE is not set (no product image built); run: npm run testenv:start');
}

async function requireImage(image: string, what: string): Promise<RequirementResult> {
  const docker = await requireDocker();
  if (!docker.ok) return docker;
  try {
    const found = await new Docker().listImages({
      filters: { reference: [image] },
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (found.length > 0) return { ok: true };
    return fail(`${what} ${image} is missing; run: npm run testenv:start`);
  } catch (error) {
    return fail(`${what} ${image} cannot be looked up (${describeError(error)})`);
  }
}

/** Prometheus' `promtool` (Debian's `prometheus` package, installed by `scripts/testenv.sh start`). */
export async function requirePromtool(): Promise<RequirementResult> {
  const run = spawnSync('promtool', ['--version'], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS });
  if (run.status === 0) return { ok: true };
  return fail(`promtool does not run (${run.error?.message || run.stderr.trim() || `exit ${run.status}`}); run: npm run testenv:start (it installs Debian's prometheus package)`);
}

/** A new pid namespace (`unshare --pid`, util-linux, root): to run the bot as pid 1, as a container does. */
export async function requirePidNamespace(): Promise<RequirementResult> {
  const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'echo $$'], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS });
  if (run.status === 0 && run.stdout.trim() === '1') return { ok: true };
  return fail(`cannot start a process as pid 1 of a new pid namespace with unshare (${run.error?.message || run.stderr.trim() || `exit ${run.status}`}); it needs util-linux and root`);
}

async function firstProblem(requirements: readonly Requirement[]): Promise<string | undefined> {
  const results = await Promise.all(requirements.map((r) => (typeof r === 'function' ? r() : r)));
  const problems = results.flatMap((result) => (result.ok ? [] : [result.reason]));
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/**
 * `describe` that runs only when every requirement is met. Otherwise the suite is skipped with
 * the reason printed, or, under CI=true, fails with the reason.
 * Usage: describeWith([requireDocker(), requireBroker('amqp')], 'name', () => { ... })
 */
export function describeWith(requirements: readonly Requirement[], name: string, fn: () => void): void {
  // vitest awaits an async suite factory while collecting, so the check runs before any hook.
  describe(name, async () => {
    const problem = await firstProblem(requirements);
    if (problem === undefined) {
      fn();
    } else if (process.env.CI === 'true') {
      it('has its test environment', () => {
        throw new Error(`${name}: requirement missing under CI: ${problem}`);
      });
    } else {
      console.warn(`skipping "${name}": ${problem}`);
      describe.skip(`skipped: ${problem}`, fn);
    }
  });
}

/**
 * The path of a server program: daemons such as mosquitto live in /usr/sbin, which a non-login
 * shell's PATH may leave out. Falls back to the bare name, so a missing program fails with ENOENT.
 */
export function serverProgram(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return name;
}

// --- the extra Docker engines of scripts/testenv.sh -------------------------------------------

/**
 * The engines `scripts/testenv.sh start` runs: `first` is DOCKER_HOST (a unix socket), `second`
 * another engine on another unix socket (TEST_DOCKER2_HOST), `tls` an engine on tcp://127.0.0.1
 * that verifies client certificates (TEST_DOCKER_TLS_HOST, with the client's ca.pem, cert.pem and
 * key.pem in TEST_DOCKER_TLS_CERT_PATH), `podman` Podman's Docker-compatible service
 * (TEST_PODMAN_HOST, scripts/testenv-podman.sh). They stand in for the engines a connector may name.
 */
export type TestDockerEngine = 'first' | 'second' | 'tls' | 'podman';

/** The engine kinds the engine-facing tests run against, each on its test engine: every one under CI=true. */
export const ENGINE_KINDS = [
  { kind: 'Docker', engine: 'first' },
  { kind: 'Podman', engine: 'podman' },
] as const satisfies ReadonlyArray<{ kind: string; engine: TestDockerEngine }>;

export type EngineKind = (typeof ENGINE_KINDS)[number];

export type DockerEngineSettings =
  | { ok: true; where: string; options: Docker.DockerOptions }
  | { ok: false; reason: string };

const ENGINE_LABEL: Record<TestDockerEngine, string> = { first: 'first Docker', second: 'second Docker', tls: 'TLS Docker', podman: 'Podman' };
const ENGINE_VARIABLE: Record<TestDockerEngine, string> = {
  first: 'DOCKER_HOST',
  second: 'TEST_DOCKER2_HOST',
  tls: 'TEST_DOCKER_TLS_HOST',
  podman: 'TEST_PODMAN_HOST',
};

function unavailable(reason: string): DockerEngineSettings {
  return { ok: false, reason };
}

/** dockerode options that reach one of the test engines, read from the environment. */
export function dockerEngineSettings(engine: TestDockerEngine): DockerEngineSettings {
  const variable = ENGINE_VARIABLE[engine];
  const where = process.env[variable] ?? (engine === 'first' ? 'unix:///var/run/docker.sock' : undefined);
  if (!where) return unavailable(`${variable} is not set (no ${ENGINE_LABEL[engine]} engine); run: npm run testenv:start`);
  let url: URL;
  try {
    url = new URL(where);
  } catch {
    return unavailable(`${variable}=${where} is not a URL`);
  }
  if (url.protocol === 'unix:') return { ok: true, where, options: { socketPath: url.pathname } };
  if (url.protocol !== 'tcp:' || !url.port) return unavailable(`${variable}=${where} is neither unix:///path nor tcp://host:port`);
  const endpoint = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
  if (engine !== 'tls') return { ok: true, where, options: { ...endpoint, protocol: 'http' } };
  const certPath = process.env.TEST_DOCKER_TLS_CERT_PATH;
  if (!certPath) return unavailable('TEST_DOCKER_TLS_CERT_PATH is not set (no client certificate for the TLS engine); run: npm run testenv:start');
  try {
    const [ca, cert, key] = ['ca.pem', 'cert.pem', 'key.pem'].map((file) => readFileSync(path.join(certPath, file), 'utf8'));
    return { ok: true, where, options: { ...endpoint, protocol: 'https', ca, cert, key } };
  } catch (error) {
    return unavailable(`the TLS engine's client certificate cannot be read from ${certPath} (${describeError(error)})`);
  }
}

/** The DOCKER_HOST of a test engine, as the bot's configuration takes it (unset when the environment has none). */
export function engineHost(engine: TestDockerEngine): string | undefined {
  const settings = dockerEngineSettings(engine);
  return settings.ok ? settings.where : undefined;
}

/** One of the test engines answers a ping (the TLS one with the client certificate testenv made). */
export async function requireDockerEngine(engine: TestDockerEngine): Promise<RequirementResult> {
  const settings = dockerEngineSettings(engine);
  if (!settings.ok) return settings;
  try {
    const docker = new Docker(settings.options);
    // dockerode's typings omit ping's options; at run time it forwards abortSignal to the request.
    const ping = docker.ping.bind(docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping({ abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { ok: true };
  } catch (error) {
    return fail(`no ${ENGINE_LABEL[engine]} engine answers at ${settings.where} (${describeError(error)}); run: npm run testenv:start`);
  }
}
