import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'src/bin.ts');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
const run = promisify(execFile);

/**
 * A Node.js too old for the bot but new enough for the guard's own ES2020 (14 to 21): TEST_OLD_NODE (`.ci/run`
 * sets it with scripts/old-node.sh), else one found on this machine.
 */
function findOldNode(): { path: string; version: string } | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin', '/bin'];
  const candidates = [process.env.TEST_OLD_NODE, ...directories.filter(Boolean).map((directory) => join(directory, 'node'))];
  for (const path of new Set(candidates.filter((candidate): candidate is string => Boolean(candidate)))) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '';
    const major = Number.parseInt(version, 10);
    if (major >= 14 && major < 22) return { path, version };
  }
  return undefined;
}

let tmp: string;
let builtBin: string;
let built: string;

beforeAll(() => {
  // The guard alone, emitted as the build emits it: Node 20 cannot run .ts, and the guard must not need the
  // rest of the build. `.mts` makes transpileModule emit ES modules, as package.json "type": "module" does.
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  built = ts.transpileModule(readFileSync(BIN, 'utf8'), { compilerOptions: config?.options ?? {}, fileName: 'bin.mts' }).outputText;
  // Laid out as in the package: dist/bin.js beside package.json, which holds the minimum version.
  tmp = mkdtempSync(join(tmpdir(), 'connector-ops-guard-'));
  mkdirSync(join(tmp, 'dist'));
  builtBin = join(tmp, 'dist', 'bin.js');
  writeFileSync(builtBin, built);
  copyFileSync(join(ROOT, 'package.json'), join(tmp, 'package.json'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Node.js version guard (src/bin.ts)', () => {
  it('on a Node.js older than engines.node, says so in one line and exits 2, without a stack trace', async (context) => {
    const old = findOldNode();
    if (!old) {
      const reason = 'no Node.js 14 to 21 on this machine (looked at TEST_OLD_NODE, on PATH, /usr/local/bin, /usr/bin, /bin; scripts/old-node.sh provides one)';
      // CI must exercise the guard: .ci/run provides the old Node.
      if (process.env.CI === 'true') throw new Error(reason);
      console.log(`skipped: ${reason}`);
      return context.skip(reason);
    }
    const result = await run(old.path, [builtBin, 'start'], { cwd: tmp, timeout: 20_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    // engines.node is the one place the minimum is written: a form the guard cannot read shows up here.
    const needed = PKG.engines.node.replace(/^>=\s*/, '');
    expect(result.stderr).toBe(`connector-ops: needs Node.js ${needed} or newer (24 LTS recommended); this is Node.js ${old.version}.\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('is emitted by the build with the import of ./cli.js that dist/ holds', () => {
    expect(built).toContain('import("./cli.js")');
    expect(built).not.toContain('require(');
  });

  it('on this Node.js, hands over to the CLI: --version prints the version', async () => {
    const { stdout, stderr } = await run(process.execPath, [BIN, '--version'], { cwd: tmp, timeout: 20_000 });
    expect(stdout).toBe(`${PKG.version}\n`);
    expect(stderr).not.toContain('needs Node.js');
  });
});
