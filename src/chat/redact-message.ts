import type { Message } from '../domain/message.ts';

/** Every text of a message through the redactor: secrets never reach a chat platform. */
export function redactMessage(message: Message, redact: (text: string) => string): Message {
  return redacted(message, redact) as Message;
}

/**
 * A copy of a message (plain data: strings, numbers, booleans, arrays, objects) with every string redacted. A
 * walk, not a JSON round trip: it runs for every message posted, and makes a fraction of that one's garbage.
 */
function redacted(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redacted(item, redact));
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) copy[key] = redacted(member, redact);
  }
  return copy;
}
