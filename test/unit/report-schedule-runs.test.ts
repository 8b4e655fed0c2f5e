import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScheduledRuns } from '../../src/store/scheduled-runs.ts';
import { Store } from '../../src/store/store.ts';

const AT_8 = new Date('2026-03-31T06:00:00Z');
const LATER = new Date('2026-03-31T06:05:00Z');

let dir: string;
let stores: Store[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'connector-ops-runs-'));
  stores = [];
});

afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One process's connection to the store file. */
function connect() {
  const store = Store.open(join(dir, 'connector-ops.db'));
  stores.push(store);
  return { store, runs: new ScheduledRuns(store) };
}

describe('ScheduledRuns (the store of the schedule runs)', () => {
  it('a claim of an instant is won once, across two connections and schedules apart', () => {
    const one = connect();
    const two = connect();
    expect(one.runs.claim('daily-report', AT_8, AT_8)).toBe(true);
    expect(two.runs.claim('daily-report', AT_8, AT_8)).toBe(false);
    expect(one.runs.claim('daily-report', AT_8, LATER)).toBe(false);
    expect(two.runs.claim('weekly-report', AT_8, AT_8)).toBe(true);
  });

  it('unfinished until posted; last is the latest instant, posted or not', () => {
    const { runs } = connect();
    const earlier = new Date('2026-03-30T06:00:00Z');
    runs.claim('daily-report', earlier, earlier);
    runs.claim('daily-report', AT_8, AT_8);
    expect(runs.markPosted('daily-report', earlier, earlier)).toBe(true);
    expect(runs.markPosted('daily-report', earlier, LATER)).toBe(false);
    expect(runs.unfinished('daily-report')).toEqual([{ schedule: 'daily-report', scheduledFor: AT_8, claimedAt: AT_8, heartbeatAt: AT_8, attempts: 1 }]);
    expect(runs.last('daily-report')).toEqual({ schedule: 'daily-report', scheduledFor: AT_8, claimedAt: AT_8, heartbeatAt: AT_8, attempts: 1 });
    expect(runs.last('weekly-report')).toBeUndefined();
  });

  it('an unfinished run is taken over by exactly one of two processes that read it at once', () => {
    const one = connect();
    const two = connect();
    one.runs.claim('daily-report', AT_8, AT_8);
    const [seenByOne] = one.runs.unfinished('daily-report');
    const [seenByTwo] = two.runs.unfinished('daily-report');
    expect(one.runs.retake(seenByOne!, LATER)).toBe(true);
    expect(two.runs.retake(seenByTwo!, LATER)).toBe(false);
    expect(two.runs.unfinished('daily-report')).toMatchObject([{ attempts: 2, heartbeatAt: LATER }]);
  });

  it('a heartbeat since the read keeps the run from being taken over', () => {
    const { runs } = connect();
    runs.claim('daily-report', AT_8, AT_8);
    const [seen] = runs.unfinished('daily-report');
    runs.heartbeat('daily-report', AT_8, new Date(AT_8.getTime() + 10_000));
    expect(runs.retake(seen!, LATER)).toBe(false);
  });

  it('"posted" rolls back with the transaction it is part of', () => {
    const { store, runs } = connect();
    runs.claim('daily-report', AT_8, AT_8);
    expect(() =>
      store.transaction(() => {
        runs.markPosted('daily-report', AT_8, LATER);
        throw new Error('enqueueing the posts failed');
      }),
    ).toThrow('enqueueing the posts failed');
    expect(runs.unfinished('daily-report')).toHaveLength(1);
  });
});
