import type { Button as SlackButton, KnownBlock, MrkdwnElement, PlainTextElement } from '@slack/types';
import type { Block, Button, Chart, Field, Message } from '../../domain/message.ts';
import type { CheckStatus } from '../../domain/status.ts';
import { walkMessage } from '../message-walk.ts';
import { boldable, fitEscaped, oneLine } from './mrkdwn.ts';
import { blockTextLength, SLACK_LIMITS } from './render-limits.ts';

/** A button's `action_id` is this and its number in the message (1, 2, …: the console's choice numbers). */
export const COMMAND_ACTION_PREFIX = 'connector-ops.command.';

/**
 * Status as an emoji before the text it belongs to: coloured circles for the two ends, the warning sign
 * for warn, a question mark for "could not look" (which is not a failure).
 */
const STATUS_EMOJI: Record<CheckStatus, string> = {
  ok: ':large_green_circle:',
  warn: ':warning:',
  critical: ':red_circle:',
  unknown: ':grey_question:',
};

const STATUS_WORD: Record<CheckStatus, string> = { ok: 'OK', warn: 'Warning', critical: 'Critical', unknown: 'Unknown' };

// Labels are names (a check, a log group): a long one is cut so its value keeps most of the field.
const MAX_LABEL_CHARS = 200;

/**
 * The smallest pieces the renderer keeps or moves to the attached file: a header (with its status line),
 * a section, a context line or a divider as whole blocks; a field or a button on its own, packed into
 * sections of 10 fields and actions blocks of 25 buttons with the others of its group.
 */
export type Part = PartCost &
  (
    | { kind: 'blocks'; blocks: KnownBlock[] }
    | { kind: 'field'; group: number; field: MrkdwnElement }
    | { kind: 'button'; group: number; button: SlackButton }
  );

interface PartCost {
  /** Kept first when the message must be shortened: the message's first header, then every button. */
  role: 'header' | 'action' | 'content';
  /** Block text, as `blockTextLength` counts it. */
  chars: number;
  /** Lines of the console rendering it stands for: "… N more lines in the attached file". */
  lines: number;
  /** Some of its text was cut to fit a Slack limit: the full text goes into the attached file. */
  cut: boolean;
}

export function messageParts(message: Message): Part[] {
  return walkMessage(message, { header: headerParts, usable: isUsable, button: buttonPart, fallback: fallbackPart, field: fieldPart, other: otherParts });
}

export function contextBlock(text: string): KnownBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

function headerParts(block: Extract<Block, { type: 'header' }>, role: PartCost['role']): Part[] {
  const title = fitEscaped(oneLine(block.text), SLACK_LIMITS.headerText);
  const blocks: KnownBlock[] = [];
  if (title.text.length > 0) blocks.push({ type: 'header', text: plain(title.text) });
  if (block.status) blocks.push(contextBlock(`${STATUS_EMOJI[block.status]} ${STATUS_WORD[block.status]}`));
  return blocks.length > 0 ? [blocksPart(blocks, role, 1, title.cut)] : [];
}

function otherParts(block: Exclude<Block, { type: 'header' | 'actions' | 'fields' }>): Part[] {
  if (block.type === 'divider') return [blocksPart([{ type: 'divider' }], 'content', 1, false)];
  if (block.type === 'chart') return [chartPart(block.chart)];
  const status = block.type === 'section' ? block.status : undefined;
  if (isBlank(block.text) && !status) return [];
  const prefix = status ? `${STATUS_EMOJI[status]} ` : '';
  const max = block.type === 'section' ? SLACK_LIMITS.sectionText : SLACK_LIMITS.contextText;
  const body = isBlank(block.text) && status ? { text: STATUS_WORD[status], cut: false } : fitEscaped(block.text, max - prefix.length);
  const text = `${prefix}${body.text}`;
  const slack: KnownBlock = block.type === 'section' ? { type: 'section', text: mrkdwn(text) } : contextBlock(text);
  return [blocksPart([slack], 'content', lineCount(block.text), body.cut)];
}

/** Block Kit draws no charts: a line says one goes along as an image. It stands for the console's title and sparklines. */
function chartPart(chart: Chart): Part {
  const fitted = fitEscaped(`Chart: ${oneLine(chart.title)} (attached)`, SLACK_LIMITS.contextText);
  return blocksPart([contextBlock(fitted.text)], 'content', 1 + chart.series.length, fitted.cut);
}

/** `*label*` on the first line, the value below it; the status emoji before the label. */
function fieldPart(field: Field, group: number): Part {
  const prefix = field.status ? `${STATUS_EMOJI[field.status]} ` : '';
  const label = fitEscaped(boldable(field.label), MAX_LABEL_CHARS);
  const head = label.text.length > 0 ? `${prefix}*${label.text}*` : prefix.trimEnd();
  const separator = head.length > 0 && !isBlank(field.value) ? '\n' : '';
  const value = isBlank(field.value) ? { text: '', cut: false } : fitEscaped(field.value, SLACK_LIMITS.fieldText - head.length - separator.length);
  // Slack rejects an empty text object: a field with nothing in it shows a dash.
  const text = `${head}${separator}${value.text}` || '–';
  const element = mrkdwn(text);
  return { kind: 'field', group, field: element, role: 'content', chars: blockTextLength(element), lines: lineCount(field.value), cut: label.cut || value.cut };
}

/** A command too long for a button's value (or none at all) cannot be a button: the text says what to type. */
function isUsable(button: Button): boolean {
  return !isBlank(button.command) && button.command.length <= SLACK_LIMITS.buttonValue;
}

function buttonPart(button: Button, n: number, group: number): Part {
  const slack: SlackButton = {
    type: 'button',
    action_id: `${COMMAND_ACTION_PREFIX}${n}`,
    text: plainFit(oneLine(button.label) || oneLine(button.command), SLACK_LIMITS.buttonText),
    // Verbatim: pressing the button runs exactly the command the console would run as choice n.
    value: button.command,
    ...(button.style && { style: button.style }),
    ...(button.confirm && {
      confirm: {
        title: plainFit(oneLine(button.confirm.title) || 'Are you sure?', SLACK_LIMITS.confirmTitle),
        text: plainFit(button.confirm.text.trim() || 'Are you sure?', SLACK_LIMITS.confirmText),
        confirm: plainFit(oneLine(button.confirm.confirm) || 'Yes', SLACK_LIMITS.confirmButton),
        deny: plainFit(oneLine(button.confirm.deny) || 'No', SLACK_LIMITS.confirmButton),
        ...(button.style === 'danger' && { style: 'danger' as const }),
      },
    }),
  };
  // A cut button text or dialog loses nothing: the command is whole, and the message's own text says more.
  return { kind: 'button', group, button: slack, role: 'action', chars: blockTextLength(slack), lines: 1, cut: false };
}

function fallbackPart(button: Button): Part {
  const label = oneLine(button.label);
  const text = isBlank(button.command) ? label || '–' : `${label ? `${label}: ` : ''}type ${button.command}`;
  const fitted = fitEscaped(text, SLACK_LIMITS.contextText);
  return blocksPart([contextBlock(fitted.text)], 'action', 1, fitted.cut);
}

function blocksPart(blocks: KnownBlock[], role: PartCost['role'], lines: number, cut: boolean): Part {
  return { kind: 'blocks', blocks, role, chars: blockTextLength(blocks), lines, cut };
}

/** Every mrkdwn object is verbatim: Slack then links no bare URL, channel name or mention by itself. */
function mrkdwn(escaped: string): MrkdwnElement {
  return { type: 'mrkdwn', text: escaped, verbatim: true };
}

/** `emoji: false`: a `:shortcode:` in someone's text stays text, so it cannot pose as a status. */
function plain(escaped: string): PlainTextElement {
  return { type: 'plain_text', text: escaped, emoji: false };
}

function plainFit(text: string, max: number): PlainTextElement {
  return plain(fitEscaped(text, max).text);
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

function lineCount(text: string): number {
  return text.split('\n').length;
}
