import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { checkResult } from '../../src/domain/check-result.ts';
import { dailyReportMessage } from '../../src/domain/daily-report.ts';
import { parseCommand } from '../../src/domain/command.ts';
import { connectorReport, report } from '../../src/domain/report.ts';
import { buttonsOf } from '../support/builders.ts';

const AT = new Date('2026-12-01T07:00:00Z');
const daily = report(
  [
    connectorReport('prod', [checkResult('health', 'critical', 'Unhealthy (HTTP 500): database unhealthy'), checkResult('image-update', 'warn', '7.4.6 → 7.4.7 available')]),
    connectorReport('test', [checkResult('health', 'ok', 'Healthy (HTTP 200)'), checkResult('resources', 'warn', 'disk /data 86 %')]),
    connectorReport('edge', [checkResult('health', 'ok', 'Healthy (HTTP 200)')]),
  ],
  AT,
);

describe('dailyReportMessage', () => {
  const message = dailyReportMessage(daily, AT, 'Europe/Berlin');
  const text = renderText(message).text;

  it('summary first: the overall status, the counts, one line per connector; the date in the configured zone', () => {
    expect(message.blocks[0]).toEqual({ type: 'header', text: 'Daily report · Tuesday, 1 December 2026', status: 'critical' });
    expect(text).toContain('3 connectors: 1 critical, 1 warn, 1 ok');
    expect(text).toMatch(/prod +health critical, image-update warn/);
  });

  it('then only what needs attention, worst first, each with the step that fixes it', () => {
    const attention = text.slice(text.indexOf('Needs attention'), text.indexOf('Fine:'));
    expect(attention.indexOf('prod · Health')).toBeLessThan(attention.indexOf('prod · Image update'));
    expect(attention).toContain('→ restart it (/connector restart prod)');
    expect(attention).toContain('→ free disk space or raise the container limits');
    expect(attention).not.toContain('edge');
  });

  it('buttons for the operations that fix it, Details and Run again; every button a valid command', () => {
    const buttons = buttonsOf(message);
    expect(buttons.map((b) => b.label)).toEqual(['Request restart of prod', 'Request update of prod', 'Details', 'Run again']);
    for (const button of buttons) expect(parseCommand(button.command).ok).toBe(true);
  });

  it("an engine below its minimum: the versions check's title and its step name the engine, whichever kind it is", () => {
    const old = report([connectorReport('rhel', [checkResult('versions', 'warn', 'Podman Engine 4.2.0 is below the minimum 4.3')])], AT);
    const shown = renderText(dailyReportMessage(old, AT, 'Europe/Berlin')).text;
    expect(shown).toContain('rhel · Engine and OS versions');
    expect(shown).toContain('→ update the container engine or the OS of its host');
  });

  it('a compact list of what is fine, last', () => {
    expect(text).toContain('Fine: edge');
  });

  it("tells the last day's error groups as the follower counted them, the largest first, and draws the 7-day chart", () => {
    const groups = [
      { connector: 'prod', key: 'Sync failed: <n>', count: 120, fatal: 0 },
      { connector: 'edge', key: 'Could not connect to the configured database', count: 3, fatal: 3 },
    ];
    const chart = { title: 'Disk and memory use, last 7 days', from: '2026-11-24T07:00:00Z', to: AT.toISOString(), series: [{ label: 'memory', points: [{ at: '2026-11-30T07:00:00Z', percent: 40 }, { at: AT.toISOString(), percent: 60 }] }] };
    const withExtras = dailyReportMessage(daily, AT, 'Europe/Berlin', { errorGroups: groups, chart });
    const shown = renderText(withExtras).text;
    expect(shown).toContain('Errors in the last 24 h · 123 in 2 groups');
    expect(shown).toMatch(/prod +120× Sync failed: <n>/);
    expect(shown).toMatch(/edge +3× Could not connect to the configured database \(3 FATAL\)/);
    expect(withExtras.blocks).toContainEqual({ type: 'chart', chart });
    expect(shown).toMatch(/memory +[▁-█ ]+/);
    expect(text).not.toContain('Errors in the last 24 h');
  });
});
