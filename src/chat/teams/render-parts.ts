import type { Block, Button, Field, Message } from '../../domain/message.ts';
import type { CheckStatus } from '../../domain/status.ts';
import { walkMessage } from '../message-walk.ts';
import { chartElement } from './render-chart.ts';
import { TEAMS_COMMAND_VERB, type CardAction, type CardElement, type Container, type TextBlock } from './render-card.ts';
import { TEAMS_LIMITS } from './render-limits.ts';
import { escapeMarkdown, fitLines, oneLine, plainLine } from './render-markdown.ts';

/** The status before the text it belongs to, as a sign and a word (a colour alone says nothing to a screen reader). */
const STATUS_LINE: Record<CheckStatus, { sign: string; word: string; color?: TextBlock['color']; style: Container['style'] }> = {
  ok: { sign: '🟢', word: 'OK', color: 'Good', style: 'good' },
  warn: { sign: '⚠️', word: 'Warning', color: 'Warning', style: 'warning' },
  critical: { sign: '🔴', word: 'Critical', color: 'Attention', style: 'attention' },
  unknown: { sign: '❔', word: 'Unknown', style: 'emphasis' },
};

/**
 * The smallest pieces the renderer keeps, moves to a continuation card or leaves out: a header, a section, a
 * context line, a chart as whole elements; a fact or a button on its own, packed into fact sets and action
 * sets with the others of its block; a divider as a line above the next element kept.
 */
export type Part = PartCost &
  (
    | { kind: 'element'; element: CardElement }
    | { kind: 'fact'; group: number; fact: { title: string; value: string } }
    | { kind: 'action'; group: number; action: CardAction }
    | { kind: 'divider' }
  );

interface PartCost {
  /** Kept in the first card: the message's first header, then every button. */
  role: 'header' | 'action' | 'content';
  /** Characters of card JSON it adds, a comma included; a fact's or button's set is `setChars` more. */
  chars: number;
  /** Lines of the console rendering it stands for: "… N more lines left out". */
  lines: number;
}

/** The JSON of an empty fact set or action set, and its comma: paid by the first fact or button of a set. */
export const SET_CHARS = {
  fact: JSON.stringify({ type: 'FactSet', facts: [] }).length + 1,
  action: JSON.stringify({ type: 'ActionSet', actions: [] }).length + 1,
} as const;

const SEPARATOR_CHARS = '"separator":true,'.length;

export function messageParts(message: Message): Part[] {
  return walkMessage(message, { header: headerParts, usable: isUsable, button: actionPart, fallback: fallbackPart, field: factPart, other: otherParts });
}

function otherParts(block: Exclude<Block, { type: 'header' | 'actions' | 'fields' }>): Part[] {
  if (block.type === 'divider') return [{ kind: 'divider', role: 'content', chars: SEPARATOR_CHARS, lines: 1 }];
  if (block.type === 'chart') return [elementPart(chartElement(block.chart), 'content', 1 + block.chart.series.length)];
  return textParts(block);
}

/** A subtle line of the bot's own: a note about the card itself. */
export function contextElement(text: string): TextBlock {
  return { type: 'TextBlock', text: fitLines(text, TEAMS_LIMITS.text).text, wrap: true, size: 'Small', isSubtle: true };
}

function elementPart(element: CardElement, role: PartCost['role'], lines: number): Part {
  return { kind: 'element', element, role, chars: JSON.stringify(element).length + 1, lines };
}

/** The title large, its status below it, both in a container of the status's colour. */
function headerParts(block: Extract<Block, { type: 'header' }>, role: PartCost['role']): Part[] {
  const title = fitLines(oneLine(block.text), TEAMS_LIMITS.title).text;
  const items: CardElement[] = [];
  if (title.length > 0) items.push({ type: 'TextBlock', text: title, wrap: true, size: 'Large', weight: 'Bolder' });
  if (block.status) items.push(statusLine(block.status));
  if (items.length === 0) return [];
  const container: Container = { type: 'Container', ...(block.status && { style: STATUS_LINE[block.status].style }), bleed: true, items };
  return [elementPart(container, role, 1)];
}

function statusLine(status: CheckStatus): TextBlock {
  const line = STATUS_LINE[status];
  return { type: 'TextBlock', text: `${line.sign} ${line.word}`, wrap: true, weight: 'Bolder', spacing: 'None', ...(line.color && { color: line.color }) };
}

function textParts(block: Extract<Block, { type: 'section' | 'context' }>): Part[] {
  const status = block.type === 'section' ? block.status : undefined;
  if (isBlank(block.text) && !status) return [];
  const prefix = status ? `${STATUS_LINE[status].sign} ` : '';
  const body = isBlank(block.text) && status ? STATUS_LINE[status].word : fitLines(block.text, TEAMS_LIMITS.text - prefix.length).text;
  const element: TextBlock =
    block.type === 'section' ? { type: 'TextBlock', text: `${prefix}${body}`, wrap: true } : { type: 'TextBlock', text: body, wrap: true, size: 'Small', isSubtle: true };
  return [elementPart(element, 'content', lineCount(block.text))];
}

/** The status sign and the label as the fact's title, the value beside it. */
function factPart(field: Field, group: number): Part {
  const prefix = field.status ? `${STATUS_LINE[field.status].sign} ` : '';
  const label = fitLines(oneLine(field.label), TEAMS_LIMITS.factTitle - prefix.length).text;
  // Teams drops a fact with an empty side: a dash holds its place.
  const fact = { title: `${prefix}${label}`.trim() || '–', value: isBlank(field.value) ? '–' : fitLines(field.value, TEAMS_LIMITS.factValue).text };
  return { kind: 'fact', group, fact, role: 'content', chars: JSON.stringify(fact).length + 1, lines: lineCount(field.value) };
}

/** A command too long for a button (or none at all) cannot be a button: the text says what to type. */
function isUsable(button: Button): boolean {
  return !isBlank(button.command) && button.command.length <= TEAMS_LIMITS.command;
}

/**
 * A button is an `Action.Execute` whose data is the command, so that its invoke runs exactly what the console
 * runs as choice n. A button with a confirmation is an `Action.ShowCard` instead: pressing it opens the question
 * inside the card, and only the button there executes. Adaptive Cards have no confirm dialog; this needs no
 * round trip to the bot, no state between two invokes, and it cannot show one person's question to everyone
 * (an Execute that answered with a question card would replace the card for the clicker only, and cost an
 * invoke inside Teams' 5 s). Pressing the button again closes the question: that is the "no".
 */
function actionPart(button: Button, n: number, group: number): Part {
  const title = plainLine(button.label, TEAMS_LIMITS.actionTitle) || plainLine(button.command, TEAMS_LIMITS.actionTitle);
  const style = button.style === 'danger' ? ('destructive' as const) : button.style === 'primary' ? ('positive' as const) : undefined;
  const execute = (id: string, label: string): CardAction => ({
    type: 'Action.Execute',
    id,
    title: label,
    verb: TEAMS_COMMAND_VERB,
    data: { command: button.command },
    ...(style && { style }),
  });
  let action = execute(actionId(n), title);
  if (button.confirm) {
    const question = plainLine(button.confirm.title, TEAMS_LIMITS.title) || 'Are you sure?';
    const text = button.confirm.text.trim() || 'Are you sure?';
    action = {
      type: 'Action.ShowCard',
      id: actionId(n),
      title,
      ...(style && { style }),
      card: {
        type: 'AdaptiveCard',
        body: [
          { type: 'TextBlock', text: escapeMarkdown(question), wrap: true, weight: 'Bolder' },
          { type: 'TextBlock', text: fitLines(text, TEAMS_LIMITS.confirmText).text, wrap: true },
        ],
        actions: [execute(`${actionId(n)}.confirm`, plainLine(button.confirm.confirm, TEAMS_LIMITS.actionTitle) || 'Yes')],
      },
    };
  }
  return { kind: 'action', group, action, role: 'action', chars: JSON.stringify(action).length + 1, lines: 1 };
}

/** The button's number in the message (1, 2, …: the console's choice numbers). */
export function actionId(n: number): string {
  return `command.${n}`;
}

function fallbackPart(button: Button): Part {
  const label = oneLine(button.label);
  const text = isBlank(button.command) ? label || '–' : `${label ? `${label}: ` : ''}type ${button.command}`;
  return elementPart(contextElement(text), 'action', 1);
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

function lineCount(text: string): number {
  return text.split('\n').length;
}
