/**
 * Benchmark of the daily report: the scheduled run's work (src/root.ts, the report schedule's run: the
 * directory's list, every check over it, dailyReportMessage) over BENCH_CONNECTORS (default 50) stand-in
 * Connector containers on the real Docker Engine (their HTTP served by one process of their own), and over one,
 * in the same run, BENCH_RUNS rounds (default 5), in this process. Prints the wall times and their ratio (median
 * of rounds) beside the bot's own CPU time and the worst stall of its event loop, and per check how long it took,
 * to show where the time goes. Target: ratio ≤ 3 (the checks mostly wait on I/O that can overlap).
 * Exits 1 only on a broken run (a connector or check missing, a check that could not look, a wrong summary,
 * stand-ins too slow to answer: then no ratio is given, as it would measure the machine); never on timing: the
 * ratio is for the reader.
 * Usage: npm run bench:daily
 * (node --max-semi-space-size=16 bench/daily-report.ts,
 * the young generation the image and the unit run the bot with); CHECK_CONCURRENCY=n measures another setting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CHECK_IDS } from '../src/domain/check-result.ts';
import { dailyReportMessage } from '../src/domain/daily-report.ts';
import type { Services } from '../src/root.ts';
import { checkTimings, type CheckTimings } from './support/check-timings.ts';
import { BOT_HEADINGS, botColumns, describeBot, overRounds, type LoopReading } from './support/loop-meter.ts';
import { startStandinFleet } from './support/standin-fleet.ts';
import { median } from './support/stats.ts';

const TARGET_RATIO = 3;
/**
 * Docker's stats collector samples watched containers every second and goes idle when nobody watches: a sample
 * asked of an idle engine answers after 1 s, one asked while the collector still cycles after 1-2 s. So each
 * report starts after this pause, on an idle collector, as the daily report does on an engine nobody samples;
 * back to back, the 1-connector report took 1 s or 2 s by where the report before had left the collector.
 * (Whatever else samples the engine meanwhile, a test run or a monitor, keeps the collector cycling: 2 s.)
 */
const QUIET_MS = 2_000;
const count = Math.max(2, Number(process.env.BENCH_CONNECTORS ?? 50));
const rounds = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));

interface Side {
  services: Services;
  timings: CheckTimings;
  connectors: number;
}

interface Round {
  bot: LoopReading;
  /** Milliseconds by check id: the slowest connector's, and the median connector's. */
  slowest: Map<string, number>;
  typical: Map<string, number>;
  problems: string[];
}

type Pair = { one: Round; many: Round };

/** One daily report as the schedule makes it, timed from the directory's list to the finished message. */
async function dailyReport(side: Side): Promise<Round> {
  await sleep(QUIET_MS);
  const { value, bot, tooSlow } = await fleet.measure(async () => {
    const { connectors, problem } = await side.services.directory.list();
    const report = await side.services.runner.run(connectors, CHECK_IDS);
    return { problem, report, message: dailyReportMessage(report, new Date(), side.services.config.reports.timezone) };
  });
  const { problem, report, message } = value;

  const durations = side.timings.take();
  const summary = `${side.connectors} connector${side.connectors === 1 ? '' : 's'}:`;
  const problems = [
    ...(tooSlow ? [tooSlow] : []),
    ...(problem ? [`directory: ${problem}`] : []),
    ...(report.connectors.length === side.connectors ? [] : [`${report.connectors.length} of ${side.connectors} connectors in the report`]),
    ...report.connectors.flatMap((c) => {
      const missing = CHECK_IDS.filter((id) => !c.checks.some((k) => k.id === id) && !(c.notChecked ?? []).some((n) => n.id === id));
      return missing.length > 0 ? [`${c.name}: no result of ${missing.join(', ')}`] : [];
    }),
    ...report.connectors.flatMap((c) => c.checks.filter((k) => k.status === 'unknown').map((k) => `${c.name}/${k.id}: ${k.summary}`)),
    ...(message.text.includes(summary) ? [] : [`the message lacks "${summary}": ${message.text}`]),
  ];
  const slowest = new Map([...durations].map(([id, ms]) => [id, Math.max(...ms)]));
  const typical = new Map([...durations].map(([id, ms]) => [id, median(ms)]));
  return { bot, slowest, typical, problems };
}

const fleet = await startStandinFleet(count, 'daily');
try {
  const side = async (connectors: number, label: string): Promise<Side> => {
    const timings = checkTimings();
    return { services: await fleet.servicesFor(connectors, label, timings.logger), timings, connectors };
  };
  const one = await side(1, 'one');
  const many = await side(count, 'many');

  // One warm-up each, so both sides start with the registry's answers cached and the modules loaded.
  await dailyReport(one);
  await dailyReport(many);
  const results: Pair[] = [];
  for (let round = 1; round <= rounds; round++) {
    const a = await dailyReport(one);
    const b = await dailyReport(many);
    results.push({ one: a, many: b });
    console.log(`round ${round}: 1 connector ${describeBot(a.bot)} · ${count} connectors ${describeBot(b.bot)} · ratio ${(b.bot.wallMs / a.bot.wallMs).toFixed(2)}`);
  }
  one.services.close();
  many.services.close();

  const problems = [...new Set(results.flatMap((r) => [...r.one.problems, ...r.many.problems]))];
  console.log('');
  if (problems.length > 0) {
    console.log(`broken run, no ratio: ${problems.length} problem(s), e.g. ${problems.slice(0, 5).join('; ')}`);
    process.exitCode = 1;
  } else {
    const a = overRounds(results.map((r) => r.one.bot));
    const b = overRounds(results.map((r) => r.many.bot));
    const ratio = b.wallMs / a.wallMs;
    console.log(`| daily report | ${BOT_HEADINGS} | ratio to 1 | target |`);
    console.log('|---|---|---|---|---|---|');
    console.log(`| 1 connector | ${botColumns(a)} | 1.00 | |`);
    console.log(`| ${count} connectors | ${botColumns(b)} | ${ratio.toFixed(2)} | ≤ ${TARGET_RATIO} ${ratio <= TARGET_RATIO ? 'met' : 'missed'} |`);
  }

  // Per check, the median over rounds: where the larger report spends its time beyond the smaller one.
  const ms = (pick: (pair: Pair) => Map<string, number>, id: string) =>
    median(results.map((r) => pick(r).get(id) ?? Number.NaN)).toFixed(0);
  console.log('');
  console.log(`| check | 1 connector (ms) | ${count}: median connector (ms) | ${count}: slowest connector (ms) |`);
  console.log('|---|---|---|---|');
  for (const id of CHECK_IDS.filter((id) => results[0]?.many.slowest.has(id))) {
    console.log(`| ${id} | ${ms((r) => r.one.typical, id)} | ${ms((r) => r.many.typical, id)} | ${ms((r) => r.many.slowest, id)} |`);
  }
} finally {
  await fleet.close();
}
