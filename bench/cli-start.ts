/**
 * Benchmark of the command's start: whole processes, as cron or an operator's shell runs them. In one run,
 * BENCH_RUNS rounds (default 7) of, side by side, `node -e ""` (bare Node), `connector-ops --version` and
 * `connector-ops check --only health` against one stand-in Connector container on the test environment's engine
 * (found through the engine, read over its HTTP). Each process is timed from its spawn to its exit, and its peak
 * memory (maximum resident set size) is read by /usr/bin/time. Prints the medians and their ratios to bare Node.
 * Target: `--version` within 2x of bare Node's wall time. Exits 1 only on a broken run (a wrong version, a check
 * that is not ok, no /usr/bin/time); never on timing: the ratios are for the reader.
 * Usage: npm run bench:start (builds dist/ first); BENCH_BIN=<path of a bin.js> measures another build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadTestEnv } from '../test/support/requirements.ts';
import { removeAllStandins, standinEnv, startStandinConnector } from '../test/support/standin.ts';
import { median } from './support/stats.ts';

const TARGET_VERSION_RATIO = 2;
const TIME = '/usr/bin/time';
const ROOT = resolve(import.meta.dirname, '..');
const bin = resolve(process.env.BENCH_BIN ?? join(ROOT, 'dist/bin.js'));
const rounds = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Reading {
  wallMs: number;
  peakKiB: number;
  stdout: string;
}

interface Subject {
  label: string;
  args: string[];
  env?: Record<string, string>;
  /** What is wrong with the output; undefined when it is what this process must print. */
  problem(stdout: string): string | undefined;
}

/** One process under /usr/bin/time: its wall time from spawn to exit, its peak RSS, and what it printed. */
function measure(subject: Subject, scratch: string): Promise<Reading> {
  const timeFile = join(scratch, 'time.txt');
  const began = performance.now();
  return new Promise((done, reject) => {
    execFile(TIME, ['-f', '%M', '-o', timeFile, process.execPath, ...subject.args], { cwd: scratch, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA_DIR: join(scratch, 'data'), ...subject.env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const wallMs = performance.now() - began;
      // check exits by the report's status; its output is judged below.
      if (error && typeof error.code !== 'number') return reject(new Error(`${subject.label}: ${error.message}\n${stderr}`));
      done({ wallMs, peakKiB: Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()), stdout });
    });
  });
}

async function main(): Promise<number> {
  if (!existsSync(TIME)) {
    console.error(`${TIME} is needed to read the peak memory of a process (Debian's package "time").`);
    return 1;
  }
  if (!existsSync(bin)) {
    console.error(`${bin} does not exist: run npm run build first (npm run bench:start does).`);
    return 1;
  }
  loadTestEnv();
  const scratch = mkdtempSync(join(tmpdir(), 'connector-ops-bench-start-'));
  const standin = await startStandinConnector({ name: 'bench-start' });
  try {
    const subjects: Subject[] = [
      { label: 'node -e ""', args: ['-e', ''], problem: () => undefined },
      { label: 'connector-ops --version', args: [bin, '--version'], problem: (out) => (out.trim() === VERSION ? undefined : `printed ${JSON.stringify(out)}, not ${VERSION}`) },
      {
        label: 'connector-ops check --only health',
        args: [bin, 'check', '--only', 'health', '--json'],
        env: standinEnv(standin, 'bench'),
        problem: (out) => {
          const status = (JSON.parse(out) as { status?: string }).status;
          return status === 'ok' ? undefined : `reported ${String(status)}, not ok`;
        },
      },
    ];
    // A warm-up of each (the page cache, Node's and Docker's first answers), then the rounds side by side.
    for (const subject of subjects) await measure(subject, scratch);
    const readings = new Map<Subject, Reading[]>(subjects.map((subject) => [subject, []]));
    const problems: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
        const reading = await measure(subject, scratch);
        const problem = subject.problem(reading.stdout);
        if (problem) problems.push(`${subject.label}, round ${round + 1}: ${problem}`);
        readings.get(subject)!.push(reading);
      }
    }

    const wall = (subject: Subject) => median(readings.get(subject)!.map((r) => r.wallMs));
    const peak = (subject: Subject) => median(readings.get(subject)!.map((r) => r.peakKiB));
    const [bare, version] = subjects as [Subject, Subject, Subject];
    console.log(`whole-process start, ${bin}, median of ${rounds} rounds (the ratio is to bare Node)`);
    console.log('| process | wall time | ratio | peak RSS | ratio |');
    console.log('|---|---|---|---|---|');
    for (const subject of subjects) {
      console.log(`| ${subject.label} | ${(wall(subject) / 1000).toFixed(3)} s | ${(wall(subject) / wall(bare)).toFixed(2)} | ${(peak(subject) / 1024).toFixed(1)} MiB | ${(peak(subject) / peak(bare)).toFixed(2)} |`);
    }
    const ratio = wall(version) / wall(bare);
    console.log(`target: --version within ${TARGET_VERSION_RATIO}x of bare Node: ${ratio <= TARGET_VERSION_RATIO ? 'met' : 'missed'} (${ratio.toFixed(2)})`);
    for (const problem of problems) console.error(`broken run: ${problem}`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await removeAllStandins();
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await main();
