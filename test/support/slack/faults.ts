import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson, sendText } from './http-body.ts';

/**
 * Scripted answers: per target (a Web API method such as `chat.postMessage`, or `upload` and
 * `response_url`) a queue the stand-in takes from before answering normally, one per request.
 */
export type ScriptedAnswer =
  /** An HTTP failure: 429 with `retryAfter` seconds in Retry-After (Slack's rate limit), 500, 503, ... */
  | { status: number; retryAfter?: number; body?: string; delayMs?: number }
  /** A platform error, HTTP 200 `{ok: false, error, ...}` (further fields are sent as they are). */
  | { ok: false; error: string; delayMs?: number; [field: string]: unknown }
  /** Only a delay, then the normal answer. */
  | { delayMs: number };

export type FaultTarget = string;

export class FaultQueues {
  private readonly queues = new Map<FaultTarget, ScriptedAnswer[]>();

  push(target: FaultTarget, answers: ScriptedAnswer[]): void {
    this.queues.set(target, [...(this.queues.get(target) ?? []), ...answers]);
  }

  clear(): void {
    this.queues.clear();
  }

  /**
   * Plays the next scripted answer for `target`, if any: waits its delay, then answers with it.
   * Returns what was answered, or undefined when the normal answer is to follow.
   */
  async play(target: FaultTarget, res: ServerResponse): Promise<{ status: number; error?: string } | undefined> {
    const answer = this.queues.get(target)?.shift();
    if (answer === undefined) return undefined;
    if (answer.delayMs) await sleep(answer.delayMs);
    if ('ok' in answer) {
      const { delayMs: _delay, ...body } = answer;
      sendJson(res, 200, body);
      return { status: 200, error: answer.error };
    }
    if ('status' in answer) {
      const headers: Record<string, string> = answer.retryAfter === undefined ? {} : { 'retry-after': String(answer.retryAfter) };
      if (answer.status === 429) sendJson(res, 429, { ok: false, error: 'ratelimited' }, headers);
      else sendText(res, answer.status, answer.body ?? `stand-in: scripted ${answer.status}`, headers);
      return { status: answer.status };
    }
    return undefined;
  }
}
