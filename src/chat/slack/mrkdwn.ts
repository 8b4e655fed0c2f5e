import { inert } from '../../domain/inert.ts';

/**
 * Slack text escaping. Every text the renderer sends comes from a person, a Connector or the bot, and is
 * passed through here, so that none of it can mention, link or format beyond what the bot means:
 * - control characters become visible escapes (`inert`);
 * - `&`, `<`, `>` become entities, so nothing can form `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>` or
 *   `<http://…|x>` (Slack decodes these three entities in every text object, plain_text too);
 * - a WORD JOINER (U+2060, invisible, no line break) follows the `@` of `@here`, `@channel` and
 *   `@everyone`, also where a word goes on (`@heres`: no need to know Slack's word rules). Slack links
 *   bare ones only with `link_names`, which we never set, and mrkdwn objects are sent `verbatim` besides;
 * - `*` `_` `~` and backticks are kept in values and sections: Slack has no escape for them, a lookalike
 *   would corrupt values people copy (globs, log lines), and they can only style, never link. Inside the
 *   bot's own bold label markup a `*` becomes `∗` (U+2217), so no label can end the bold early or extend it.
 */

const ELLIPSIS = '…';
const WORD_JOINER = '\u2060';
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export interface Fitted {
  text: string;
  /** The text was longer than the limit and ends in "…". */
  cut: boolean;
}

export function escapeMrkdwn(text: string): string {
  return escapeEntities(defused(text));
}

function escapeEntities(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

/** The escaped text in at most `max` characters (as sent, entities counted in full): cut with "…", never inside an entity or a surrogate pair. */
export function fitEscaped(text: string, max: number): Fitted {
  const safe = defused(text);
  const escaped = escapeEntities(safe);
  if (escaped.length <= max) return { text: escaped, cut: false };
  // Where to cut the unescaped text, measured as sent; one slice then, not a string built a character at a time.
  const room = max - ELLIPSIS.length;
  let sent = 0;
  let end = 0;
  while (end < safe.length) {
    const code = safe.charCodeAt(end);
    const next = safe.charCodeAt(end + 1);
    const units = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    const size = code === 0x26 ? 5 : code === 0x3c || code === 0x3e ? 4 : units;
    if (sent + size > room) break;
    sent += size;
    end += units;
  }
  return { text: `${escapeEntities(safe.slice(0, end))}${ELLIPSIS}`, cut: true };
}

/** One line, for headers, labels and button texts: line breaks and runs of white space become one space. */
export function oneLine(text: string): string {
  // JavaScript's \s counts U+FEFF (zero width) as white space: it is left for `inert` to show.
  return text.replace(/[^\S\ufeff]+/g, ' ').trim();
}

/** A label to put between the bot's `*…*`: one line, and no asterisk of its own. */
export function boldable(text: string): string {
  return oneLine(text).replace(/\*/g, '\u2217');
}

function defused(text: string): string {
  return inert(text).replace(/@(?=here|channel|everyone)/gi, `@${WORD_JOINER}`);
}
