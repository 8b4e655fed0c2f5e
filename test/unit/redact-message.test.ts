import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/domain/message.ts';
import { redactMessage } from '../../src/chat/redact-message.ts';
import { Redactor } from '../../src/logging/redact.ts';

const SECRET = 'k3y-0f-the-c0nnect0r-api-7f3a9b';
const redactor = new Redactor([SECRET]);

describe('redactMessage', () => {
  it('redacts every text of a message, however deep, and leaves the message itself as it was', () => {
    const message: Message = {
      text: `summary ${SECRET}`,
      blocks: [
        { type: 'header', text: `title ${SECRET}` },
        { type: 'fields', fields: [{ label: `label ${SECRET}`, value: `value ${SECRET}`, status: 'critical' }] },
        { type: 'actions', buttons: [{ label: 'Request restart', command: `restart c1 ${SECRET}`, confirm: { title: 't', text: `sure? ${SECRET}`, confirm: 'Yes', deny: 'No' } }] },
        { type: 'chart', chart: { title: 'CPU', unit: 'percent', from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', series: [{ label: SECRET, points: [{ at: '2026-12-01T00:00:00Z', percent: 12.5 }] }] } },
      ],
    } as Message;
    const before = structuredClone(message);
    const out = redactMessage(message, (text) => redactor.redact(text));

    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out.text).toBe(redactor.redact(`summary ${SECRET}`));
    expect(message).toEqual(before);
    // The same shape as the message, numbers and statuses as they were.
    expect(JSON.stringify(out)).toBe(JSON.stringify(JSON.parse(JSON.stringify(message), (_key, value: unknown) => (typeof value === 'string' ? redactor.redact(value) : value))));
  });

  it('leaves out members that are undefined, as posting them as JSON would', () => {
    const out = redactMessage({ text: 'x', blocks: [{ type: 'section', text: 'y', status: undefined }] } as unknown as Message, (text) => text);
    expect(out).toEqual({ text: 'x', blocks: [{ type: 'section', text: 'y' }] });
    expect(Object.keys(out.blocks[0]!)).toEqual(['type', 'text']);
  });
});
