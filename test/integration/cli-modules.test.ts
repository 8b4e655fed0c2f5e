import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_BIN } from '../support/bot-process.ts';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, standinEnv, startStandinConnector, type StandinConnector } from '../support/standin.ts';

const RECORDER = resolve(import.meta.dirname, '../support/record-modules.ts');
/** The packages a fast start must not read: the Docker client, the MongoDB driver, the chat SDKs, the configuration's parsers. */
const HEAVY = ['dockerode', 'mongodb', '@slack/', '@microsoft/', 'zod', 'yaml', 'pino', 'prom-client', 'systeminformation'];
const CHAT_SDKS = ['@slack/', '@microsoft/'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The URLs of every module the process resolved. */
  modules: string[];
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'connector-ops-modules-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `connector-ops` as its entry point runs, with the modules it resolved recorded; nothing of the environment but PATH and `env`. */
function recorded(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const file = join(tmp, `modules-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, BOT_BIN, ...args], {
      cwd: tmp,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA_DIR: join(tmp, 'data'), RECORD_MODULES_FILE: file, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) }));
  });
}

/** The packages of `names` (a name ending in / is a scope) among the modules resolved. */
function loaded(run: Run, names: readonly string[]): string[] {
  const packages = run.modules.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  return [...new Set(packages.filter((name) => names.some((wanted) => (wanted.endsWith('/') ? name.startsWith(wanted) : name === wanted))))].sort();
}

describe('what connector-ops loads to answer --version and --help', () => {
  it('--version reads no package and no configuration: builtins and the usage texts only', async () => {
    const run = await recorded(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.modules.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    expect(run.modules.filter((url) => /\/(config\/load|root|main)\.ts$/.test(url))).toEqual([]);
  });

  it('--help reads no package and no configuration either', async () => {
    const run = await recorded(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage:');
    expect(loaded(run, HEAVY)).toEqual([]);
    expect(run.modules.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    expect(run.modules.filter((url) => /\/(config\/load|root|main)\.ts$/.test(url))).toEqual([]);
  });

  it('audit builds the whole bot, yet loads no chat SDK while no chat adapter has started', async () => {
    const run = await recorded(['audit', '--json'], {
      DOCKER_HOST: `unix://${join(tmp, 'no-engine.sock')}`,
      SLACK_BOT_TOKEN: 'xoxb-modules-test',
      SLACK_APP_TOKEN: 'xapp-modules-test',
      TEAMS_APP_ID: '00000000-0000-4000-8000-000000000001',
      TEAMS_APP_PASSWORD: 'modules-test-secret',
      TEAMS_TENANT_ID: '00000000-0000-4000-8000-000000000002',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(loaded(run, ['dockerode'])).toEqual(['dockerode']);
    expect(loaded(run, CHAT_SDKS)).toEqual([]);
  });
});

describeWith([requireDocker, requireStandinImage], 'what `connector-ops check` loads against a stand-in Connector', () => {
  let standin: StandinConnector;
  beforeAll(async () => {
    standin = await startStandinConnector({ name: 'modules' });
  });
  afterAll(async () => {
    await removeAllStandins();
  });

  it('check --only health reads the Connector through the engine without the MongoDB driver or a chat SDK', async () => {
    const run = await recorded(['check', '--only', 'health', '--json'], standinEnv(standin, 'modules'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'ok', connectors: [{ name: 'modules', checks: [{ id: 'health', status: 'ok' }] }] });
    expect(loaded(run, ['dockerode', 'mongodb', 'systeminformation', ...CHAT_SDKS])).toEqual(['dockerode']);
  });
});
