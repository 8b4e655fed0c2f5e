import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/root.ts';
import { REPORT_SCHEDULE } from '../../src/http/metrics.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { ScheduledRuns } from '../../src/store/scheduled-runs.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../support/builders.ts';
import { SlackStandin } from '../support/slack/index.ts';

const CHANNEL = 'C0OPS00001';

/**
 * The daily report end to end: subscribed in Slack, run by the schedule, posted through the outbox to the loopback
 * Slack; the bot restarted right after it posts nothing twice.
 */
describe('the daily report', () => {
  let standin: SlackStandin;
  const dataDir = mkdtempSync(join(tmpdir(), 'cops-daily-'));
  beforeAll(async () => {
    standin = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
  });
  afterAll(async () => standin?.stop());

  async function bot(): Promise<Services> {
    const services = createServices(
      loadConfig({
        DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: standin.botToken,
        SLACK_APP_TOKEN: standin.appToken,
        SLACK_API_URL: standin.apiUrl,
        CONNECTOR_NAME: 'ops',
        CONNECTOR_URL: 'http://127.0.0.1:1',
        CONNECTOR_OPS_OPERATORS: 'slack:U0ALICE001',
        // Every minute: the start makes up the last minute's report at once.
        REPORT_SCHEDULE: '* * * * *',
        REPORT_TIMEZONE: 'Europe/Berlin',
      }),
      silentLogger(),
    );
    await services.chatAdapters[0]!.start();
    const deadline = Date.now() + 10_000;
    while ((services.chatAdapters[0]!.notReady?.() ?? []).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return services;
  }

  async function stop(services: Services): Promise<void> {
    await services.reportSchedule.stop();
    await services.outboxWorker.stop();
    await services.chatAdapters[0]!.stop();
    services.close();
  }

  function readStore<T>(read: (store: Store) => T): T {
    const store = Store.open(join(dataDir, 'connector-ops.sqlite'));
    try {
      return read(store);
    } finally {
      store.close();
    }
  }

  const reports = () => standin.messagesIn(CHANNEL).filter((m) => (m.text ?? '').startsWith('Daily report'));

  it('is posted once into the subscribed channel, summary first; a restart right after it posts no second one', async () => {
    const first = await bot();
    await standin.socket.send({ payload: standin.slashCommand({ text: 'subscribe reports', user: 'U0ALICE001' }) });
    await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => (m.text ?? '').includes('now receives the daily report')));
    first.outboxWorker.start();
    first.reportSchedule.start();
    const report = await standin.waitFor(() => reports()[0], 20_000);
    expect(report.text).toMatch(/^Daily report .*: CRITICAL\. 1 connector: 1 critical/);
    expect(JSON.stringify(report.blocks)).toContain('Needs attention');
    expect(JSON.stringify(report.blocks)).toContain('/connector restart ops');
    // /metrics tells the same, read from the store: the post counted as delivered, nothing left queued.
    const scrape = () => first.metrics.registry.metrics();
    let metrics = await scrape();
    for (const deadline = Date.now() + 3_000; !metrics.includes('outcome="delivered"} 1') && Date.now() < deadline; metrics = await scrape()) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(metrics).toContain('connector_ops_deliveries_total{platform="slack",outcome="delivered"} 1');
    expect(metrics).toMatch(/^connector_ops_deliveries_queued 0$/m);
    expect(metrics).toMatch(/^connector_ops_report_last_run_posted\{schedule="daily-report"\} 1$/m);
    const firstRun = readStore((store) => new ScheduledRuns(store).last(REPORT_SCHEDULE)!);
    const lastRun = Number(/^connector_ops_report_last_run_timestamp_seconds\{schedule="daily-report"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(lastRun).toBe(firstRun.scheduledFor.getTime() / 1000);
    await stop(first);

    // Restarted within the same minute: that minute's report was posted; nothing is posted again.
    const second = await bot();
    second.outboxWorker.start();
    second.reportSchedule.start();
    // What the start does (finish a run cut off, make up one missed) is done when its stop returns, and its posts
    // are out once the outbox holds nothing pending.
    await second.reportSchedule.stop();
    await expect.poll(() => readStore((store) => new Outbox(store).pending().total)).toBe(0);
    await stop(second);
    // One message per run, whether or not the minute turned meanwhile (the start then rightly ran the new minute's).
    const { last, unfinished } = readStore((store) => ({ last: new ScheduledRuns(store).last(REPORT_SCHEDULE)!, unfinished: new ScheduledRuns(store).unfinished(REPORT_SCHEDULE) }));
    expect(unfinished).toEqual([]);
    expect(reports()).toHaveLength(last.scheduledFor > firstRun.scheduledFor ? 2 : 1);
  }, 60_000);
});
