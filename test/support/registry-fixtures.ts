import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { RequirementResult } from './requirements.ts';
import { freePort } from './standin.ts';

/**
 * Registries for integration tests: extra instances of the real Distribution registry (with htpasswd
 * or token authentication), the token service that the token-auth registry trusts, a loopback
 * server that answers 500 in place of a broken registry, and test images built from busybox.
 */

export const REGISTRY_BINARY = process.env.TEST_REGISTRY_BINARY ?? '/usr/bin/docker-registry';
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((candidate) => existsSync(candidate)) ?? '/bin/busybox';
const START_TIMEOUT_MS = 10_000;

/** The registry binary, perl's bcrypt (for htpasswd) and openssl (for the token certificate) are present. */
export async function requireRegistryTools(): Promise<RequirementResult> {
  if (!existsSync(REGISTRY_BINARY)) {
    return { ok: false, reason: `${REGISTRY_BINARY} is missing (apt-get install docker-registry)` };
  }
  try {
    bcryptHash(await run('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', 'probe', '$2b$04$abcdefghijklmnopqrstuu']));
    await run('openssl', ['version']);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `perl with bcrypt crypt() or openssl missing: ${String(error)}` };
  }
}

export async function requireBusybox(): Promise<RequirementResult> {
  return existsSync(BUSYBOX) ? { ok: true } : { ok: false, reason: 'busybox is missing (apt-get install busybox-static)' };
}

/** Runs a program; resolves with its stdout, rejects with its stderr. */
export function run(command: string, args: string[], input?: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim()}`)),
    );
    if (input) input.pipe(child.stdin);
    else child.stdin.end();
  });
}

// --- test images, built and pushed with the docker CLI -------------------------------------------

/**
 * Imports an image that holds busybox and a file /marker with `marker`: different markers make images
 * (and so digests) differ. The tar is reproducible, so the same marker gives the same layer each run.
 */
export async function importTestImage(reference: string, marker: string): Promise<void> {
  const rootfs = await mkdtemp(path.join(os.tmpdir(), 'cops-image-'));
  try {
    await mkdir(path.join(rootfs, 'bin'));
    await copyFile(BUSYBOX, path.join(rootfs, 'bin/busybox'));
    for (const applet of ['sh', 'sleep']) await symlink('busybox', path.join(rootfs, 'bin', applet));
    await writeFile(path.join(rootfs, 'marker'), `${marker}\n`);
    const tar = spawn('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', rootfs, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await run('docker', ['import', '--change', 'CMD ["/bin/sleep", "600"]', '-', reference], tar.stdout);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

export async function dockerPush(reference: string): Promise<void> {
  await run('docker', ['push', '--quiet', reference]);
}

// --- extra registry processes ------------------------------------------------------------------

export interface TestRegistry {
  /** `127.0.0.1:port`, as it appears in image references. */
  host: string;
  stop(): Promise<void>;
}

export type RegistryAuth = { htpasswd: Record<string, string> } | { token: TokenServer };

/** Starts the Distribution registry on a free loopback port with its own storage, optionally with authentication. */
export async function startRegistry(auth?: RegistryAuth): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cops-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'data'))} } }`,
    `http: { addr: ${JSON.stringify(host)}, secret: ${randomBytes(8).toString('hex')} }`,
  ];
  if (auth && 'htpasswd' in auth) {
    const file = path.join(dir, 'htpasswd');
    const entries = await Promise.all(Object.entries(auth.htpasswd).map(async ([user, password]) => `${user}:${await htpasswdHash(password)}`));
    await writeFile(file, entries.join('\n') + '\n');
    lines.push(`auth: { htpasswd: { realm: connector-ops-test, path: ${JSON.stringify(file)} } }`);
  } else if (auth) {
    const t = auth.token;
    lines.push(
      `auth: { token: { realm: ${JSON.stringify(t.realm)}, service: ${t.service}, issuer: ${t.issuer}, rootcertbundle: ${JSON.stringify(t.certFile)} } }`,
    );
  }
  const config = path.join(dir, 'config.yml');
  await writeFile(config, lines.join('\n') + '\n');

  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForRegistry(host, child);
  } catch (error) {
    await stop();
    throw new Error(`registry on ${host} did not start: ${String(error)}\n${log}`, { cause: error });
  }
  return { host, stop };
}

async function waitForRegistry(host: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * A bcrypt hash for htpasswd: the registry accepts nothing else. perl's crypt() is glibc's libxcrypt
 * on Debian, which does bcrypt (`$2b$`); no htpasswd binary (apache2-utils) or npm package is needed.
 */
async function htpasswdHash(password: string): Promise<string> {
  // bcrypt's alphabet; the 22nd salt character carries only 2 bits, so it is one of `.Oeu`.
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const salt = [...randomBytes(21)].map((byte) => alphabet[byte % 64]).join('') + '.Oeu'[randomBytes(1)[0]! % 4];
  const script = 'print crypt($ARGV[0], $ARGV[1])';
  return bcryptHash(await run('perl', ['-e', script, password, `$2b$05$${salt}`]));
}

function bcryptHash(output: string): string {
  if (!/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(output)) throw new Error(`crypt() gave no bcrypt hash: ${output}`);
  return output;
}

// --- the token service of a token-auth registry --------------------------------------------------

export interface TokenServerOptions {
  /** Users allowed to pull and push everything. */
  users: Record<string, string>;
  /** Repositories that anonymous clients may pull, as ghcr.io does for public images. */
  publicRepositories?: string[];
  expiresInSeconds?: number;
  /** Docker Hub and ghcr.io answer `token`; OAuth-style services answer `access_token`. */
  tokenField?: 'token' | 'access_token';
}

export interface TokenRequest {
  user?: string;
  service: string | null;
  scopes: string[];
}

/**
 * A token service as the distribution token spec describes it: `GET /token?service=…&scope=…` with optional
 * basic credentials, answering a JWT (ES256, certificate in `x5c`) that the registry verifies against the
 * certificate in its `rootcertbundle`.
 */
export class TokenServer {
  readonly service = 'connector-ops-test-registry';
  readonly issuer = 'connector-ops-test-token-service';
  readonly requests: TokenRequest[] = [];
  realm = '';

  private readonly options: TokenServerOptions;
  readonly certFile: string;
  private readonly dir: string;
  private readonly key: KeyObject;
  private readonly certificate: string;
  private readonly server: http.Server;

  private constructor(
    options: TokenServerOptions,
    certFile: string,
    dir: string,
    key: KeyObject,
    certificate: string,
    server: http.Server) {
    this.options = options;
    this.certFile = certFile;
    this.dir = dir;
    this.key = key;
    this.certificate = certificate;
    this.server = server;
  }

  static async start(options: TokenServerOptions): Promise<TokenServer> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cops-token-'));
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=connector-ops-test-token-service',
    ]);
    const key = createPrivateKey(await readFile(keyFile));
    const certificate = new X509Certificate(await readFile(certFile)).raw.toString('base64');
    const server = http.createServer();
    const tokens = new TokenServer(options, certFile, dir, key, certificate, server);
    server.on('request', (request, response) => tokens.answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokens.realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    return tokens;
  }

  /** A token for `subject` with the given access, signed as the registry expects. */
  mint(subject: string, access: Array<{ name: string; actions: string[] }>): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ typ: 'JWT', alg: 'ES256', x5c: [this.certificate] });
    const claims = encode({
      iss: this.issuer,
      sub: subject,
      aud: this.service,
      exp: now + (this.options.expiresInSeconds ?? 300),
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: access.map((a) => ({ type: 'repository', ...a })),
    });
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: this.key, dsaEncoding: 'ieee-p1363' });
    return `${header}.${claims}.${signature.toString('base64url')}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
    await rm(this.dir, { recursive: true, force: true });
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope');
    const credentials = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    let user: string | undefined;
    if (credentials) {
      const [name = '', ...rest] = Buffer.from(credentials, 'base64').toString().split(':');
      if (this.options.users[name] !== rest.join(':')) {
        this.requests.push({ service: url.searchParams.get('service'), scopes });
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      user = name;
    }
    this.requests.push({ ...(user ? { user } : {}), service: url.searchParams.get('service'), scopes });
    // Like Docker Hub: an anonymous client gets a token all the same, holding only what it may do.
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const granted = user
        ? actions.split(',')
        : this.options.publicRepositories?.includes(name) ? ['pull'] : [];
      return granted.length > 0 ? [{ name, actions: granted }] : [];
    });
    const token = this.mint(user ?? '', access);
    const body = {
      [this.options.tokenField ?? 'token']: token,
      expires_in: this.options.expiresInSeconds ?? 300,
      issued_at: new Date().toISOString(),
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

// --- a broken registry -------------------------------------------------------------------------

/** A loopback HTTP server that answers every request with `status`, in place of a failing registry. */
export async function startBrokenRegistry(status = 500): Promise<TestRegistry & { requests: number }> {
  const server = http.createServer((_request, response) => {
    state.requests++;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end('{"errors":[{"code":"UNKNOWN","message":"unknown error"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return state;
}

// --- pushing through the Registry API ----------------------------------------------------------

/**
 * Pushes a minimal image (a config and one layer holding `content`) under `tag` through the Registry API,
 * for registries the Docker Engine would need a login for. Returns the manifest digest.
 */
export async function pushViaApi(
  host: string,
  repository: string,
  tag: string,
  content: string,
  authorization?: string,
): Promise<string> {
  const base = `http://${host}/v2/${repository}`;
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const layer = Buffer.from(content);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] }, config: {} }),
  );
  for (const blob of [layer, config]) await uploadBlob(base, blob, headers);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: digestOf(config) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: digestOf(layer) }],
  });
  const response = await fetch(`${base}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: manifest,
  });
  await expectStatus(response, 201, `PUT manifest ${repository}:${tag}`);
  return response.headers.get('docker-content-digest') ?? digestOf(Buffer.from(manifest));
}

async function uploadBlob(base: string, blob: Buffer, headers: Record<string, string>): Promise<void> {
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers });
  await expectStatus(start, 202, 'POST blob upload');
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digestOf(blob));
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(blob),
  });
  await expectStatus(put, 201, 'PUT blob');
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${body}`);
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
