import type { Message } from '../domain/message.ts';

/** Every text of a message through the redactor: secrets never reach a chat platform. */
export function redactMessage(message: Message, redact: (text: string) => string): Message {
  return JSON.parse(JSON.stringify(message), (_key, value: unknown) => (typeof value === 'string' ? redact(value) : value)) as Message;
}
