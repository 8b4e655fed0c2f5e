import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/domain/check-result.ts';
import type { Block } from '../../src/domain/message.ts';
import { connectorReport, report } from '../../src/domain/report.ts';
import { reportMessage } from '../../src/domain/report-message.ts';

const AT = new Date('2024-05-01T12:00:00Z');

const single = report(
  [
    connectorReport('main', [
      checkResult('health', 'critical', 'Unhealthy (HTTP 500): database unhealthy', [
        { label: 'database', value: 'unhealthy', status: 'critical' },
        { label: 'version', value: '7.4.6', status: 'ok' },
      ]),
      checkResult('container', 'ok', 'Running for 3 h 2 min', [{ label: 'restarts', value: '0' }]),
    ]),
  ],
  AT,
);

const two = report(
  [
    connectorReport('prod', [checkResult('health', 'ok', 'Healthy (HTTP 200)', [{ label: 'database', value: 'healthy', status: 'ok' }])]),
    connectorReport('test', [checkResult('health', 'warn', 'Healthy (HTTP 200) · API key rejected (401)')]),
  ],
  AT,
);

const types = (blocks: Block[]) => blocks.map((b) => b.type);

describe('reportMessage', () => {
  it('compact: a header with the overall status, one field per check, a Details button, the time', () => {
    const message = reportMessage(single, { title: 'Health · main', details: false, detailsCommand: '/connector health main --details' });
    expect(message.blocks).toEqual([
      { type: 'header', text: 'Health · main', status: 'critical' },
      {
        type: 'fields',
        fields: [
          { label: 'Health', value: 'Unhealthy (HTTP 500): database unhealthy', status: 'critical' },
          { label: 'Container', value: 'Running for 3 h 2 min', status: 'ok' },
        ],
      },
      {
        type: 'actions',
        buttons: [
          { label: 'Details', command: '/connector health main --details' },
          { label: 'Request restart', command: '/connector restart main' },
        ],
      },
      { type: 'context', text: 'Generated 2024-05-01T12:00:00.000Z' },
    ]);
    expect(message.text).toBe('Health · main: CRITICAL. main: critical (health critical)');
  });

  it('details: every check’s details under its title, and no Details button', () => {
    const message = reportMessage(single, { title: 'Health · main', details: true, detailsCommand: '/connector health main --details' });
    expect(types(message.blocks)).toEqual(['header', 'fields', 'section', 'fields', 'section', 'fields', 'actions', 'context']);
    expect(message.blocks[6]).toEqual({ type: 'actions', buttons: [{ label: 'Request restart', command: '/connector restart main' }] });
    expect(message.blocks[2]).toEqual({ type: 'section', text: 'Health' });
    expect(message.blocks[3]).toEqual({
      type: 'fields',
      fields: [
        { label: 'database', value: 'unhealthy', status: 'critical' },
        { label: 'version', value: '7.4.6', status: 'ok' },
      ],
    });
    expect(message.blocks[4]).toEqual({ type: 'section', text: 'Container' });
    expect(message.blocks[5]).toEqual({ type: 'fields', fields: [{ label: 'restarts', value: '0' }] });
  });

  it('names each connector when there are several', () => {
    const compact = reportMessage(two, { title: 'Health', details: false, detailsCommand: '/connector health --details' });
    expect(compact.blocks.filter((b) => b.type === 'section')).toEqual([
      { type: 'section', text: 'prod', status: 'ok' },
      { type: 'section', text: 'test', status: 'warn' },
    ]);
    expect(compact.blocks[0]).toEqual({ type: 'header', text: 'Health', status: 'warn' });
    expect(compact.text).toBe('Health: WARN. prod: ok; test: warn (health warn)');
    const detailed = reportMessage(two, { title: 'Health', details: true });
    expect(detailed.blocks).toContainEqual({ type: 'section', text: 'Health · prod' });
  });

  it('offers no Details button when no check has details or no command is given', () => {
    const bare = report([connectorReport('main', [checkResult('health', 'ok', 'Healthy')])], AT);
    expect(types(reportMessage(bare, { title: 'Health', details: false, detailsCommand: '/connector health --details' }).blocks)).not.toContain('actions');
    const unhealthy = reportMessage(single, { title: 'Health', details: false }).blocks.find((b) => b.type === 'actions');
    expect(unhealthy).toEqual({ type: 'actions', buttons: [{ label: 'Request restart', command: '/connector restart main' }] });
  });

  it('an unhealthy health answer carries a Request restart button per unhealthy connector, none for healthy ones', () => {
    const mixed = report(
      [
        connectorReport('prod', [checkResult('health', 'ok', 'Healthy (HTTP 200)')]),
        connectorReport('test', [checkResult('health', 'critical', 'Unreachable: ECONNREFUSED')]),
      ],
      AT,
    );
    const actions = reportMessage(mixed, { title: 'Health', details: false }).blocks.find((b) => b.type === 'actions');
    expect(actions).toEqual({ type: 'actions', buttons: [{ label: 'Request restart of test', command: '/connector restart test' }] });
  });
});
