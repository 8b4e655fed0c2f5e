import { describe, expect, it } from 'vitest';
import { inSlice } from '../../src/integrations/cooperative.ts';

/** Holds the thread, as parsing a large read does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('inSlice', () => {
  it('gives the event loop a turn between pieces of work once a slice is used up, however many workers there are', async () => {
    const events: string[] = [];
    let turning = true;
    const turn = (): void => {
      events.push('turn');
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    // Each piece takes longer than a slice (10 ms): no two may run in the same turn, not even two workers' pieces.
    const worker = async (name: string) => {
      for (let piece = 0; piece < 3; piece++) {
        await inSlice(() => {
          busy(15);
          events.push(name);
        });
      }
    };
    await Promise.all([worker('a'), worker('b')]);
    turning = false;
    const pieces = events.filter((event) => event !== 'turn');
    expect(pieces).toHaveLength(6);
    events.forEach((event, i) => {
      if (event !== 'turn' && i > 0) expect(events[i - 1]).toBe('turn');
    });
  });
});
