import type { ActionsBlock, Button as SlackButton, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, fitEscaped } from '../../src/chat/slack/mrkdwn.ts';
import { assertWithinSlackLimits, blockTextLength, SLACK_LIMITS, type BlockBudget } from '../../src/chat/slack/render-limits.ts';
import { COMMAND_ACTION_PREFIX, renderSlack, type SlackRendered } from '../../src/chat/slack/render.ts';
import { renderText } from '../../src/chat/text/render.ts';
import { parseCommand } from '../../src/domain/command.ts';
import { helpMessage } from '../../src/domain/help-message.ts';
import type { Button, Field, Message } from '../../src/domain/message.ts';
import { outcomeMessage, requestMessage } from '../../src/domain/operation-message.ts';
import { CHECK_STATUSES } from '../../src/domain/status.ts';
import { expectGoldenJson } from '../support/golden.ts';
import { messageGenerator } from '../support/random-messages.ts';
import { ANSI, anOperationRequest, criticalThree, errorLogs, healthyDetails, hostile, reportWithChart, usage, weekChart } from '../support/messages.ts';

const GOLDEN = new URL('../fixtures/slack-golden/', import.meta.url);

const GOLDEN_CASES: Record<string, Message> = {
  'report-healthy-details': healthyDetails,
  'report-critical-three': criticalThree,
  'report-error-logs-overflow': errorLogs,
  help: helpMessage(),
  'help-logs': helpMessage('logs'),
  'usage-error': usage,
  'operation-request': requestMessage(anOperationRequest(), { danger: true }),
  'operation-outcome': outcomeMessage(anOperationRequest({ state: 'succeeded' }), true, 'prod runs 7.4.7 and is healthy', [
    { label: 'version', value: '7.4.6 → 7.4.7', status: 'ok' },
    { label: 'downtime', value: '48 s' },
  ]),
  hostile,
  'daily-report-chart': reportWithChart,
};

// ---- helpers -----------------------------------------------------------------------------------------

function texts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(texts);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (typeof value === 'string' ? (key === 'text' ? [value] : []) : texts(value)));
}

function buttonsOf(blocks: KnownBlock[]): SlackButton[] {
  return blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements.filter((e): e is SlackButton => e.type === 'button'));
}

function fieldCount(blocks: KnownBlock[]): number {
  return blocks.reduce((sum, b) => sum + (b.type === 'section' ? (b.fields?.length ?? 0) : 0), 0);
}

/** What every rendering must be, whatever went in. */
function expectSafe(rendered: SlackRendered, budget: BlockBudget = { maxBlocks: SLACK_LIMITS.blocks, maxBlockText: SLACK_LIMITS.blockText }): void {
  assertWithinSlackLimits(rendered.blocks, budget);
  expect(rendered.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  expect(rendered.text.trim()).not.toBe('');
  for (const text of [rendered.text, ...texts(rendered.blocks)]) {
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(text).not.toMatch(/@(here|channel|everyone)/i);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // Invisible and reordering characters; U+2060 is the renderer's own, after the @ of @here.
    expect(text).not.toMatch(/[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  }
  if (rendered.overflow) expect(`${rendered.overflow.title}\n${rendered.overflow.content}`).not.toMatch(/[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
  const ids = buttonsOf(rendered.blocks).map((b) => b.action_id);
  expect(new Set(ids).size).toBe(ids.length);
}

// ---- golden files ------------------------------------------------------------------------------------

describe('renderSlack golden files (test/fixtures/slack-golden; UPDATE_GOLDEN=1 writes them)', () => {
  for (const [name, message] of Object.entries(GOLDEN_CASES)) {
    it(name, () => {
      const rendered = renderSlack(message);
      expectSafe(rendered);
      expectGoldenJson(GOLDEN, name, rendered);
    });
  }
});

// ---- behaviour ---------------------------------------------------------------------------------------

describe('renderSlack', () => {
  it('a header in plain text, its status in a context line below it', () => {
    const { blocks } = renderSlack({ text: 't', blocks: [{ type: 'header', text: 'Health · main', status: 'critical' }] });
    expect(blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Health · main', emoji: false } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':red_circle: Critical', verbatim: true }] },
    ]);
  });

  it('one emoji per status, before sections and fields', () => {
    const emoji = { ok: ':large_green_circle:', warn: ':warning:', critical: ':red_circle:', unknown: ':grey_question:' };
    for (const status of CHECK_STATUSES) {
      const { blocks } = renderSlack({ text: 't', blocks: [{ type: 'section', text: 's', status }, { type: 'fields', fields: [{ label: 'l', value: 'v', status }] }] });
      expect(blocks).toEqual([
        { type: 'section', text: { type: 'mrkdwn', text: `${emoji[status]} s`, verbatim: true } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: `${emoji[status]} *l*\nv`, verbatim: true }] },
      ]);
    }
  });

  it('escapes mentions, links and entities; marks control characters; defuses bare @here', () => {
    expect(escapeMrkdwn('<!here> <@U123> <http://evil|click> &amp;')).toBe('&lt;!here&gt; &lt;@U123&gt; &lt;http://evil|click&gt; &amp;amp;');
    expect(escapeMrkdwn('@here @Channel x@everyone @hereafter @her')).toBe('@\u2060here @\u2060Channel x@\u2060everyone @\u2060hereafter @her');
    expect(escapeMrkdwn(ANSI)).toBe('\\u001b[31mred\\u001b[0m \\u0007bell');
    expect(escapeMrkdwn('a\tb\nc')).toBe('a\tb\nc');
  });

  it('no label can leave or extend the bot’s bold markup', () => {
    const { blocks } = renderSlack({ text: 't', blocks: [{ type: 'fields', fields: [{ label: '*x* y*\nz', value: 'v*' }] }] });
    expect(texts(blocks)).toEqual(['*\u2217x\u2217 y\u2217 z*\nv*']);
  });

  it('cuts with "…" within the limit, never inside an entity or a surrogate pair', () => {
    expect(fitEscaped('&&&&', 7)).toEqual({ text: '&amp;…', cut: true });
    expect(fitEscaped('😀😀😀', 5)).toEqual({ text: '😀😀…', cut: true });
    expect(fitEscaped('abc', 3)).toEqual({ text: 'abc', cut: false });
    const { blocks } = renderSlack({ text: 't', blocks: [{ type: 'header', text: 'h'.repeat(200) }] });
    expect(texts(blocks)[0]).toBe(`${'h'.repeat(149)}…`);
  });

  it('cuts any text where escaping it character by character would: as many whole characters as fit', () => {
    // The plain way, one code point at a time, which the renderer's cut must agree with.
    const byCharacter = (text: string, max: number) => {
      const escaped = escapeMrkdwn(text);
      if (escaped.length <= max) return { text: escaped, cut: false };
      let kept = '';
      for (const char of text) {
        const piece = escapeMrkdwn(char);
        if (kept.length + piece.length + 1 > max) break;
        kept += piece;
      }
      return { text: `${kept}…`, cut: true };
    };
    const alphabet = ['a', '&', '<', '>', '😀', 'é', '\ud800', '\udc00', ' ', '\n'];
    let seed = 7;
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below;
    for (let round = 0; round < 2_000; round++) {
      const text = Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join('');
      const max = 1 + random(60);
      expect(fitEscaped(text, max), JSON.stringify({ text, max })).toEqual(byCharacter(text, max));
    }
  });

  it('sections of at most 10 fields', () => {
    const fields: Field[] = Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: String(i) }));
    const { blocks, overflow } = renderSlack({ text: 't', blocks: [{ type: 'fields', fields }] });
    expect(blocks.map((b) => (b.type === 'section' ? b.fields?.length : b.type))).toEqual([10, 10, 3]);
    expect(overflow).toBeUndefined();
  });

  it('buttons: numbered action ids over the whole message, the command as the value, style and confirm', () => {
    const approve: Button = {
      label: 'Approve',
      command: '/connector approve r7k2m9',
      style: 'danger',
      confirm: { title: 'Stop prod?', text: 'It runs as soon as you approve.', confirm: 'Approve', deny: 'Not now' },
    };
    const { blocks } = renderSlack({
      text: 't',
      blocks: [
        { type: 'actions', buttons: [{ label: 'Details', command: '/connector health --details', style: 'primary' }] },
        { type: 'actions', buttons: [approve, { label: 'Reject', command: '/connector reject r7k2m9' }] },
      ],
    });
    expect(buttonsOf(blocks)).toEqual([
      { type: 'button', action_id: `${COMMAND_ACTION_PREFIX}1`, text: { type: 'plain_text', text: 'Details', emoji: false }, value: '/connector health --details', style: 'primary' },
      {
        type: 'button',
        action_id: `${COMMAND_ACTION_PREFIX}2`,
        text: { type: 'plain_text', text: 'Approve', emoji: false },
        value: '/connector approve r7k2m9',
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: 'Stop prod?', emoji: false },
          text: { type: 'plain_text', text: 'It runs as soon as you approve.', emoji: false },
          confirm: { type: 'plain_text', text: 'Approve', emoji: false },
          deny: { type: 'plain_text', text: 'Not now', emoji: false },
          style: 'danger',
        },
      },
      { type: 'button', action_id: `${COMMAND_ACTION_PREFIX}3`, text: { type: 'plain_text', text: 'Reject', emoji: false }, value: '/connector reject r7k2m9' },
    ]);
  });

  it('at most 25 buttons per actions block', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ label: `b${i}`, command: `/connector health c${i}` }));
    const { blocks } = renderSlack({ text: 't', blocks: [{ type: 'actions', buttons }] });
    expect(blocks.map((b) => (b.type === 'actions' ? b.elements.length : b.type))).toEqual([25, 5]);
  });

  it('a command too long for a button value is shown as the command to type', () => {
    const command = `/connector reject r7k2m9 ${'x'.repeat(2100)}`;
    const { blocks, overflow } = renderSlack({ text: 't', blocks: [{ type: 'actions', buttons: [{ label: 'Reject', command }, { label: 'OK', command: '/connector help' }] }] });
    expect(blocks.map((b) => b.type)).toEqual(['actions', 'context']);
    expect(buttonsOf(blocks).map((b) => b.value)).toEqual(['/connector help']);
    expect(buttonsOf(blocks)[0]!.action_id).toBe(`${COMMAND_ACTION_PREFIX}2`);
    expect(texts(blocks[1])[0]).toBe(`Reject: type ${command}`);
    expect(overflow).toBeUndefined();
  });

  it('too much for the blocks: header, buttons and the first sections stay; the rest is counted and attached', () => {
    const rendered = renderSlack(errorLogs);
    expectSafe(rendered);
    const { blocks, overflow } = rendered;
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Error logs · main', emoji: false } });
    const note = texts(blocks.at(-1))[0]!;
    expect(note).toMatch(/^… \d+ more lines in the attached file$/);
    expect(blockTextLength(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.blockText);
    expect(overflow).toEqual({ filename: 'connector-ops-error-logs-main.txt', title: 'Error logs · main', content: `${renderText(errorLogs).text}\n` });
    // The lines counted are those the blocks leave out: of the console's 1006 (header, summary, "Error logs",
    // 200 groups of 5 lines, 2 sources, "Generated"), the blocks show the first three and some groups.
    expect(renderText(errorLogs).text.split('\n')).toHaveLength(1006);
    const groupsShown = fieldCount(blocks) - 1;
    expect(groupsShown).toBeGreaterThan(5);
    expect(note).toBe(`… ${1006 - 3 - 5 * groupsShown} more lines in the attached file`);
  });

  it('keeps the buttons when it shortens, and lists every command in the file', () => {
    const fields = Array.from({ length: 400 }, (_, i) => ({ label: `line ${i}`, value: 'x'.repeat(40) }));
    const message: Message = {
      text: 't',
      blocks: [
        { type: 'header', text: 'Big' },
        { type: 'fields', fields },
        { type: 'actions', buttons: [{ label: 'Approve', command: '/connector approve abc123' }] },
        { type: 'context', text: 'Request abc123' },
      ],
    };
    const { blocks, overflow } = renderSlack(message);
    expect(blocks.map((b) => b.type).slice(-2)).toEqual(['context', 'actions']);
    expect(texts(blocks.at(-2))[0]).toMatch(/^… \d+ more lines in the attached file$/);
    expect(overflow?.content).toContain('Commands of the choices:\n  (1) /connector approve abc123\n');
  });

  it('a cut text attaches the full message though everything else fits', () => {
    const rendered = renderSlack(hostile);
    expect(rendered.overflow?.content).toContain(`${'v'.repeat(4990)}<end>`);
    expect(texts(rendered.blocks).at(-1)).toBe('Some texts are cut short: the full text is in the attached file.');
  });

  it('a chart is a context line in the blocks and goes along as data for an image; the attached text has its sparklines', () => {
    const rendered = renderSlack(reportWithChart);
    expect(texts(rendered.blocks)).toContain('Chart: Disk and memory use, last 7 days (attached)');
    expect(rendered.charts).toEqual([{ filename: 'connector-ops-disk-and-memory-use-last-7-days.png', title: 'Disk and memory use, last 7 days', chart: weekChart }]);
    expect(renderSlack(healthyDetails).charts).toBeUndefined();
    const crowded = renderSlack({ ...reportWithChart, blocks: [...reportWithChart.blocks, ...errorLogs.blocks] });
    expectSafe(crowded);
    expect(crowded.charts).toHaveLength(1);
    expect(crowded.overflow?.content).toContain('memory           ▄');
  });

  it('maxBlocks and maxBlockText only lower the limits', () => {
    const fields = Array.from({ length: 100 }, (_, i) => ({ label: `f${i}`, value: 'v' }));
    const message: Message = { text: 't', blocks: [{ type: 'header', text: 'H' }, { type: 'fields', fields }] };
    expect(renderSlack(message, { maxBlocks: 4 }).blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(renderSlack(message, { maxBlocks: 500 }).overflow).toBeUndefined();
    const small = renderSlack(message, { maxBlockText: 200 });
    expectSafe(small, { maxBlocks: 50, maxBlockText: 200 });
    expect(small.overflow).toBeDefined();
  });

  it('the fallback text is escaped and short', () => {
    expect(renderSlack({ text: '<!channel> x', blocks: [] }).text).toBe('&lt;!channel&gt; x');
    expect(renderSlack({ text: 'y'.repeat(5000), blocks: [] }).text).toHaveLength(SLACK_LIMITS.fallbackText);
    expect(renderSlack({ text: ' ', blocks: [] }).text).toBe('connector-ops');
  });

  it('never sends an empty text object', () => {
    const { blocks } = renderSlack({
      text: 't',
      blocks: [
        { type: 'header', text: ' ' },
        { type: 'section', text: '' },
        { type: 'section', text: '', status: 'warn' },
        { type: 'context', text: '\n' },
        { type: 'fields', fields: [{ label: '', value: '' }, { label: 'l', value: '' }, { label: '', value: 'v' }] },
        { type: 'actions', buttons: [{ label: '', command: '/connector help' }, { label: 'No command', command: ' ' }] },
      ],
    });
    assertWithinSlackLimits(blocks);
    expect(texts(blocks)).toEqual([':warning: Warning', '–', '*l*', 'v', '/connector help', 'No command']);
  });
});

describe('assertWithinSlackLimits', () => {
  const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
  it('names every violation', () => {
    const button = (id: string): SlackButton => ({ type: 'button', action_id: id, text: { type: 'plain_text', text: 'b'.repeat(76) }, value: 'v' });
    const blocks: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
      section('s'.repeat(3001)),
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
      { type: 'actions', elements: [button('a'), button('a')] },
      { type: 'context', elements: [] },
    ];
    expect(() => assertWithinSlackLimits(blocks)).toThrow(
      /151 characters, at most 150[\s\S]*3001 characters, at most 3000[\s\S]*fields: 11, at most 10[\s\S]*76 characters, at most 75[\s\S]*id a is not unique[\s\S]*elements: none/,
    );
  });

  it('counts the blocks and the text in total', () => {
    expect(() => assertWithinSlackLimits(Array.from({ length: 51 }, () => ({ type: 'divider' as const })))).toThrow(/51 blocks, at most 50/);
    expect(() => assertWithinSlackLimits(Array.from({ length: 4 }, () => section('s'.repeat(2600))))).toThrow(/10400 characters of block text, at most 10000/);
    expect(() => assertWithinSlackLimits([section('ok')])).not.toThrow();
  });
});

// ---- properties --------------------------------------------------------------------------------------

// Markup that Slack would read: every text of a random message is made of these and plain letters.
const SLACK_PIECES = ['@here', '@channel', '@everyone', '<!here>', '<@U123>', '&amp;', ':red_circle:'];

describe('renderSlack properties (seeded random messages)', () => {
  const RUNS = 400;

  it('never violates a limit, never lets markup through, and attaches whatever it leaves out', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const gen = messageGenerator(seed, SLACK_PIECES);
      const message = gen.message();
      const options = gen.chance() < 0.2 ? { maxBlocks: 1 + gen.int(60), maxBlockText: gen.int(12_000) } : {};
      const rendered = renderSlack(message, options);
      const budget = {
        maxBlocks: Math.min(options.maxBlocks ?? 50, 50),
        maxBlockText: Math.min(Math.max(options.maxBlockText ?? 10_000, 100), 10_000),
      };
      try {
        expectSafe(rendered, budget);
        const fields = message.blocks.reduce((sum, b) => sum + (b.type === 'fields' ? b.fields.length : 0), 0);
        const buttons = message.blocks.reduce((sum, b) => sum + (b.type === 'actions' ? b.buttons.filter((x) => x.command.trim() && x.command.length <= 2000).length : 0), 0);
        if (rendered.overflow) {
          expect(rendered.overflow.content.startsWith(renderText(message).text)).toBe(true);
        } else {
          expect(fieldCount(rendered.blocks)).toBe(fields);
          expect(buttonsOf(rendered.blocks)).toHaveLength(buttons);
        }
      } catch (error) {
        throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
      }
    }
  });

  it('every button runs exactly its command: the value parses back to what the command parses to', () => {
    let checked = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const message = messageGenerator(seed, SLACK_PIECES).message();
      const commands = message.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons.map((button) => button.command) : []));
      for (const button of buttonsOf(renderSlack(message).blocks)) {
        const n = Number(button.action_id!.slice(COMMAND_ACTION_PREFIX.length));
        const original = commands[n - 1]!;
        expect(button.value).toBe(original);
        const again = parseCommand(button.value!);
        expect(again).toEqual(parseCommand(original));
        if (parseCommand(original).ok) {
          expect(again.ok).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
