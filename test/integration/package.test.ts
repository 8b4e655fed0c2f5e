import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, standinEnv, startStandinConnector, type StandinConnector } from '../support/standin.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Packing builds the code (prepack); installing resolves every dependency, from npm's cache where it can. */
const INSTALL_TIMEOUT_MS = 600_000;

let tmp: string;
let files: string[];
let installed: string;
/** The Node running the tests first on PATH: the installed command's `#!/usr/bin/env node` finds it. */
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'connector-ops-package-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, env: { ...process.env, PATH }, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  const [tarball] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = tarball!.files.map((file) => file.path).sort();
  const prefix = join(tmp, 'prefix');
  await run('npm', ['install', '--global', '--prefix', prefix, join(tmp, tarball!.filename), '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: tmp,
    env: { ...process.env, PATH },
    timeout: INSTALL_TIMEOUT_MS,
  });
  installed = join(prefix, 'bin', 'connector-ops');
}, INSTALL_TIMEOUT_MS * 2);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The installed command, with nothing of the environment but PATH, its own DATA_DIR and `env`. */
function connectorOps(args: string[], env: Record<string, string> = {}) {
  return run(installed, args, { cwd: tmp, env: { PATH, DATA_DIR: join(tmp, 'data'), ...env }, timeout: 60_000 });
}

describe('the npm package', () => {
  it('holds the built code, README, LICENSE, the manifests, the examples and the report schema, and nothing else: no sources, tests or source maps', () => {
    const outside = files.filter((path) => !/^(dist\/.+\.js|manifests\/.+|examples\/.+|schemas\/.+|README\.md|LICENSE|package\.json|\.env\.example)$/.test(path));
    expect(outside).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/bin.js', 'dist/cli.js', 'manifests/slack/manifest.yml', 'manifests/teams/manifest.json', 'examples/compose.yml', 'examples/prometheus-rules.yml', 'schemas/report.schema.json']));
    expect(files.filter((path) => path.endsWith('.map') || path.endsWith('.ts'))).toEqual([]);
  });

  it('installed globally, connector-ops answers --version and --help', async () => {
    expect((await connectorOps(['--version'])).stdout).toBe(`${VERSION}\n`);
    const help = await connectorOps(['--help']);
    expect(help.stdout).toContain('connector-ops check [connector...]');
    expect(help.stderr).toBe('');
  });
});

const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

describeWith(
  [async () => (existsSync(SYSTEMD_ANALYZE) ? { ok: true } : { ok: false, reason: `no ${SYSTEMD_ANALYZE} (Debian's package systemd)` })],
  'the example systemd unit with the installed package',
  () => {
    it('passes systemd-analyze verify, without a warning, when it starts the installed command', async () => {
      const unit = readFileSync(join(ROOT, 'examples/connector-ops.service'), 'utf8');
      expect(unit).toContain('ExecStart=/usr/local/bin/connector-ops start');
      const here = join(tmp, 'connector-ops.service');
      writeFileSync(here, unit.replace('ExecStart=/usr/local/bin/connector-ops', `ExecStart=${installed}`));
      const verified = await run(SYSTEMD_ANALYZE, ['verify', here], { timeout: 60_000 });
      expect(verified.stderr).toBe('');
    });
  },
);

describeWith([requireDocker, requireStandinImage], 'the installed package against a stand-in Connector', () => {
  let standin: StandinConnector;
  beforeAll(async () => {
    standin = await startStandinConnector({ name: 'installed' });
  });
  afterAll(async () => {
    await removeAllStandins();
  });

  it('installed globally, connector-ops check reports the stand-in through the engine', async () => {
    const check = await connectorOps(['check', '--only', 'health,container', '--json'], standinEnv(standin, 'installed'));
    expect(JSON.parse(check.stdout)).toMatchObject({
      status: 'ok',
      connectors: [{ name: 'installed', status: 'ok', checks: [{ id: 'health', status: 'ok' }, { id: 'container', status: 'ok' }] }],
    });
  });
});
