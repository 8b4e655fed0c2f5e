import { describe, it } from 'vitest';
import { inSlice } from '../../src/integrations/cooperative.ts';
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
