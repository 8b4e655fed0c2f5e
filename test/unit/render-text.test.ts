import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import type { Chart, Message } from '../../src/domain/message.ts';
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

  describe('a chart, as one sparkline per series', () => {
    const FROM = Date.parse('2026-11-24T08:00:00Z');
    const TO = Date.parse('2026-12-01T08:00:00Z');
    const hourly = (percentAt: (hour: number) => number, hours = 7 * 24) =>
      Array.from({ length: hours + 1 }, (_, h) => ({ at: new Date(FROM + h * 3_600_000).toISOString(), percent: percentAt(h) }));
    const chartMessage = (series: Chart['series']): Message => ({
      text: 'chart',
      blocks: [{ type: 'chart', chart: { title: 'Disk and memory use, last 7 days', from: new Date(FROM).toISOString(), to: new Date(TO).toISOString(), series } }],
    });

    it('the title, then each series: its label, eight levels of 0–100 %, the first and the last value', () => {
      const rising = hourly((h) => (100 * h) / (7 * 24));
      const { text } = renderText(chartMessage([{ label: 'memory', points: rising }, { label: '/var/lib/docker', points: hourly(() => 70) }]));
      const [title, memory, docker] = text.split('\n');
      expect(title).toBe('  Disk and memory use, last 7 days');
      expect(memory).toMatch(/^ {4}memory {11}▁[▁-█]+█ 0 % → 100 %$/);
      expect(docker).toBe(`    /var/lib/docker  ${'▆'.repeat(56)} 70 % → 70 %`);
      const spark = memory!.slice('    memory           '.length, -' 0 % → 100 %'.length);
      expect(Array.from(spark).length).toBeLessThanOrEqual(60);
      expect([...new Set(spark)].join('')).toBe('▁▂▃▄▅▆▇█');
    });

    it('each column is the highest value of its stretch, and a blank where nothing was sampled', () => {
      // Samples only in the last two days: a spike to 95 % among 20 %.
      const points = hourly((h) => (h === 7 * 24 - 5 ? 95 : 20)).slice(5 * 24);
      const { text } = renderText(chartMessage([{ label: 'memory', points }]));
      const spark = Array.from(text.split('\n')[1]!.slice('    memory  '.length, -' 20 % → 20 %'.length));
      expect(spark).toHaveLength(56);
      expect(spark.slice(0, 40).every((c) => c === ' ')).toBe(true);
      expect(spark.filter((c) => c === '█')).toHaveLength(1);
      expect(spark.slice(40).filter((c) => c !== '█').every((c) => c === '▂')).toBe(true);
    });
  });

  it('shows zero-width and reordering characters of any text as escapes', () => {
    const rendered = renderText({
      text: 't',
      blocks: [
        { type: 'header', text: 'main\u200b' },
        { type: 'fields', fields: [{ label: 'reason', value: 'approved by \u202eetyb\u202c ops' }] },
        { type: 'actions', buttons: [{ label: 'Restart\u2066 now', command: '/connector restart main' }] },
      ],
    });
    expect(rendered.text).not.toMatch(/[\u200b\u202a-\u202e\u2066-\u2069]/);
    expect(rendered.text).toContain('approved by \\u202eetyb\\u202c ops');
  });
});
