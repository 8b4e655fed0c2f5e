import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import type { Message } from '../../src/domain/message.ts';
import { textMessage } from '../../src/domain/message.ts';

describe('renderText', () => {
  it('renders each block type', () => {
    const message: Message = {
      text: 'fallback',
      blocks: [
        { type: 'header', text: 'Health · main', status: 'critical' },
        { type: 'header', text: 'Plain header' },
        { type: 'section', text: 'Something is wrong', status: 'warn' },
        { type: 'section', text: 'Just text' },
        {
          type: 'fields',
          fields: [
            { label: 'Health', value: 'Unhealthy', status: 'critical' },
            { label: 'Container', value: 'Running for 3 min', status: 'ok' },
            { label: 'Database', value: 'Could not look', status: 'unknown' },
            { label: 'note', value: 'no status' },
          ],
        },
        { type: 'divider' },
        { type: 'context', text: 'Generated 2024-05-01T12:00:00.000Z' },
      ],
    };
    expect(renderText(message)).toEqual({
      text: [
        '== Health · main == [CRIT]',
        '== Plain header ==',
        '[WARN] Something is wrong',
        'Just text',
        '  [CRIT] Health     Unhealthy',
        '  [ ok ] Container  Running for 3 min',
        '  [ ?? ] Database   Could not look',
        '    note       no status',
        '  ----',
        '  Generated 2024-05-01T12:00:00.000Z',
      ].join('\n'),
      choices: [],
    });
  });

  it('indents the continuation lines of a multi-line field value under the value', () => {
    const { text } = renderText({ text: '', blocks: [{ type: 'fields', fields: [{ label: 'log', value: 'line 1\nline 2', status: 'warn' }] }] });
    const [first, second] = text.split('\n');
    expect(first).toBe('  [WARN] log  line 1');
    expect(second?.trimStart()).toBe('line 2');
    expect(second?.indexOf('line 2')).toBe(first?.indexOf('line 1'));
  });

  it('caps the label column so one long label does not push every value away', () => {
    const long = 'a'.repeat(40);
    const { text } = renderText({ text: '', blocks: [{ type: 'fields', fields: [{ label: long, value: 'v1' }, { label: 'b', value: 'v2' }] }] });
    expect(text.split('\n')[1]).toBe(`    ${'b'.padEnd(28)}  v2`);
  });

  it('numbers the buttons of every actions block in order and returns them as choices', () => {
    const restart = {
      label: 'Restart',
      command: '/connector restart main',
      style: 'danger' as const,
      confirm: { title: 'Restart main?', text: 'The Connector stops for a moment.', confirm: 'Restart', deny: 'Cancel' },
    };
    const message: Message = {
      text: '',
      blocks: [
        { type: 'actions', buttons: [{ label: 'Details', command: '/connector health --details' }] },
        { type: 'section', text: 'between' },
        { type: 'actions', buttons: [restart, { label: 'Logs', command: '/connector logs main' }] },
      ],
    };
    const rendered = renderText(message);
    expect(rendered.text).toBe(['  (1) Details', 'between', '  (2) Restart', '  (3) Logs'].join('\n'));
    expect(rendered.choices.map((c) => c.command)).toEqual(['/connector health --details', '/connector restart main', '/connector logs main']);
    expect(rendered.choices[1]).toBe(restart);
  });

  it('renders a text message as its section', () => {
    expect(renderText(textMessage('All fine', 'ok')).text).toBe('[ ok ] All fine');
  });
});
