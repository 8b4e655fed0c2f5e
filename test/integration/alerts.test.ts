import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/root.ts';
import { ErrorCounts } from '../../src/store/error-counts.ts';
import { Store } from '../../src/store/store.ts';
import { capturingLogger, silentLogger } from '../support/builders.ts';
import { ENGINE_KINDS, describeWith, engineHost, requireDockerEngine, requireStandinImage } from '../support/requirements.ts';
import { SlackStandin } from '../support/slack/index.ts';
import type { PostedMessage } from '../support/slack/state.ts';
import { connectorLogLine, containerOutput, startStandinConnector, type StandinConnector } from '../support/standin.ts';

const CHANNEL = 'C0OPS00001';
/** A channel of its own for the test that needs one nobody subscribed before. */
const LATE_CHANNEL = 'C0LATE0001';
const OPERATOR = 'U0ALICE001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Alerts end to end: a real container (the stand-in Connector) writes errors into its log, the bot follows it
 * through the engine's API (Docker's follow stream; Podman's log read by polls), groups them and posts through the
 * outbox to the loopback Slack, with short timers.
 */
describe.each(ENGINE_KINDS)('alerts end to end on $kind: a followed Connector log, health probes, Slack', ({ kind, engine }) => {
describeWith([requireStandinImage(), () => requireDockerEngine(engine)], kind, () => {
  let slack: SlackStandin;
  let connector: StandinConnector;
  const running: Services[] = [];

  beforeAll(async () => {
    slack = await SlackStandin.start({
      socket: { redeliveryDelayMs: false },
      workspace: { channels: [{ id: CHANNEL, name: 'connector-ops' }, { id: LATE_CHANNEL, name: 'late-subscribers' }] },
    });
    connector = await startStandinConnector({ name: 'alerts', engine });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(running.map(stop));
    await connector?.remove();
    await slack?.stop();
  });

  async function bot(dataDir: string, extra: Record<string, string> = {}, logger = silentLogger()): Promise<Services> {
    const services = createServices(
      loadConfig({
        DOCKER_HOST: engineHost(engine) ?? '',
        DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_APP_TOKEN: slack.appToken,
        SLACK_API_URL: slack.apiUrl,
        CONNECTOR_NAME: 'ops',
        CONNECTOR_URL: connector.url,
        CONNECTOR_API_KEY: connector.apiKey,
        CONNECTOR_CONTAINER: connector.name,
        CONNECTOR_OPS_OPERATORS: `slack:${OPERATOR}`,
        ALERT_GROUP_WAIT_SECONDS: '2',
        ALERT_GROUP_INTERVAL_SECONDS: '3',
        ALERT_RESOLVE_SECONDS: '6',
        // The probes stay out of the way here: these tests are about the log.
        ALERT_PROBE_SECONDS: '3600',
        ALERT_SLOW_CHECKS_SECONDS: '3600',
        ...extra,
      }),
      logger,
    );
    running.push(services);
    await services.chatAdapters[0]!.start();
    const deadline = Date.now() + 10_000;
    while ((services.chatAdapters[0]!.notReady?.() ?? []).length > 0 && Date.now() < deadline) await sleep(50);
    services.outboxWorker.start();
    services.alerts.engine.start();
    services.alerts.watcher!.start();
    await slack.waitFor(() => services.alerts.watcher!.states().find((s) => s.status.state === 'following'), 15_000);
    return services;
  }

  async function stop(services: Services): Promise<void> {
    const index = running.indexOf(services);
    if (index < 0) return;
    running.splice(index, 1);
    services.alerts.engine.stop();
    await services.alerts.watcher?.stop();
    await services.outboxWorker.stop();
    await services.chatAdapters[0]!.stop();
    services.close();
  }

  const errorLine = (message: string) => connectorLogLine('ERROR', 'Runtime', message);
  const alertsIn = (channel: string) => slack.messagesIn(channel).filter((m) => /· ops · errors in the log/.test(m.text ?? ''));
  const countOf = (message: PostedMessage) => Number(/\*errors\*\\n(\d+)/.exec(JSON.stringify(message.blocks))?.[1]);

  it('posts one grouped alert after group_wait, updates its count in place, and resolves it once quiet; a silence holds posts back', async () => {
    const services = await bot(mkdtempSync(join(tmpdir(), 'cops-alerts-')));
    await slack.socket.send({ payload: slack.slashCommand({ text: 'subscribe alerts', user: OPERATOR }) });
    await slack.waitFor(() => slack.messagesIn(CHANNEL).find((m) => (m.text ?? '').includes('now receives alerts')));

    await connector.appendLog([1, 2, 3, 4, 5].map((n) => errorLine(`Sync failed: item ${n} could not be processed`)));
    const alert = await slack.waitFor(() => alertsIn(CHANNEL)[0], 15_000);
    // Posted not before group_wait after the first error reached the bot (when the alert fired), by Slack's own timestamp.
    const firedAt = services.alerts.engine.active().find((a) => a.alert.kind === 'error-group')!.alert.firedAt!;
    expect(Number(alert.ts) * 1000).toBeGreaterThanOrEqual(firedAt.getTime() + services.config.alerts.groupWaitMs);
    expect(alert.text).toContain('Sync failed: item &lt;n&gt; could not be processed');
    expect(JSON.stringify(alert.blocks)).toContain('a sync run against the Backbone failed');
    await slack.waitFor(() => countOf(alertsIn(CHANNEL)[0]!) === 5, 5_000);

    await connector.appendLog([6, 7, 8].map((n) => errorLine(`Sync failed: item ${n} could not be processed`)));
    await slack.waitFor(() => countOf(alertsIn(CHANNEL)[0]!) === 8, 15_000);
    expect(alertsIn(CHANNEL)).toHaveLength(1);

    // Quiet for the resolve time (6 s): the same message says resolved.
    await slack.waitFor(() => /^RESOLVED/.test(alertsIn(CHANNEL)[0]?.text ?? ''), 20_000);
    expect(alertsIn(CHANNEL)).toHaveLength(1);

    await slack.socket.send({ payload: slack.slashCommand({ text: 'silence ops 1h deploying', user: OPERATOR }) });
    await slack.waitFor(() => slack.messagesIn(CHANNEL).find((m) => (m.text ?? '').startsWith('Silenced every alert of ops')));
    await connector.appendLog([errorLine('Webhook delivery failed: ECONNREFUSED')]);
    const webhook = () => services.alerts.engine.active().find((a) => a.alert.title.startsWith('Webhook delivery failed'));
    const held = await slack.waitFor(webhook, 10_000);
    // Its first post would be due group_wait after it fired: a tick at that moment does whatever is due, at once
    // and in this turn, and a post it queued would count in the alert's posts.
    services.alerts.engine.tick(new Date(held.alert.firedAt!.getTime() + services.config.alerts.groupWaitMs));
    expect(webhook()?.alert.posts).toBe(0);
    expect(alertsIn(CHANNEL)).toHaveLength(1);
    expect(webhook()?.silencedBy?.target).toBe('ops');
    const metrics = await services.metrics.registry.metrics();
    expect(metrics).toMatch(/^connector_ops_alerts_firing\{kind="error-group"\} 1$/m);
    expect(metrics).toMatch(/^connector_ops_alerts_silenced 1$/m);
    await stop(services);
  }, 90_000);

  it('an alert raised before any conversation subscribes is told to the first that does, once, and the answer says so', async () => {
    const { logger, records } = capturingLogger();
    const services = await bot(mkdtempSync(join(tmpdir(), 'cops-alerts-late-')), {}, logger);
    await connector.appendLog([errorLine('Message broker publish failed: channel closed')]);
    // Past group_wait with nobody to tell: the engine says so and keeps the alert untold.
    await slack.waitFor(() => records.find((r) => String(r.msg).startsWith('alert not told yet')), 15_000);
    const answers = () => slack.messagesIn(LATE_CHANNEL).filter((m) => (m.text ?? '').includes('now receives alerts'));
    const told = () => slack.messagesIn(LATE_CHANNEL).filter((m) => /^WARN · ops · errors in the log: Message broker publish failed/.test(m.text ?? ''));

    await slack.socket.send({ payload: slack.slashCommand({ text: 'subscribe alerts', user: OPERATOR, channel: LATE_CHANNEL }) });
    const answer = await slack.waitFor(() => answers()[0]);
    expect(JSON.stringify(answer.blocks)).toContain('1 alert firing now follows here');
    await slack.waitFor(() => told()[0], 15_000);

    await slack.socket.send({ payload: slack.slashCommand({ text: 'subscribe alerts', user: OPERATOR, channel: LATE_CHANNEL }) });
    const again = await slack.waitFor(() => answers()[1]);
    expect(JSON.stringify(again.blocks)).toContain('1 alert firing now was posted here before');
    expect(told()).toHaveLength(1);
    await stop(services);
  }, 90_000);

  it('counts every error of a burst once across a restart of the container and a restart of the bot in the middle of it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-alerts-burst-'));
    let services = await bot(dataDir);
    const burst = async (from: number, to: number) => {
      for (let n = from; n < to; n += 10) {
        await connector.appendLog(Array.from({ length: 10 }, (_, i) => errorLine(`Burst error ${n + i}`)));
        // Paced, so that the restarts fall in the middle of the burst.
        await sleep(30);
      }
    };
    await burst(0, 100);
    await connector.restart();
    await burst(100, 200);
    await stop(services);
    await burst(200, 300);
    services = await bot(dataDir);
    await burst(300, 400);
    const counted = (group: string) => {
      const store = Store.open(join(dataDir, 'connector-ops.sqlite'));
      try {
        return new ErrorCounts(store).between(new Date(0), new Date(Date.now() + 3_600_000)).find((g) => g.key.startsWith(group))?.count ?? 0;
      } finally {
        store.close();
      }
    };
    // A last error after the burst: the follower counts in the log's order, so once it is counted every line before it is.
    await connector.appendLog([errorLine('Burst over')]);
    await slack.waitFor(() => counted('Burst over') === 1, 15_000);
    // What the container's log holds is the truth: lines appended while it restarted never reached it.
    const logged = (await containerOutput(connector.containerId, undefined, engine)).split('\n').filter((line) => /\[ERROR\] Runtime - Burst error \d+/.test(line)).length;
    expect(logged).toBeGreaterThan(200);
    expect(counted('Burst error')).toBe(logged);
    await stop(services);
  }, 120_000);

  it('raises nothing for health flapping faster than the hold time; unhealthy held fires once, delivered once through a Slack outage, and resolves', async () => {
    const services = await bot(mkdtempSync(join(tmpdir(), 'cops-alerts-health-')), { ALERT_PROBE_SECONDS: '1', ALERT_HOLD_SECONDS: '6', ALERT_GROUP_WAIT_SECONDS: '1' });
    await slack.socket.send({ payload: slack.slashCommand({ text: 'subscribe alerts --min critical', user: OPERATOR }) });
    await slack.waitFor(() => slack.messagesIn(CHANNEL).find((m) => (m.text ?? '').includes('alerts of severity critical')));
    const healthAlerts = () => slack.messagesIn(CHANNEL).filter((m) => /· ops · health/.test(m.text ?? ''));
    services.alerts.probes.start();
    // Unhealthy for 1.5 s, healthy for 1.5 s, for 15 s: never for the 6 s hold. The pace is the test's input.
    for (let i = 0; i < 5; i++) {
      await connector.setHealth('unhealthy:backbone');
      await sleep(1_500);
      await connector.setHealth('healthy');
      await sleep(1_500);
    }
    // Until a probe saw it healthy after the last unhealthy spell. A health alert that fired could only resolve after
    // the hold time healthy, so it would stay in view as firing meanwhile: none may.
    const healthState = () => services.alerts.engine.active().find((a) => a.alert.kind === 'health')?.alert.state;
    await slack.waitFor(() => {
      expect(healthState()).not.toBe('firing');
      return healthState() === undefined;
    }, 5_000);
    expect(healthAlerts()).toEqual([]);

    // Slack down for the first three posts (503), then up: the alert arrives once.
    slack.fault('chat.postMessage', { status: 503 }, { status: 503 }, { status: 503 });
    await connector.setHealth('unhealthy:backbone');
    const alert = await slack.waitFor(() => healthAlerts()[0], 30_000);
    expect(alert.text).toMatch(/^CRITICAL · ops · health: /);
    expect(JSON.stringify(alert.blocks)).toContain('/connector restart ops');
    expect(slack.callsOf('chat.postMessage').slice(-4).map((call) => call.status)).toEqual([503, 503, 503, 200]);

    // Its Silence 1 h button silences this alert (the operator's press runs `/connector silence <id> 1h`).
    const silenceButton = (alert.blocks ?? [])
      .flatMap((b) => (b.type === 'actions' ? ((b.elements as Array<{ action_id: string; value: string }>) ?? []) : []))
      .find((button) => / 1h$/.test(button.value) && button.value.startsWith('/connector silence '));
    expect(silenceButton).toBeDefined();
    await slack.socket.send({ payload: slack.blockActions({ message: alert, actionId: silenceButton!.action_id, user: OPERATOR }) });
    await slack.waitFor(() => services.alerts.engine.active().find((a) => a.alert.kind === 'health')?.silencedBy, 10_000);
    await slack.socket.send({ payload: slack.slashCommand({ text: 'unsilence ' + services.alerts.engine.active().find((a) => a.alert.kind === 'health')!.silencedBy!.id, user: OPERATOR }) });
    await slack.waitFor(() => slack.messagesIn(CHANNEL).find((m) => /^Silence s-[0-9a-f]+ ended/.test(m.text ?? '')), 10_000);

    await connector.setHealth('healthy');
    await slack.waitFor(() => /^RESOLVED/.test(healthAlerts()[0]?.text ?? ''), 30_000);
    expect(healthAlerts()).toHaveLength(1);
    await services.alerts.probes.stop();
    await stop(services);
  }, 120_000);
});
});
