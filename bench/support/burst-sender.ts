/**
 * The sending side of the acknowledgement benchmarks, in a process of its own: it sends and times, and does nothing
 * else. The platform's stand-ins (which receive the bot's answers while a burst is still being acknowledged) run in
 * another process, so that their work cannot delay the reading of an acknowledgement: a time measured here is the
 * server's, not the stand-in's. Reads one JSON line per burst from stdin, {url, requests: [{body, headers}, …]},
 * sends every request at once and answers {times: [ms, …], startedAt}: the time to each HTTP answer (200 expected),
 * and when the burst began as an epoch time in milliseconds (comparable across processes). Its types are imported
 * with `import type` only: importing this file runs it.
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { epochNow } from './stats.ts';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface Burst {
  url: string;
  requests: SignedRequest[];
}

export interface BurstTimes {
  times: number[];
  startedAt: number;
}

function send(url: string, { body, headers }: SignedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for await (const line of createInterface({ input: process.stdin })) {
  const burst = JSON.parse(line) as Burst;
  const startedAt = epochNow();
  const times = await Promise.all(burst.requests.map((r) => send(burst.url, r)));
  process.stdout.write(`${JSON.stringify({ times, startedAt } satisfies BurstTimes)}\n`);
}
