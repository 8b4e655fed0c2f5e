/**
 * Benchmark of alerts under an error storm: BENCH_STORM_LINES_PER_MINUTE (default 10,000) log lines a minute for
 * BENCH_STORM_MINUTES (default 5) across 5 stand-in Connector containers (ERROR and FATAL events, some with stack
 * lines, among INFO lines; see support/storm-log.ts), followed by the bot (`connector-ops start`) in its own
 * process, alerts posted to the loopback Slack in this one. group_interval BENCH_GROUP_INTERVAL_SECONDS (30),
 * group_wait BENCH_GROUP_WAIT_SECONDS (10), resolve BENCH_RESOLVE_SECONDS (20): every group resolves after the storm.
 * Checks, against the issue's targets:
 *   rate      per alert, at most one post or update within any group_interval (the resolution included), as the
 *             engine queued them (the "alert told" records of the bot's log) and as Slack received them: the bot
 *             posts at most one message a second per channel, so a call waits behind the other alerts' calls
 *   counting  the store's error_counts per connector and error equal the ERROR/FATAL events in the container's
 *             `docker logs` (the truth: what the bench appended is shown beside it)
 *   CPU       the bot's CPU time over the storm (from /proc), < 20 % of one core
 *   RSS       the bot's resident memory at the start and end of the storm, and its slope (flat)
 * Exits 1 only when the counting is wrong or the run broke (the bot failed, an alert never posted); never on
 * timing, CPU or memory: those are for the reader.
 * Usage: npm run bench:alert-storm
 * (node --max-semi-space-size=16 bench/alert-storm.ts,
 * the young generation the image and the unit run the bot with); BENCH_STORM_MINUTES=1 for a smoke run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCounts } from '../src/store/error-counts.ts';
import { Store } from '../src/store/store.ts';
import { containerOutput } from '../test/support/standin.ts';
import { errorAlertCalls, shownCount, type AlertCall } from './support/alert-calls.ts';
import { CHANNEL, startAlertRig } from './support/alert-rig.ts';
import type { Usage } from './support/bot-process.ts';
import { loadTestEnvironment } from './support/docker-env.ts';
import { loggedEvents, STORM_KINDS, StormLog } from './support/storm-log.ts';

const CONNECTORS = 5;
const TARGET_CPU_PERCENT = 20;
/** Jitter of delivery allowed between two calls of one alert at Slack. */
const GAP_TOLERANCE_MS = 250;
/** The engine's timers are exact; its log's times are taken a moment after each decision. */
const LOG_TOLERANCE_MS = 50;
const WRITE_EVERY_MS = 500;
const SAMPLE_EVERY_MS = 5_000;
const IDLE_MS = 10_000;
/** "Flat": RSS in the storm's second half (after the heap's warm-up) grows by less than this. */
const FLAT_MB_PER_MIN = 1;
const minutes = Math.max(0.1, Number(process.env.BENCH_STORM_MINUTES ?? 5));
const linesPerMinute = Math.max(CONNECTORS, Number(process.env.BENCH_STORM_LINES_PER_MINUTE ?? 10_000));
const groupWaitS = Math.max(1, Number(process.env.BENCH_GROUP_WAIT_SECONDS ?? 10));
const groupIntervalS = Math.max(1, Number(process.env.BENCH_GROUP_INTERVAL_SECONDS ?? 30));
const resolveS = Math.max(1, Number(process.env.BENCH_RESOLVE_SECONDS ?? 20));

loadTestEnvironment();
const rig = await startAlertRig(CONNECTORS, 'storm', {
  ALERT_GROUP_WAIT_SECONDS: String(groupWaitS),
  ALERT_GROUP_INTERVAL_SECONDS: String(groupIntervalS),
  ALERT_RESOLVE_SECONDS: String(resolveS),
});
const problems: string[] = [];
const logs = rig.fleet.standins.map(() => new StormLog());
const samples: Usage[] = [];
let idle: { cpuPercent: number; rssMb: number } | undefined;
let truth: Array<Map<string, number>> = [];
let counted: Array<Map<string, number>> = [];
let calls: AlertCall[] = [];
/** By alert: when the engine queued each of its notifications ("alert told" in the bot's log, its clock). */
const told = new Map<string, number[]>();
const finalCounts = new Map<string, number | undefined>();
let botExit: number | null | undefined;

try {
  const before = rig.bot.usage();
  await sleep(IDLE_MS);
  const after = rig.bot.usage();
  idle = { cpuPercent: cpuPercent(before, after), rssMb: mb(after.rssBytes) };

  console.log(`storm: ${linesPerMinute.toLocaleString('en')} lines/min across ${CONNECTORS} connectors for ${minutes} min; group_wait ${groupWaitS} s, group_interval ${groupIntervalS} s, resolve ${resolveS} s`);
  await storm();
  console.log(`storm over: ${logs.reduce((n, l) => n + l.lines, 0).toLocaleString('en')} lines written; waiting for every alert to resolve…`);
  await rig.slack
    .waitFor(() => {
      const byAlert = groupBy(errorAlertCalls(rig.slack));
      return byAlert.size > 0 && [...byAlert.values()].every((list) => list.at(-1)?.resolved);
    }, (resolveS + groupIntervalS + 30) * 1000)
    .catch(() => problems.push('not every alert was resolved after the storm'));
  calls = errorAlertCalls(rig.slack);
  for (const record of rig.bot.records()) {
    if (record.msg === 'alert told' && record.kind === 'error-group') told.set(String(record.alert), [...(told.get(String(record.alert)) ?? []), record.time]);
  }
  for (const alert of groupBy(calls).keys()) finalCounts.set(alert, shownCount(rig.slack, CHANNEL, alert));

  // The bot commits what it read as it stops; the store is read after, the truth before the containers go.
  botExit = await rig.bot.stop();
  truth = await Promise.all(rig.fleet.standins.map(async (s) => loggedEvents(await containerOutput(s.containerId))));
  counted = storeCounts(rig.storePath);
} finally {
  await rig.close();
}
if (botExit !== 0) problems.push(`the bot exited with ${botExit}`);
report();

/** The writers: each connector's share of the lines, appended every WRITE_EVERY_MS; the bot sampled meanwhile. */
async function storm(): Promise<void> {
  const perMs = linesPerMinute / CONNECTORS / 60_000;
  const durationMs = minutes * 60_000;
  const started = performance.now();
  samples.push(rig.bot.usage());
  let nextSample = started + SAMPLE_EVERY_MS;
  for (let tick = 1; ; tick++) {
    const elapsed = Math.min(durationMs, performance.now() - started);
    await Promise.all(
      rig.fleet.standins.map((standin, i) => {
        const due = Math.floor(perMs * elapsed) - logs[i]!.lines;
        return due > 0 ? standin.appendLog(logs[i]!.next(due)) : undefined;
      }),
    );
    if (performance.now() >= nextSample) {
      samples.push(rig.bot.usage());
      nextSample += SAMPLE_EVERY_MS;
    }
    if (elapsed >= durationMs) break;
    await sleep(Math.max(0, started + tick * WRITE_EVERY_MS - performance.now()));
  }
  samples.push(rig.bot.usage());
}

/** error_counts by connector (c0 …) and storm kind ('' for any other error). */
function storeCounts(path: string): Array<Map<string, number>> {
  const store = Store.open(path);
  try {
    const rows = new ErrorCounts(store).between(new Date(0), new Date(Date.now() + 3_600_000));
    return rig.fleet.standins.map((_, i) => {
      const counts = new Map<string, number>([...STORM_KINDS.map((k): [string, number] => [k.prefix, 0]), ['', 0]]);
      for (const row of rows.filter((r) => r.connector === `c${i}`)) {
        const kind = STORM_KINDS.find((k) => row.key.startsWith(k.prefix))?.prefix ?? '';
        counts.set(kind, (counts.get(kind) ?? 0) + row.count);
      }
      return counts;
    });
  } finally {
    store.close();
  }
}

function shortestGap(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.min(...sorted.slice(1).map((t, i) => t - sorted[i]!));
}

function callKind(call: AlertCall): string {
  return call.method === 'chat.postMessage' ? 'post' : call.resolved ? 'resolved' : 'update';
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–';
}

function groupBy(list: AlertCall[]): Map<string, AlertCall[]> {
  const groups = new Map<string, AlertCall[]>();
  for (const call of list) groups.set(call.alert, [...(groups.get(call.alert) ?? []), call]);
  return groups;
}

function cpuPercent(from: Usage, to: Usage): number {
  return ((to.cpuMs - from.cpuMs) / (to.at - from.at)) * 100;
}

function mb(bytes: number): number {
  return bytes / 1024 / 1024;
}

/** Least-squares slope of RSS over time, in MB per minute. */
function rssSlope(points: readonly Usage[]): number {
  const xs = points.map((p) => p.at / 60_000);
  const ys = points.map((p) => mb(p.rssBytes));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx;
}

function report(): void {
  const intervalMs = groupIntervalS * 1000;
  console.log('');
  console.log(`| alert (connector · error) | posts | updates | of them resolved | shortest gap queued by the engine | shortest gap at Slack (between) | calls at Slack in any ${groupIntervalS} s | longest wait in the channel queue | count shown | counted |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  let engineFloods = 0;
  let slackFloods = 0;
  let longestWait = 0;
  for (const [alert, list] of groupBy(calls)) {
    const times = list.map((c) => c.time);
    // Slack's calls come in the order received: which two of them are the closest.
    const closest = list.slice(1).reduce((best, call, i) => (call.time - list[i]!.time < best.ms ? { ms: call.time - list[i]!.time, between: `${callKind(list[i]!)} → ${callKind(call)}` } : best), { ms: Infinity, between: '' });
    const queued = told.get(alert) ?? [];
    const inWindow = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + intervalMs - GAP_TOLERANCE_MS).length));
    if (shortestGap(queued) < intervalMs - LOG_TOLERANCE_MS) engineFloods++;
    if (inWindow > 1) slackFloods++;
    // One conversation: the k-th notification queued is the k-th call Slack received.
    const wait = Math.max(...times.map((t, k) => t - (queued[k] ?? Number.NaN)));
    longestWait = Math.max(longestWait, wait);
    const connector = Number(list[0]!.connector.slice(1));
    const kind = STORM_KINDS.find((k) => list[0]!.text.includes(`errors in the log: ${k.prefix}`))?.prefix ?? '';
    const posts = list.filter((c) => c.method === 'chat.postMessage').length;
    const shown = finalCounts.get(alert);
    const inStore = counted[connector]?.get(kind);
    // One episode through the storm: its resolved message shows every error of the group.
    if (posts === 1 && shown !== inStore) problems.push(`${list[0]!.connector} "${kind}": the resolved message shows ${shown} errors, the store counted ${inStore}`);
    if (queued.length !== list.length) problems.push(`${list[0]!.connector} "${kind}": ${queued.length} notifications queued, ${list.length} received`);
    console.log(
      `| ${list[0]!.connector} · ${kind || '(other)'} | ${posts} | ${list.length - posts} | ${list.filter((c) => c.resolved).length} | ${seconds(shortestGap(queued))} | ${seconds(closest.ms)} (${closest.between}) | ${inWindow} | ${seconds(wait)} | ${shown ?? '–'} | ${inStore ?? '–'} |`,
    );
  }
  const alerts = groupBy(calls).size;
  const expected = CONNECTORS * STORM_KINDS.length;
  if (alerts !== expected) problems.push(`${alerts} error-group alerts posted, ${expected} expected (${CONNECTORS} connectors × ${STORM_KINDS.length} errors)`);
  console.log(`\nrate, as the engine queued: ${engineFloods === 0 ? 'met' : 'MISSED'}: ${engineFloods} of ${alerts} alerts notified twice within ${groupIntervalS} s`);
  console.log(
    `rate, as Slack received: ${slackFloods === 0 ? 'met' : 'MISSED'}: ${slackFloods} of ${alerts} alerts had two calls within ${groupIntervalS} s (less ${GAP_TOLERANCE_MS} ms of jitter); ` +
      `${calls.length} calls in all, paced at one a second in the channel (longest wait ${seconds(longestWait)}), which shifts each call by its wait`,
  );

  console.log('');
  console.log('| connector | error | appended | in docker logs (truth) | counted in error_counts | |');
  console.log('|---|---|---|---|---|---|');
  let wrong = 0;
  rig.fleet.standins.forEach((_, i) => {
    for (const kind of [...STORM_KINDS.map((k) => k.prefix), '']) {
      const logged = truth[i]?.get(kind) ?? 0;
      const inStore = counted[i]?.get(kind) ?? 0;
      const appended = kind ? (logs[i]!.written.get(kind) ?? 0) : 0;
      if (!kind && logged === 0 && inStore === 0) continue;
      if (logged !== inStore) wrong++;
      console.log(`| c${i} | ${kind || '(other)'} | ${appended} | ${logged} | ${inStore} | ${logged === inStore ? 'ok' : 'WRONG'} |`);
    }
  });
  if (wrong > 0) problems.push(`${wrong} counts in error_counts differ from the containers' logs`);
  const totals = (list: Array<Map<string, number>>) => list.reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
  console.log(`counting: ${wrong === 0 ? 'ok' : 'WRONG'}: ${totals(counted).toLocaleString('en')} counted of ${totals(truth).toLocaleString('en')} ERROR/FATAL events in the logs`);

  const first = samples[0];
  const last = samples.at(-1);
  if (first && last && idle) {
    const windows = samples.slice(1).map((s, i) => cpuPercent(samples[i]!, s));
    const cpu = cpuPercent(first, last);
    const secondHalf = samples.filter((s) => s.at >= (first.at + last.at) / 2);
    const rss = samples.map((s) => mb(s.rssBytes));
    console.log('');
    console.log('| the bot | value | target |');
    console.log('|---|---|---|');
    console.log(`| CPU over the storm (% of one core) | ${cpu.toFixed(1)} % | < ${TARGET_CPU_PERCENT} % ${cpu < TARGET_CPU_PERCENT ? 'met' : 'MISSED'} |`);
    console.log(`| CPU, busiest ${SAMPLE_EVERY_MS / 1000} s | ${Math.max(...windows).toFixed(1)} % | |`);
    console.log(`| CPU idle before the storm | ${idle.cpuPercent.toFixed(1)} % | |`);
    const slope = rssSlope(secondHalf);
    console.log(`| RSS idle before / at start / at end / max | ${idle.rssMb.toFixed(0)} / ${rss[0]!.toFixed(0)} / ${rss.at(-1)!.toFixed(0)} / ${Math.max(...rss).toFixed(0)} MB | |`);
    console.log(`| RSS slope, whole storm / second half | ${rssSlope(samples).toFixed(2)} / ${slope.toFixed(2)} MB/min | flat (second half < ${FLAT_MB_PER_MIN} MB/min) ${slope < FLAT_MB_PER_MIN ? 'met' : 'MISSED'} |`);
  }
  if (problems.length > 0) {
    console.log(`\nbroken run: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
}
