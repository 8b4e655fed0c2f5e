import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { ConfiguredAccess } from '../../src/domain/access.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import type { Actor } from '../../src/domain/request.ts';
import { report } from '../../src/domain/report.ts';
import { aConnector, NO_ACCESS_SETTINGS, staticDirectory, testAlerts, testDispatcher } from '../support/builders.ts';

const runner: ReportRunner = { run: async () => report([]) };
const ops: Actor = { platform: 'slack', id: 'U0OPS', displayName: 'Ops' };
const viewer: Actor = { platform: 'slack', id: 'U0VIEW', displayName: 'Viewer' };
const NOW = new Date('2026-12-01T09:00:00Z');

function setup() {
  const directory = staticDirectory([aConnector('main'), aConnector('edge')]);
  const alerts = testAlerts(directory, [], () => NOW);
  const path = testDispatcher(directory, runner, { alerts: alerts.verbs, policy: new ConfiguredAccess({ ...NO_ACCESS_SETTINGS, operators: ['slack:U0OPS'] }) });
  // Without the status badge the console puts in front of a one-paragraph answer.
  const as = async (actor: Actor, text: string) => renderText((await path.ask(text, { actor })).last).text.replace(/^\[ [a-z?!]+ \] /, '');
  return { alerts, as };
}

describe('alerts and silences in chat', () => {
  it('lists what fires, silences an alert by its id and a connector by its name, audited, and ends a silence early', async () => {
    const { alerts, as } = setup();
    expect(await as(viewer, '/connector alerts')).toBe('No alert is firing or pending, and no silence is in force.');
    alerts.engine.recordErrors('main', [{ key: 'Sync failed: <n>', count: 4, fatal: 0, sample: 'Sync failed: 1' }], NOW);
    const { alert } = alerts.engine.active(NOW)[0]!;
    expect(await as(viewer, '/connector alerts')).toMatch(new RegExp(`main · ${alert.id} +Sync failed: <n> · firing for 0 s · 4 errors`));

    const silenced = await as(ops, `/connector silence ${alert.id.toUpperCase()} 1h known during the migration`);
    expect(silenced).toMatch(new RegExp(`^Silenced alert ${alert.id} \\(main: Sync failed: <n>\\) for 1 h, until 2026-12-01T10:00:00.000Z \\(silence s-[0-9a-f]{6};`));
    expect(await as(ops, '/connector silence edge 24h')).toMatch(/^Silenced every alert of edge for 24 h/);
    const listed = await as(viewer, '/connector alerts');
    expect(listed).toMatch(/silenced until 2026-12-01T10:00:00.000Z/);
    expect(listed).toMatch(/every alert of edge · until 2026-12-02T09:00:00.000Z \(24 h left\) · by Ops/);
    expect(listed).toMatch(/by Ops · known during the migration/);

    const audit = alerts.audit.list({}).map((entry) => [entry.event, entry.connector, entry.actor?.id]);
    expect(audit).toEqual([['silenced', 'main', 'U0OPS'], ['silenced', 'edge', 'U0OPS']]);

    const id = alerts.silences.active(NOW).find((s) => s.target === 'edge')!.id;
    expect(await as(ops, `/connector unsilence ${id}`)).toBe(`Silence ${id} ended: its alerts are posted again.`);
    expect(alerts.silences.active(NOW).map((s) => s.target)).toEqual([alert.id]);
    expect(await as(ops, `/connector unsilence ${id}`)).toBe(`No silence "${id}" is in force. /connector alerts lists them.`);
  });

  it('refuses a target that is neither a connector nor an alert, and silencing without the operator role', async () => {
    const { as, alerts } = setup();
    expect(await as(ops, '/connector silence <!here> 1h')).toBe('"<!here>" is neither a connector nor an alert id. /connector alerts lists the alerts; /connector connectors the connectors.');
    expect(await as(viewer, '/connector silence main 1h')).toMatch(/needs the operator role/);
    expect(alerts.silences.active(NOW)).toEqual([]);
  });

  it('says which logs are not followed now, and why: their errors cannot alert', async () => {
    const directory = staticDirectory([aConnector('main')]);
    const alerts = testAlerts(directory, [], () => NOW);
    const followers = () => [
      { connector: 'main', source: 'container', status: { state: 'waiting' as const, reason: 'container is exited' } },
      { connector: 'main', source: 'file:/var/log/c.log', status: { state: 'following' as const } },
    ];
    const path = testDispatcher(directory, runner, { alerts: { ...alerts.verbs, followers } });
    const text = renderText((await path.ask('/connector alerts', { actor: viewer })).last).text;
    expect(text).toContain('Logs not followed now, so their errors cannot alert: main (container): container is exited');
    expect(text).not.toContain('file:/var/log/c.log');
  });
});
