/** The Redis serialization protocol (RESP2) as far as AUTH, PING and QUIT need it. */
import type { FrameParser } from './connection.ts';
import { ProbeError } from './session.ts';

export type RespReply =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: number }
  | { type: 'bulk'; value: string | null }
  | { type: 'array'; value: RespReply[] | null };

/** A command as RESP sends it: an array of bulk strings. */
export function encodeCommand(...args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg, 'utf8')}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''), 'utf8');
}

export const parseReply: FrameParser<RespReply> = (buffer) => parseAt(buffer, 0);

function parseAt(buffer: Buffer, offset: number): { value: RespReply; size: number } | undefined {
  if (buffer.length <= offset) return undefined;
  const lineEnd = buffer.indexOf('\r\n', offset, 'latin1');
  if (lineEnd < 0) {
    // Not a RESP type byte: no point waiting for a line that will never come.
    if (!'+-:$*'.includes(String.fromCharCode(buffer[offset]!))) throw notRedis();
    return undefined;
  }
  const marker = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (marker) {
    case '+':
      return { value: { type: 'simple', value: line }, size: afterLine - offset };
    case '-':
      return { value: { type: 'error', value: line }, size: afterLine - offset };
    case ':':
      return { value: { type: 'integer', value: Number(line) }, size: afterLine - offset };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: { type: 'bulk', value: null }, size: afterLine - offset };
      if (buffer.length < afterLine + length + 2) return undefined;
      return {
        value: { type: 'bulk', value: buffer.toString('utf8', afterLine, afterLine + length) },
        size: afterLine + length + 2 - offset,
      };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: { type: 'array', value: null }, size: afterLine - offset };
      const items: RespReply[] = [];
      let at = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseAt(buffer, at);
        if (!item) return undefined;
        items.push(item.value);
        at += item.size;
      }
      return { value: { type: 'array', value: items }, size: at - offset };
    }
    default:
      throw notRedis();
  }
}

function notRedis(): ProbeError {
  return new ProbeError('protocol', 'the server does not speak the Redis protocol');
}
