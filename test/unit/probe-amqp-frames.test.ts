import { describe, expect, it } from 'vitest';
import {
  CLOSE,
  CONNECTION,
  decodeClose,
  decodeConnectionStart,
  decodeMethod,
  decodeTune,
  encodeClose,
  encodeCloseOk,
  encodeOpen,
  encodeStartOk,
  encodeTable,
  encodeTuneOk,
  type Inbound,
  parseInbound,
  plainResponse,
  PROTOCOL_HEADER,
  START,
  START_OK,
  TUNE_OK,
} from '../../src/integrations/probes/amqp-frames.ts';
import { ProbeError } from '../../src/integrations/probes/session.ts';

// Connection.Start exactly as RabbitMQ 3.10.8 sent it on this machine after the protocol header.
const RABBITMQ_START = Buffer.from(
  'AQAAAAAB8AAKAAoACQAAAcsMY2FwYWJpbGl0aWVzRgAAAMcScHVibGlzaGVyX2NvbmZpcm1zdAEaZXhjaGFuZ2VfZXhjaGFuZ2VfYmluZGluZ3N0AQpiYXNpYy5uYWNrdAEWY29uc3VtZXJfY2FuY2VsX25vdGlmeXQBEmNvbm5lY3Rpb24uYmxvY2tlZHQBE2NvbnN1bWVyX3ByaW9yaXRpZXN0ARxhdXRoZW50aWNhdGlvbl9mYWlsdXJlX2Nsb3NldAEQcGVyX2NvbnN1bWVyX3Fvc3QBD2RpcmVjdF9yZXBseV90b3QBDGNsdXN0ZXJfbmFtZVMAAAAJcmFiYml0QHZtCWNvcHlyaWdodFMAAAA3Q29weXJpZ2h0IChjKSAyMDA3LTIwMjIgVk13YXJlLCBJbmMuIG9yIGl0cyBhZmZpbGlhdGVzLgtpbmZvcm1hdGlvblMAAAA5TGljZW5zZWQgdW5kZXIgdGhlIE1QTCAyLjAuIFdlYnNpdGU6IGh0dHBzOi8vcmFiYml0bXEuY29tCHBsYXRmb3JtUwAAABFFcmxhbmcvT1RQIDI1LjIuMwdwcm9kdWN0UwAAAAhSYWJiaXRNUQd2ZXJzaW9uUwAAAAYzLjEwLjgAAAAOQU1RUExBSU4gUExBSU4AAAAFZW5fVVPO',
  'base64',
);

function frameOf(buffer: Buffer): Extract<Inbound, { kind: 'frame' }> {
  const parsed = parseInbound(buffer);
  if (!parsed || parsed.value.kind !== 'frame') throw new Error('no frame');
  return parsed.value;
}

describe('AMQP 0-9-1 frames', () => {
  it('the protocol header is "AMQP" 0 0 9 1', () => {
    expect([...PROTOCOL_HEADER]).toEqual([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);
  });

  it("decodes RabbitMQ's Connection.Start with its server properties, mechanisms and locales", () => {
    const parsed = parseInbound(RABBITMQ_START);
    expect(parsed?.size).toBe(RABBITMQ_START.length);
    const frame = frameOf(RABBITMQ_START);
    expect(frame).toMatchObject({ type: 1, channel: 0 });
    const method = decodeMethod(frame.payload);
    expect([method.classId, method.methodId]).toEqual([CONNECTION, START]);
    const start = decodeConnectionStart(method.args);
    expect(start.versionMajor).toBe(0);
    expect(start.versionMinor).toBe(9);
    expect(start.serverProperties).toMatchObject({
      product: 'RabbitMQ',
      version: '3.10.8',
      platform: 'Erlang/OTP 25.2.3',
      capabilities: { authentication_failure_close: true, publisher_confirms: true },
    });
    expect(start.mechanisms).toEqual(['AMQPLAIN', 'PLAIN']);
    expect(start.locales).toEqual(['en_US']);
  });

  it('waits for the rest of a frame split across TCP reads, and leaves the next frame in place', () => {
    for (const cut of [1, 6, 7, 100, RABBITMQ_START.length - 1]) {
      expect(parseInbound(RABBITMQ_START.subarray(0, cut))).toBeUndefined();
    }
    const two = Buffer.concat([RABBITMQ_START, encodeCloseOk()]);
    expect(parseInbound(two)?.size).toBe(RABBITMQ_START.length);
  });

  it('rejects a frame whose end octet is not 0xCE: the peer does not speak AMQP', () => {
    const broken = Buffer.from(RABBITMQ_START);
    broken[broken.length - 1] = 0x00;
    expect(() => parseInbound(broken)).toThrow(ProbeError);
  });

  it('recognises the protocol header a server sends back when it speaks another AMQP version', () => {
    const amqp10 = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
    expect(parseInbound(amqp10)?.value).toEqual({ kind: 'protocol-header', version: '1-0-0' });
    expect(parseInbound(amqp10.subarray(0, 5))).toBeUndefined();
  });

  it('encodes Start-Ok with client properties, PLAIN and the SASL response', () => {
    const frame = frameOf(
      encodeStartOk({
        clientProperties: { product: 'connector-ops', capabilities: { authentication_failure_close: true } },
        mechanism: 'PLAIN',
        response: plainResponse('guest', 'pa:ss'),
        locale: 'en_US',
      }),
    );
    const method = decodeMethod(frame.payload);
    expect([method.classId, method.methodId]).toEqual([CONNECTION, START_OK]);
    // Start-Ok's layout: table, shortstr mechanism, longstr response, shortstr locale.
    const args = method.args;
    const tableSize = args.readUInt32BE(0);
    let at = 4 + tableSize;
    expect(args.toString('utf8', at + 1, at + 1 + args[at]!)).toBe('PLAIN');
    at += 1 + args[at]!;
    const responseSize = args.readUInt32BE(at);
    expect(args.subarray(at + 4, at + 4 + responseSize).toString('utf8')).toBe('\u0000guest\u0000pa:ss');
    at += 4 + responseSize;
    expect(args.toString('utf8', at + 1, at + 1 + args[at]!)).toBe('en_US');
  });

  it('round-trips field tables with strings, booleans, integers and nested tables', () => {
    const table = { s: 'text', yes: true, no: false, n: -42, nested: { deeper: { x: 'y' } } };
    // Decode through Connection.Start's layout: octet, octet, table, longstr, longstr.
    const args = Buffer.concat([Buffer.from([0, 9]), encodeTable(table), Buffer.from([0, 0, 0, 5]), Buffer.from('PLAIN'), Buffer.from([0, 0, 0, 0])]);
    expect(decodeConnectionStart(args).serverProperties).toEqual(table);
  });

  it('encodes Tune-Ok and Open, and decodes Tune and Close', () => {
    const tuneOk = decodeMethod(frameOf(encodeTuneOk({ channelMax: 2047, frameMax: 131072, heartbeat: 0 })).payload);
    expect(tuneOk.methodId).toBe(TUNE_OK);
    expect(decodeTune(tuneOk.args)).toEqual({ channelMax: 2047, frameMax: 131072, heartbeat: 0 });

    const open = decodeMethod(frameOf(encodeOpen('/')).payload);
    expect([...open.args]).toEqual([1, 0x2f, 0, 0]);

    const close = decodeMethod(
      frameOf(encodeClose({ replyCode: 403, replyText: 'ACCESS_REFUSED - Login was refused', classId: 10, methodId: 11 })).payload,
    );
    expect(close.methodId).toBe(CLOSE);
    expect(decodeClose(close.args)).toEqual({ replyCode: 403, replyText: 'ACCESS_REFUSED - Login was refused', classId: 10, methodId: 11 });
  });

  it('reports a truncated method as a protocol error, not a crash', () => {
    const method = decodeMethod(frameOf(RABBITMQ_START).payload);
    expect(() => decodeConnectionStart(method.args.subarray(0, 40))).toThrow(/truncated/);
  });
});
