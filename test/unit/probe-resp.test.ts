import { describe, expect, it } from 'vitest';
import { encodeCommand, parseReply } from '../../src/integrations/probes/resp.ts';

describe('RESP', () => {
  it('encodes commands as arrays of bulk strings, counting bytes not characters', () => {
    expect(encodeCommand('PING').toString()).toBe('*1\r\n$4\r\nPING\r\n');
    expect(encodeCommand('AUTH', 'user', 'pässwort').toString()).toBe('*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$9\r\npässwort\r\n');
  });

  it('parses the reply kinds', () => {
    expect(parseReply(Buffer.from('+PONG\r\n'))).toEqual({ value: { type: 'simple', value: 'PONG' }, size: 7 });
    expect(parseReply(Buffer.from('-NOAUTH Authentication required.\r\n'))?.value).toEqual({
      type: 'error',
      value: 'NOAUTH Authentication required.',
    });
    expect(parseReply(Buffer.from(':42\r\n'))?.value).toEqual({ type: 'integer', value: 42 });
    expect(parseReply(Buffer.from('$5\r\nhello\r\n'))).toEqual({ value: { type: 'bulk', value: 'hello' }, size: 11 });
    expect(parseReply(Buffer.from('$-1\r\n'))?.value).toEqual({ type: 'bulk', value: null });
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n:1\r\n'))?.value).toEqual({
      type: 'array',
      value: [
        { type: 'bulk', value: 'a' },
        { type: 'integer', value: 1 },
      ],
    });
  });

  it('waits for a reply split across reads', () => {
    for (const partial of ['+PO', '$5\r\nhel', '$5\r\nhello\r', '*2\r\n$1\r\na\r\n']) {
      expect(parseReply(Buffer.from(partial))).toBeUndefined();
    }
  });

  it('leaves a following reply in the buffer', () => {
    expect(parseReply(Buffer.from('+OK\r\n+PONG\r\n'))?.size).toBe(5);
  });

  it('refuses an answer that is not RESP at once, without waiting for a line end', () => {
    expect(() => parseReply(Buffer.from('AMQP\u0000\u0000\u0009\u0001'))).toThrow(/Redis protocol/);
    expect(() => parseReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/Redis protocol/);
  });
});
