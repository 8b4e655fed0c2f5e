import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfiguredAccess } from '../../src/domain/access.ts';
import type { Actor, Conversation } from '../../src/domain/request.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { report } from '../../src/domain/report.ts';
import { configProblems, NO_ACCESS_SETTINGS, SLACK_CHANNEL, staticDirectory, testDispatcher, testNotifications } from '../support/builders.ts';

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

describe('report settings', () => {
  const problems = configProblems;

  it('weekdays at 08:00 UTC by default; a bad schedule or zone stops the start, naming the setting', () => {
    expect(loadConfig({}).reports).toEqual({ schedule: '0 8 * * 1-5', timezone: 'UTC', graceHours: 6 });
    expect(problems({ REPORT_SCHEDULE: 'every morning' }).join('\n')).toMatch(/REPORT_SCHEDULE must be a cron expression of 5 fields/);
    expect(problems({ REPORT_TIMEZONE: 'Europe/Berlinn' }).join('\n')).toMatch(/REPORT_TIMEZONE must be an IANA time zone such as Europe\/Berlin, got "Europe\/Berlinn"/);
  });
});
