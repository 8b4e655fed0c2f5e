import { describe, expect, it } from 'vitest';
import { AckGate, inSlice } from '../../src/integrations/cooperative.ts';
import { expectATurnBeforeEachPiece, holdThread, loopTurns } from '../support/loop-turns.ts';

describe('inSlice', () => {
  it('gives the event loop a turn between pieces of work once a slice is used up, however many workers there are', async () => {
    const turns = loopTurns();
    // Each piece takes longer than a slice (10 ms): no two may run in the same turn, not even two workers' pieces.
    const worker = async (name: string) => {
      for (let piece = 0; piece < 3; piece++) {
        await inSlice(() => {
          holdThread(15);
          turns.piece(name);
        });
      }
    };
    await Promise.all([worker('a'), worker('b')]);
    turns.stop();
    expectATurnBeforeEachPiece(turns.events, 6);
  });
});

describe('AckGate', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("holds every acknowledged delivery's work until the burst's acknowledgements are over, then lets all of it go", async () => {
    const gate = new AckGate({ quietMs: 300, maxWaitMs: 5_000 });
    const events: string[] = [];
    const works: Promise<void>[] = [];
    for (let delivery = 1; delivery <= 5; delivery++) {
      events.push(`ack ${delivery}`);
      works.push(gate.after().then(() => void events.push(`work ${delivery}`)));
      // Acknowledgements a few milliseconds apart, as a burst's arrive: far inside the quiet time.
      await sleep(5);
    }
    await Promise.all(works);
    expect(events).toEqual(['ack 1', 'ack 2', 'ack 3', 'ack 4', 'ack 5', 'work 1', 'work 2', 'work 3', 'work 4', 'work 5']);
  });

  it('lets the work go under a steady stream of acknowledgements, once it has waited its longest', async () => {
    const gate = new AckGate({ quietMs: 100, maxWaitMs: 150 });
    let worked = false;
    const first = gate.after().then(() => void (worked = true));
    let acknowledgedAfterFirstWork = 0;
    // An acknowledgement every 10 ms, far inside the quiet time, until three have come after the first work began.
    for (let delivery = 0; delivery < 200 && acknowledgedAfterFirstWork < 3; delivery++) {
      await sleep(10);
      void gate.after();
      if (worked) acknowledgedAfterFirstWork++;
    }
    await first;
    expect(acknowledgedAfterFirstWork).toBe(3);
  });
});
