/**
 * Benchmark of a full report over many connectors: BENCH_CONNECTORS (default 50) stand-in Connector
 * containers on the real Docker Engine, against one, in the same run. Every check runs, through the
 * same services the bot builds (src/root.ts) from a YAML configuration of the connectors.
 * Target: wall time of the 50-connector report / wall time of the 1-connector report ≤ 5.
 * Exits 1 when the target is missed or a report is incomplete.
 * Usage: node bench/report-fanout.ts (npm run bench:fanout)
 */
import { CHECK_IDS } from '../src/domain/check-result.ts';
import type { Services } from '../src/root.ts';
import { median, startStandinFleet } from './support/standin-fleet.ts';

const TARGET_RATIO = 5;
const count = Math.max(2, Number(process.env.BENCH_CONNECTORS ?? 50));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

const fleet = await startStandinFleet(count, 'fanout');
try {
  const one = await fleet.servicesFor(1, 'one');
  const many = await fleet.servicesFor(count, 'many');
  const time = async (services: Services) => {
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
  await fleet.close();
}
