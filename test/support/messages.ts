import { checkResult, type CheckDetail } from '../../src/domain/check-result.ts';
import { parseCommand } from '../../src/domain/command.ts';
import { usageMessage } from '../../src/domain/help-message.ts';
import type { Chart, Message } from '../../src/domain/message.ts';
import type { OperationRequest } from '../../src/domain/operation.ts';
import { connectorReport, report } from '../../src/domain/report.ts';
import { reportMessage } from '../../src/domain/report-message.ts';

/** Realistic neutral messages that every chat renderer is tested with (golden files, limits, escaping). */

export const AT = new Date('2026-12-01T09:00:00Z');

export const healthyDetails = reportMessage(
  report(
    [
      connectorReport('main', [
        checkResult('health', 'ok', 'Healthy (HTTP 200)', [
          { label: 'database', value: 'healthy', status: 'ok' },
          { label: 'backbone connection', value: 'healthy', status: 'ok' },
          { label: 'version', value: '7.4.7', status: 'ok' },
        ]),
        checkResult('container', 'ok', 'Running for 3 d 4 h', [
          { label: 'image', value: 'ghcr.io/nmshd/connector:7.4.7' },
          { label: 'restarts', value: '0' },
        ]),
        checkResult('resources', 'ok', 'CPU 4 %, memory 312 MB of 2 GB, disk 41 %', [
          { label: 'host disk /', value: '41 % used, 58 GB free; full in more than 90 days at the current rate', status: 'ok' },
        ]),
      ]),
    ],
    AT,
  ),
  { title: 'Health · main', details: true },
);

export const criticalThree = reportMessage(
  report(
    [
      connectorReport('prod', [
        checkResult('health', 'critical', 'Unhealthy (HTTP 500): database unhealthy', [{ label: 'database', value: 'unhealthy', status: 'critical' }]),
        checkResult('container', 'warn', 'Restarted 4 times in 1 h', [{ label: 'restarts', value: '4' }]),
        checkResult('database', 'critical', 'Primary unreachable: connect ECONNREFUSED 10.0.4.12:27017'),
      ]),
      connectorReport('staging', [
        checkResult('health', 'ok', 'Healthy (HTTP 200)'),
        checkResult('container', 'ok', 'Running for 12 d'),
        checkResult('database', 'warn', 'Secondary lags 42 s behind the primary'),
      ]),
      connectorReport('test', [], [{ id: 'database', needs: 'a MongoDB connection string in the connector settings' }]),
    ],
    AT,
  ),
  { title: 'Status', details: false, detailsCommand: '/connector status --details' },
);

function errorGroup(i: number): CheckDetail {
  const route = ['POST /api/v2/Challenges', 'GET /api/v2/Messages', 'PUT /api/v2/Relationships', 'POST /api/v2/Files'][i % 4]!;
  const key = `RequestError: error.transport.request.unknown (500): 'connect ECONNREFUSED 10.0.${i % 7}.${i}:8081' for ${route}`;
  const stack = [
    `${key} (request ${String(i).padStart(4, '0')})`,
    '    at RequestError.fromAxiosError (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RequestError.js:22:16)',
    '    at RESTClient.runRequest (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RESTClient.js:201:35)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
    `    at async SyncController.sync (/usr/app/node_modules/@nmshd/transport/dist/modules/sync/SyncController.js:${100 + i}:9)`,
  ].join('\n');
  return { label: key.slice(0, 100), value: `${200 - i}× · first 03:1${i % 10} · last 08:5${i % 10} · ${stack}`, status: i % 50 === 0 ? 'critical' : 'warn' };
}

export const errorLogs = reportMessage(
  report(
    [
      connectorReport('main', [
        checkResult(
          'error-logs',
          'critical',
          '20100 errors (3 FATAL) in 24 h (200 groups), last 08:59',
          [
            ...Array.from({ length: 200 }, (_, i) => errorGroup(i)),
            { label: 'container logs', value: 'connector-main: 412034 lines, 96.2 MB' },
            { label: 'log files', value: '3 files (/var/log/connector/connector.log.2, connector.log.1, connector.log): 88010 lines, 21.4 MB' },
          ],
        ),
      ]),
    ],
    AT,
  ),
  { title: 'Error logs · main', details: true },
);

export function anOperationRequest(extra: Partial<OperationRequest> = {}): OperationRequest {
  return {
    id: 'r7k2m9',
    connector: 'prod',
    kind: 'update',
    params: {
      currentVersion: '7.4.6',
      targetVersion: '7.4.7',
      targetImage: 'ghcr.io/nmshd/connector:7.4.7',
      shown: {
        lines: ['Image: ghcr.io/nmshd/connector:7.4.6 → ghcr.io/nmshd/connector:7.4.7', 'Downtime: about 1 min', 'Rollback: to 7.4.6 when 7.4.7 is not healthy within 5 min'],
        warning: 'Two Connectors share this database: the other one is stopped during the update.',
      },
    },
    reason: 'security fix for the AMQP client',
    state: 'pending',
    requestedBy: { platform: 'slack', id: 'U0123ABCD', displayName: 'Ada' },
    conversation: { platform: 'slack', id: 'C0123ABCD', private: false },
    createdAt: AT,
    expiresAt: new Date(AT.getTime() + 3_600_000),
    selfApproved: false,
    ...extra,
  };
}

export const usage = (() => {
  const parsed = parseCommand('/connector logs main --since 5weeks');
  if (parsed.ok) throw new Error('expected a usage error');
  return usageMessage(parsed.problem, parsed.spec);
})();

export const ANSI = '\u001b[31mred\u001b[0m \u0007bell';
/** Characters that hide themselves or reorder what is shown around them. */
export const INVISIBLE = 'fdp\u202e\u200bexe \u2066iso\u2069 \ufeffbom \u200dzwj';
export const hostile: Message = {
  text: '<!here> deploy failed, @channel look: <http://evil|click> &amp; <@U123> \u202eexe',
  blocks: [
    { type: 'header', text: 'Alert <!channel> for <@U123>', status: 'critical' },
    { type: 'section', text: '<!here> @here @channel @everyone <#C0123|general> <!subteam^S123|oncall> <http://evil|click>', status: 'warn' },
    {
      type: 'fields',
      fields: [
        { label: 'a*b <!here>', value: 'x* closes nothing _it_ ~s~ `c`', status: 'unknown' },
        { label: '*bold break*', value: '&amp; &lt;b&gt;' },
        { label: 'ansi', value: ANSI },
        { label: `invisible ${INVISIBLE}`, value: INVISIBLE },
        { label: 'long', value: `${'v'.repeat(4990)}<end>` },
      ],
    },
    { type: 'context', text: `posted by <@U123> via <mailto:x@evil|mail> ${ANSI} ${INVISIBLE}` },
    {
      type: 'actions',
      buttons: [
        { label: 'Open <http://evil|now>', command: '/connector health main --details', style: 'primary' },
        { label: `Approve ${INVISIBLE}`, command: '/connector approve abc123', confirm: { title: `Sure ${INVISIBLE}`, text: INVISIBLE, confirm: 'Yes', deny: 'No' } },
      ],
    },
  ],
};

export const weekChart: Chart = {
  title: 'Disk and memory use, last 7 days',
  from: '2026-11-24T09:00:00.000Z',
  to: '2026-12-01T09:00:00.000Z',
  series: [
    { label: 'memory', points: [{ at: '2026-11-24T09:00:00.000Z', percent: 41 }, { at: '2026-11-28T09:00:00.000Z', percent: 55 }, { at: '2026-12-01T08:45:00.000Z', percent: 63 }] },
    { label: '/var/lib/docker', points: [{ at: '2026-11-24T09:00:00.000Z', percent: 70 }, { at: '2026-12-01T08:45:00.000Z', percent: 72 }] },
  ],
};

export const reportWithChart: Message = {
  text: 'Daily report Tuesday, 1 December 2026: OK. 1 connector: 1 ok',
  blocks: [
    { type: 'header', text: 'Daily report · Tuesday, 1 December 2026', status: 'ok' },
    { type: 'section', text: '1 connector: 1 ok', status: 'ok' },
    { type: 'chart', chart: weekChart },
    { type: 'context', text: 'Generated 2026-12-01T09:00:00.000Z' },
  ],
};

