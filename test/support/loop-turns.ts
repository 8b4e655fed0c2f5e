import { expect } from 'vitest';

/**
 * A record of turns of the event loop among pieces of work: `turn` is written at every turn (by an immediate that
 * queues itself again) until stop(); the test writes its pieces with piece().
 */
export function loopTurns(): { events: string[]; piece(name: string): void; stop(): void } {
  const events: string[] = [];
  let turning = true;
  const turn = (): void => {
    events.push('turn');
    if (turning) setImmediate(turn);
  };
  setImmediate(turn);
  return { events, piece: (name) => events.push(name), stop: () => (turning = false) };
}

/** Holds the thread for `ms`, as parsing a large read or setting up many requests does. */
export function holdThread(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Every piece came in a turn of its own: a turn passed before each. */
export function expectATurnBeforeEachPiece(events: readonly string[], pieces: number): void {
  expect(events.filter((event) => event !== 'turn')).toHaveLength(pieces);
  events.forEach((event, i) => {
    if (event !== 'turn' && i > 0) expect(events[i - 1]).toBe('turn');
  });
}
