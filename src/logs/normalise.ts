/**
 * Normalises an error message into a grouping key: the parts that differ between occurrences of
 * the same error (numbers, ids, times, addresses, quoted values) are masked, so "Sync failed after
 * 3 attempts" and "Sync failed after 5 attempts" fall into one group.
 */

/** Longer messages are cut before masking, which keeps the regular expressions' work bounded. */
export const MAX_INPUT_CHARS = 500;

// Order matters: whole structures (URLs, UUIDs, timestamps) go before the numbers inside them.
// Every pattern is linear: no nested quantifiers over overlapping classes.
const MASKS: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, '<url>'],
  [/\bdid:e:[^\s"'<>`]+/g, '<address>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<time>'],
  // Quoted values: after a non-word character, so an apostrophe in "can't" opens nothing.
  [/(^|[^\w])"[^"\n]{0,200}"/g, '$1"…"'],
  [/(^|[^\w])'[^'\n]{0,200}'/g, "$1'…'"],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, '<ip>'],
  [/\[[0-9a-f:]*:[0-9a-f:]*\](?::\d{1,5})?/gi, '<ip>'],
  [/\b[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*:\d{2,5}\b/gi, '<host:port>'],
  // enmeshed object ids: a three-letter type prefix and 17 characters (MSGxQbcIRRX5RROh9ZQy).
  [/\b[A-Z]{3}[A-Za-z0-9]{17}\b/g, '<id>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>'],
  [/(?<![A-Za-z0-9_])\d+(?:[.,]\d+)*/g, '<n>'],
  [/\s+/g, ' '],
];

export function normaliseMessage(message: string): string {
  let text = message.length > MAX_INPUT_CHARS ? message.slice(0, MAX_INPUT_CHARS) : message;
  for (const [pattern, mask] of MASKS) text = text.replace(pattern, mask);
  return text.trim();
}

const ERROR_CLASS = /\b([A-Z][A-Za-z0-9_$]*(?:Error|Exception))\b/;

/** The error class a line names (`MongoNetworkError`, `TypeError`), if any. */
export function errorClassOf(line: string): string | undefined {
  return ERROR_CLASS.exec(line)?.[1];
}
