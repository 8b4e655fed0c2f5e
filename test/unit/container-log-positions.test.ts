import { describe, expect, it } from 'vitest';
import { ContainerLogPositions } from '../../src/integrations/docker/log-positions.ts';
import { StreamOrder } from '../../src/integrations/docker/log-order.ts';
import { dockerLineTime, normaliseDockerTime, wholeSeconds } from '../../src/integrations/docker/log-timestamp.ts';

describe('Docker log timestamps as positions', () => {
  it('pads the fraction Docker trims to nine digits, in UTC', () => {
    expect(normaliseDockerTime('2026-12-01T09:54:06.899103376Z')).toBe('2026-12-01T09:54:06.899103376Z');
    expect(normaliseDockerTime('2026-12-01T09:54:06.8991Z')).toBe('2026-12-01T09:54:06.899100000Z');
    expect(normaliseDockerTime('2026-12-01T09:54:06Z')).toBe('2026-12-01T09:54:06.000000000Z');
    expect(normaliseDockerTime('2026-12-01T00:30:00.5+01:00')).toBe('2026-11-30T23:30:00.500000000Z');
    expect(normaliseDockerTime('yesterday')).toBeUndefined();
  });

  it('reads the timestamp a line starts with, and its whole seconds for `since`', () => {
    const line = Buffer.from('xx2026-12-01T09:54:06.1Z [ERROR] Runtime - boom');
    expect(dockerLineTime(line, 2, line.length)).toBe('2026-12-01T09:54:06.100000000Z');
    expect(dockerLineTime(Buffer.from('no timestamp here'), 0, 17)).toBeUndefined();
    expect(wholeSeconds('2026-12-01T09:54:06.999999999Z')).toBe(Date.UTC(2026, 11, 1, 9, 54, 6) / 1000);
  });
});

describe('ContainerLogPositions', () => {
  const at = (n: number) => `2026-12-01T09:00:00.00000000${n}Z`;

  it('numbers lines of the same timestamp, and never goes back', () => {
    const positions = new ContainerLogPositions('c1', undefined);
    expect([at(1), at(1), at(2), at(1), at(3)].map((time) => positions.after(time))).toEqual([
      { log: 'c1', at: at(1), seq: 1 },
      { log: 'c1', at: at(1), seq: 2 },
      { log: 'c1', at: at(2), seq: 1 },
      { log: 'c1', at: at(2), seq: 1 }, // stamped earlier than a line already passed on: shares its position
      { log: 'c1', at: at(3), seq: 1 },
    ]);
  });

  it('skips what was passed on before the resume point, counting the lines of its timestamp again', () => {
    const positions = new ContainerLogPositions('c1', { log: 'c1', at: at(2), seq: 2 });
    expect(positions.passed(at(1))).toBe(true);
    expect(positions.passed(at(2))).toBe(false);
    expect([at(2), at(2), at(2), at(3)].map((time) => positions.after(time))).toEqual([
      undefined,
      undefined,
      { log: 'c1', at: at(2), seq: 3 },
      { log: 'c1', at: at(3), seq: 1 },
    ]);
  });

  it('reads everything after a position taken as "now" (seq 0), even a line of that very nanosecond', () => {
    const positions = new ContainerLogPositions('c1', { log: 'c1', at: at(2), seq: 0 });
    expect(positions.after(at(2))).toEqual({ log: 'c1', at: at(2), seq: 1 });
  });

  it('from the lines of a whole second counted at "now" (Podman 4 drops the fraction), reads the ones logged after them', () => {
    const second = '2026-12-01T09:00:05.000000000Z';
    const now = new ContainerLogPositions('c1', { log: 'c1', at: second, seq: 2 });
    expect(now.passed('2026-12-01T09:00:04.000000000Z')).toBe(true);
    expect(now.passed(second)).toBe(false);
    expect([second, second, second].map((time) => now.after(time))).toEqual([undefined, undefined, { log: 'c1', at: second, seq: 3 }]);
    // A second with no line at "now" is read whole.
    const empty = new ContainerLogPositions('c1', { log: 'c1', at: second, seq: 0 });
    expect(empty.after(second)).toEqual({ log: 'c1', at: second, seq: 1 });
  });
});

describe('StreamOrder', () => {
  function ordered(streams: string[], holdMs = 100) {
    const out: string[] = [];
    const order = new StreamOrder(streams, holdMs, (stream, bytes, time) => out.push(`${stream} ${bytes.toString()} ${time}`));
    const push = (stream: string, text: string, time: string, now: number) => {
      const bytes = Buffer.from(`##${text}##`);
      order.push(stream, bytes, 2, bytes.length - 2, time, now);
      bytes.fill(0); // the caller's bytes are valid only during the call
    };
    return { out, order, push };
  }

  it('puts a stderr line stamped before a stdout line back before it, as soon as both streams have a line', () => {
    // As the engine logged it: "err 10" stamped ...659 reached the log before "line 10" stamped ...639.
    const { out, order, push } = ordered(['stdout', 'stderr']);
    push('stderr', 'err 10', '2026-12-01T09:54:07.803906659Z', 0);
    order.release(0);
    expect(out).toEqual([]);
    push('stdout', 'line 10', '2026-12-01T09:54:07.803906639Z', 1);
    order.release(1);
    expect(out).toEqual(['stdout line 10 2026-12-01T09:54:07.803906639Z']);
    order.release(50);
    expect(out).toHaveLength(1);
    order.release(101); // stdout was quiet for the hold: nothing earlier can come
    expect(out).toEqual(['stdout line 10 2026-12-01T09:54:07.803906639Z', 'stderr err 10 2026-12-01T09:54:07.803906659Z']);
    expect(order.held).toBe(false);
  });

  it('keeps the order within a stream and, of equal timestamps, the order they came in', () => {
    const { out, order, push } = ordered(['stdout', 'stderr']);
    push('stdout', 'a', 't2', 0);
    push('stdout', 'b', 't1', 0); // a clock stepped back: still after "a"
    push('stderr', 'c', 't2', 0);
    push('stderr', 'd', 't3', 0);
    order.release(0, true);
    expect(out).toEqual(['stdout a t2', 'stdout b t1', 'stderr c t2', 'stderr d t3']);
  });

  it('passes the lines of a single stream (a TTY) on at once', () => {
    const { out, order, push } = ordered(['stdout']);
    push('stdout', 'a', 't1', 0);
    order.release(0);
    expect(out).toEqual(['stdout a t1']);
  });
});
