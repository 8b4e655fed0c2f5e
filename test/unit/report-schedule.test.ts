import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReportSchedule, type ReportScheduleOptions } from '../../src/scheduler/report-schedule.ts';
import { ScheduledRuns } from '../../src/store/scheduled-runs.ts';
import { Store } from '../../src/store/store.ts';
import { capturingLogger } from '../support/builders.ts';

const HOUR = 3_600_000;
const WEEKDAYS_8 = '0 8 * * 1-5';
const BERLIN = 'Europe/Berlin';
/** Tuesday 31 March 2026, 08:00 in Berlin (summer time). */
const TUESDAY_8 = new Date('2026-03-31T06:00:00Z');


let dir: string;
let stores: Store[];
let schedules: ReportSchedule[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'connector-ops-schedule-'));
  stores = [];
  schedules = [];
});

afterEach(async () => {
  // A run still in progress waits on fake timers: they go on while the schedules stop.
  const stopping = Promise.all(schedules.map((s) => s.stop()));
  await vi.advanceTimersByTimeAsync(HOUR);
  await stopping;
  vi.useRealTimers();
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One bot process: its own connection to the store file of DATA_DIR. */
function botProcess() {
  const store = Store.open(join(dir, 'connector-ops.db'));
  stores.push(store);
  return { store, runs: new ScheduledRuns(store) };
}

/** A report that takes `ms`, records when it began and what it posted, and marks itself posted as the real one does. */
function reportTaking(store: Store, ms = 0) {
  const begun: string[] = [];
  const ran: Array<{ scheduledFor: string; at: string }> = [];
  const run: ReportScheduleOptions['run'] = async (scheduledFor, markPosted) => {
    const at = new Date().toISOString();
    begun.push(scheduledFor.toISOString());
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    store.transaction(() => {
      markPosted();
      ran.push({ scheduledFor: scheduledFor.toISOString(), at });
    });
  };
  return { run, ran, begun };
}

function schedule(options: Partial<ReportScheduleOptions> & Pick<ReportScheduleOptions, 'runs' | 'run'>) {
  const created = new ReportSchedule({ name: 'daily-report', cron: WEEKDAYS_8, zone: BERLIN, logger: pino({ level: 'silent' }), ...options });
  schedules.push(created);
  return created;
}

function at(date: Date | string) {
  vi.useFakeTimers({ now: new Date(date) });
}

const after = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('ReportSchedule', () => {
  it('runs at 08:00 Berlin time on weekdays only, across the spring-forward weekend, on a timer (not a poll)', async () => {
    at('2026-03-27T05:00:00Z'); // Friday 06:00 winter time
    const { store, runs } = botProcess();
    const report = reportTaking(store);
    const created = schedule({ runs, run: report.run });
    created.start();
    await after(0);
    expect(created.next()).toEqual(new Date('2026-03-27T07:00:00Z'));
    expect(vi.getTimerCount()).toBe(1);
    await after(4 * 24 * HOUR + 2 * HOUR); // to Tuesday 09:00
    expect(report.ran).toEqual([
      { scheduledFor: '2026-03-27T07:00:00.000Z', at: '2026-03-27T07:00:00.000Z' },
      { scheduledFor: '2026-03-30T06:00:00.000Z', at: '2026-03-30T06:00:00.000Z' },
      { scheduledFor: '2026-03-31T06:00:00.000Z', at: '2026-03-31T06:00:00.000Z' },
    ]);
    expect(runs.last('daily-report')).toMatchObject({ scheduledFor: TUESDAY_8, postedAt: TUESDAY_8, attempts: 1 });
    expect(runs.unfinished('daily-report')).toEqual([]);
  });

  it('a time of day skipped or repeated by the clock change runs once (02:30 Berlin)', async () => {
    at('2026-03-28T00:00:00Z');
    const { store, runs } = botProcess();
    const spring = reportTaking(store);
    schedule({ cron: '30 2 * * *', runs, run: spring.run }).start();
    await after(3 * 24 * HOUR);
    expect(spring.ran.map((r) => r.at)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    await schedules.pop()!.stop();

    vi.setSystemTime(new Date('2026-10-24T00:00:00Z'));
    const autumn = reportTaking(store);
    schedule({ cron: '30 2 * * *', runs, run: autumn.run }).start();
    await after(3 * 24 * HOUR);
    expect(autumn.ran.map((r) => r.at)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('a restart right after a report does not post it again', async () => {
    at(new Date(TUESDAY_8.getTime() - 60_000));
    const first = botProcess();
    const report = reportTaking(first.store);
    const before = schedule({ runs: first.runs, run: report.run });
    before.start();
    await after(2 * 60_000);
    await before.stop();
    first.store.close();

    const second = botProcess();
    const { logger, records } = capturingLogger();
    schedule({ runs: second.runs, run: report.run, logger }).start();
    await after(HOUR);
    expect(report.ran).toEqual([{ scheduledFor: TUESDAY_8.toISOString(), at: TUESDAY_8.toISOString() }]);
    // Nor, later than the grace, is it said to be missed.
    await schedules.pop()!.stop();
    vi.setSystemTime(new Date(TUESDAY_8.getTime() + 7 * HOUR));
    schedule({ runs: second.runs, run: report.run, logger }).start();
    await after(0);
    expect(report.begun).toHaveLength(1);
    expect(records.filter((r) => String(r.msg).startsWith('missed'))).toEqual([]);
  });

  it('down over the report time: exactly one make-up at the start, then the schedule as usual', async () => {
    at(new Date(TUESDAY_8.getTime() + 2 * HOUR));
    const { store, runs } = botProcess();
    const { logger, records } = capturingLogger();
    const report = reportTaking(store);
    schedule({ runs, run: report.run, logger }).start();
    await after(0);
    expect(report.ran).toEqual([{ scheduledFor: TUESDAY_8.toISOString(), at: '2026-03-31T08:00:00.000Z' }]);
    expect(records).toContainEqual(expect.objectContaining({ level: 30, msg: 'making up the report of 2026-03-31 08:00 Europe/Berlin (bot down), 2 h late' }));
    await after(22 * HOUR);
    expect(report.ran.map((r) => r.at)).toEqual(['2026-03-31T08:00:00.000Z', '2026-04-01T06:00:00.000Z']);
  });

  it('down longer than the grace: nothing is made up, and the log says so at info level', async () => {
    at(new Date(TUESDAY_8.getTime() + 7 * HOUR));
    const { store, runs } = botProcess();
    const { logger, records } = capturingLogger();
    const report = reportTaking(store);
    schedule({ runs, run: report.run, logger }).start();
    await after(3 * HOUR);
    expect(report.ran).toEqual([]);
    const missed = records.filter((r) => String(r.msg).startsWith('missed'));
    expect(missed).toEqual([
      expect.objectContaining({
        level: 30,
        scheduledFor: TUESDAY_8.toISOString(),
        msg: 'missed the report of 2026-03-31 08:00 Europe/Berlin (bot down); older than the grace of 6 h: not made up',
      }),
    ]);
    await after(14 * HOUR);
    expect(report.ran.map((r) => r.scheduledFor)).toEqual(['2026-04-01T06:00:00.000Z']);
  });

  it('a run claimed but never posted when the bot died is finished once at the next start, with its own instant', async () => {
    at(TUESDAY_8);
    const crashed = botProcess();
    // What a process killed in the middle of the run leaves behind.
    expect(crashed.runs.claim('daily-report', TUESDAY_8, TUESDAY_8)).toBe(true);
    crashed.store.close();

    vi.setSystemTime(new Date(TUESDAY_8.getTime() + 5 * 60_000));
    const restarted = botProcess();
    const report = reportTaking(restarted.store);
    const { logger, records } = capturingLogger();
    const resumed = schedule({ runs: restarted.runs, run: report.run, logger });
    resumed.start();
    await after(HOUR);
    expect(report.ran).toEqual([{ scheduledFor: TUESDAY_8.toISOString(), at: '2026-03-31T06:05:00.000Z' }]);
    expect(records).toContainEqual(expect.objectContaining({ msg: 'finishing the report of 2026-03-31 08:00 Europe/Berlin, begun but never posted' }));
    expect(restarted.runs.last('daily-report')).toMatchObject({ attempts: 2, postedAt: new Date('2026-03-31T06:05:00Z') });
    await resumed.stop();

    schedule({ runs: restarted.runs, run: report.run }).start();
    await after(HOUR);
    expect(report.ran).toHaveLength(1);
  });

  it('two processes starting after a crash finish the unfinished run once between them', async () => {
    at(new Date(TUESDAY_8.getTime() + 5 * 60_000));
    const one = botProcess();
    const two = botProcess();
    one.runs.claim('daily-report', TUESDAY_8, TUESDAY_8);
    const reportOne = reportTaking(one.store, 1_000);
    const reportTwo = reportTaking(two.store, 1_000);
    schedule({ runs: one.runs, run: reportOne.run }).start();
    schedule({ runs: two.runs, run: reportTwo.run }).start();
    await after(HOUR);
    expect([...reportOne.begun, ...reportTwo.begun]).toEqual([TUESDAY_8.toISOString()]);
  });

  it('a restart within a minute of the crash waits for the run\'s lease to lapse, then finishes it once', async () => {
    at(TUESDAY_8);
    const crashed = botProcess();
    crashed.runs.claim('daily-report', TUESDAY_8, TUESDAY_8);
    vi.setSystemTime(new Date(TUESDAY_8.getTime() + 20_000));
    const report = reportTaking(crashed.store);
    schedule({ runs: crashed.runs, run: report.run }).start();
    await after(30_000);
    expect(report.ran).toEqual([]);
    await after(30_000);
    expect(report.ran).toEqual([{ scheduledFor: TUESDAY_8.toISOString(), at: '2026-03-31T06:01:00.000Z' }]);
  });

  it('two processes on one store: one run per instant, even when the report outlasts the lease', async () => {
    at('2026-03-30T05:00:00Z');
    const one = botProcess();
    const two = botProcess();
    const reportOne = reportTaking(one.store, 3 * 60_000);
    const reportTwo = reportTaking(two.store, 3 * 60_000);
    schedule({ runs: one.runs, run: reportOne.run }).start();
    schedule({ runs: two.runs, run: reportTwo.run }).start();
    await after(2 * 24 * HOUR);
    const expected = ['2026-03-30T06:00:00.000Z', '2026-03-31T06:00:00.000Z'];
    expect([...reportOne.ran, ...reportTwo.ran].map((r) => r.scheduledFor).sort()).toEqual(expected);
    // Not even begun twice: the running process's heartbeat keeps the other one off.
    expect([...reportOne.begun, ...reportTwo.begun].sort()).toEqual(expected);
  });

  it('a run that throws is logged and tried once more a minute later; a second failure is not tried again', async () => {
    at(new Date(TUESDAY_8.getTime() - 60_000));
    const { runs } = botProcess();
    const { logger, records } = capturingLogger();
    const tried: string[] = [];
    const failing: ReportScheduleOptions['run'] = async () => {
      tried.push(new Date().toISOString());
      throw new Error('the report broke');
    };
    schedule({ runs, run: failing, logger }).start();
    await after(HOUR);
    expect(tried).toEqual(['2026-03-31T06:00:00.000Z', '2026-03-31T06:01:00.000Z']);
    const failures = records.filter((r) => r.level === 50).map((r) => r.msg);
    expect(failures).toEqual([
      'the report of 2026-03-31 08:00 Europe/Berlin failed; tried once more in a minute',
      'the report of 2026-03-31 08:00 Europe/Berlin failed; not tried again',
    ]);
    expect(runs.unfinished('daily-report')).toMatchObject([{ scheduledFor: TUESDAY_8, attempts: 2 }]);
  });

  it('"posted" commits with the posts: a run whose transaction rolled back is run again', async () => {
    at(new Date(TUESDAY_8.getTime() - 60_000));
    const { store, runs } = botProcess();
    let calls = 0;
    const run: ReportScheduleOptions['run'] = async (_scheduledFor, markPosted) => {
      calls++;
      store.transaction(() => {
        markPosted();
        if (calls === 1) throw new Error('enqueueing the posts failed');
      });
    };
    schedule({ runs, run }).start();
    await after(2 * 60_000);
    expect(calls).toBe(2);
    expect(runs.last('daily-report')).toMatchObject({ attempts: 2, postedAt: new Date('2026-03-31T06:01:00Z') });
  });

  it('a run another process posted meanwhile rolls its own posts back', async () => {
    at(new Date(TUESDAY_8.getTime() - 60_000));
    const { store, runs } = botProcess();
    const other = botProcess();
    const { logger, records } = capturingLogger();
    let enqueued = 0;
    const run: ReportScheduleOptions['run'] = async (scheduledFor, markPosted) => {
      other.runs.markPosted('daily-report', scheduledFor, new Date());
      store.transaction(() => {
        enqueued++;
        markPosted();
      });
    };
    schedule({ runs, run, logger }).start();
    await after(2 * 60_000);
    expect(enqueued).toBe(1);
    expect(records).toContainEqual(expect.objectContaining({ level: 30, msg: 'the report of 2026-03-31 08:00 Europe/Berlin was posted by another process meanwhile; this run rolled back' }));
    expect(records.filter((r) => r.level === 50)).toEqual([]);
  });

  it('a report that posts nothing (no markPosted call) is marked posted when it resolves', async () => {
    at(new Date(TUESDAY_8.getTime() - 60_000));
    const { runs } = botProcess();
    schedule({ runs, run: async () => {} }).start();
    await after(2 * 60_000);
    expect(runs.last('daily-report')).toMatchObject({ scheduledFor: TUESDAY_8, postedAt: TUESDAY_8 });
  });

  it('stop waits for a run in progress, and no timer is left', async () => {
    at(new Date(TUESDAY_8.getTime() - 1_000));
    const { store, runs } = botProcess();
    const report = reportTaking(store, 30_000);
    const created = schedule({ runs, run: report.run });
    created.start();
    await after(2_000);
    let stopped = false;
    const stopping = created.stop().then(() => (stopped = true));
    await after(10_000);
    expect(stopped).toBe(false);
    await after(20_000);
    await stopping;
    expect(report.ran).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sleeps at most an hour at a time, so a changed clock is noticed', async () => {
    at('2026-03-30T09:00:00Z');
    const { store, runs } = botProcess();
    // Monday's report is done.
    runs.claim('daily-report', new Date('2026-03-30T06:00:00Z'), new Date('2026-03-30T06:00:00Z'));
    runs.markPosted('daily-report', new Date('2026-03-30T06:00:00Z'), new Date('2026-03-30T06:00:00Z'));
    const report = reportTaking(store);
    schedule({ runs, run: report.run }).start();
    await after(0);
    // The clock jumps to Tuesday 07:59 (NTP after a long suspend): the next wake is at most an hour away.
    vi.setSystemTime(new Date(TUESDAY_8.getTime() - 60_000));
    await after(HOUR);
    expect(report.ran.map((r) => r.scheduledFor)).toEqual([TUESDAY_8.toISOString()]);
  });
});
