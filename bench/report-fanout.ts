/**
 * Benchmark of a full report over many connectors: BENCH_CONNECTORS (default 50) stand-in Connector
 * containers on the real Docker Engine, their HTTP served by one process of their own, against one, in the same
 * run. Every check runs, through the same services the bot builds (src/root.ts) from a YAML configuration of the
 * connectors, in this process: beside each wall time, the bot's own CPU time and the worst stall of its event loop.
 * Target: wall time of the 50-connector report / wall time of the 1-connector report ≤ 5.
 * Exits 1 when the target is missed or the run is broken: a report incomplete, or stand-ins too slow to answer
 * (then no ratio is given: it would measure the machine, not the bot).
 * Usage: npm run bench:fanout
 * (node --max-semi-space-size=16 bench/report-fanout.ts,
 * the young generation the image and the unit run the bot with)
 */
import { CHECK_IDS } from '../src/domain/check-result.ts';
import type { Services } from '../src/root.ts';
import { BOT_HEADINGS, botColumns, describeBot, overRounds, type LoopReading } from './support/loop-meter.ts';
import { startStandinFleet } from './support/standin-fleet.ts';

const TARGET_RATIO = 5;
const count = Math.max(2, Number(process.env.BENCH_CONNECTORS ?? 50));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

interface Timed {
  bot: LoopReading;
  checks: number;
  connectors: number;
  unknown: string[];
  tooSlow?: string;
}

const fleet = await startStandinFleet(count, 'fanout');
try {
  const one = await fleet.servicesFor(1, 'one');
  const many = await fleet.servicesFor(count, 'many');
  const time = async (services: Services): Promise<Timed> => {
    const { value: report, bot, tooSlow } = await fleet.measure(() => services.runner.run(services.config.connectors, CHECK_IDS));
    const checks = report.connectors.reduce((n, c) => n + c.checks.length, 0);
    const unknown = report.connectors.flatMap((c) => c.checks.filter((k) => k.status === 'unknown').map((k) => `${c.name}/${k.id}: ${k.summary}`));
    return { bot, checks, connectors: report.connectors.length, unknown, ...(tooSlow && { tooSlow }) };
  };
  const shown = (t: Timed) => `${describeBot(t.bot)}, ${t.checks} checks`;

  // One warm-up each, so both sides start with the registry answer cached and the modules loaded.
  await time(one);
  await time(many);
  const results: Array<{ one: Timed; many: Timed }> = [];
  const problems = new Set<string>();
  for (let run = 0; run < runs; run++) {
    const a = await time(one);
    const b = await time(many);
    results.push({ one: a, many: b });
    if (b.connectors !== count) problems.add(`the ${count}-connector report has ${b.connectors} connectors`);
    for (const tooSlow of [a.tooSlow, b.tooSlow]) if (tooSlow) problems.add(tooSlow);
    if (b.unknown.length > 0) problems.add(`unknown results: ${b.unknown.slice(0, 3).join('; ')}`);
    console.log(`run ${run + 1}: 1 connector ${shown(a)} · ${count} connectors ${shown(b)} · ratio ${(b.bot.wallMs / a.bot.wallMs).toFixed(2)}`);
  }
  one.close();
  many.close();

  console.log('');
  if (problems.size > 0) {
    console.log(`broken run, no ratio: ${[...problems].join('; ')}`);
    process.exitCode = 1;
  } else {
    const a = overRounds(results.map((r) => r.one.bot));
    const b = overRounds(results.map((r) => r.many.bot));
    const ratio = b.wallMs / a.wallMs;
    console.log(`| connectors | ${BOT_HEADINGS} | ratio to 1 | target |`);
    console.log('|---|---|---|---|---|---|');
    console.log(`| 1 | ${botColumns(a)} | 1.00 | |`);
    console.log(`| ${count} | ${botColumns(b)} | ${ratio.toFixed(2)} | ≤ ${TARGET_RATIO} ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} |`);
    process.exitCode = ratio <= TARGET_RATIO ? 0 : 1;
  }
} finally {
  await fleet.close();
}
