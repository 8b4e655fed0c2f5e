import { inert } from '../../domain/inert.ts';

/**
 * Text escaping for Adaptive Cards in Teams. A TextBlock's `text` and a Fact's `title` and `value` are read
 * as a Markdown subset (bold, italic, links `[x](y)`, lists, and more on some clients); every text the
 * renderer sends comes from a person, a Connector or the bot and passes through here, so none of it can link
 * or format beyond what the bot means:
 * - control and invisible characters become visible escapes (`inert`);
 * - the punctuation that starts or ends markup anywhere (`\ ` * _ [ ] < > ~ | &`), and at a line's start
 *   the block markers (`#`, `>`, `-`, `+`, `=`, `1.`, `1)`), get CommonMark's backslash escape: `[x](http://evil)`
 *   stays those characters, `<at>` and `**` stay text. Only these: a sentence's dots and dashes stay as they are.
 *   A client that ignored an escape would show a backslash, never a link: the failure is visible and harmless.
 *   A bare URL may still be made clickable by Teams, but it then shows its own address, which deceives nobody;
 * - mentions need an `msteams.entities` entry, which the renderer never writes: `<at>` can only be text.
 * Line breaks: a single `\n` is not a break in every Teams client, so lines are joined as paragraphs.
 */

const ELLIPSIS = '…';
// CommonMark lets any ASCII punctuation be escaped with a backslash; these start or end inline markup.
const INLINE = /[\\`*_[\]<>~|&]/g;
// A block marker at a line's start: a heading, a quote, a list item, a setext underline.
const LINE_START = /^(\s*)([#>+=-]|\d+(?=[.)]))/;

export interface Fitted {
  text: string;
  /** The text was longer than the limit and ends in "…". */
  cut: boolean;
}

/** One line of text, escaped. */
export function escapeMarkdown(text: string): string {
  const escaped = inert(text).replace(INLINE, (c) => `\\${c}`);
  return escaped.replace(LINE_START, (_, space: string, marker: string) => (/\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`));
}

/** Several lines escaped, each a paragraph of its own (Teams shows a single `\n` as a space on some clients). */
function escapeLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => escapeMarkdown(line.trimEnd()))
    .filter((line) => line.length > 0)
    .join('\n\n');
}

/** The escaped lines in at most `max` characters (as sent): cut with "…", never inside an escape or a surrogate pair. */
export function fitLines(text: string, max: number): Fitted {
  const escaped = escapeLines(text);
  if (escaped.length <= max) return { text: escaped, cut: false };
  let kept = '';
  // An escape and its character, or one code point: never cut between them.
  for (const [unit] of escaped.matchAll(/\\[\s\S]|[\s\S]/gu)) {
    if (kept.length + unit.length + ELLIPSIS.length > max) break;
    kept += unit;
  }
  return { text: `${kept.trimEnd()}${ELLIPSIS}`, cut: true };
}

/** Plain text (an action's title, an image's alternative text): not Markdown, so only made inert, one line, and cut. */
export function plainLine(text: string, max: number): string {
  const line = inert(oneLine(text));
  if (line.length <= max) return line;
  let kept = '';
  for (const char of line) {
    if (kept.length + char.length + ELLIPSIS.length > max) break;
    kept += char;
  }
  return `${kept}${ELLIPSIS}`;
}

/** One line, for titles, labels and button texts: line breaks and runs of white space become one space. */
export function oneLine(text: string): string {
  // JavaScript's \s counts U+FEFF (zero width) as white space: it is left for `inert` to show.
  return text.replace(/[^\S\ufeff]+/g, ' ').trim();
}
