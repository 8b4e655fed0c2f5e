import type { Burst, BurstTimes, SignedRequest } from './burst-sender.ts';
import type { JsonChild } from './child-json.ts';

/** What a platform's stand-in process (support/slack-load.ts, support/teams-load.ts) answers to {make}. */
export interface MadeBurst {
  requests: SignedRequest[];
  /** What the stand-in waits for, to {await}: the answers to these requests. */
  awaited: string[];
}

/**
 * One burst: the platform's stand-in makes the signed requests (`make` is what it is asked for), the sender sends
 * them all at once and times each answer, and with `answered` the stand-in then says when the bot's answers to all
 * of them had arrived. Returns each request's time to its HTTP answer, in the order made, and the time from the
 * burst's start until the last of the bot's answers arrived (0 without `answered`).
 */
export async function timedBurst(platform: JsonChild, sender: JsonChild, url: string, make: unknown, answered: boolean): Promise<{ times: number[]; answeredMs: number }> {
  platform.send(JSON.stringify({ make }));
  const { requests, awaited } = await platform.next<MadeBurst>();
  sender.send(JSON.stringify({ url, requests } satisfies Burst));
  const { times, startedAt } = await sender.next<BurstTimes>();
  if (!answered) return { times, answeredMs: 0 };
  platform.send(JSON.stringify({ await: awaited }));
  const { answeredAt } = await platform.next<{ answeredAt: number }>();
  return { times, answeredMs: answeredAt - startedAt };
}
