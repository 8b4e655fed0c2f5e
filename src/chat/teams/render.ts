import type { Block, Message } from '../../domain/message.ts';
import { ADAPTIVE_CARD_SCHEMA, type ActionSet, type AdaptiveCard, type CardElement, type FactSet } from './render-card.ts';
import { TEAMS_LIMITS } from './render-limits.ts';
import { fitLines, oneLine, plainLine } from './render-markdown.ts';
import { contextElement, messageParts, SET_CHARS, type Part } from './render-parts.ts';

export interface TeamsRenderOptions {
  /** Fewer cards than 3 (1 for a card that replaces another, such as an approval's update). */
  maxCards?: number;
  /** A smaller card than 25 KB (a larger number is 25 KB). */
  maxCardBytes?: number;
}

export interface TeamsRendered {
  /** The notification text (the activity's summary): plain, inert, one line. */
  summary: string;
  /** The first is the message; any further ones continue it, in order, each within the size limit. */
  cards: AdaptiveCard[];
}

// Room kept in every card for a continuation line or the note of what is left out; longer than either.
const NOTE_RESERVE_CHARS = 400;
const EMPTY_CARD_CHARS = JSON.stringify(emptyCard()).length;

/**
 * Renders a neutral message as Adaptive Cards that Teams accepts by construction: every text escaped and within
 * its limit, each card within 25 KB. A message too long for one card continues in further cards (the header,
 * then the buttons, stay in the first); what does not fit in `maxCards` is left out, and the last card says how
 * many lines.
 */
export function renderTeams(message: Message, options: TeamsRenderOptions = {}): TeamsRendered {
  const maxCards = clamp(options.maxCards, 1, TEAMS_LIMITS.cards);
  const capacity = Math.floor(clamp(options.maxCardBytes, 2 * (EMPTY_CARD_CHARS + 2 * NOTE_RESERVE_CHARS), TEAMS_LIMITS.cardBytes) / 2) - EMPTY_CARD_CHARS;
  const summary = plainLine(message.text, TEAMS_LIMITS.summary) || 'connector-ops';
  const parts = messageParts(message);
  if (cost(parts, parts.map(() => true)) <= capacity) {
    const body = assemble(parts, parts.map(() => true));
    // Teams shows nothing for an empty card: a message of no blocks (or only blank ones) shows its text.
    if (body.length === 0) body.push({ type: 'TextBlock', text: fitLines(message.text.trim() || 'connector-ops', TEAMS_LIMITS.text).text, wrap: true });
    return { summary, cards: [card(body)] };
  }

  const title = plainLine(oneLine(titleOf(message)), TEAMS_LIMITS.title);
  const placed: boolean[] = parts.map(() => false);
  const chosen: boolean[][] = [];
  for (let n = 0; n < maxCards && placed.some((p) => !p); n++) {
    const kept = fill(parts, placed, capacity - NOTE_RESERVE_CHARS, n === 0);
    // Nothing fits an empty card (only with a tiny maxCardBytes): the rest is counted as left out.
    if (n > 0 && !kept.some(Boolean)) break;
    chosen.push(kept);
  }
  const left = parts.reduce((sum, part, i) => sum + (placed[i] ? 0 : part.lines), 0);
  const cards = chosen.map((kept, n) => {
    const body = assemble(parts, kept);
    if (n > 0) body.unshift(contextElement(`${title} (continued, ${n + 1} of ${chosen.length})`));
    if (n === chosen.length - 1 && left > 0) body.push(contextElement(`… ${left} more ${left === 1 ? 'line' : 'lines'} left out: too long for a Teams message`));
    return card(body);
  });
  return { summary, cards };
}

/** A card with these elements; reports and lists use the chat's whole width. */
function card(body: CardElement[]): AdaptiveCard {
  return { ...emptyCard(), body };
}

function emptyCard(): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: ADAPTIVE_CARD_SCHEMA, version: '1.5', msteams: { width: 'Full' }, body: [] };
}

/**
 * The parts of one card: in the first, the first header and then the buttons; then the parts not yet placed,
 * in order, until one does not fit (a later, smaller one would change the order of what people read).
 */
function fill(parts: readonly Part[], placed: boolean[], capacity: number, first: boolean): boolean[] {
  const kept = parts.map(() => false);
  const runs = first ? [parts.findIndex((part) => part.role === 'header'), ...indexesOf(parts, 'action')].filter((i) => i >= 0) : [];
  const take = (i: number): boolean => {
    kept[i] = true;
    if (cost(parts, kept) > capacity) {
      kept[i] = false;
      return false;
    }
    placed[i] = true;
    return true;
  };
  for (const i of runs) take(i);
  for (let i = 0; i < parts.length; i++) {
    if (placed[i]) continue;
    if (!take(i)) break;
  }
  return kept;
}

/** Characters of card JSON the kept parts make: each part, each fact set and action set it opens. */
function cost(parts: readonly Part[], kept: readonly boolean[]): number {
  let sum = 0;
  let open: { kind: 'fact' | 'action'; group: number; count: number } | undefined;
  parts.forEach((part, i) => {
    if (!kept[i]) return;
    sum += part.chars;
    if (part.kind !== 'fact' && part.kind !== 'action') {
      open = undefined;
      return;
    }
    if (open?.kind !== part.kind || open.group !== part.group || (part.kind === 'action' && open.count === TEAMS_LIMITS.actionsPerSet)) {
      sum += SET_CHARS[part.kind];
      open = { kind: part.kind, group: part.group, count: 0 };
    }
    open.count++;
  });
  return sum;
}

/** The kept parts as elements, in their order: facts and buttons packed into sets, a divider as the next element's line above. */
function assemble(parts: readonly Part[], kept: readonly boolean[]): CardElement[] {
  const body: CardElement[] = [];
  let open: { group: number; element: FactSet | ActionSet } | undefined;
  let separator = false;
  const push = (element: CardElement) => {
    body.push(separator ? { ...element, separator: true } : element);
    separator = false;
  };
  parts.forEach((part, i) => {
    if (!kept[i]) return;
    if (part.kind === 'divider') {
      separator = body.length > 0;
      open = undefined;
      return;
    }
    if (part.kind === 'element') {
      push(part.element);
      open = undefined;
      return;
    }
    const full = open?.element.type === 'ActionSet' && open.element.actions.length === TEAMS_LIMITS.actionsPerSet;
    const type = part.kind === 'fact' ? 'FactSet' : 'ActionSet';
    if (open?.group !== part.group || open.element.type !== type || full) {
      const element: FactSet | ActionSet = part.kind === 'fact' ? { type: 'FactSet', facts: [] } : { type: 'ActionSet', actions: [] };
      push(element);
      // A separator was copied onto the pushed element: the set to fill is the one in the body.
      open = { group: part.group, element: body.at(-1) as FactSet | ActionSet };
    }
    if (part.kind === 'fact') (open.element as FactSet).facts.push(part.fact);
    else (open.element as ActionSet).actions.push(part.action);
  });
  return body;
}

function titleOf(message: Message): string {
  const header = message.blocks.find((block): block is Extract<Block, { type: 'header' }> => block.type === 'header');
  return header?.text.trim() ? header.text : (message.text.split('\n')[0] ?? '') || 'connector-ops';
}

function indexesOf(parts: readonly Part[], role: Part['role']): number[] {
  return parts.flatMap((part, i) => (part.role === role ? [i] : []));
}

function clamp(value: number | undefined, min: number, max: number): number {
  return value === undefined ? max : Math.min(max, Math.max(min, Math.floor(value)));
}
