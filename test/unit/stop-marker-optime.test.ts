import { Long, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_DEFAULT_DATABASE, connectorDatabase } from '../../src/integrations/mongo/connector-database.ts';
import { compareOpTimes, describeOpTime } from '../../src/domain/optime.ts';
import { opTimeFrom, timestampFromString, timestampToString } from '../../src/integrations/mongo/optime.ts';

describe('Timestamp as a string', () => {
  it('carries seconds and increment, and back, up to the largest unsigned 32-bit values', () => {
    for (const [t, i] of [
      [1787217243, 2],
      [0, 0],
      [0xffff_ffff, 0xffff_ffff],
    ] as const) {
      const text = timestampToString(new Timestamp({ t, i }));
      expect(text).toBe(`${t}.${i}`);
      expect(JSON.parse(JSON.stringify({ text })).text).toBe(text);
      const back = timestampFromString(text);
      expect(back).toBeInstanceOf(Timestamp);
      expect({ t: back?.t, i: back?.i }).toEqual({ t, i });
    }
  });

  it.each(['', '1787217243', '1787217243.', '.2', '1.2.3', '-1.2', '1e3.1', ' 1.2', '4294967296.0', '1.4294967296', '12345678901.1'])(
    'refuses %j',
    (text) => {
      expect(timestampFromString(text)).toBeUndefined();
    },
  );
});

describe('compareOpTimes', () => {
  it('orders by seconds, then increment, then term', () => {
    expect(compareOpTimes({ ts: '10.5', t: 9 }, { ts: '11.1', t: 1 })).toBe(-1);
    expect(compareOpTimes({ ts: '10.10', t: 1 }, { ts: '10.9', t: 1 })).toBe(1);
    expect(compareOpTimes({ ts: '10.9', t: 1 }, { ts: '10.9', t: 2 })).toBe(-1);
    expect(compareOpTimes({ ts: '10.9', t: 2 }, { ts: '10.9', t: 2 })).toBe(0);
  });

  it('cannot compare a malformed ts', () => {
    expect(compareOpTimes({ ts: 'x', t: 1 }, { ts: '10.9', t: 1 })).toBeUndefined();
    expect(compareOpTimes({ ts: '10.9', t: 1 }, { ts: '10', t: 1 })).toBeUndefined();
  });
});

describe('describeOpTime', () => {
  it('gives the time in UTC with the Timestamp and term', () => {
    expect(describeOpTime({ ts: '1787217243.2', t: 3 })).toBe('2026-08-20T09:14:03Z (Timestamp 1787217243.2, term 3)');
  });

  it('leaves the time out of a malformed ts', () => {
    expect(describeOpTime({ ts: 'x', t: 3 })).toBe('(Timestamp x, term 3)');
  });
});

describe('opTimeFrom', () => {
  const ts = new Timestamp({ t: 1787217243, i: 2 });

  it.each([
    ['a number', 3],
    ['a Long', Long.fromNumber(3)],
    ['a bigint', 3n],
  ])('reads { ts, t } with the term as %s', (_name, t) => {
    expect(opTimeFrom({ ts, t })).toEqual({ ts: '1787217243.2', t: 3 });
  });

  it.each([
    ['nothing', undefined],
    ['a bare Timestamp (protocol version 0)', ts],
    ['a ts that is no Timestamp', { ts: '1787217243.2', t: 3 }],
    ['no term', { ts }],
    ['a term that is no number', { ts, t: 'three' }],
  ])('gives nothing for %s', (_name, value) => {
    expect(opTimeFrom(value)).toBeUndefined();
  });
});

describe("the Connector's database", () => {
  it('is acc-default unless configured, as the Connector names it', () => {
    expect(CONNECTOR_DEFAULT_DATABASE).toBe('acc-default');
    expect(connectorDatabase({ dbName: 'prod' })).toBe('acc-prod');
    expect(connectorDatabase({ dbName: 'prod', dbNamePrefix: '' })).toBe('prod');
  });
});
