import type { CheckId } from './check-result.ts';
import { CHECK_TITLES } from './check-titles.ts';
import type { Block, Button, Chart, Field, Message } from './message.ts';
import type { Report } from './report.ts';
import type { CheckStatus } from './status.ts';

/** What fixes a check that is not ok: the next step a person takes (the typed command where there is one). */
const NEXT_STEP: Record<CheckId, (connector: string) => string> = {
  health: (c) => `restart it (/connector restart ${c}) if it does not recover; /connector logs ${c} tells why`,
  container: (c) => `see /connector health ${c} --details; a crash loop names its exit code`,
  resources: () => 'free disk space or raise the container limits before it runs out',
  'image-update': (c) => `update it (/connector update ${c}); a new major is a migration`,
  versions: () => 'update the container engine or the OS of its host',
  'error-logs': (c) => `read the errors: /connector logs ${c} --details`,
  'key-material': () => 'renew the certificate or check the API key before it expires',
  'old-material': (c) => `clean up: /connector cleanup ${c} (after an approval)`,
  'third-party': () => 'check the system named: the Connector depends on it',
  database: () => 'check MongoDB: members, lag, free disk, the age of the last backup',
};

/** What the report adds from the bot's own records: the last day's error groups (counted by the log follower), the 7-day chart. */
export interface DailyExtras {
  errorGroups?: ReadonlyArray<{ connector: string; key: string; count: number; fatal: number }>;
  chart?: Chart;
}

const MAX_ERROR_GROUPS = 10;

const ORDER: readonly CheckStatus[] = ['critical', 'warn', 'unknown'];
const MAX_BUTTONS = 20;

/**
 * The daily maintenance report: the summary first (overall status, one line per connector), then only what
 * needs attention, each with its reason and the step that fixes it (and buttons for the operations that do),
 * then a compact list of what is fine.
 */
export function dailyReportMessage(report: Report, scheduledFor: Date, timezone: string, extras: DailyExtras = {}): Message {
  const date = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, dateStyle: 'full' }).format(scheduledFor);
  const counts = ORDER.concat('ok').map((status) => [status, report.connectors.filter((c) => c.status === status).length] as const).filter(([, n]) => n > 0);
  const summary = `${report.connectors.length} ${report.connectors.length === 1 ? 'connector' : 'connectors'}: ${counts.map(([status, n]) => `${n} ${status}`).join(', ')}`;
  const attention: Field[] = [];
  const buttons: Button[] = [];
  for (const connector of report.connectors) {
    for (const check of connector.checks.filter((k) => k.status !== 'ok').sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status))) {
      attention.push({ label: `${connector.name} · ${CHECK_TITLES[check.id]}`, value: `${check.summary}\n→ ${NEXT_STEP[check.id](connector.name)}`, status: check.status });
      if (check.id === 'health' && check.status === 'critical') buttons.push({ label: `Request restart of ${connector.name}`, command: `/connector restart ${connector.name}` });
      if (check.id === 'image-update' && check.status === 'warn') buttons.push({ label: `Request update of ${connector.name}`, command: `/connector update ${connector.name}` });
    }
  }
  const fine = report.connectors.filter((c) => c.status === 'ok').map((c) => c.name);
  const blocks: Block[] = [
    { type: 'header', text: `Daily report · ${date}`, status: report.status },
    { type: 'section', text: summary, status: report.status },
    {
      type: 'fields',
      fields: report.connectors.map((c) => ({ label: c.name, value: c.status === 'ok' ? 'ok' : c.checks.filter((k) => k.status !== 'ok').map((k) => `${k.id} ${k.status}`).join(', '), status: c.status })),
    },
  ];
  if (attention.length > 0) blocks.push({ type: 'section', text: 'Needs attention' }, { type: 'fields', fields: attention });
  blocks.push({
    type: 'actions',
    buttons: [...buttons.slice(0, MAX_BUTTONS), { label: 'Details', command: '/connector status --details' }, { label: 'Run again', command: '/connector status' }],
  });
  const groups = extras.errorGroups ?? [];
  if (groups.length > 0) {
    blocks.push(
      { type: 'section', text: `Errors in the last 24 h · ${groups.reduce((sum, g) => sum + g.count, 0)} in ${groups.length} ${groups.length === 1 ? 'group' : 'groups'}` },
      {
        type: 'fields',
        fields: groups.slice(0, MAX_ERROR_GROUPS).map((g) => ({ label: g.connector, value: `${g.count}× ${g.key}${g.fatal > 0 ? ` (${g.fatal} FATAL)` : ''}`, status: g.fatal > 0 ? 'critical' : 'warn' })),
      },
    );
    if (groups.length > MAX_ERROR_GROUPS) blocks.push({ type: 'context', text: `and ${groups.length - MAX_ERROR_GROUPS} more groups: /connector logs --since 24h --details` });
  }
  if (fine.length > 0) blocks.push({ type: 'context', text: `Fine: ${fine.join(', ')}` });
  if (extras.chart) blocks.push({ type: 'chart', chart: extras.chart });
  blocks.push({ type: 'context', text: `Generated ${report.generatedAt}` });
  return { text: `Daily report ${date}: ${report.status.toUpperCase()}. ${summary}`, blocks };
}
