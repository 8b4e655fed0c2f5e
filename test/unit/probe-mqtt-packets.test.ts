import { describe, expect, it } from 'vitest';
import {
  decodeRemainingLength,
  encodeConnect,
  encodeDisconnect,
  encodeRemainingLength,
  parseConnack,
} from '../../src/integrations/probes/mqtt-packets.ts';

describe('MQTT 3.1.1 packets', () => {
  it('encodes the remaining length as the spec table gives it', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [16_383, [0xff, 0x7f]],
      [16_384, [0x80, 0x80, 0x01]],
      [2_097_151, [0xff, 0xff, 0x7f]],
      [2_097_152, [0x80, 0x80, 0x80, 0x01]],
      [268_435_455, [0xff, 0xff, 0xff, 0x7f]],
    ];
    for (const [length, bytes] of cases) {
      expect([...encodeRemainingLength(length)]).toEqual(bytes);
      expect(decodeRemainingLength(Buffer.from(bytes), 0)).toEqual({ value: length, bytes: bytes.length });
    }
    expect(() => encodeRemainingLength(268_435_456)).toThrow(RangeError);
    expect(decodeRemainingLength(Buffer.from([0x80]), 0)).toBeUndefined();
  });

  it('encodes CONNECT with a clean session and no credentials', () => {
    const packet = encodeConnect({ clientId: 'abc', keepAliveSeconds: 30 });
    expect([...packet]).toEqual([
      0x10, 15, // CONNECT, remaining length
      0, 4, 0x4d, 0x51, 0x54, 0x54, // "MQTT"
      4, // protocol level 3.1.1
      0x02, // clean session only
      0, 30, // keep alive
      0, 3, 0x61, 0x62, 0x63, // client id
    ]);
  });

  it('sets the user name and password flags and appends both in order', () => {
    const packet = encodeConnect({ clientId: 'c', username: 'u', password: 'pw', keepAliveSeconds: 10 });
    expect(packet[9]).toBe(0x80 | 0x40 | 0x02);
    expect(packet.subarray(packet.length - 10).toString('latin1')).toBe('\u0000\u0001c\u0000\u0001u\u0000\u0002pw');
    expect(packet[1]).toBe(packet.length - 2);
  });

  it('parses CONNACK return codes, waiting for a split packet', () => {
    expect(parseConnack(Buffer.from([0x20, 0x02, 0x00, 0x00]))).toEqual({ value: { sessionPresent: false, returnCode: 0 }, size: 4 });
    expect(parseConnack(Buffer.from([0x20, 0x02, 0x01, 0x05]))?.value).toEqual({ sessionPresent: true, returnCode: 5 });
    expect(parseConnack(Buffer.from([0x20, 0x02, 0x00]))).toBeUndefined();
    expect(parseConnack(Buffer.from([0x20]))).toBeUndefined();
  });

  it('refuses anything that is not a CONNACK, e.g. an HTTP answer', () => {
    expect(() => parseConnack(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/does not speak MQTT/);
  });

  it('DISCONNECT is two bytes', () => {
    expect([...encodeDisconnect()]).toEqual([0xe0, 0x00]);
  });
});
