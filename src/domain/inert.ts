/**
 * The one place where text that came from a person or a Connector is made safe to show anywhere (chat,
 * the console, logs, exports). Shown as visible `\uXXXX` escapes, never dropped, so the reader sees that
 * something was there:
 * - control characters (terminal escapes among them), which could move a cursor or recolour a screen;
 * - zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which make two different names look alike;
 * - bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069), which reorder what is shown around them (`fdp\u202Eexe` reads as `fdpexe` backwards):
 *   an attack on what the reader sees, so they are made visible rather than silently removed.
 * Platform markup (Slack's `<!here>`, `&`) is the renderers' to escape.
 */
// eslint-disable-next-line no-control-regex
const NOT_INERT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g;

export function inert(text: string): string {
  return text.replace(NOT_INERT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A value as JSON whose text is inert: the characters above appear only as JSON's own `\uXXXX` escapes,
 * so a parser reads the same data and a terminal or viewer of the raw lines sees nothing hidden.
 */
export function inertJson(value: unknown, indent?: number): string {
  // Outside strings JSON has only ASCII, and a string's \u escapes are JSON's own: the escaping is JSON-safe.
  return inert(JSON.stringify(value, null, indent));
}

const MAX_ECHO_CHARS = 80;

/** Input echoed in a reply: inert, quoted, and cut short. */
export function quoted(input: string): string {
  const shown = input.length > MAX_ECHO_CHARS ? `${input.slice(0, MAX_ECHO_CHARS)}…` : input;
  return `"${inert(shown)}"`;
}
