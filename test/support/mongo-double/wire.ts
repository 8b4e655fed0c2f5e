import { BSON, type Document } from 'bson';

// Opcodes and flag bits of the MongoDB wire protocol (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/).
const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
const EXHAUST_ALLOWED = 1 << 16;

/** One request read off the socket: a command document and how to answer it. */
export interface Request {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The database the command runs on (`$db` of OP_MSG, the namespace prefix of OP_QUERY). */
  db: string;
  command: Document;
  /** OP_MSG only: the client lets the server stream answers (awaitable hello). */
  exhaustAllowed: boolean;
  /** OP_MSG only: an unacknowledged request (w:0, e.g. endSessions on close) that gets no answer. */
  moreToCome: boolean;
}

/** Splits a byte stream into whole messages; a message may arrive in pieces or several in one chunk. */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32LE(0);
      if (length < HEADER_BYTES) throw new Error(`invalid message length ${length}`);
      if (this.pending.length < length) break;
      messages.push(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
    }
    return messages;
  }
}

export function parseRequest(message: Buffer): Request {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(message, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(message, requestId);
  throw new Error(`unsupported opCode ${opCode}`);
}

function parseOpMsg(message: Buffer, requestId: number): Request {
  const flags = message.readUInt32LE(HEADER_BYTES);
  // The CRC-32C checksum, when present, trails the sections; a server may skip verifying it.
  const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = BSON.deserialize(message.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      // Document sequence: size (including itself), identifier cstring, then documents up to size.
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      let position = nameEnd + 1;
      const documents: Document[] = [];
      while (position < sectionEnd) {
        const docSize = message.readInt32LE(position);
        documents.push(BSON.deserialize(message.subarray(position, position + docSize)));
        position += docSize;
      }
      sequences[identifier] = documents;
      offset = sectionEnd;
    } else {
      throw new Error(`unsupported OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new Error('OP_MSG without a body section');
  const command = { ...body, ...sequences };
  return {
    requestId,
    opCode: OP_MSG,
    db: typeof body.$db === 'string' ? body.$db : 'admin',
    command,
    exhaustAllowed: (flags & EXHAUST_ALLOWED) !== 0,
    moreToCome: (flags & MORE_TO_COME) !== 0,
  };
}

function parseOpQuery(message: Buffer, requestId: number): Request {
  let offset = HEADER_BYTES + 4; // after flags
  const nameEnd = message.indexOf(0, offset);
  const namespace = message.toString('utf8', offset, nameEnd);
  offset = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const size = message.readInt32LE(offset);
  let command = BSON.deserialize(message.subarray(offset, offset + size));
  // A driver may wrap the command as { $query: {...}, $readPreference }.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  const db = namespace.endsWith('.$cmd') ? namespace.slice(0, -'.$cmd'.length) : namespace;
  return { requestId, opCode: OP_QUERY, db, command, exhaustAllowed: false, moreToCome: false };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): { buffer: Buffer; requestId: number } {
  const buffer = Buffer.alloc(HEADER_BYTES);
  const requestId = nextRequestId++;
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return { buffer, requestId };
}

/** An answer to an OP_MSG request; `moreToCome` tells the client that further answers follow unasked. */
export function encodeOpMsgReply(
  responseTo: number,
  document: Document,
  moreToCome = false,
): { bytes: Buffer; requestId: number } {
  const body = BSON.serialize(document);
  const flags = Buffer.alloc(5);
  flags.writeUInt32LE(moreToCome ? MORE_TO_COME : 0, 0);
  flags.writeUInt8(0, 4); // section kind 0
  const head = header(HEADER_BYTES + flags.length + body.length, responseTo, OP_MSG);
  return { bytes: Buffer.concat([head.buffer, flags, body]), requestId: head.requestId };
}

/** An answer to a legacy OP_QUERY command: one document, no cursor. */
export function encodeOpReply(responseTo: number, document: Document): Buffer {
  const body = BSON.serialize(document);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  const head = header(HEADER_BYTES + fields.length + body.length, responseTo, OP_REPLY);
  return Buffer.concat([head.buffer, fields, body]);
}
