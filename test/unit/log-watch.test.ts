import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../../src/alerts/engine.ts';
import { comparePositions, type FollowedLog, type FollowSink, type LogPosition } from '../../src/logs/follow.ts';
import { LogWatch, type LogWatchOptions } from '../../src/alerts/log-watch.ts';
import { LogLeases } from '../../src/store/log-leases.ts';
import { AlertStore } from '../../src/store/alerts.ts';
import { ErrorCounts } from '../../src/store/error-counts.ts';
import { LogPositions } from '../../src/store/log-positions.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { SilenceStore } from '../../src/store/silences.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../support/builders.ts';

interface Line {
  stream: string;
  text: string;
  at: LogPosition;
}

/** A log in memory, in Docker's shape: timestamps that sometimes repeat, two streams, a new id after a recreation; delivers up to a limit. */
class MemoryLog implements FollowedLog {
  readonly source = 'container';
  readonly lines: Line[] = [];
  /** Lines delivered by the current follow, at most. */
  limit = Infinity;
  /** Called after each line delivered, with how many the current follow delivered. */
  afterLine: (delivered: number) => void = () => undefined;
  /** Follows that have delivered all they were allowed to and now wait for their end. */
  delivered = 0;

  async follow(from: LogPosition | undefined, sink: FollowSink, signal: AbortSignal): Promise<void> {
    let delivered = 0;
    for (const line of this.lines) {
      if (from && line.at.log === from.log && comparePositions(line.at, from) <= 0) continue;
      if (delivered++ >= this.limit) break;
      const bytes = Buffer.from(`${line.text}\n`);
      sink.line(line.stream, bytes, 0, bytes.length - 1, line.at);
      this.afterLine(delivered);
      if (delivered % 97 === 0) sink.idle();
    }
    if (delivered <= this.limit) sink.idle();
    this.delivered++;
    // As the real followers: an abort, even one during the delivery, ends the follow.
    if (signal.aborted) return;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  }
}

/** `errors` ERROR events (a third of them with a stack), INFO lines between, some on stderr, timestamps repeating. */
function aLog(errors: number): MemoryLog {
  const log = new MemoryLog();
  let second = 0;
  let seq = 0;
  const push = (stream: string, text: string) => {
    if (log.lines.length % 3 !== 0) {
      second++;
      seq = 0;
    }
    const at = `2026-12-01T09:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.${String(Math.floor(second / 3600)).padStart(9, '0')}Z`;
    log.lines.push({ stream, text: `${at} ${text}`, at: { log: 'c1', at, seq: ++seq } });
  };
  for (let i = 0; i < errors; i++) {
    const stream = i % 10 === 9 ? 'stderr' : 'stdout';
    push(stream, `[2026-12-01T09:00:00.000] [${i % 7 === 0 ? 'FATAL' : 'ERROR'}] Sync - Sync failed: item ${i}`);
    if (i % 3 === 0) {
      push(stream, '    at sync (/app/sync.js:1:1)');
      push(stream, '    at run (/app/run.js:2:2)');
    }
    push('stdout', `[2026-12-01T09:00:00.000] [INFO] Main - working ${i}`);
  }
  return log;
}

function setup() {
  const store = Store.open(':memory:');
  const engine = new AlertEngine({
    store,
    alerts: new AlertStore(store),
    silences: new SilenceStore(store),
    errorCounts: new ErrorCounts(store),
    outbox: new Outbox(store),
    subscriptions: () => [],
    timers: { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000, resolveMs: 900_000, holdMs: 120_000 },
    timezone: 'UTC',
    logger: silentLogger(),
  });
  const positions = new LogPositions(store);
  const leases = new LogLeases(store);
  let owners = 0;
  /** A watch as one bot process runs it; `kill` ends that process as kill -9 does: it renews and commits nothing more. */
  /** Short leases by default: the tests of crashes and of two bots want a takeover within milliseconds. */
  const aBot = (log: FollowedLog, commitEveryMs = 0, now?: () => Date, leaseMs = 30) => {
    let killed = false;
    const mine: LogWatchOptions['leases'] = {
      claim: (...args) => !killed && leases.claim(...args),
      holder: (...args) => (killed ? undefined : leases.holder(...args)),
      release: (...args) => leases.release(...args),
    };
    const watch = new LogWatch('main', log, { store, positions, leases: mine, owner: `bot-${++owners}`, leaseMs, recordErrors: (c, b, now) => engine.recordErrors(c, b, now), redact: (t) => t, logger: silentLogger(), commitEveryMs, ...(now && { now }) });
    return { watch, kill: () => (killed = true) };
  };
  /** One bot alone, with a lease as long as in production: a busy machine does not make it lose it. */
  const watch = (log: FollowedLog) => aBot(log, 0, undefined, 30_000).watch;
  const counted = () => new ErrorCounts(store).between(new Date(0), new Date('2100-01-01')).reduce((sum, group) => ({ count: sum.count + group.count, fatal: sum.fatal + group.fatal }), { count: 0, fatal: 0 });
  return { store, watch, aBot, counted };
}

/** Polls long enough for a busy machine; a watch that never gets there fails the test. */
const patiently = { timeout: 10_000, interval: 5 };

describe('following a log into the alerts', () => {
  it('counts every ERROR and FATAL event once, multi-line ones as one', async () => {
    const t = setup();
    const log = aLog(200);
    const watch = t.watch(log);
    watch.start();
    await expect.poll(() => t.counted().count, patiently).toBeGreaterThanOrEqual(200);
    await watch.stop();
    expect(t.counted()).toEqual({ count: 200, fatal: Math.ceil(200 / 7) });
  });

  it('a bot stopped before the first line of a log it read from now resumes where that reading began, and counts what came between', async () => {
    const t = setup();
    const log = aLog(30);
    const began = log.lines[9]!.at;
    const froms: Array<LogPosition | undefined> = [];
    // The follower of a log without a position: it begins at the log's end as it is now, and nothing comes yet.
    const fromNow: FollowedLog = {
      source: 'container',
      async follow(from, sink, signal) {
        froms.push(from);
        if (from) return log.follow(from, sink, signal);
        sink.begun?.(began);
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    };
    const first = t.watch(fromNow);
    first.start();
    await expect.poll(() => froms.length, patiently).toBe(1);
    await first.stop();
    const second = t.watch(fromNow);
    second.start();
    const after = log.lines.slice(10).filter((line) => /\[(ERROR|FATAL)\]/.test(line.text)).length;
    await expect.poll(() => t.counted().count, patiently).toBe(after);
    await second.stop();
    expect(froms).toEqual([undefined, began]);
    expect(t.counted().count).toBe(after);
  });

  it('loses no error and counts none twice when the bot dies (nothing more committed) and resumes, again and again', async () => {
    const t = setup();
    const log = aLog(500);
    const total = log.lines.length;
    for (const cut of [37, 101, 256, 1, 400, 999, total]) {
      log.limit = cut;
      const bot = t.aBot(log, cut % 2 === 0 ? 0 : 1_000_000);
      const follows = log.delivered;
      bot.watch.start();
      // Once it has taken the lease and read as far as this bot gets:
      await expect.poll(() => log.delivered, patiently).toBeGreaterThan(follows);
      // kill -9: whatever it had not committed is gone; its lease runs out and the next bot takes over.
      bot.kill();
    }
    log.limit = Infinity;
    const last = t.aBot(log).watch;
    last.start();
    await expect.poll(() => t.counted().count, patiently).toBeGreaterThanOrEqual(500);
    await last.stop();
    expect(t.counted()).toEqual({ count: 500, fatal: Math.ceil(500 / 7) });
  });

  it('reads a recreated container (a new log) from its start, counting the old one only once', async () => {
    const t = setup();
    const log = aLog(50);
    const first = t.watch(log);
    first.start();
    await expect.poll(() => t.counted().count, patiently).toBeGreaterThanOrEqual(50);
    await first.stop();
    // The container recreated: a new id, and timestamps that start over below the old position.
    for (const line of aLog(20).lines) log.lines.push({ ...line, at: { ...line.at, log: 'c2' } });
    const second = t.watch(log);
    second.start();
    await expect.poll(() => t.counted().count, patiently).toBeGreaterThanOrEqual(70);
    await second.stop();
    expect(t.counted().count).toBe(70);
  });

  it('is followed by one bot at a time on one store: a second waits, and takes over where the first stopped', async () => {
    const t = setup();
    const log = aLog(100);
    log.limit = 150;
    // Leases long enough that a stall of a busy machine does not pass the first one's to the second.
    const first = t.aBot(log, 0, undefined, 3_000);
    const second = t.aBot(log, 0, undefined, 3_000);
    first.watch.start();
    await expect.poll(() => log.delivered, patiently).toBe(1);
    second.watch.start();
    await expect
      .poll(() => second.watch.state, patiently)
      .toMatchObject({ state: 'waiting', reason: expect.stringContaining('followed by another connector-ops process on this DATA_DIR (bot-1)') });
    log.limit = Infinity;
    await first.watch.stop();
    await expect.poll(() => t.counted().count, patiently).toBeGreaterThanOrEqual(100);
    await second.watch.stop();
    expect(t.counted()).toEqual({ count: 100, fatal: Math.ceil(100 / 7) });
  });

  it('goes on counting after its own lease ran out while it was busy: it waits for the lease again, not for ever', async () => {
    const t = setup();
    const log = aLog(100);
    let offsetMs = 0;
    // Half way through, the clock jumps past the lease (as after a stall of the event loop): the next commit is refused.
    log.afterLine = (delivered) => {
      if (delivered === 150) offsetMs += 60_000;
    };
    const bot = t.aBot(log, 0, () => new Date(Date.now() + offsetMs));
    bot.watch.start();
    await expect.poll(() => t.counted().count, patiently).toBeGreaterThanOrEqual(100);
    log.afterLine = () => undefined;
    await bot.watch.stop();
    expect(t.counted()).toEqual({ count: 100, fatal: Math.ceil(100 / 7) });
  });
});
