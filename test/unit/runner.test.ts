import { aConnector } from '../support/builders.ts';
import { expectATurnBeforeEachPiece, holdThread, loopTurns } from '../support/loop-turns.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Check, CheckContext } from '../../src/checks/check.ts';
import { mapWithConcurrency } from '../../src/checks/concurrency.ts';
import { CheckRunner } from '../../src/checks/runner.ts';
import { checkResult, type CheckId, type CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { CheckStatus } from '../../src/domain/status.ts';
import { validReport } from '../support/report-schema.ts';

function connector(name: string, extra: Partial<Connector> = {}): Connector {
  return aConnector(name, extra);
}

/** A check that answers `status` after `delayMs`, and remembers the contexts it ran with. */
class FixedCheck implements Check {
  readonly contexts: CheckContext[] = [];

  readonly id: CheckId;
  private readonly status: CheckStatus;
  private readonly delayMs: number;
  private readonly applies: (c: Connector) => boolean;

  constructor(id: CheckId, status: CheckStatus, delayMs = 0, applies: (c: Connector) => boolean = () => true) {
    this.id = id;
    this.status = status;
    this.delayMs = delayMs;
    this.applies = applies;
  }

  appliesTo(c: Connector): boolean {
    return this.applies(c);
  }

  async run(context: CheckContext): Promise<CheckResult> {
    this.contexts.push(context);
    if (this.delayMs > 0) await sleep(this.delayMs);
    return checkResult(this.id, this.status, `${this.id} ${this.status} for ${context.connector.name}`);
  }
}

/** A check whose runs for each connector end when the test says; it records how many ran at once. */
class GatedCheck implements Check {
  readonly id: CheckId;
  readonly started: string[] = [];
  running = 0;
  mostAtOnce = 0;
  private readonly gates = new Map<string, () => void>();

  constructor(id: CheckId) {
    this.id = id;
  }

  appliesTo(): boolean {
    return true;
  }

  async run(context: CheckContext): Promise<CheckResult> {
    this.started.push(context.connector.name);
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
    await new Promise<void>((resolve) => this.gates.set(context.connector.name, resolve));
    this.running--;
    return checkResult(this.id, 'ok', `${this.id} for ${context.connector.name}`);
  }

  finish(name: string): void {
    this.gates.get(name)?.();
  }
}

describe('CheckRunner', () => {
  it("runs each check for at most `concurrency` connectors at once, and a connector's slow check holds back no other check", async () => {
    const slow = new GatedCheck('resources');
    const quick = new GatedCheck('health');
    const runner = new CheckRunner([slow, quick], { timeoutMs: 5_000, concurrency: 2 });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const running = runner.run(names.map((name) => connector(name)), ['resources', 'health']);
    // Each connector's quick check is let go as soon as it has started: every one of them starts while the
    // slow ones of a and b still hold their places.
    for (const name of names) {
      await expect.poll(() => quick.started).toContain(name);
      quick.finish(name);
    }
    await expect.poll(() => quick.running).toBe(0);
    expect(quick.started).toEqual(names);
    expect(slow.started).toEqual(['a', 'b']);
    for (const name of names) {
      await expect.poll(() => slow.started).toContain(name);
      slow.finish(name);
    }
    const report = await running;
    expect(report.connectors.map((c) => c.checks.map((k) => k.summary))).toEqual(names.map((n) => [`resources for ${n}`, `health for ${n}`]));
    expect([slow.mostAtOnce, quick.mostAtOnce]).toEqual([2, 2]);
  });

  it('runs the checks of a connector in parallel', async () => {
    const health = new GatedCheck('health');
    const container = new GatedCheck('container');
    const runner = new CheckRunner([health, container], { timeoutMs: 5_000, concurrency: 4 });
    const running = runner.run([connector('main')], ['health', 'container']);
    // Both have begun while neither may end: they run side by side, not one after the other.
    await expect.poll(() => [health.started, container.started]).toEqual([['main'], ['main']]);
    health.finish('main');
    container.finish('main');
    const result = await running;
    expect(result.connectors[0]?.checks.map((c) => c.id)).toEqual(['health', 'container']);
  });

  it('turns a check that throws into unknown with the reason', async () => {
    const failing: Check = {
      id: 'database',
      appliesTo: () => true,
      run: async () => {
        throw new Error('ECONNREFUSED 127.0.0.1:27017');
      },
    };
    const throwingSynchronously: Check = {
      id: 'resources',
      appliesTo: () => true,
      run: () => {
        throw new TypeError('cannot read the disk');
      },
    };
    const rejectingWithString: Check = { id: 'versions', appliesTo: () => true, run: () => Promise.reject('plain string') };
    const runner = new CheckRunner([failing, throwingSynchronously, rejectingWithString, new FixedCheck('health', 'ok')], {
      timeoutMs: 1_000,
      concurrency: 1,
    });
    const result = validReport(await runner.run([connector('main')], ['health', 'database', 'resources', 'versions']));
    expect(result.connectors[0]?.checks).toEqual([
      checkResult('health', 'ok', 'health ok for main'),
      checkResult('database', 'unknown', 'Could not look: ECONNREFUSED 127.0.0.1:27017'),
      checkResult('resources', 'unknown', 'Could not look: cannot read the disk'),
      checkResult('versions', 'unknown', 'Could not look: plain string'),
    ]);
    expect(result.status).toBe('unknown');
  });

  it('gives up on a check that hangs: unknown after the timeout, and its signal aborted', async () => {
    let seen: AbortSignal | undefined;
    const hanging: Check = {
      id: 'image-update',
      appliesTo: () => true,
      run: ({ signal }) => {
        seen = signal;
        return new Promise<CheckResult>(() => undefined);
      },
    };
    const runner = new CheckRunner([hanging, new FixedCheck('health', 'ok')], { timeoutMs: 150, concurrency: 1 });
    // The check never settles: only the runner's limit can end it, and it says so.
    const result = validReport(await runner.run([connector('main')], ['health', 'image-update']));
    expect(result.connectors[0]?.checks[1]).toEqual(checkResult('image-update', 'unknown', 'Could not look: no answer within 0.15 s'));
    expect(seen?.aborted).toBe(true);
    expect(String((seen?.reason as Error).message)).toBe('timed out after 150 ms');
  });

  it('gives a check with its own limit that limit, and the others the common one', async () => {
    const slow = (id: 'error-logs' | 'image-update', ms: number): Check => ({
      id,
      appliesTo: () => true,
      run: () => new Promise<CheckResult>((resolve) => setTimeout(() => resolve(checkResult(id, 'ok', 'done')), ms)),
    });
    const runner = new CheckRunner([slow('error-logs', 250), slow('image-update', 250)], {
      timeoutMs: 100,
      timeoutsMs: { 'error-logs': 1_000 },
      concurrency: 1,
    });
    const result = validReport(await runner.run([connector('main')], ['error-logs', 'image-update']));
    expect(result.connectors[0]?.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['error-logs:ok', 'image-update:unknown']);
  });

  it('does not abort the signal of a check that finished in time', async () => {
    const check = new FixedCheck('health', 'ok', 10);
    validReport(await new CheckRunner([check], { timeoutMs: 1_000, concurrency: 1 }).run([connector('main')], ['health']));
    expect(check.contexts[0]?.signal.aborted).toBe(false);
  });

  it('leaves out checks that do not apply to a connector, and ids without a check', async () => {
    const database = new FixedCheck('database', 'ok', 0, (c) => c.mongodbUri !== undefined);
    const runner = new CheckRunner([database, new FixedCheck('health', 'ok')], { timeoutMs: 1_000, concurrency: 2 });
    const result = validReport(await runner.run(
      [connector('with-db', { mongodbUri: 'mongodb://db' }), connector('without-db')],
      ['health', 'database', 'key-material'],
    ));
    expect(result.connectors.map((c) => [c.name, c.checks.map((k) => k.id)])).toEqual([
      ['with-db', ['health', 'database']],
      ['without-db', ['health']],
    ]);
    expect(database.contexts.map((c) => c.connector.name)).toEqual(['with-db']);
  });

  it('checks at most `concurrency` connectors at once, keeping their order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const counting: Check = {
      id: 'health',
      appliesTo: () => true,
      run: async ({ connector: c }) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(30);
        inFlight -= 1;
        return checkResult('health', 'ok', c.name);
      },
    };
    const runner = new CheckRunner([counting], { timeoutMs: 1_000, concurrency: 2 });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const result = validReport(await runner.run(names.map((n) => connector(n)), ['health']));
    expect(maxInFlight).toBe(2);
    expect(result.connectors.map((c) => c.name)).toEqual(names);
  });

  it('gives each connector and the report the worst status of their checks', async () => {
    const byConnector: Check = {
      id: 'health',
      appliesTo: () => true,
      run: async ({ connector: c }) => checkResult('health', c.name === 'sick' ? 'critical' : 'ok', c.name),
    };
    const runner = new CheckRunner([byConnector, new FixedCheck('resources', 'warn')], { timeoutMs: 1_000, concurrency: 2 });
    const result = validReport(await runner.run([connector('fine'), connector('sick')], ['health', 'resources']));
    expect(result.connectors.map((c) => [c.name, c.status])).toEqual([
      ['fine', 'warn'],
      ['sick', 'critical'],
    ]);
    expect(result.status).toBe('critical');
  });

  it('tells onResult of every finished check, and passes now and logWindowMs to the checks', async () => {
    const now = new Date('2024-05-01T12:00:00Z');
    const told: Array<[string, CheckId, CheckStatus, number]> = [];
    const logs = new FixedCheck('error-logs', 'warn', 20);
    const runner = new CheckRunner([logs, new FixedCheck('health', 'ok')], {
      timeoutMs: 1_000,
      concurrency: 2,
      now: () => now,
      onResult: (c, r, ms) => told.push([c.name, r.id, r.status, ms]),
    });
    const result = validReport(await runner.run([connector('a'), connector('b')], ['health', 'error-logs'], { logWindowMs: 3_600_000 }));
    expect(result.generatedAt).toBe('2024-05-01T12:00:00.000Z');
    expect(told.map(([c, id, status]) => `${c}/${id}/${status}`).sort()).toEqual(['a/error-logs/warn', 'a/health/ok', 'b/error-logs/warn', 'b/health/ok']);
    for (const [, id, , ms] of told) expect(ms).toBeGreaterThanOrEqual(id === 'error-logs' ? 15 : 0);
    expect(logs.contexts.map((c) => [c.now, c.logWindowMs])).toEqual([
      [now, 3_600_000],
      [now, 3_600_000],
    ]);
  });

  it('starts the checks of a large report in turns of the event loop, not all in one', async () => {
    const turns = loopTurns();
    // Each check's first step holds the thread longer than a slice (10 ms), as setting up many requests at once did.
    const busyStart: Check = {
      id: 'health',
      appliesTo: () => true,
      run: async ({ connector: c }) => {
        holdThread(15);
        turns.piece(c.name);
        return checkResult('health', 'ok', 'fine');
      },
    };
    validReport(await new CheckRunner([busyStart], { timeoutMs: 5_000, concurrency: 4 }).run(['a', 'b', 'c', 'd'].map((name) => connector(name)), ['health']));
    turns.stop();
    expectATurnBeforeEachPiece(turns.events, 4);
  });

  it('reports ok for no connectors', async () => {
    const result = validReport(await new CheckRunner([], { timeoutMs: 1_000, concurrency: 2 }).run([], ['health']));
    expect(result).toMatchObject({ status: 'ok', connectors: [] });
  });
});

describe('mapWithConcurrency', () => {
  it('keeps the order of the input and treats a limit below 1 as 1', async () => {
    const out = await mapWithConcurrency([3, 1, 2], 0, async (n) => {
      await sleep(n * 5);
      return n * 10;
    });
    expect(out).toEqual([30, 10, 20]);
  });
});
