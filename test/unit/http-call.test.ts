import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpCall } from '../../src/chat/http-call.ts';
import { holdThread, loopTurns } from '../support/loop-turns.ts';

const server = createServer();

afterEach(() => {
  server.removeAllListeners('request');
  server.closeAllConnections();
  server.close();
});

/**
 * The server answers every one of `calls` requests at once, with `body`, when the last has come: as fifty answers
 * to a burst come back. Returns the URL to call.
 */
async function answeringTogether(calls: number, body: string): Promise<URL> {
  const waiting: ServerResponse[] = [];
  server.on('request', (req, res) => {
    req.resume();
    req.on('end', () => {
      waiting.push(res);
      if (waiting.length === calls) for (const each of waiting) each.writeHead(200).end(body);
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return new URL(`http://127.0.0.1:${port}/`);
}

describe('httpCall', () => {
  it('lets callers whose answers come back together go on in slices of the event loop, not all in one turn', async () => {
    const CALLS = 30;
    const url = await answeringTogether(CALLS, '{}');
    const turns = loopTurns();
    await Promise.all(
      Array.from({ length: CALLS }, async () => {
        const { response } = await httpCall(url, { method: 'POST', headers: {}, body: '{}', signal: AbortSignal.timeout(10_000) });
        expect(response.statusCode).toBe(200);
        // What a caller does with its answer: bookkeeping that holds the thread a moment.
        holdThread(3);
        turns.piece('answer');
      }),
    );
    turns.stop();
    const runs = turns.events.join(' ').split('turn').map((between) => between.split(' ').filter((event) => event === 'answer').length);
    expect(runs.reduce((sum, run) => sum + run, 0)).toBe(CALLS);
    // A slice is 10 ms: after four callers of 3 ms each, the next waits for a turn of the loop.
    expect(Math.max(...runs)).toBeLessThanOrEqual(4);
  });

  it('keeps the answers that came in whole when their signal ends while their callers wait for a slice', async () => {
    const CALLS = 12;
    const url = await answeringTogether(CALLS, '{"ok":true}');
    const controller = new AbortController();
    const results = await Promise.allSettled(
      Array.from({ length: CALLS }, async () => {
        const answer = await httpCall(url, { method: 'POST', headers: {}, body: '{}', signal: controller.signal });
        // The first caller uses up the slice and the signal ends (a timeout, say): the others' answers are in, their callers wait.
        holdThread(12);
        controller.abort(new Error('too late'));
        return answer.text;
      }),
    );
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : String(result.reason)))).toEqual(Array(CALLS).fill('{"ok":true}'));
  });
});
