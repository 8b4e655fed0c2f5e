import { describe, expect, it } from 'vitest';
import { chartPng } from '../../src/chat/chart/plot.ts';
import { TEAMS_COMMAND_VERB, type AdaptiveCard, type CardAction, type ExecuteAction, type ShowCardAction } from '../../src/chat/teams/render-card.ts';
import { TEAMS_LIMITS, utf16Bytes } from '../../src/chat/teams/render-limits.ts';
import { escapeMarkdown, fitLines } from '../../src/chat/teams/render-markdown.ts';
import { messageParts } from '../../src/chat/teams/render-parts.ts';
import { renderTeams, type TeamsRendered } from '../../src/chat/teams/render.ts';
import { welcomeMessage } from '../../src/chat/teams/render-welcome.ts';
import type { Alert } from '../../src/domain/alert.ts';
import { alertMessage } from '../../src/domain/alert-message.ts';
import { parseCommand } from '../../src/domain/command.ts';
import { helpMessage } from '../../src/domain/help-message.ts';
import type { Chart, Message } from '../../src/domain/message.ts';
import { outcomeMessage, requestMessage } from '../../src/domain/operation-message.ts';
import { CHECK_STATUSES } from '../../src/domain/status.ts';
import { adaptiveCardProblems, assertAdaptiveCard } from '../support/adaptive-card.ts';
import { aConnector } from '../support/builders.ts';
import { expectGoldenJson } from '../support/golden.ts';
import { messageGenerator } from '../support/random-messages.ts';
import { ANSI, anOperationRequest, AT, criticalThree, errorLogs, healthyDetails, hostile, INVISIBLE, reportWithChart, usage, weekChart } from '../support/messages.ts';

const GOLDEN = new URL('../fixtures/teams-golden/', import.meta.url);

const anAlert: Alert = {
  id: '3f9a1c2b7d',
  connector: 'prod',
  kind: 'error-group',
  key: 'RequestError: error.transport.request.unknown',
  severity: 'critical',
  title: '37 errors: RequestError: error.transport.request.unknown (500)',
  detail: "RequestError: error.transport.request.unknown (500): 'connect ECONNREFUSED 10.0.4.12:8081' for POST /api/v2/Challenges",
  state: 'firing',
  count: 37,
  fatal: 0,
  since: new Date('2026-12-01T08:12:00Z'),
  lastAt: new Date('2026-12-01T08:58:00Z'),
  firedAt: new Date('2026-12-01T08:13:00Z'),
  dirty: false,
  posts: 1,
  conversations: [],
  hint: { explanation: 'The Connector cannot reach the Backbone.', nextStep: 'Check the proxy and the Backbone URL in the Connector settings.' },
  once: false,
};

const GOLDEN_CASES: Record<string, Message> = {
  'report-healthy-details': healthyDetails,
  'report-critical-three': criticalThree,
  'report-error-logs-split': errorLogs,
  help: helpMessage(),
  'help-logs': helpMessage('logs'),
  'usage-error': usage,
  'operation-request': requestMessage(anOperationRequest(), { danger: true }),
  'operation-approved': requestMessage(anOperationRequest({ state: 'approved', decidedBy: { platform: 'teams', id: '00000000-0000-0000-0000-0000000000a1', displayName: 'Grace' } }), {
    danger: true,
    progress: ['08:01 backup written', '08:02 stopped'],
  }),
  'operation-outcome': outcomeMessage(anOperationRequest({ state: 'succeeded' }), true, 'prod runs 7.4.7 and is healthy', [
    { label: 'version', value: '7.4.6 → 7.4.7', status: 'ok' },
    { label: 'downtime', value: '48 s' },
  ]),
  'alert-firing': alertMessage(anAlert, 'firing', AT, 'Europe/Berlin'),
  'alert-resolved': alertMessage({ ...anAlert, state: 'resolved', resolvedAt: AT }, 'resolved', AT, 'Europe/Berlin'),
  hostile,
  'daily-report-chart': reportWithChart,
  'welcome-personal': welcomeMessage([aConnector('main', { container: 'connector-main' }), aConnector('prod', { container: 'connector-prod', engine: 'eu' })], 'personal'),
  'welcome-channel-none': welcomeMessage([], 'channel'),
};

// ---- helpers -----------------------------------------------------------------------------------------

function texts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(texts);
  if (node === null || typeof node !== 'object') return [];
  // Texts read as Markdown: a TextBlock's, a fact's two sides (an action's title and an image's alternative text are plain).
  const markdown = 'type' in node ? ['text'] : ['title', 'value'];
  return Object.entries(node).flatMap(([key, value]) => (typeof value === 'string' ? (markdown.includes(key) ? [value] : []) : texts(value)));
}

function actionsOf(node: unknown): CardAction[] {
  if (Array.isArray(node)) return node.flatMap(actionsOf);
  if (node === null || typeof node !== 'object') return [];
  const type = (node as { type?: unknown }).type;
  const own = type === 'Action.Execute' || type === 'Action.ShowCard' ? [node as CardAction] : [];
  return [...own, ...Object.values(node).flatMap(actionsOf)];
}

function executes(card: AdaptiveCard): ExecuteAction[] {
  return actionsOf(card).filter((a): a is ExecuteAction => a.type === 'Action.Execute');
}

/** The card with its chart images named, not spelled out: the PNG's bytes are the chart golden file's business. */
function withoutImageData(rendered: TeamsRendered): unknown {
  return JSON.parse(JSON.stringify(rendered, (key, value: unknown) => (key === 'url' && typeof value === 'string' ? `${value.slice(0, 22)}… (${value.length} characters)` : value)));
}

/** What every rendering must be, whatever went in. */
function expectSafe(rendered: TeamsRendered, maxBytes: number = TEAMS_LIMITS.cardBytes): void {
  expect(rendered.cards.length).toBeGreaterThan(0);
  for (const card of rendered.cards) {
    assertAdaptiveCard(card, maxBytes);
    // The activity around the card stays within the message limit.
    expect(utf16Bytes({ type: 'message', summary: rendered.summary, attachments: [card] }) + 1536).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes);
    for (const text of texts(card)) {
      // No unescaped markup: every [ ] * _ ` < > ~ | & is preceded by a backslash.
      expect(text.replace(/\\[\s\S]/g, '')).not.toMatch(/[[\]*_`<>~|&]/);
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(text).not.toMatch(/[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
    }
  }
  expect(rendered.summary.trim()).not.toBe('');
  expect(rendered.summary.length).toBeLessThanOrEqual(TEAMS_LIMITS.summary);
}

// ---- golden files ------------------------------------------------------------------------------------

describe('renderTeams golden files (test/fixtures/teams-golden; UPDATE_GOLDEN=1 writes them)', () => {
  for (const [name, message] of Object.entries(GOLDEN_CASES)) {
    it(name, () => {
      const rendered = renderTeams(message);
      expectSafe(rendered);
      expectGoldenJson(GOLDEN, name, withoutImageData(rendered));
    });
  }
});

// ---- behaviour ---------------------------------------------------------------------------------------

describe('renderTeams', () => {
  it('an Adaptive Card 1.5 at the chat’s full width; the header large in a container of its status’s colour', () => {
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'header', text: 'Health · main', status: 'critical' }] });
    expect(cards).toEqual([
      {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        msteams: { width: 'Full' },
        body: [
          {
            type: 'Container',
            style: 'attention',
            bleed: true,
            items: [
              { type: 'TextBlock', text: 'Health · main', wrap: true, size: 'Large', weight: 'Bolder' },
              { type: 'TextBlock', text: '🔴 Critical', wrap: true, weight: 'Bolder', spacing: 'None', color: 'Attention' },
            ],
          },
        ],
      },
    ]);
  });

  it('status per check: a sign before sections and facts, a word where there is no text', () => {
    const signs = { ok: '🟢', warn: '⚠️', critical: '🔴', unknown: '❔' };
    for (const status of CHECK_STATUSES) {
      const { cards } = renderTeams({ text: 't', blocks: [{ type: 'section', text: 's', status }, { type: 'fields', fields: [{ label: 'health', value: 'Healthy', status }] }, { type: 'section', text: ' ', status }] });
      expect(cards[0]!.body).toEqual([
        { type: 'TextBlock', text: `${signs[status]} s`, wrap: true },
        { type: 'FactSet', facts: [{ title: `${signs[status]} health`, value: 'Healthy' }] },
        { type: 'TextBlock', text: `${signs[status]} ${{ ok: 'OK', warn: 'Warning', critical: 'Critical', unknown: 'Unknown' }[status]}`, wrap: true },
      ]);
    }
  });

  it('escapes every link, emphasis, list and tag; control and invisible characters become visible escapes', () => {
    expect(escapeMarkdown('[click](http://evil) **b** _i_ `c` ~s~ <at>Ada</at> a|b &amp;')).toBe(
      '\\[click\\](http://evil) \\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~s\\~ \\<at\\>Ada\\</at\\> a\\|b \\&amp;',
    );
    expect(escapeMarkdown('# h')).toBe('\\# h');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('  12. item')).toBe('  12\\. item');
    expect(escapeMarkdown('> quote')).toBe('\\> quote');
    expect(escapeMarkdown('41 % used, 58 GB free.')).toBe('41 % used, 58 GB free.');
    expect(escapeMarkdown(ANSI)).toBe('\\\\u001b\\[31mred\\\\u001b\\[0m \\\\u0007bell');
    expect(escapeMarkdown('C:\\temp')).toBe('C:\\\\temp');
  });

  it('lines are paragraphs, each escaped: a list marker on any line is text', () => {
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'section', text: 'first\n- second\n1. third\n\n\nlast' }] });
    expect(texts(cards)).toEqual(['first\n\n\\- second\n\n1\\. third\n\nlast']);
  });

  it('cuts with "…" within the limit, never inside an escape or a surrogate pair', () => {
    expect(fitLines('****', 6)).toEqual({ text: '\\*\\*…', cut: true });
    expect(fitLines('😀😀😀', 5)).toEqual({ text: '😀😀…', cut: true });
    expect(fitLines('abc', 3)).toEqual({ text: 'abc', cut: false });
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'header', text: 'h'.repeat(200) }] });
    expect(texts(cards)[0]).toBe(`${'h'.repeat(149)}…`);
  });

  it('buttons are Action.Execute with our verb and the command as data, numbered over the whole message', () => {
    const { cards } = renderTeams({
      text: 't',
      blocks: [
        { type: 'actions', buttons: [{ label: 'Details', command: '/connector health --details', style: 'primary' }] },
        { type: 'section', text: 'between' },
        { type: 'actions', buttons: [{ label: 'Reject', command: '/connector reject r7k2m9' }] },
      ],
    });
    expect(cards[0]!.body).toEqual([
      { type: 'ActionSet', actions: [{ type: 'Action.Execute', id: 'command.1', title: 'Details', verb: TEAMS_COMMAND_VERB, data: { command: '/connector health --details' }, style: 'positive' }] },
      { type: 'TextBlock', text: 'between', wrap: true },
      { type: 'ActionSet', actions: [{ type: 'Action.Execute', id: 'command.2', title: 'Reject', verb: TEAMS_COMMAND_VERB, data: { command: '/connector reject r7k2m9' } }] },
    ]);
  });

  it('a destructive button asks first: a ShowCard with the question, and only the button inside it executes', () => {
    const { cards } = renderTeams(requestMessage(anOperationRequest({ kind: 'stop' }), { danger: true }));
    const [approve, reject] = actionsOf(cards[0]!.body).filter((a) => a.id === 'command.1' || a.id === 'command.2');
    expect(approve).toEqual({
      type: 'Action.ShowCard',
      id: 'command.1',
      title: 'Approve',
      style: 'destructive',
      card: {
        type: 'AdaptiveCard',
        body: [
          { type: 'TextBlock', text: 'Stop prod?', wrap: true, weight: 'Bolder' },
          { type: 'TextBlock', text: 'It runs as soon as you approve. Two Connectors share this database: the other one is stopped during the update.', wrap: true },
        ],
        actions: [{ type: 'Action.Execute', id: 'command.1.confirm', title: 'Approve', verb: TEAMS_COMMAND_VERB, data: { command: '/connector approve r7k2m9' }, style: 'destructive' }],
      },
    } satisfies ShowCardAction);
    expect(reject).toMatchObject({ type: 'Action.Execute', data: { command: '/connector reject r7k2m9' } });
  });

  it('a decided approval has no buttons left, and says who decided', () => {
    const decided = anOperationRequest({ state: 'rejected', outcome: 'rejected by Grace: not during the release', decidedBy: { platform: 'teams', id: 'aad-1', displayName: 'Grace' } });
    const { cards } = renderTeams(requestMessage(decided, { danger: true }));
    expect(actionsOf(cards)).toEqual([]);
    expect(texts(cards)).toContain('Rejected by Grace: not during the release.');
  });

  it('an alert offers Silence 1 h and 24 h as commands; a resolved one offers nothing', () => {
    const firing = renderTeams(alertMessage(anAlert, 'firing', AT, 'UTC')).cards[0]!;
    expect(executes(firing).map((a) => [a.title, a.data.command])).toEqual([
      ['Details', '/connector logs prod --details'],
      ['Silence 1 h', '/connector silence 3f9a1c2b7d 1h'],
      ['Silence 24 h', '/connector silence 3f9a1c2b7d 24h'],
    ]);
    expect(actionsOf(renderTeams(alertMessage({ ...anAlert, resolvedAt: AT }, 'resolved', AT, 'UTC')).cards)).toEqual([]);
  });

  it('the welcome card says what to type where, and names the connectors it sees', () => {
    const personal = texts(renderTeams(welcomeMessage([aConnector('main', { container: 'connector-main' })], 'personal')).cards);
    expect(personal.join('\n')).toContain('Type connector health for their health');
    expect(personal).toContain('main');
    expect(personal).toContain('container connector-main on the container engine');
    const channel = texts(renderTeams(welcomeMessage([], 'channel')).cards).join('\n');
    expect(channel).toContain('Type @connector-ops connector health');
    expect(channel).toContain('It sees no connectors yet');
  });

  it('at most 6 actions in an action set', () => {
    const buttons = Array.from({ length: 14 }, (_, i) => ({ label: `b${i}`, command: `/connector health c${i}` }));
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'actions', buttons }] });
    expect(cards[0]!.body.map((e) => (e.type === 'ActionSet' ? e.actions.length : e.type))).toEqual([6, 6, 2]);
  });

  it('a command too long for a button is shown as the command to type', () => {
    const command = `/connector reject r7k2m9 ${'x'.repeat(2100)}`;
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'actions', buttons: [{ label: 'Reject', command }, { label: 'OK', command: '/connector help' }] }] });
    expect(executes(cards[0]!).map((a) => [a.id, a.data.command])).toEqual([['command.2', '/connector help']]);
    expect(texts(cards).at(-1)).toBe(`Reject: type ${command}`);
  });

  it('a divider is a line above the next element', () => {
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'section', text: 'a' }, { type: 'divider' }, { type: 'fields', fields: [{ label: 'l', value: 'v' }] }] });
    expect(cards[0]!.body[1]).toEqual({ type: 'FactSet', facts: [{ title: 'l', value: 'v' }], separator: true });
  });

  it('the 7-day chart is a PNG inside the card, with what its lines say as the alternative text', () => {
    const { cards } = renderTeams(reportWithChart);
    const image = cards[0]!.body.find((e) => e.type === 'Image');
    expect(image).toEqual({
      type: 'Image',
      url: `data:image/png;base64,${chartPng(weekChart).toString('base64')}`,
      altText: 'Disk and memory use, last 7 days: memory 41 % → 63 %; /var/lib/docker 70 % → 72 %',
      size: 'Stretch',
    });
    const png = Buffer.from((image as { url: string }).url.split(',')[1]!, 'base64');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 300]);
  });

  it('a week of 5-minute samples still fits in one card with a report of 20 connectors', () => {
    const week = (label: string, base: number) => ({
      label,
      points: Array.from({ length: 7 * 288 }, (_, i) => ({ at: new Date(Date.parse(weekChart.from) + i * 300_000).toISOString(), percent: base + 10 * Math.sin(i / 40) + (i % 7) })),
    });
    const chart: Chart = { ...weekChart, series: [week('memory', 50), week('/var/lib/docker', 70)] };
    const message: Message = {
      text: 'Daily report',
      blocks: [
        { type: 'header', text: 'Daily report · Tuesday, 1 December 2026', status: 'warn' },
        ...Array.from({ length: 20 }, (_, i) => [
          { type: 'section' as const, text: `connector-${i}`, status: 'ok' as const },
          { type: 'fields' as const, fields: [{ label: 'Health', value: 'Healthy (HTTP 200)', status: 'ok' as const }, { label: 'Resources', value: 'CPU 4 %, memory 312 MB of 2 GB', status: 'ok' as const }] },
        ]).flat(),
        { type: 'chart', chart },
      ],
    };
    const rendered = renderTeams(message);
    expectSafe(rendered);
    expect(rendered.cards).toHaveLength(1);
    expect(rendered.cards[0]!.body.some((e) => e.type === 'Image')).toBe(true);
  });

  it('a chart whose PNG would crowd out the card is shown as sparklines', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100;
    const series = Array.from({ length: 7 }, (_, s) => ({ label: `disk ${s}`, points: Array.from({ length: 2016 }, (_, i) => ({ at: new Date(Date.parse(weekChart.from) + i * 300_000).toISOString(), percent: noise() })) }));
    const { cards } = renderTeams({ text: 't', blocks: [{ type: 'chart', chart: { ...weekChart, series } }] });
    expect(cards[0]!.body.map((e) => e.type)).toEqual(['TextBlock']);
    expect(texts(cards)[0]).toMatch(/^Disk and memory use, last 7 days\n\ndisk 0 +[▁▂▃▄▅▆▇█]+/);
  });

  it('a report far over the limit: continued in up to 3 cards, each within 25 KB, then cut with a note of what is left out', () => {
    const big = { ...errorLogs, blocks: [...errorLogs.blocks, ...errorLogs.blocks.slice(1), ...errorLogs.blocks.slice(1)] };
    expect(utf16Bytes(big)).toBeGreaterThan(10 * TEAMS_LIMITS.messageBytes);
    const rendered = renderTeams(big);
    expectSafe(rendered);
    const { cards } = rendered;
    expect(cards).toHaveLength(3);
    expect(cards[0]!.body[0]).toMatchObject({ type: 'Container', items: [{ text: 'Error logs · main' }, { text: '🔴 Critical' }] });
    expect(texts(cards[1]!.body[0])).toEqual(['Error logs · main (continued, 2 of 3)']);
    expect(texts(cards[2]!.body[0])).toEqual(['Error logs · main (continued, 3 of 3)']);
    const note = texts(cards[2]!.body.at(-1))[0]!;
    expect(note).toMatch(/^… \d+ more lines left out: too long for a Teams message$/);
    // The lines counted are those the cards leave out: every line of the message, less the lines shown.
    const total = messageParts(big).reduce((sum, part) => sum + part.lines, 0);
    const paragraphs = (text: string) => text.split('\n\n').length;
    const shown = cards.flatMap((c) =>
      c.body.map((e) => {
        if (e.type === 'FactSet') return e.facts.reduce((sum, f) => sum + paragraphs(f.value), 0);
        if (e.type === 'TextBlock') return /continued, |more lines left out/.test(e.text) ? 0 : paragraphs(e.text);
        return 1;
      }),
    );
    expect(note).toBe(`… ${total - shown.reduce((a, b) => a + b, 0)} more lines left out: too long for a Teams message`);
    expect(cards.flatMap((c) => c.body.filter((e) => e.type === 'FactSet')).length).toBeGreaterThan(3);
  });

  it('one card only when asked (a card that replaces another): the header and every button stay', () => {
    const message: Message = {
      text: 't',
      blocks: [
        { type: 'header', text: 'Big' },
        { type: 'fields', fields: Array.from({ length: 400 }, (_, i) => ({ label: `line ${i}`, value: 'x'.repeat(40) })) },
        { type: 'actions', buttons: [{ label: 'Approve', command: '/connector approve abc123' }] },
        { type: 'context', text: 'Request abc123' },
      ],
    };
    const rendered = renderTeams(message, { maxCards: 1 });
    expectSafe(rendered);
    expect(rendered.cards).toHaveLength(1);
    const body = rendered.cards[0]!.body;
    expect(body.map((e) => e.type)).toEqual(['Container', 'FactSet', 'ActionSet', 'TextBlock']);
    expect(texts(body.at(-1))[0]).toMatch(/^… \d+ more lines left out/);
  });

  it('maxCardBytes only lowers the limit', () => {
    const message: Message = { text: 't', blocks: [{ type: 'header', text: 'H' }, { type: 'fields', fields: Array.from({ length: 100 }, (_, i) => ({ label: `f${i}`, value: 'v' })) }] };
    expect(renderTeams(message, { maxCardBytes: 10 ** 9 }).cards).toHaveLength(1);
    const small = renderTeams(message, { maxCardBytes: 4000 });
    expectSafe(small, 4000);
    expect(small.cards).toHaveLength(3);
  });

  it('the summary is plain, inert and one line', () => {
    expect(renderTeams({ text: `a\nb ${INVISIBLE}`, blocks: [] }).summary).toBe('a b fdp\\u202e\\u200bexe \\u2066iso\\u2069 \\ufeffbom \\u200dzwj');
    expect(renderTeams({ text: ' ', blocks: [] }).summary).toBe('connector-ops');
  });

  it('never sends an empty text or an empty side of a fact', () => {
    const { cards } = renderTeams({
      text: 't',
      blocks: [
        { type: 'header', text: ' ' },
        { type: 'section', text: '' },
        { type: 'context', text: '\n' },
        { type: 'fields', fields: [{ label: '', value: '' }, { label: 'l', value: '' }] },
        { type: 'actions', buttons: [{ label: '', command: '/connector help' }, { label: 'No command', command: ' ' }] },
        { type: 'section', text: 'end' },
      ],
    });
    assertAdaptiveCard(cards[0]!);
    expect(texts(cards)).toEqual(['–', '–', 'l', '–', 'No command', 'end']);
    expect(executes(cards[0]!).map((a) => a.title)).toEqual(['/connector help']);
  });
});

describe('adaptiveCardProblems', () => {
  it('names what the parser drops or does not know, and every rule of ours a card breaks', () => {
    const bad = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'x', wrapp: true },
        { type: 'Marquee', text: 'x' },
        { type: 'ActionSet', actions: Array.from({ length: 7 }, () => ({ type: 'Action.Execute', id: 'a', title: 't', verb: 'other', data: {} })) },
        { type: 'Image', url: 'https://example.com/x.png', altText: 'x' },
      ],
    } as unknown as AdaptiveCard;
    const problems = adaptiveCardProblems(bad).join('\n');
    expect(problems).toMatch(/Unknown element type "Marquee"/);
    expect(problems).toMatch(/does not survive a round trip/);
    expect(problems).toMatch(/a TextBlock that does not wrap/);
    expect(problems).toMatch(/7 actions, 1 to 6/);
    expect(problems).toMatch(/action id a is not unique/);
    expect(problems).toMatch(/not connector\.run with a command/);
    expect(problems).toMatch(/no PNG data URI/);
    expect(adaptiveCardProblems({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(14_000), wrap: true }] })).toEqual([
      '28308 bytes of UTF-16 JSON, at most 25600',
    ]);
  });
});

// ---- properties --------------------------------------------------------------------------------------

// Markup that Teams would read: every text of a random message is made of these and plain letters.
const TEAMS_PIECES = ['[x](http://evil)', '<at>Ada</at>', '**', '# ', '- ', '1. ', '\\', '|', '\u202e'];

describe('renderTeams properties (seeded random messages)', () => {
  it('every card is a valid Adaptive Card within the limit, with no markup let through, and every button runs its command', () => {
    let buttons = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const message = messageGenerator(seed, TEAMS_PIECES).message();
      const rendered = renderTeams(message, seed % 5 === 0 ? { maxCards: 1 } : {});
      try {
        expectSafe(rendered);
        const commands = message.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons.map((button) => button.command) : []));
        for (const action of rendered.cards.flatMap(executes)) {
          const n = Number(/^command\.(\d+)/.exec(action.id)![1]);
          expect(action.data.command).toBe(commands[n - 1]);
          expect(parseCommand(action.data.command)).toEqual(parseCommand(commands[n - 1]!));
          buttons++;
        }
      } catch (error) {
        throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
      }
    }
    expect(buttons).toBeGreaterThan(50);
  });
});
