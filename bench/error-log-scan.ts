/**
 * Benchmark of the error-logs check: a container on the real Docker Engine holds BENCH_LOG_MB
 * (default 1024) MiB of Connector-format log lines, and 100 MiB for comparison. For each size:
 *   baseline  `docker logs <container> > /dev/null` (the docker CLI, same engine, same container)
 *   ours      the check's real code path in a child process (Docker log stream → demultiplexer →
 *             line splitter → parser → grouper), its scan time and its peak RSS
 * Targets: throughput ratio (baseline time / our time) ≥ 0.8; peak RSS < 150 MB and about the same
 * at every size. Each is measured BENCH_RUNS times (default 2), alternating, best run counted.
 * Exits 1 when a target is missed or the scan miscounts.
 * Usage: npm run bench:logs
 * (node --max-semi-space-size=16 bench/error-log-scan.ts,
 * the young generation the image and the unit run the bot with)
 */
import { testDockerClient } from '../test/support/builders.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConnectorLog } from './support/connector-log.ts';
import { loadTestEnvironment } from './support/docker-env.ts';

const IMAGE = 'cops-bench-busybox:latest';
const CHUNK_BYTES = 1024 * 1024;
const TARGET_RATIO = 0.8;
const TARGET_RSS_MB = 150;
/** "About the same": the largest size's peak RSS within this factor of the smallest's. */
const RSS_GROWTH_LIMIT = 1.25;
const here = dirname(fileURLToPath(import.meta.url));

interface Measurement {
  mb: number;
  lines: number;
  errors: number;
  baselineS: number;
  oursS: number;
  /** CPU time of our process: how much of the wall time the scan itself was busy. */
  oursCpuS: number;
  peakRssMb: number;
  summary: string;
}

loadTestEnvironment();
const docker = testDockerClient();
const sizes = [...new Set([100, Number(process.env.BENCH_LOG_MB ?? 1024)])].filter((mb) => mb > 0).sort((a, b) => a - b);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));

await docker.ping();
requireCommand('docker', ['version', '--format', '{{.Server.Version}}']);
const importedImage = await ensureImage();
const work = await mkdtemp(join(tmpdir(), 'cops-bench-'));
const measurements: Measurement[] = [];
try {
  const chunk = generateConnectorLog(CHUNK_BYTES, new Date());
  const chunkFile = join(work, 'chunk.log');
  await writeFile(chunkFile, chunk.bytes);
  console.log(
    `chunk: ${(chunk.bytes.length / 1024 / 1024).toFixed(2)} MiB, ${chunk.lines} lines, ${chunk.errors} errors with stacks; sizes ${sizes.join(', ')} MiB; best of ${runs}`,
  );
  for (const mb of sizes) measurements.push(await measure(mb, chunkFile, chunk.lines, chunk.errors));
} finally {
  await rm(work, { recursive: true, force: true });
  if (importedImage) await docker.getImage(IMAGE).remove().catch(() => undefined);
}
report(measurements);

async function measure(mb: number, chunkFile: string, chunkLines: number, chunkErrors: number): Promise<Measurement> {
  const container = await docker.createContainer({
    Image: IMAGE,
    // The container writes the log itself: `cat` of the prepared chunk, mb times, to stdout.
    Entrypoint: ['/bin/busybox', 'sh', '-c', `i=0; while [ $i -lt ${mb} ]; do /bin/busybox cat /chunk.log; i=$((i+1)); done`],
    Labels: { 'connector-ops.bench': 'error-log-scan' },
    HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'json-file', Config: {} } },
  });
  try {
    requireCommand('docker', ['cp', chunkFile, `${container.id}:/chunk.log`]);
    const generating = performance.now();
    await container.start();
    const exit = (await container.wait()) as { StatusCode: number };
    if (exit.StatusCode !== 0) throw new Error(`log generator exited with ${exit.StatusCode}`);
    console.log(`${mb} MiB: log written in ${seconds(performance.now() - generating)} s`);

    let baselineS = Infinity;
    let best: Awaited<ReturnType<typeof scanInChild>> | undefined;
    let peakRssMb = 0;
    for (let run = 0; run < runs; run++) {
      const baseline = await timeBaseline(container.id);
      baselineS = Math.min(baselineS, baseline);
      const ours = await scanInChild(container.id);
      peakRssMb = Math.max(peakRssMb, ours.peakRssMb);
      if (!best || ours.oursS < best.oursS) best = ours;
      console.log(`  run ${run + 1}: baseline ${baseline.toFixed(2)} s, ours ${ours.oursS.toFixed(2)} s, peak RSS ${ours.peakRssMb.toFixed(0)} MB`);
    }
    if (!best) throw new Error('no run');
    if (best.errors !== chunkErrors * mb || best.lines !== chunkLines * mb) {
      throw new Error(
        `scan miscounted: ${best.errors} errors in ${best.lines} lines, expected ${chunkErrors * mb} in ${chunkLines * mb} (${best.summary})`,
      );
    }
    return { mb, lines: best.lines, errors: best.errors, baselineS, oursS: best.oursS, oursCpuS: best.oursCpuS, peakRssMb, summary: best.summary };
  } finally {
    await container.remove({ force: true });
  }
}

/** `docker logs <container> > /dev/null`, wall time in seconds. */
async function timeBaseline(container: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('docker', ['logs', container], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker logs exited with ${code}`))));
  });
  return (performance.now() - started) / 1000;
}

async function scanInChild(container: string) {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'support', 'scan-child.ts'), container], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (text += data));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`scan child exited with ${code}`))));
  });
  const { scanMs, peakRssKb, cpuMs, result } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
    scanMs: number;
    peakRssKb: number;
    cpuMs: number;
    result: { summary: string; details: { label: string; value: string }[] };
  };
  const source = result.details.find((detail) => detail.label === 'container logs')?.value ?? '';
  return {
    oursS: scanMs / 1000,
    oursCpuS: cpuMs / 1000,
    peakRssMb: peakRssKb / 1024,
    summary: result.summary,
    errors: Number(/^(\d+) errors?/.exec(result.summary)?.[1] ?? -1),
    lines: Number(/: (\d+) lines?,/.exec(source)?.[1] ?? -1),
  };
}

/** A busybox-only image, imported from the machine's static busybox unless it is there already. */
async function ensureImage(): Promise<boolean> {
  try {
    await docker.getImage(IMAGE).inspect();
    return false;
  } catch {
    const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
    if (!busybox) throw new Error('busybox not found (apt-get install busybox-static)');
    const root = await mkdtemp(join(tmpdir(), 'cops-bench-root-'));
    try {
      await mkdir(join(root, 'bin'));
      await copyFile(busybox, join(root, 'bin', 'busybox'));
      requireCommand('sh', ['-c', `tar -C "${root}" -c . | docker import - ${IMAGE} >/dev/null`]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    return true;
  }
}

function requireCommand(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
}

function report(rows: Measurement[]): void {
  const header = ['MiB', 'lines', 'errors', 'baseline s', 'ours s', 'ours CPU s', 'ours MB/s', 'ratio', 'peak RSS MB'];
  const table = rows.map((row) => [
    String(row.mb),
    row.lines.toLocaleString('en'),
    row.errors.toLocaleString('en'),
    row.baselineS.toFixed(2),
    row.oursS.toFixed(2),
    row.oursCpuS.toFixed(2),
    (row.mb / row.oursS).toFixed(1),
    (row.baselineS / row.oursS).toFixed(2),
    row.peakRssMb.toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  console.log('\nerror-log scan: the check over a container log (json-file) vs `docker logs > /dev/null`');
  console.log(line(header));
  for (const cells of table) console.log(line(cells));

  const ratios = rows.map((row) => row.baselineS / row.oursS);
  const rss = rows.map((row) => row.peakRssMb);
  const growth = Math.max(...rss) / Math.min(...rss);
  const verdicts = [
    [`throughput ratio ≥ ${TARGET_RATIO}`, Math.min(...ratios) >= TARGET_RATIO],
    [`peak RSS < ${TARGET_RSS_MB} MB`, Math.max(...rss) < TARGET_RSS_MB],
    [`peak RSS flat across sizes (×${growth.toFixed(2)}, limit ×${RSS_GROWTH_LIMIT})`, growth <= RSS_GROWTH_LIMIT],
  ] as const;
  for (const [target, met] of verdicts) console.log(`${met ? 'met   ' : 'MISSED'} ${target}`);
  if (verdicts.some(([, met]) => !met)) process.exitCode = 1;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
