import { describe, expect, it } from 'vitest';
import { nextInstant, parseCron, previousInstant } from '../../src/time/cron.ts';
import { formatInZone } from '../../src/time/zoned-time.ts';

const BERLIN = 'Europe/Berlin';

/** The instants after `from`, as Berlin reads them, with their UTC. */
function forward(cron: string, from: string, count: number, zone = BERLIN): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    at = nextInstant(cron, zone, at);
    out.push(`${formatInZone(at, zone)} = ${at.toISOString()}`);
  }
  return out;
}

function backward(cron: string, from: string, count: number, zone = BERLIN): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    at = previousInstant(cron, zone, at);
    out.push(`${formatInZone(at, zone)} = ${at.toISOString()}`);
  }
  return out.reverse();
}

describe('the instants of a cron schedule in a time zone', () => {
  it('weekdays at 08:00 in Berlin: 08:00 local on both sides of both clock changes, never on a weekend', () => {
    // 2026: summer time from Sunday 29 March, winter time from Sunday 25 October.
    const spring = [
      '2026-03-26 08:00 Europe/Berlin = 2026-03-26T07:00:00.000Z',
      '2026-03-27 08:00 Europe/Berlin = 2026-03-27T07:00:00.000Z',
      '2026-03-30 08:00 Europe/Berlin = 2026-03-30T06:00:00.000Z',
      '2026-03-31 08:00 Europe/Berlin = 2026-03-31T06:00:00.000Z',
    ];
    expect(forward('0 8 * * 1-5', '2026-03-25T12:00:00Z', 4)).toEqual(spring);
    expect(backward('0 8 * * 1-5', '2026-03-31T12:00:00Z', 4)).toEqual(spring);
    const autumn = [
      '2026-10-22 08:00 Europe/Berlin = 2026-10-22T06:00:00.000Z',
      '2026-10-23 08:00 Europe/Berlin = 2026-10-23T06:00:00.000Z',
      '2026-10-26 08:00 Europe/Berlin = 2026-10-26T07:00:00.000Z',
      '2026-10-27 08:00 Europe/Berlin = 2026-10-27T07:00:00.000Z',
    ];
    expect(forward('0 8 * * 1-5', '2026-10-21T12:00:00Z', 4)).toEqual(autumn);
    expect(backward('0 8 * * 1-5', '2026-10-27T12:00:00Z', 4)).toEqual(autumn);
  });

  it('02:30, skipped on the spring-forward day, runs once, an hour later (03:30 summer time)', () => {
    const expected = [
      '2026-03-28 02:30 Europe/Berlin = 2026-03-28T01:30:00.000Z',
      '2026-03-29 03:30 Europe/Berlin = 2026-03-29T01:30:00.000Z',
      '2026-03-30 02:30 Europe/Berlin = 2026-03-30T00:30:00.000Z',
    ];
    expect(forward('30 2 * * *', '2026-03-27T12:00:00Z', 3)).toEqual(expected);
    expect(backward('30 2 * * *', '2026-03-30T12:00:00Z', 3)).toEqual(expected);
    // Asked on the day itself, after the change: the same answer, not tomorrow.
    expect(nextInstant('30 2 * * *', BERLIN, new Date('2026-03-29T01:10:00Z'))).toEqual(new Date('2026-03-29T01:30:00Z'));
  });

  it('02:30, twice on the fall-back day, runs once, at its first occurrence (summer time)', () => {
    const expected = [
      '2026-10-24 02:30 Europe/Berlin = 2026-10-24T00:30:00.000Z',
      '2026-10-25 02:30 Europe/Berlin = 2026-10-25T00:30:00.000Z',
      '2026-10-26 02:30 Europe/Berlin = 2026-10-26T01:30:00.000Z',
    ];
    expect(forward('30 2 * * *', '2026-10-23T12:00:00Z', 3)).toEqual(expected);
    expect(backward('30 2 * * *', '2026-10-26T12:00:00Z', 3)).toEqual(expected);
    // Asked in the repeated hour (02:10 winter time), after the run: tomorrow, not the second 02:30.
    expect(nextInstant('30 2 * * *', BERLIN, new Date('2026-10-25T01:10:00Z'))).toEqual(new Date('2026-10-26T01:30:00Z'));
  });

  it('a schedule by the clock runs at the minutes that exist: none in the skipped hour, both repeated ones', () => {
    expect(forward('*/30 * * * *', '2026-03-29T00:00:00Z', 3).map((s) => s.slice(0, 16))).toEqual(['2026-03-29 01:30', '2026-03-29 03:00', '2026-03-29 03:30']);
    expect(forward('*/30 * * * *', '2026-10-24T23:45:00Z', 5)).toEqual([
      '2026-10-25 02:00 Europe/Berlin = 2026-10-25T00:00:00.000Z',
      '2026-10-25 02:30 Europe/Berlin = 2026-10-25T00:30:00.000Z',
      '2026-10-25 02:00 Europe/Berlin = 2026-10-25T01:00:00.000Z',
      '2026-10-25 02:30 Europe/Berlin = 2026-10-25T01:30:00.000Z',
      '2026-10-25 03:00 Europe/Berlin = 2026-10-25T02:00:00.000Z',
    ]);
  });

  it('next and previous agree over a whole year, clock changes included', () => {
    for (const cron of ['0 8 * * 1-5', '30 2 * * *', '0 2,3 * * 0', '15 */6 * * *']) {
      const year = forward(cron, '2025-12-31T23:00:00Z', cron === '15 */6 * * *' ? 1460 : 365);
      expect(backward(cron, new Date(new Date(year.at(-1)!.split(' = ')[1]!).getTime() + 1).toISOString(), year.length)).toEqual(year);
    }
  });

  it('a time that two hours of the expression name on the spring-forward day runs once', () => {
    // 02:30 shifted is 03:30, which the expression names too.
    expect(forward('30 2,3 * * *', '2026-03-28T23:00:00Z', 2)).toEqual([
      '2026-03-29 03:30 Europe/Berlin = 2026-03-29T01:30:00.000Z',
      '2026-03-30 02:30 Europe/Berlin = 2026-03-30T00:30:00.000Z',
    ]);
  });

  it('reads names, weekday 7 as Sunday, and a day of month or a weekday when both are given', () => {
    expect(forward('0 8 * * mon-fri', '2026-03-27T12:00:00Z', 1)).toEqual(['2026-03-30 08:00 Europe/Berlin = 2026-03-30T06:00:00.000Z']);
    expect(forward('0 8 * * 7', '2026-03-27T12:00:00Z', 1)).toEqual(['2026-03-29 08:00 Europe/Berlin = 2026-03-29T06:00:00.000Z']);
    expect(forward('0 9 1 * mon', '2026-05-27T12:00:00Z', 3, 'UTC').map((s) => s.slice(0, 10))).toEqual(['2026-06-01', '2026-06-08', '2026-06-15']);
    expect(forward('0 9 1 jul *', '2026-05-27T12:00:00Z', 2, 'UTC').map((s) => s.slice(0, 10))).toEqual(['2026-07-01', '2027-07-01']);
    expect(forward('0 0 29 2 *', '2097-01-01T00:00:00Z', 1, 'UTC')).toEqual(['2104-02-29 00:00 UTC = 2104-02-29T00:00:00.000Z']);
  });

  it('names what is wrong with an expression', () => {
    const problem = (text: string) => {
      const parsed = parseCron(text);
      return 'problem' in parsed ? parsed.problem : undefined;
    };
    expect(problem('0 8 * * 1-5')).toBeUndefined();
    expect(problem('')).toBe('it has 0 fields');
    expect(problem('0 8 * *')).toBe('it has 4 fields');
    expect(problem('0 0 8 * * 1-5')).toBe('it has 6 fields');
    expect(problem('@daily')).toBe('it has 1 field');
    expect(problem('61 8 * * *')).toBe('the minute 61 is outside 0-59');
    expect(problem('0 8 * * 8')).toBe('the weekday 8 is outside 0-7');
    expect(problem('0 8 * * xyz')).toBe("the weekday 'xyz' is not a number or a name (sun-sat)");
    expect(problem('0 8 * * fri-mon')).toBe("the weekday range 'fri-mon' runs backwards");
    expect(problem('*/0 8 * * *')).toBe("the minute '*/0' steps by 0");
    expect(problem('5/10 8 * * *')).toBe("the minute '5/10' steps without a range (such as */10 or 5-59/10)");
    expect(problem('0 8 31 2,4 *')).toBe('it never runs: the day of month 31 does not come in the month 2,4');
    expect(problem('0 8 ? * *')).toBe("the day of month '?' is not a number, a range or a step");
  });
});
