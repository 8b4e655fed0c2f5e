import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../src/chat/console/console-adapter.ts';
import { OutboxWorker } from '../../src/delivery/outbox-worker.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { report } from '../../src/domain/report.ts';
import { aConnector, silentLogger, staticDirectory, testAlerts, testDispatcher } from '../support/builders.ts';

// The outbox stamps its items with the wall clock: the test's clock starts there.
const T0 = Date.now();
const runner: ReportRunner = { run: async () => report([]) };

describe('alerts in the console', () => {
  it('are printed when due, updated in turn, and their Silence 1 h choice silences the alert', async () => {
    const directory = staticDirectory([aConnector('main')]);
    let now = T0;
    const alerts = testAlerts(directory, [{ conversation: 'console', receives: ['alerts'], minSeverity: 'warn', connectors: [] }], () => new Date(now));
    const path = testDispatcher(directory, runner, { alerts: alerts.verbs });
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const terminal = new ConsoleAdapter({ input: input as unknown as NodeJS.ReadStream, output: output as unknown as NodeJS.WriteStream, dispatch: (r, reply) => path.dispatcher.dispatch(r, reply), redact: (t) => t });
    await terminal.start();
    const worker = new OutboxWorker({ outbox: alerts.outbox, transports: new Map([['console', terminal.transport()]]), logger: silentLogger(), now: () => new Date(now) });

    alerts.engine.recordErrors('main', [{ key: 'Sync failed: <n>', count: 3, fatal: 0, sample: 'Sync failed: 7' }], new Date(now));
    now += 30_000;
    alerts.engine.tick(new Date(now));
    await worker.deliverDue();
    expect(written).toContain('WARN · main · errors in the log');
    expect(written).toMatch(/errors +3/);
    expect(written).toMatch(/\(2\) Silence 1 h/);

    // The console cannot edit what it printed: an update is printed anew, with the new count.
    alerts.engine.recordErrors('main', [{ key: 'Sync failed: <n>', count: 2, fatal: 0, sample: 'Sync failed: 8' }], new Date(now));
    now += 300_000;
    alerts.engine.tick(new Date(now));
    await worker.deliverDue();
    expect(written.match(/WARN · main · errors in the log/g)).toHaveLength(2);
    expect(written).toMatch(/errors +5/);

    input.write('2\n');
    await expect.poll(() => written).toMatch(/Silenced alert [0-9a-f]{10} \(main: Sync failed: <n>\) for 1 h/);
    expect(alerts.silences.active(new Date(now)).map((s) => s.scope)).toEqual(['alert']);
    input.end();
    await terminal.ended;
  });
});
