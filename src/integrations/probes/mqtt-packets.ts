/** The MQTT 3.1.1 packets a connection probe needs (OASIS spec, sections 3.1, 3.2, 3.14). */
import type { FrameParser } from './connection.ts';
import { ProbeError } from './session.ts';

const CONNECT = 0x10;
const CONNACK = 0x20;
const DISCONNECT = 0xe0;
const PROTOCOL_LEVEL_3_1_1 = 4;

export interface Connect {
  clientId: string;
  username?: string;
  password?: string;
  keepAliveSeconds: number;
}

export function encodeConnect(connect: Connect): Buffer {
  let flags = 0x02; // clean session
  if (connect.username !== undefined) flags |= 0x80;
  if (connect.password !== undefined) flags |= 0x40;
  const keepAlive = Buffer.alloc(2);
  keepAlive.writeUInt16BE(connect.keepAliveSeconds, 0);
  const variableHeader = Buffer.concat([utf8String('MQTT'), Buffer.from([PROTOCOL_LEVEL_3_1_1, flags]), keepAlive]);
  const payload = [utf8String(connect.clientId)];
  if (connect.username !== undefined) payload.push(utf8String(connect.username));
  if (connect.password !== undefined) payload.push(utf8String(connect.password));
  const body = Buffer.concat([variableHeader, ...payload]);
  return Buffer.concat([Buffer.from([CONNECT]), encodeRemainingLength(body.length), body]);
}

export function encodeDisconnect(): Buffer {
  return Buffer.from([DISCONNECT, 0]);
}

export interface Connack {
  sessionPresent: boolean;
  returnCode: number;
}

export const parseConnack: FrameParser<Connack> = (buffer) => {
  if (buffer.length < 1) return undefined;
  if ((buffer[0]! & 0xf0) !== CONNACK) {
    throw new ProbeError('protocol', 'the server does not speak MQTT (expected CONNACK)');
  }
  const length = decodeRemainingLength(buffer, 1);
  if (!length) return undefined;
  const start = 1 + length.bytes;
  if (buffer.length < start + length.value) return undefined;
  if (length.value < 2) throw new ProbeError('protocol', 'CONNACK too short');
  return {
    value: { sessionPresent: (buffer[start]! & 0x01) === 1, returnCode: buffer[start + 1]! },
    size: start + length.value,
  };
};

/** What the 3.1.1 CONNACK return codes mean (spec table 3.1). */
export const CONNACK_MEANING: Record<number, string> = {
  0: 'connection accepted',
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

/** Variable length encoding: 7 bits a byte, high bit set while more follow; at most 4 bytes. */
export function encodeRemainingLength(length: number): Buffer {
  if (length < 0 || length > 268_435_455) throw new RangeError('MQTT remaining length out of range');
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

export function decodeRemainingLength(buffer: Buffer, offset: number): { value: number; bytes: number } | undefined {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    const byte = buffer[offset + i];
    if (byte === undefined) return undefined;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, bytes: i + 1 };
    multiplier *= 128;
  }
  throw new ProbeError('protocol', 'malformed MQTT remaining length');
}

function utf8String(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}
