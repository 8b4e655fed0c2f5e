import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeWith,
  dockerEngineSettings,
  requireDockerEngine,
  type DockerEngineSettings,
  type TestDockerEngine,
} from '../support/requirements.ts';

/**
 * The fixture that tests of one Docker engine per connector stand on: scripts/testenv.sh runs three
 * real, distinct engines (unix socket, another unix socket, tcp with TLS verification of both sides),
 * each holding the stand-in Connector image, and the TLS engine lets in only the client certificate
 * that testenv made.
 */

const run = promisify(execFile);
const ENGINES: readonly TestDockerEngine[] = ['first', 'second', 'tls'];
const CALL_TIMEOUT_MS = 10_000;
// As scripts/testenv.sh wrote it (loaded by requirements.ts); its default otherwise.
const STANDIN_IMAGE = process.env.TEST_STANDIN_IMAGE ?? '127.0.0.1:5000/nmshd/connector:7.4.6';

function settingsOf(engine: TestDockerEngine): Extract<DockerEngineSettings, { ok: true }> {
  const settings = dockerEngineSettings(engine);
  if (!settings.ok) throw new Error(settings.reason);
  return settings;
}

/** dockerode's typings omit the options of these calls; at run time they forward abortSignal. */
interface Bounded {
  info(options: { abortSignal: AbortSignal }): Promise<{ ID: string; DockerRootDir: string }>;
  version(options: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>;
  ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
}

function bounded(docker: Docker): Bounded {
  return docker as unknown as Bounded;
}

function client(engine: TestDockerEngine): Docker {
  return new Docker(settingsOf(engine).options);
}

const deadline = () => ({ abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) });

/** A ping through the given options, bounded in time; resolves with the error it failed with. */
async function pingError(options: Docker.DockerOptions): Promise<Error & { code?: string }> {
  try {
    await bounded(new Docker(options)).ping(deadline());
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('the engine answered');
}

/** The codes down the chain of causes (a TLS alert may arrive wrapped), and the messages, for failures. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: string }).code;
    if (code) codes.push(code);
  }
  return codes;
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
  return `${codesOf(error).join(', ')}: ${parts.join(' <- ')}`;
}

/** A CA that the TLS engine does not know, and a client certificate (clientAuth) it signed. */
async function foreignClientCertificate(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const config = path.join(dir, 'openssl.cnf');
  await writeFile(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = foreign',
      '[v3_ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      '[v3_client]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  const file = (name: string) => path.join(dir, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req', '-x509', '-new', '-config', config, '-extensions', 'v3_ca', ...newKey, '-days', '2',
    '-subj', '/CN=not the testenv CA', '-keyout', file('ca-key.pem'), '-out', file('ca.pem'),
  ]);
  await run('openssl', [
    'req', '-new', '-config', config, ...newKey, '-subj', '/CN=connector-ops-testenv-client',
    '-keyout', file('key.pem'), '-out', file('client.csr'),
  ]);
  await run('openssl', [
    'x509', '-req', '-in', file('client.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca-key.pem'),
    '-set_serial', '0x01', '-days', '2', '-extfile', config, '-extensions', 'v3_client', '-out', file('cert.pem'),
  ]);
  return { ca: await readFile(file('ca.pem'), 'utf8'), cert: await readFile(file('cert.pem'), 'utf8'), key: await readFile(file('key.pem'), 'utf8') };
}

describeWith(
  ENGINES.map((engine) => () => requireDockerEngine(engine)),
  'Docker engines of the test environment',
  () => {
    const infos = {} as Record<TestDockerEngine, { ID: string; DockerRootDir: string }>;

    beforeAll(async () => {
      for (const engine of ENGINES) infos[engine] = await bounded(client(engine)).info(deadline());
    });

    it.each(ENGINES)('the %s engine answers version() and info()', async (engine) => {
      const version = await bounded(client(engine)).version(deadline());
      expect(version.ApiVersion).toMatch(/^1\.\d+$/);
      expect(version.Version).toBeTruthy();
      expect(infos[engine].ID).toMatch(/\S/);
    });

    it.each(ENGINES)('the %s engine holds the stand-in Connector image', async (engine) => {
      const image = await client(engine).getImage(STANDIN_IMAGE).inspect();
      expect(image.RepoTags).toContain(STANDIN_IMAGE);
      expect(image.Config.Labels?.['connector-ops.standin.hash']).toMatch(/^[0-9a-f]{32}$/);
    });

    it('the image is the same on every engine', async () => {
      const ids = await Promise.all(ENGINES.map(async (engine) => (await client(engine).getImage(STANDIN_IMAGE).inspect()).Id));
      // build-image.sh run by hand updates the first engine only; testenv.sh start brings the others up to date.
      expect(new Set(ids).size, `${STANDIN_IMAGE} differs between the engines (${ids.join(', ')}); run: npm run testenv:start`).toBe(1);
    });

    it('the engines are three distinct engines', () => {
      expect(new Set(ENGINES.map((engine) => infos[engine].ID)).size).toBe(3);
      expect(new Set(ENGINES.map((engine) => infos[engine].DockerRootDir)).size).toBe(3);
    });

    it('the second engine is on its own unix socket, the TLS engine on tcp://127.0.0.1', () => {
      const first = settingsOf('first').options;
      const second = settingsOf('second').options;
      const tls = settingsOf('tls').options;
      expect(second.socketPath).toMatch(/\.sock$/);
      expect(second.socketPath).not.toBe(first.socketPath);
      expect(tls).toMatchObject({ host: '127.0.0.1', protocol: 'https' });
    });

    describe('TLS verification of the TLS engine', describeTlsRefusals);
  },
);

function describeTlsRefusals(): void {
  let foreign: { ca: string; cert: string; key: string };
  let dir: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cops-foreign-ca-'));
    foreign = await foreignClientCertificate(dir);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the TLS engine refuses a client without a certificate', async () => {
    const { host, port, ca, cert, key } = settingsOf('tls').options;
    // The same client with testenv's certificate is let in: only the certificate differs.
    await expect(bounded(new Docker({ host, port, protocol: 'https', ca, cert, key })).ping(deadline())).resolves.toBeTruthy();
    const error = await pingError({ host, port, protocol: 'https', ca });
    // Go's TLS server answers a missing client certificate with an alert (the engine logs
    // "tls: client didn't provide a certificate"): TLS 1.2 sends bad_certificate, 1.3 certificate_required.
    expect(codesOf(error), errorText(error)).toContainEqual(
      expect.stringMatching(/^ERR_SSL_SSL\/TLS_ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED)$/),
    );
  });

  it('the TLS engine refuses a client certificate from another CA', async () => {
    const { host, port, ca } = settingsOf('tls').options;
    const error = await pingError({ host, port, protocol: 'https', ca, cert: foreign.cert, key: foreign.key });
    // The engine logs "tls: failed to verify client certificate: x509: certificate signed by unknown authority".
    expect(codesOf(error), errorText(error)).toContainEqual(expect.stringMatching(/^ERR_SSL_SSL\/TLS_ALERT_(BAD_CERTIFICATE|UNKNOWN_CA)$/));
  });

  it('the TLS engine speaks only TLS, and a client that trusts another CA does not talk to it', async () => {
    const { host, port, cert, key } = settingsOf('tls').options;
    const plain = await pingError({ host, port, protocol: 'http' });
    expect(plain.message).toMatch(/HTTP code 400.*Client sent an HTTP request to an HTTPS server/s);
    // The client verifies the engine too: its certificate chains to testenv's CA only.
    const untrusted = await pingError({ host, port, protocol: 'https', ca: foreign.ca, cert, key });
    expect(codesOf(untrusted), errorText(untrusted)).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
}
