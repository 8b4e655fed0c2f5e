import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../src/delivery/outbox-worker.ts';
import type { ConversationTransport } from '../../src/delivery/transport.ts';
import { textMessage, type Message } from '../../src/domain/message.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';
import { SlackStandin } from '../support/slack/index.ts';

/** The smallest Slack transport: the text alone; the ref is `chat:<channel>:<ts>`. */
class SlackTextTransport implements ConversationTransport {
  readonly platform = 'slack';
  private readonly client: WebClient;

  constructor(client: WebClient) {
    this.client = client;
  }

  async post(channel: string, message: Message): Promise<{ ref: string }> {
    const answer = await this.client.chat.postMessage({ channel, text: message.text });
    return { ref: `chat:${channel}:${answer.ts}` };
  }

  async update(channel: string, ref: string, message: Message): Promise<void> {
    const [, , ts] = ref.split(':');
    await this.client.chat.update({ channel, ts: ts!, text: message.text });
  }
}

const OPS = 'C0OPS00001';

/** The outbox through the real Web API client to the loopback Slack: an outage waited out, nothing twice, in order. */
describe('Outbox to Slack', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-outbox-slack-'));
  let standin: SlackStandin;
  let store: Store;
  let outbox: Outbox;
  let worker: OutboxWorker;
  beforeAll(async () => {
    standin = await SlackStandin.start();
  });
  afterAll(async () => {
    await standin?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(async () => {
    await worker?.stop();
    store?.close();
  });

  function startWorker(file: string) {
    store = Store.open(join(tmp, file));
    outbox = new Outbox(store);
    const client = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    worker = new OutboxWorker({ outbox, transports: new Map([['slack', new SlackTextTransport(client)]]), logger: pino({ level: 'silent' }), pollMs: 50 });
    worker.start();
  }

  it('waits out Slack being down (503s, then a 429): each post once, in order, and the update on its post', async () => {
    startWorker('outage.sqlite');
    standin.fault('chat.postMessage', { status: 503 }, { status: 503 }, { status: 503 }, { status: 429, retryAfter: 1 });
    outbox.enqueueMany([
      { conversation: `slack:${OPS}`, message: textMessage('daily report: checking …'), key: 'daily:2026-12-01' },
      { conversation: `slack:${OPS}`, message: textMessage('alert: disk of main at 91 %') },
      { conversation: `slack:${OPS}`, message: textMessage('daily report: 3 connectors healthy'), updateOf: 'daily:2026-12-01' },
      { conversation: `slack:${OPS}`, message: textMessage('alert resolved: disk of main at 70 %') },
    ]);
    worker.wake();

    await standin.waitFor(() => outbox.pending().total === 0, 20_000);
    const posts = standin.callsOf('chat.postMessage');
    expect(posts.map((call) => call.status)).toEqual([503, 503, 503, 429, 200, 200, 200]);
    // Backoff of 1 s, 2 s, 4 s after the 503s, then the 1 s Slack asked for.
    const gaps = posts.slice(1, 5).map((call, i) => call.time - posts[i]!.time);
    [1_000, 2_000, 4_000, 1_000].forEach((least, i) => expect(gaps[i]).toBeGreaterThanOrEqual(least));

    expect(standin.messagesIn(OPS).map((m) => [m.text, m.edits])).toEqual([
      ['daily report: 3 connectors healthy', 1],
      ['alert: disk of main at 91 %', 0],
      ['alert resolved: disk of main at 70 %', 0],
    ]);
    const [update] = standin.callsOf('chat.update');
    expect(update).toMatchObject({ status: 200, params: { channel: OPS, ts: standin.messagesIn(OPS)[0]!.ts } });
    expect(update!.time).toBeGreaterThan(posts[5]!.time);
    expect(worker.counts).toEqual({ delivered: 4, retried: 4, failed: 0 });
  }, 30_000);

  it("gives up a post Slack refuses (channel_not_found) at once, while another conversation's posts go on", async () => {
    startWorker('refused.sqlite');
    const before = standin.messagesIn(OPS).length;
    const refused = outbox.enqueue('slack:C0NOSUCH01', textMessage('to a channel that is not there'));
    outbox.enqueue(`slack:${OPS}`, textMessage('to ops'));
    worker.wake();

    await standin.waitFor(() => outbox.pending().total === 0, 5_000);
    expect(outbox.get(refused)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'refused: channel_not_found' });
    expect(standin.callsOf('chat.postMessage').filter((call) => call.params.channel === 'C0NOSUCH01')).toHaveLength(1);
    expect(standin.messagesIn(OPS).slice(before).map((m) => m.text)).toEqual(['to ops']);
  });
});
