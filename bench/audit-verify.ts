/**
 * Benchmark of the audit chain on a big store: BENCH_AUDIT_ENTRIES (default 100,000) entries.
 *   upgrade  the migration that chains the entries of a store written before the chain (once, inside that start)
 *   verify   AuditLog.verify in this process: its time, and the event loop's delay meanwhile
 *   start    what the start does before it serves (the composition root), on the big store and on an empty one
 *   bot      `connector-ops start` in its own process on the big store: its verification at start, in the
 *            background after it serves, as its log tells it
 * Targets: the start on the big store within 0.25 s of the empty store's (medians of BENCH_RUNS, default 5); the
 * event loop's delay while verifying < 50 ms at the 99th percentile (its maximum is printed too). Exits 1 only on a
 * broken run (a chain not intact, a wrong count).
 * Usage: npm run bench:audit
 * (node --max-semi-space-size=16 bench/audit-verify.ts,
 * the young generation the image and the unit run the bot with)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../src/config/load.ts';
import { createServices } from '../src/root.ts';
import { AuditLog, type AuditEntry } from '../src/store/audit-log.ts';
import { Store } from '../src/store/store.ts';
import { openPreChainStore } from '../test/support/pre-chain-store.ts';
import { startBot } from './support/bot-process.ts';
import { median } from './support/stats.ts';

const TARGET_START_OVER_MS = 250;
/** The event loop's delay while verifying, at the 99th percentile: its maximum says as much about the machine's load. */
const TARGET_DELAY_P99_MS = 50;
const entries = Math.max(1, Number(process.env.BENCH_AUDIT_ENTRIES ?? 100_000));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const work = mkdtempSync(join(tmpdir(), 'cops-bench-audit-'));
let broken = false;

const entry = (i: number): AuditEntry => ({
  at: new Date(1_790_000_000_000 + i * 1_000),
  event: i % 5 === 0 ? 'requested' : 'progress',
  requestId: 'abc234',
  connector: 'main',
  operation: 'restart',
  actor: { platform: 'slack', id: 'U0ADA', displayName: 'Ada' },
  detail: { text: `step ${i} of the restart of main: waiting for /health and the health check` },
});

try {
  const ms = (from: number) => performance.now() - from;

  // A store as the version before the chain left it, with its entries: the upgrade chains them.
  mkdirSync(join(work, 'legacy'));
  const legacy = join(work, 'legacy', 'connector-ops.sqlite');
  const db = openPreChainStore(legacy);
  const insert = db.prepare('INSERT INTO audit_log (at, event, request_id, connector, operation, actor, actor_name, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.exec('BEGIN');
  for (let i = 1; i <= entries; i++) {
    const e = entry(i);
    insert.run(e.at.getTime(), e.event, e.requestId!, e.connector!, e.operation!, 'slack:U0ADA', 'Ada', JSON.stringify(e.detail));
  }
  db.exec('COMMIT');
  db.close();
  let began = performance.now();
  const upgradeCpu = process.cpuUsage();
  const upgraded = Store.open(legacy);
  const upgradeMs = ms(began);
  const upgradeCpuUsed = process.cpuUsage(upgradeCpu);
  upgraded.close();

  // The same number of entries written by the bot, verified here.
  const big = join(work, 'big', 'connector-ops.sqlite');
  const store = Store.open(big);
  const audit = new AuditLog(store);
  store.transaction(() => {
    for (let i = 1; i <= entries; i++) audit.append(entry(i));
  });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  began = performance.now();
  const cpu = process.cpuUsage();
  const verdict = await audit.verify();
  const verifyMs = ms(began);
  const { user, system } = process.cpuUsage(cpu);
  const verifyCpuMs = (user + system) / 1000;
  delay.disable();
  const stallMs = delay.max / 1e6;
  const delayP99Ms = delay.percentile(99) / 1e6;
  store.close();
  const upgradedVerdict = await (async () => {
    const again = Store.open(legacy);
    try {
      return await new AuditLog(again).verify();
    } finally {
      again.close();
    }
  })();
  for (const [what, found] of [['written', verdict], ['upgraded', upgradedVerdict]] as const) {
    if (!found?.intact || found.entries !== entries) {
      console.error(`broken run: the ${what} store's chain is ${found?.intact ? `intact with ${found.entries} entries, not ${entries}` : 'not intact'}`);
      broken = true;
    }
  }

  // What the start does before it serves (the composition root: the store opened, everything built), on the big
  // store and on an empty one, alternating: the verification comes after, in the background.
  const config = (dataDir: string) => loadConfig({ DATA_DIR: dataDir, DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` });
  const starts: Record<'big' | 'empty', number[]> = { big: [], empty: [] };
  for (let run = 0; run < runs; run++) {
    for (const [name, dataDir] of [['empty', join(work, 'empty')], ['big', join(work, 'big')]] as const) {
      const from = performance.now();
      createServices(config(dataDir), pino({ level: 'silent' })).close();
      starts[name].push(ms(from));
    }
  }

  // The bot itself on the big store: the verification it runs at start, in the background, as it logs it.
  const bot = startBot({ DATA_DIR: join(work, 'big'), HTTP_PORT: '0', DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}`, LOG_LEVEL: 'info' });
  let background: { durationMs: number; entries: number } | undefined;
  try {
    const verified = await bot.waitForLog((r) => typeof r.msg === 'string' && r.msg.startsWith('audit log'), 120_000);
    background = { durationMs: Number(verified.durationMs), entries: Number(verified.entries) };
    if (!String(verified.msg).includes('intact') || background.entries !== entries) {
      console.error(`broken run: the bot says "${String(verified.msg)}" after ${background.entries} entries`);
      broken = true;
    }
  } finally {
    await bot.stop();
  }

  const s = (value: number) => `${(value / 1000).toFixed(2)} s`;
  const startOver = median(starts.big) - median(starts.empty);
  console.log(`audit chain, ${entries.toLocaleString('en')} entries`);
  console.log(`  upgrade (chaining a store written before the chain, once)  ${s(upgradeMs)} (CPU ${s((upgradeCpuUsed.user + upgradeCpuUsed.system) / 1000)})`);
  console.log(`  verify in-process                                          ${s(verifyMs)} (CPU ${s(verifyCpuMs)}), event-loop delay p99 ${delayP99Ms.toFixed(0)} ms (target < ${TARGET_DELAY_P99_MS} ms), max ${stallMs.toFixed(0)} ms`);
  const msText = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`  start up to serving, median of ${runs}                          empty ${msText(median(starts.empty))}, big ${msText(median(starts.big))} (${startOver >= 0 ? '+' : '−'}${msText(Math.abs(startOver))}, target ≤ +${msText(TARGET_START_OVER_MS)})`);
  console.log(`  the bot's verification at start, in the background         ${background ? s(background.durationMs) : 'none'}`);
  console.log(`  targets: ${startOver <= TARGET_START_OVER_MS && delayP99Ms < TARGET_DELAY_P99_MS ? 'met' : 'missed'}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = broken ? 1 : 0;
