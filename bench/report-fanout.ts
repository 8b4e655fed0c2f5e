/**
 * Benchmark of a full report over many connectors: BENCH_CONNECTORS (default 50) stand-in Connector
 * containers on the real Docker Engine, against one, in the same run. Every check runs, through the
 * same services the bot builds (src/root.ts) from a YAML configuration of the connectors.
 * Target: wall time of the 50-connector report / wall time of the 1-connector report ≤ 5.
 * Exits 1 when the target is missed or a report is incomplete.
 * Usage: node bench/report-fanout.ts (npm run bench:fanout)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import { CHECK_IDS } from '../src/domain/check-result.ts';
import { createServices } from '../src/root.ts';
import { loadTestEnv } from '../test/support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../test/support/standin.ts';

const TARGET_RATIO = 5;
const count = Math.max(2, Number(process.env.BENCH_CONNECTORS ?? 50));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

loadTestEnv();
const work = await mkdtemp(join(tmpdir(), 'cops-bench-fanout-'));
const standins: StandinConnector[] = [];
try {
  process.stdout.write(`starting ${count} stand-in Connectors… `);
  const started = performance.now();
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, j) => startStandinConnector({ name: `bench${i + j}` })),
    );
    standins.push(...batch);
  }
  process.stdout.write(`ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

  const servicesFor = async (selection: StandinConnector[], label: string) => {
    const file = join(work, `${label}.yml`);
    await writeFile(
      file,
      stringify({
        connectors: selection.map((s, i) => ({ name: `c${i}`, container: s.name, url: s.url, apiKey: s.apiKey })),
      }),
    );
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file, DATA_DIR: join(work, label), DOCKER_HOST: process.env.DOCKER_HOST });
    return createServices(config, pino({ level: 'silent' }));
  };

  const one = await servicesFor(standins.slice(0, 1), 'one');
  const many = await servicesFor(standins, 'many');
  const time = async (services: Awaited<ReturnType<typeof servicesFor>>) => {
    const t0 = performance.now();
    const report = await services.runner.run(services.config.connectors, CHECK_IDS);
    const seconds = (performance.now() - t0) / 1000;
    const checks = report.connectors.reduce((n, c) => n + c.checks.length, 0);
    const unknown = report.connectors.flatMap((c) => c.checks.filter((k) => k.status === 'unknown').map((k) => `${c.name}/${k.id}: ${k.summary}`));
    return { seconds, connectors: report.connectors.length, checks, unknown };
  };

  // One warm-up each, so both sides start with the registry answer cached and the modules loaded.
  await time(one);
  await time(many);
  const results: Array<{ one: number; many: number }> = [];
  let incomplete = '';
  for (let run = 0; run < runs; run++) {
    const a = await time(one);
    const b = await time(many);
    results.push({ one: a.seconds, many: b.seconds });
    if (b.connectors !== count) incomplete = `the ${count}-connector report has ${b.connectors} connectors`;
    if (b.unknown.length > 0) incomplete = `unknown results: ${b.unknown.slice(0, 3).join('; ')}`;
    console.log(`run ${run + 1}: 1 connector ${a.seconds.toFixed(2)} s (${a.checks} checks) · ${count} connectors ${b.seconds.toFixed(2)} s (${b.checks} checks) · ratio ${(b.seconds / a.seconds).toFixed(2)}`);
  }
  one.close();
  many.close();

  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const oneS = median(results.map((r) => r.one));
  const manyS = median(results.map((r) => r.many));
  const ratio = manyS / oneS;
  console.log('');
  console.log('| connectors | wall time (median of runs) | ratio to 1 | target |');
  console.log('|---|---|---|---|');
  console.log(`| 1 | ${oneS.toFixed(2)} s | 1.00 | |`);
  console.log(`| ${count} | ${manyS.toFixed(2)} s | ${ratio.toFixed(2)} | ≤ ${TARGET_RATIO} ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} |`);
  if (incomplete) console.log(`note: ${incomplete}`);
  process.exitCode = ratio <= TARGET_RATIO ? 0 : 1;
} finally {
  await removeAllStandins();
  await rm(work, { recursive: true, force: true });
}
