/**
 * Benchmark of alert latency: from an ERROR line written in a stand-in Connector container to the alert's post
 * at the loopback Slack, the bot (`connector-ops start`) in its own process following the container's log
 * through the Docker API. The start is Docker's timestamp of the line (read back with `docker logs --timestamps`),
 * not the time the bench appended it: the stand-in's busybox `tail -F` takes up to a second to print it. The end
 * is the time the stand-in received the chat.postMessage. Docker's and this process's clocks are the machine's;
 * their offset is measured and printed. BENCH_RUNS rounds (default 10) after one warm-up, each a new error
 * message (a new alert); group_wait is BENCH_GROUP_WAIT_SECONDS (default 2).
 * Target: latency ≤ group_wait + 1 s. Exits 1 only on a broken run (an alert not posted, a line not in the
 * log); never on timing.
 * Usage: npm run bench:alert-latency
 * (node --max-semi-space-size=16 bench/alert-latency.ts,
 * the young generation the image and the unit run the bot with)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { testDockerClient } from '../test/support/builders.ts';
import { connectorLogLine } from '../test/support/standin.ts';
import { errorAlertCalls } from './support/alert-calls.ts';
import { startAlertRig } from './support/alert-rig.ts';
import { engineClockOffset, timestampedLines } from './support/docker-log-times.ts';
import { loadTestEnvironment } from './support/docker-env.ts';
import { median } from './support/stats.ts';

const TARGET_OVER_MS = 1_000;
// Words, not numbers: the grouping masks numbers, so each round's message must differ in its words.
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike'];
const NAMES_2 = ['', ...NAMES];
const groupWaitS = Math.max(1, Number(process.env.BENCH_GROUP_WAIT_SECONDS ?? 2));
const rounds = Math.min(NAMES.length * NAMES_2.length - 1, Math.max(1, Number(process.env.BENCH_RUNS ?? 10)));
const POST_TIMEOUT_MS = groupWaitS * 1000 + 20_000;

interface Round {
  /** appendLog → Docker's timestamp: the stand-in's tail, not the bot. */
  tailMs: number;
  /** Docker's timestamp → the bot queued the post ("alert told" in its log). */
  toldMs: number;
  /** Docker's timestamp → the stand-in received the post. */
  latencyMs: number;
}

loadTestEnvironment();
const docker = testDockerClient();
const clock = await engineClockOffset(docker);
const rig = await startAlertRig(1, 'latency', {
  ALERT_GROUP_WAIT_SECONDS: String(groupWaitS),
  ALERT_GROUP_INTERVAL_SECONDS: '60',
  // No alert resolves meanwhile: the rounds' alerts stay open, and only new posts are looked at.
  ALERT_RESOLVE_SECONDS: '3600',
});
const standin = rig.fleet.standins[0]!;
const problems: string[] = [];
const results: Round[] = [];

async function round(index: number): Promise<Round | undefined> {
  const name = `${NAMES[index % NAMES.length]}${NAMES_2[Math.floor(index / NAMES.length)]}`;
  const message = `Latency probe ${name} failed: Error: socket hang up`;
  const appended = Date.now();
  await standin.appendLog([connectorLogLine('ERROR', 'Runtime.LatencyProbe', message)]);
  let post;
  try {
    post = await rig.slack.waitFor(() => errorAlertCalls(rig.slack).find((c) => c.method === 'chat.postMessage' && c.text.includes(message)), POST_TIMEOUT_MS);
  } catch {
    problems.push(`round ${index}: no alert posted within ${POST_TIMEOUT_MS} ms for "${message}"`);
    return undefined;
  }
  const line = (await timestampedLines(docker, standin.containerId, appended - 2_000)).find((l) => l.text.includes(message));
  if (!line) {
    problems.push(`round ${index}: "${message}" is not in the container's log`);
    return undefined;
  }
  const told = rig.bot.records().find((r) => r.msg === 'alert told' && r.notification === 'post' && r.alert === post.alert);
  return { tailMs: line.at - appended, toldMs: told ? told.time - line.at : Number.NaN, latencyMs: post.time - line.at };
}

try {
  console.log(`engine clock − bench clock: ${clock.offsetMs.toFixed(1)} ms (±${(clock.roundTripMs / 2).toFixed(1)} ms); group_wait ${groupWaitS} s; ${rounds} rounds after a warm-up`);
  await round(rounds); // the warm-up: its own message, not counted
  for (let index = 0; index < rounds; index++) {
    const result = await round(index);
    if (result) {
      results.push(result);
      const over = result.latencyMs - groupWaitS * 1000;
      console.log(
        `round ${index + 1}: latency ${(result.latencyMs / 1000).toFixed(3)} s · − group_wait ${(over / 1000).toFixed(3)} s · queued after ${(result.toldMs / 1000).toFixed(3)} s · (tail ${(result.tailMs / 1000).toFixed(3)} s)`,
      );
    }
    // A pause as long as the stand-in's tail polls, so that each round's line comes alone.
    await sleep(1_000);
  }
} finally {
  const code = await rig.close();
  if (code !== 0) problems.push(`the bot exited with ${code}`);
}

if (results.length > 0) {
  const latencies = results.map((r) => r.latencyMs);
  const groupWaitMs = groupWaitS * 1000;
  const row = (label: string, ms: number) =>
    `| ${label} | ${(ms / 1000).toFixed(3)} s | ${(ms / groupWaitMs).toFixed(2)} | ${((ms - groupWaitMs) / 1000).toFixed(3)} s | ${ms - groupWaitMs <= TARGET_OVER_MS ? 'met' : 'missed'} |`;
  console.log('');
  console.log(`| ERROR line in the container → alert post at Slack (${results.length} rounds) | latency | latency / group_wait | latency − group_wait | target ≤ group_wait + 1 s |`);
  console.log('|---|---|---|---|---|');
  console.log(row('median', median(latencies)));
  console.log(row('max', Math.max(...latencies)));
  console.log(row('min', Math.min(...latencies)));
  console.log('');
  console.log(
    `median: line → post queued by the bot ${(median(results.map((r) => r.toldMs)) / 1000).toFixed(3)} s; appendLog → Docker's timestamp (the stand-in's tail, not counted) ${(median(results.map((r) => r.tailMs)) / 1000).toFixed(3)} s`,
  );
}
if (problems.length > 0) {
  console.log(`\nbroken run: ${problems.join('; ')}`);
  process.exitCode = 1;
}
