/**
 * The parts of AMQP 0-9-1 that a connection handshake needs (spec section 4.2 and the connection class):
 * frames, Connection.Start/Start-Ok/Tune/Tune-Ok/Open/Open-Ok/Close/Close-Ok, and field tables.
 */
import type { FrameParser } from './connection.ts';
import { ProbeError } from './session.ts';

export const PROTOCOL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]); // "AMQP" 0 0-9-1
const FRAME_END = 0xce;
export const FRAME_METHOD = 1;
export const FRAME_HEARTBEAT = 8;

export const CONNECTION = 10;
export const START = 10;
export const START_OK = 11;
export const TUNE = 30;
export const TUNE_OK = 31;
export const OPEN = 40;
export const OPEN_OK = 41;
export const CLOSE = 50;
export const CLOSE_OK = 51;

export type Inbound =
  | { kind: 'frame'; type: number; channel: number; payload: Buffer }
  /** A server that does not speak 0-9-1 answers the header with the one it speaks, then closes. */
  | { kind: 'protocol-header'; version: string };

export const parseInbound: FrameParser<Inbound> = (buffer) => {
  if (buffer.length >= 4 && buffer.toString('latin1', 0, 4) === 'AMQP') {
    if (buffer.length < 8) return undefined;
    return { value: { kind: 'protocol-header', version: `${buffer[5]}-${buffer[6]}-${buffer[7]}` }, size: 8 };
  }
  // Method, header, body, heartbeat: any other first byte is another protocol; no use waiting for its "frame".
  if (buffer.length >= 1 && ![1, 2, 3, FRAME_HEARTBEAT].includes(buffer[0]!)) {
    throw new ProbeError('protocol', 'the server does not speak AMQP 0-9-1');
  }
  if (buffer.length < 7) return undefined;
  const type = buffer.readUInt8(0);
  const channel = buffer.readUInt16BE(1);
  const size = buffer.readUInt32BE(3);
  if (buffer.length < 7 + size + 1) return undefined;
  if (buffer[7 + size] !== FRAME_END) throw new ProbeError('protocol', 'the server does not speak AMQP 0-9-1 (bad frame end)');
  return { value: { kind: 'frame', type, channel, payload: buffer.subarray(7, 7 + size) }, size: 8 + size };
};

export interface Method {
  classId: number;
  methodId: number;
  args: Buffer;
}

export function decodeMethod(payload: Buffer): Method {
  if (payload.length < 4) throw new ProbeError('protocol', 'AMQP method frame too short');
  return { classId: payload.readUInt16BE(0), methodId: payload.readUInt16BE(2), args: payload.subarray(4) };
}

export function encodeMethodFrame(classId: number, methodId: number, args: Buffer = Buffer.alloc(0), channel = 0): Buffer {
  const header = Buffer.alloc(11);
  header.writeUInt8(FRAME_METHOD, 0);
  header.writeUInt16BE(channel, 1);
  header.writeUInt32BE(4 + args.length, 3);
  header.writeUInt16BE(classId, 7);
  header.writeUInt16BE(methodId, 9);
  return Buffer.concat([header, args, Buffer.from([FRAME_END])]);
}

// ---- Connection methods ----

export interface ConnectionStart {
  versionMajor: number;
  versionMinor: number;
  serverProperties: FieldTable;
  mechanisms: string[];
  locales: string[];
}

export function decodeConnectionStart(args: Buffer): ConnectionStart {
  const reader = new Reader(args);
  const versionMajor = reader.octet();
  const versionMinor = reader.octet();
  const serverProperties = reader.table();
  const mechanisms = reader.longstr().toString('utf8').split(' ').filter(Boolean);
  const locales = reader.longstr().toString('utf8').split(' ').filter(Boolean);
  return { versionMajor, versionMinor, serverProperties, mechanisms, locales };
}

export interface StartOk {
  clientProperties: FieldTable;
  mechanism: string;
  response: Buffer;
  locale: string;
}

export function encodeStartOk(startOk: StartOk): Buffer {
  return encodeMethodFrame(
    CONNECTION,
    START_OK,
    Buffer.concat([encodeTable(startOk.clientProperties), shortstr(startOk.mechanism), longstr(startOk.response), shortstr(startOk.locale)]),
  );
}

/** SASL PLAIN (RFC 4616): authzid NUL authcid NUL password. */
export function plainResponse(username: string, password: string): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`, 'utf8');
}

export interface Tune {
  channelMax: number;
  frameMax: number;
  heartbeat: number;
}

export function decodeTune(args: Buffer): Tune {
  const reader = new Reader(args);
  return { channelMax: reader.short(), frameMax: reader.long(), heartbeat: reader.short() };
}

export function encodeTuneOk(tune: Tune): Buffer {
  const args = Buffer.alloc(8);
  args.writeUInt16BE(tune.channelMax, 0);
  args.writeUInt32BE(tune.frameMax, 2);
  args.writeUInt16BE(tune.heartbeat, 6);
  return encodeMethodFrame(CONNECTION, TUNE_OK, args);
}

export function encodeOpen(virtualHost: string): Buffer {
  // virtual-host, reserved-1 (capabilities, empty), reserved-2 (insist bit, 0)
  return encodeMethodFrame(CONNECTION, OPEN, Buffer.concat([shortstr(virtualHost), shortstr(''), Buffer.from([0])]));
}

export interface Close {
  replyCode: number;
  replyText: string;
  classId: number;
  methodId: number;
}

export function decodeClose(args: Buffer): Close {
  const reader = new Reader(args);
  return { replyCode: reader.short(), replyText: reader.shortstr(), classId: reader.short(), methodId: reader.short() };
}

export function encodeClose(close: Close): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(close.classId, 0);
  tail.writeUInt16BE(close.methodId, 2);
  const code = Buffer.alloc(2);
  code.writeUInt16BE(close.replyCode, 0);
  return encodeMethodFrame(CONNECTION, CLOSE, Buffer.concat([code, shortstr(close.replyText), tail]));
}

export function encodeCloseOk(): Buffer {
  return encodeMethodFrame(CONNECTION, CLOSE_OK);
}

// ---- Field tables ----

export type FieldValue = string | number | bigint | boolean | null | Buffer | Date | FieldValue[] | FieldTable;
export interface FieldTable {
  [name: string]: FieldValue;
}

/** Encodes the value kinds a client sends: strings, booleans, integers, nested tables. */
export function encodeTable(table: FieldTable): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(table)) {
    parts.push(shortstr(name), encodeFieldValue(name, value));
  }
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

function encodeFieldValue(name: string, value: FieldValue): Buffer {
  if (typeof value === 'string') return Buffer.concat([Buffer.from('S'), longstr(Buffer.from(value, 'utf8'))]);
  if (typeof value === 'boolean') return Buffer.from([0x74, value ? 1 : 0]); // 't'
  if (typeof value === 'number' && Number.isInteger(value)) {
    const out = Buffer.alloc(5);
    out.write('I', 0, 'latin1');
    out.writeInt32BE(value, 1);
    return out;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date)) {
    return Buffer.concat([Buffer.from('F'), encodeTable(value)]);
  }
  throw new Error(`cannot encode field "${name}"`);
}

function shortstr(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 255) throw new Error('shortstr longer than 255 bytes');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function longstr(value: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(value.length, 0);
  return Buffer.concat([size, value]);
}

/** Reads AMQP's primitive types; running past the end means the peer sent something else. */
class Reader {
  private offset = 0;
  private readonly buffer: Buffer;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  /** The offset where `size` more bytes end, after checking they are there. */
  private endOf(size: number): number {
    if (this.offset + size > this.buffer.length) throw new ProbeError('protocol', 'truncated AMQP method');
    return this.offset + size;
  }
  private take(size: number): number {
    this.endOf(size);
    const at = this.offset;
    this.offset += size;
    return at;
  }
  octet(): number {
    return this.buffer.readUInt8(this.take(1));
  }
  short(): number {
    return this.buffer.readUInt16BE(this.take(2));
  }
  long(): number {
    return this.buffer.readUInt32BE(this.take(4));
  }
  shortstr(): string {
    const size = this.octet();
    const at = this.take(size);
    return this.buffer.toString('utf8', at, at + size);
  }
  longstr(): Buffer {
    const size = this.long();
    const at = this.take(size);
    return this.buffer.subarray(at, at + size);
  }
  table(): FieldTable {
    const size = this.long();
    const end = this.endOf(size);
    const table: FieldTable = {};
    while (this.offset < end) {
      const name = this.shortstr();
      table[name] = this.fieldValue();
    }
    return table;
  }
  private array(): FieldValue[] {
    const size = this.long();
    const end = this.endOf(size);
    const values: FieldValue[] = [];
    while (this.offset < end) values.push(this.fieldValue());
    return values;
  }
  private fieldValue(): FieldValue {
    const type = String.fromCharCode(this.octet());
    const b = this.buffer;
    switch (type) {
      case 't':
        return this.octet() !== 0;
      case 'b':
        return b.readInt8(this.take(1));
      case 'B':
        return this.octet();
      case 's':
        return b.readInt16BE(this.take(2));
      case 'u':
        return this.short();
      case 'I':
        return b.readInt32BE(this.take(4));
      case 'i':
        return this.long();
      case 'l':
        return b.readBigInt64BE(this.take(8));
      case 'f':
        return b.readFloatBE(this.take(4));
      case 'd':
        return b.readDoubleBE(this.take(8));
      case 'D': {
        const scale = this.octet();
        return b.readInt32BE(this.take(4)) / 10 ** scale;
      }
      case 'S':
        return this.longstr().toString('utf8');
      case 'x':
        return Buffer.from(this.longstr());
      case 'A':
        return this.array();
      case 'T':
        return new Date(Number(b.readBigUInt64BE(this.take(8))) * 1000);
      case 'F':
        return this.table();
      case 'V':
        return null;
      default:
        throw new ProbeError('protocol', `unknown AMQP field type "${type}"`);
    }
  }
}
