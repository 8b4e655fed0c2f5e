import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfiguredAccess } from '../../src/domain/access.ts';
import type { Actor, Conversation } from '../../src/domain/request.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { report } from '../../src/domain/report.ts';
import { personOf } from '../../src/domain/operation.ts';
import { aConnector, configProblems, NO_ACCESS_SETTINGS, SLACK_CHANNEL, staticDirectory, testAlerts, testDispatcher, testNotifications } from '../support/builders.ts';

const runner: ReportRunner = { run: async () => report([]) };
const ops: Actor = { platform: 'slack', id: 'U0OPS', displayName: 'Ops' };
const viewer: Actor = { platform: 'slack', id: 'U0VIEW', displayName: 'Viewer' };
const NEXT = new Date('2026-12-02T07:00:00Z');

function setup() {
  const notifications = testNotifications(NEXT);
  const path = testDispatcher(staticDirectory([]), runner, { notifications, policy: new ConfiguredAccess({ ...NO_ACCESS_SETTINGS, operators: ['slack:U0OPS'] }) });
  const as = async (actor: Actor, text: string, conversation: Conversation = SLACK_CHANNEL) => renderText((await path.ask(text, { actor, conversation })).last).text;
  return { notifications, as };
}

describe('subscriptions in chat', () => {
  it('an operator subscribes a channel to the daily report or alerts; the list and the schedule show it; unsubscribe ends it', async () => {
    const { as, notifications } = setup();
    expect(await as(ops, '/connector subscribe reports')).toMatch(/This conversation now receives the daily report \(next: Wednesday, 2 December 2026 at 08:00 \(Europe\/Berlin\)\)/);
    expect(await as(ops, '/connector subscribe alerts --min critical')).toMatch(/alerts of severity critical and above/);
    expect(notifications.subscriptions.receiving('reports')).toEqual(['slack:C0123ABCD']);
    const list = await as(viewer, '/connector subscriptions');
    expect(list).toMatch(/slack:C0123ABCD +reports · by Ops/);
    expect(list).toMatch(/slack:C0123ABCD +alerts · alerts from critical · by Ops/);
    expect(await as(viewer, '/connector schedule')).toMatch(/next daily report is due Wednesday, 2 December 2026 at 08:00 \(Europe\/Berlin\), posted into slack:C0123ABCD/);
    expect(await as(ops, '/connector unsubscribe reports')).toBe('This conversation no longer receives reports.');
    expect(await as(ops, '/connector unsubscribe reports')).toBe('This conversation did not receive reports.');
  });

  it('a viewer may not subscribe; a wrong kind is a usage error', async () => {
    const { as } = setup();
    expect(await as(viewer, '/connector subscribe reports')).toMatch(/needs the operator role/);
    expect(await as(ops, '/connector subscribe everything')).toMatch(/"subscribe" takes reports or alerts, not "everything"/);
    expect(await as(ops, '/connector subscribe alerts --min loud')).toMatch(/"--min loud": expected warn or critical/);
  });
});

describe('subscribing to alerts while some fire', () => {
  const NOW = new Date('2026-12-01T09:00:00Z');
  const before = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

  it('the answer tells what fires now and the silences in force; each firing alert then reaches the conversation once, through the outbox', async () => {
    const directory = staticDirectory([aConnector('main'), aConnector('edge')]);
    const alerts = testAlerts(directory, [], () => NOW);
    const path = testDispatcher(directory, runner, { notifications: alerts.notifications, alerts: alerts.verbs, policy: new ConfiguredAccess({ ...NO_ACCESS_SETTINGS, operators: ['slack:U0OPS'] }) });
    const as = async (text: string, conversation: Conversation = SLACK_CHANNEL) => renderText((await path.ask(text, { actor: ops, conversation })).last).text;
    const posts = () =>
      (alerts.store.db.prepare('SELECT conversation, key, message FROM outbox ORDER BY id').all() as Array<{ conversation: string; key: string | null; message: string }>).map((row) => ({
        conversation: row.conversation,
        key: row.key,
        text: (JSON.parse(row.message) as { text: string }).text,
      }));

    // A new Connector version seen two seconds after the start, and errors of a connector under a silence.
    alerts.engine.observe('main', 'image-update', [{ key: '7.5.0', severity: 'warn', title: 'Connector 7.5.0 is available', detail: '', once: true }], before(600));
    alerts.engine.recordErrors('edge', [{ key: 'Sync failed: <n>', count: 2, fatal: 0, sample: 'Sync failed: 1' }], before(600));
    alerts.silencer.silence({ scope: 'connector', target: 'edge', connector: 'edge', durationMs: 3_600_000, reason: 'migration', by: personOf(ops), now: before(60) });
    alerts.engine.tick(before(30));
    expect(posts()).toEqual([]);

    const answer = await as('/connector subscribe alerts');
    expect(answer).toContain('This conversation now receives alerts of severity warn and above.');
    expect(answer).toContain('1 alert firing now follows here, each as its own message, updated in place until it resolves.');
    expect(answer).toContain('1 alert firing now is held back by a silence, and posted here when it ends:');
    expect(answer).toMatch(/edge · [0-9a-f]{10} +Sync failed: <n> · silenced until 2026-12-01T09:59:00.000Z/);
    expect(answer).toMatch(/Silences in force · 1\n.*every alert of edge · until 2026-12-01T09:59:00.000Z \(59 min left\) · by Ops · migration/);

    alerts.engine.tick(NOW);
    alerts.engine.tick(NOW);
    expect(posts()).toEqual([{ conversation: 'slack:C0123ABCD', key: expect.stringMatching(/^alert:/), text: expect.stringContaining('WARN · main · new Connector version: Connector 7.5.0 is available') }]);

    // Subscribing again (or a second time through the configuration) posts nothing twice.
    expect(await as('/connector subscribe alerts')).toContain('1 alert firing now was posted here before.');
    alerts.engine.tick(NOW);
    expect(posts()).toHaveLength(1);

    // From critical only, a warning is not received.
    const pager: Conversation = { platform: 'slack', id: 'C0PAGER001', private: false };
    expect(await as('/connector subscribe alerts --min critical', pager)).toContain('No alert it receives is firing now.');
    alerts.engine.tick(NOW);
    expect(posts()).toHaveLength(1);
  });
});

describe('report settings', () => {
  const problems = configProblems;

  it('weekdays at 08:00 UTC by default; a bad schedule or zone stops the start, naming the setting', () => {
    expect(loadConfig({}).reports).toEqual({ schedule: '0 8 * * 1-5', timezone: 'UTC', graceHours: 6 });
    expect(problems({ REPORT_SCHEDULE: 'every morning' }).join('\n')).toMatch(/REPORT_SCHEDULE must be a cron expression of 5 fields/);
    expect(problems({ REPORT_TIMEZONE: 'Europe/Berlinn' }).join('\n')).toMatch(/REPORT_TIMEZONE must be an IANA time zone such as Europe\/Berlin, got "Europe\/Berlinn"/);
  });
});
