import { describe, expect, it } from 'vitest';
import { judgeFreshness, type RecordedStop } from '../../src/integrations/mongo/stop-marker-freshness.ts';
import type { StopMarker } from '../../src/integrations/mongo/stop-marker.ts';

const STOPPED_AT = new Date('2026-08-20T09:14:03.512Z');
const AT_STOP = { ts: '1787217243.2', t: 3 };
const recorded: RecordedStop = { markerId: 'm-42', stoppedAt: STOPPED_AT, optime: AT_STOP };
const written: StopMarker = { markerId: 'm-42', connector: 'prod', stoppedAt: STOPPED_AT, image: 'ghcr.io/nmshd/connector:7.4.6' };

function marker(markerId: string, stoppedAt: Date): StopMarker {
  return { markerId, connector: 'prod', stoppedAt };
}

describe('judgeFreshness', () => {
  it('fresh: the same marker, the optime unchanged', () => {
    expect(judgeFreshness(recorded, { marker: written, optime: AT_STOP })).toEqual({ fresh: true });
  });

  it.each([
    ['a later increment', { ts: '1787217243.3', t: 3 }],
    ['a later second with a lower increment', { ts: '1787217300.1', t: 3 }],
    ['a later term', { ts: '1787217243.2', t: 4 }],
  ])('fresh: the same marker, the optime moved on (%s)', (_name, optime) => {
    expect(judgeFreshness(recorded, { marker: written, optime })).toEqual({ fresh: true });
  });

  it('fresh: a standalone at the stop has no optime to compare, the marker decides', () => {
    const standalone = { markerId: 'm-42', stoppedAt: STOPPED_AT };
    expect(judgeFreshness(standalone, { marker: written })).toEqual({ fresh: true });
  });

  it('not fresh: the marker is missing', () => {
    expect(judgeFreshness(recorded, { optime: { ts: '1787217300.1', t: 3 } })).toEqual({
      fresh: false,
      reason: 'the stop marker is missing: the database was restored to a point before the stop, or is another database',
    });
  });

  it('not fresh: an older marker (an earlier stop) is there instead', () => {
    const verdict = judgeFreshness(recorded, { marker: marker('m-41', new Date('2026-08-19T18:00:00.000Z')), optime: AT_STOP });
    expect(verdict).toEqual({
      fresh: false,
      reason:
        'an older stop marker (m-41 of 2026-08-19T18:00:00.000Z) is there instead of the one written at the stop ' +
        '(m-42 of 2026-08-20T09:14:03.512Z): the database was restored to a point before the stop, or is another database',
    });
  });

  it('not fresh: another marker of the same instant cannot be told newer', () => {
    expect(judgeFreshness(recorded, { marker: marker('m-other', STOPPED_AT), optime: AT_STOP })).toMatchObject({ fresh: false });
  });

  it('fresh: a later stop than the recorded one reached this database, and the optime is not earlier', () => {
    const later = marker('m-43', new Date('2026-08-21T07:00:00.000Z'));
    expect(judgeFreshness(recorded, { marker: later, optime: { ts: '1787295600.1', t: 3 } })).toEqual({ fresh: true });
  });

  it.each([
    ['an earlier second', { ts: '1787217000.9', t: 3 }, '2026-08-20T09:10:00Z (Timestamp 1787217000.9, term 3)'],
    ['an earlier increment in the same second', { ts: '1787217243.1', t: 3 }, '2026-08-20T09:14:03Z (Timestamp 1787217243.1, term 3)'],
    ['an earlier term at the same Timestamp', { ts: '1787217243.2', t: 2 }, '2026-08-20T09:14:03Z (Timestamp 1787217243.2, term 2)'],
  ])('not fresh: the same marker, but the optime is earlier (%s)', (_name, optime, described) => {
    expect(judgeFreshness(recorded, { marker: written, optime })).toEqual({
      fresh: false,
      reason:
        `the database is older than at the stop: its last applied operation (${described}) is earlier than at the stop ` +
        '(2026-08-20T09:14:03Z (Timestamp 1787217243.2, term 3))',
    });
  });

  it('not fresh: the optime is compared by Timestamp, not as a decimal ("…243.10" is later than "…243.9")', () => {
    const atStop = { ...recorded, optime: { ts: '1787217243.10', t: 3 } };
    expect(judgeFreshness(atStop, { marker: written, optime: { ts: '1787217243.9', t: 3 } })).toMatchObject({ fresh: false });
    expect(judgeFreshness({ ...recorded, optime: { ts: '1787217243.9', t: 3 } }, { marker: written, optime: atStop.optime })).toEqual({
      fresh: true,
    });
  });

  it('not fresh: a replica set at the stop answers no optime now', () => {
    expect(judgeFreshness(recorded, { marker: written })).toEqual({
      fresh: false,
      reason:
        'the database reports no last applied operation, while at the stop it did (2026-08-20T09:14:03Z (Timestamp 1787217243.2, term 3)): ' +
        'it is not the replica set the Connector stopped with',
    });
  });

  it('not fresh: a malformed optime cannot be compared', () => {
    const verdict = judgeFreshness({ ...recorded, optime: { ts: '1787217243.2.1', t: 3 } }, { marker: written, optime: AT_STOP });
    expect(verdict).toMatchObject({ fresh: false, reason: expect.stringMatching(/^the optimes cannot be compared/) });
  });
});
