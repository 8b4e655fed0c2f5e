import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { TEAMS_COMMAND_VERB, type AdaptiveCard } from '../../src/chat/teams/render-card.ts';
import { TEAMS_LIMITS, utf16Bytes } from '../../src/chat/teams/render-limits.ts';

interface ParsedCard {
  parse(json: unknown, context: unknown): void;
  toJSON(): unknown;
}
interface AdaptiveCardsLibrary {
  AdaptiveCard: new () => ParsedCard;
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
}

// Microsoft's own Adaptive Cards library (the reference parser). Its ES module build imports files without
// extensions, which Node refuses; the UMD bundle loads.
const library = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsLibrary;

const ELEMENTS = new Set(['TextBlock', 'FactSet', 'ActionSet', 'Container', 'Image']);
const ACTIONS = new Set(['Action.Execute', 'Action.ShowCard']);

/**
 * Every problem that would make Teams refuse or misshow a card, as far as we can know here:
 * - Microsoft's parser reads it as Adaptive Card 1.5 without a warning, and writes back the same JSON: a
 *   property it does not know (a misspelt one, or one of a later version) would be dropped and show up here;
 * - our own rules: only the elements and actions the renderer means to write, every text wrapped and not
 *   empty, action sets Teams shows whole, unique action ids, every Execute routed to our one verb with a
 *   command, images as PNG data, and the card within the size limit.
 */
export function adaptiveCardProblems(card: AdaptiveCard, maxBytes: number = TEAMS_LIMITS.cardBytes): string[] {
  const problems: string[] = [];
  const parsed = new library.AdaptiveCard();
  const context = new library.SerializationContext();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parser: ${context.getEventAt(i).message}`);
  // `msteams` is Teams' extension, unknown to the generic parser.
  const { msteams: _teams, ...generic } = card;
  if (!isDeepStrictEqual(parsed.toJSON(), generic)) problems.push(`parser: the card does not survive a round trip:\n${JSON.stringify(diff(generic, parsed.toJSON()))}`);
  if (card.version !== '1.5') problems.push(`version ${String(card.version)}, not 1.5`);
  const bytes = utf16Bytes(card);
  if (bytes > maxBytes) problems.push(`${bytes} bytes of UTF-16 JSON, at most ${maxBytes}`);
  if (card.body.length === 0) problems.push('an empty body');
  const ids = new Set<string>();
  walk(card, 'card', problems, ids);
  return problems;
}

export function assertAdaptiveCard(card: AdaptiveCard, maxBytes?: number): void {
  const problems = adaptiveCardProblems(card, maxBytes);
  if (problems.length > 0) throw new Error(`not a card Teams takes:\n- ${problems.join('\n- ')}`);
}

function walk(node: unknown, where: string, problems: string[], ids: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${where}[${i}]`, problems, ids));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const type = record['type'];
  if (typeof type === 'string' && type !== 'AdaptiveCard') {
    if (!ELEMENTS.has(type) && !ACTIONS.has(type)) problems.push(`${where}: a ${type}, which the renderer never writes`);
    if (type === 'TextBlock') {
      if (record['wrap'] !== true) problems.push(`${where}: a TextBlock that does not wrap (Teams cuts it at one line)`);
      if (typeof record['text'] !== 'string' || record['text'].trim() === '') problems.push(`${where}: an empty text`);
    }
    if (type === 'FactSet') {
      const facts = record['facts'] as Array<{ title: string; value: string }>;
      if (facts.length === 0) problems.push(`${where}: no facts`);
      facts.forEach((f, i) => {
        if (!f.title.trim() || !f.value.trim()) problems.push(`${where}.facts[${i}]: an empty side`);
      });
    }
    if (type === 'ActionSet') {
      const actions = record['actions'] as unknown[];
      if (actions.length === 0 || actions.length > TEAMS_LIMITS.actionsPerSet) problems.push(`${where}: ${actions.length} actions, 1 to ${TEAMS_LIMITS.actionsPerSet}`);
    }
    if (type === 'Image' && !/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(String(record['url']))) problems.push(`${where}: an image that is no PNG data URI`);
    if (ACTIONS.has(type)) {
      const id = String(record['id']);
      if (ids.has(id)) problems.push(`${where}: action id ${id} is not unique`);
      ids.add(id);
      if (typeof record['title'] !== 'string' || record['title'].trim() === '') problems.push(`${where}: an action without a title`);
    }
    if (type === 'Action.Execute') {
      const data = record['data'] as { command?: unknown } | undefined;
      if (record['verb'] !== TEAMS_COMMAND_VERB || typeof data?.command !== 'string') problems.push(`${where}: an Execute that is not ${TEAMS_COMMAND_VERB} with a command`);
    }
  }
  for (const [key, value] of Object.entries(record)) walk(value, `${where}.${key}`, problems, ids);
}

/** Where two JSON values first differ, for the message. */
function diff(a: unknown, b: unknown, path = ''): { path: string; sent: unknown; parsed: unknown } | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = diff((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return { path, sent: a, parsed: b };
}
