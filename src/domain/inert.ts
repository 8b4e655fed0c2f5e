/**
 * Text that came from a person or a Connector, made safe to show anywhere: control characters (terminal
 * escapes among them) become visible escapes, so echoing input can never move a cursor or recolour a screen.
 * Platform markup (Slack's `<!here>`, `&`) is the renderers' to escape.
 */
export function inert(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const MAX_ECHO_CHARS = 80;

/** Input echoed in a reply: inert, quoted, and cut short. */
export function quoted(input: string): string {
  const shown = input.length > MAX_ECHO_CHARS ? `${input.slice(0, MAX_ECHO_CHARS)}…` : input;
  return `"${inert(shown)}"`;
}
