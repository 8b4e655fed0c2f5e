import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/root.ts';
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
    const lastRun = Number(/^connector_ops_report_last_run_timestamp_seconds\{schedule="daily-report"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(Date.now() / 1000 - lastRun).toBeLessThan(120);
    await stop(first);

    // Restarted within the same minute: that minute's report was posted; nothing is posted again.
    const second = await bot();
    second.outboxWorker.start();
    second.reportSchedule.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stop(second);
    // Each run the store holds as posted is one message, whether or not the minute turned meanwhile.
    const store = Store.open(join(dataDir, 'connector-ops.sqlite'));
    const posted = (store.db.prepare('SELECT COUNT(*) AS n FROM scheduled_runs WHERE posted_at IS NOT NULL').get() as { n: number }).n;
    store.close();
    expect(posted).toBeGreaterThanOrEqual(1);
    expect(reports()).toHaveLength(posted);
  }, 60_000);
});
