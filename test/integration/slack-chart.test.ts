import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartPng } from '../../src/chat/chart/plot.ts';
import { SlackAdapter } from '../../src/chat/slack/slack-adapter.ts';
import { SlackPoster } from '../../src/chat/slack/slack-poster.ts';
import { SlackReply } from '../../src/chat/slack/slack-reply.ts';
import { OutboxWorker } from '../../src/delivery/outbox-worker.ts';
import { textMessage, type Chart, type Message } from '../../src/domain/message.ts';
import { Deliveries } from '../../src/store/deliveries.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../support/builders.ts';
import { SlackStandin, type Upload } from '../support/slack/index.ts';

const OPS = 'C0OPS00001';
const FILENAME = 'connector-ops-disk-and-memory-use-last-7-days.png';

const chart: Chart = {
  title: 'Disk and memory use, last 7 days',
  from: '2026-11-24T09:00:00.000Z',
  to: '2026-12-01T09:00:00.000Z',
  series: [
    { label: 'memory', points: [{ at: '2026-11-24T09:00:00.000Z', percent: 41 }, { at: '2026-12-01T08:45:00.000Z', percent: 63 }] },
    { label: '/var/lib/docker', points: [{ at: '2026-11-24T09:00:00.000Z', percent: 70 }, { at: '2026-12-01T08:45:00.000Z', percent: 72 }] },
  ],
};

function reportWithChart(text: string): Message {
  return { text, blocks: [{ type: 'header', text }, { type: 'chart', chart }] };
}

/** The chart of a message as a PNG upload beside it, through the real Web API client to the loopback Slack. */
describe('Charts to Slack', () => {
  let standin: SlackStandin;
  let store: Store;
  let adapter: SlackAdapter;
  let poster: SlackPoster;
  beforeAll(async () => {
    standin = await SlackStandin.start();
    store = Store.open(':memory:');
    adapter = new SlackAdapter({
      settings: { botToken: standin.botToken, apiUrl: standin.apiUrl, reportsInChannel: true, mode: 'http', signingSecret: 'not used here' },
      dispatch: async () => undefined,
      deliveries: new Deliveries(store),
      groupHandles: [],
      logger: silentLogger(),
      redact: (text) => text,
    });
    poster = new SlackPoster(new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }), silentLogger());
  });
  afterAll(async () => {
    store?.close();
    await standin?.stop();
  });

  const completedSince = (before: number): Upload[] => standin.uploads.slice(before).filter((upload) => upload.completed);

  it('an outbox post through the Slack transport: the message, then the chart as a PNG in the channel beside it', async () => {
    const outbox = new Outbox(store);
    const worker = new OutboxWorker({ outbox, transports: new Map([['slack', adapter.transport()]]), logger: silentLogger(), pollMs: 50 });
    const calls = standin.calls.length;
    const uploads = standin.uploads.length;
    worker.start();
    try {
      outbox.enqueue(`slack:${OPS}`, reportWithChart('Daily report'));
      worker.wake();
      await standin.waitFor(() => outbox.pending().total === 0, 15_000);
    } finally {
      await worker.stop();
    }
    expect(worker.counts).toEqual({ delivered: 1, retried: 0, failed: 0 });
    const posted = standin.messagesIn(OPS).filter((m) => m.text === 'Daily report');
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]!.blocks)).toContain('Chart: Disk and memory use, last 7 days (attached)');
    expect(standin.calls.slice(calls).map((call) => call.method)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const [upload] = completedSince(uploads);
    const png = chartPng(chart);
    expect(upload).toMatchObject({ filename: FILENAME, title: 'Disk and memory use, last 7 days', channelId: OPS, threadTs: undefined, length: png.length });
    expect(upload!.content!.equals(png)).toBe(true);
  }, 30_000);

  it('a reply in a thread puts the chart into that thread', async () => {
    const reply = new SlackReply({ ack: async () => undefined, channel: OPS, poster, reportsInChannel: true, logger: silentLogger(), redact: (text) => text });
    const parent = await reply.post(textMessage('Checking the resources …'), 'conversation');
    const uploads = standin.uploads.length;
    await reply.replyInThread(parent, reportWithChart('Resources, with the week'));
    const parentTs = parent.id.split(':')[2];
    const inThread = standin.messagesIn(OPS).find((m) => m.text === 'Resources, with the week');
    expect(inThread?.threadTs).toBe(parentTs);
    const [upload] = completedSince(uploads);
    expect(upload).toMatchObject({ filename: FILENAME, channelId: OPS, threadTs: parentTs });
    expect(upload!.content!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  }, 30_000);

  it('an upload that fails costs only the image: the message is posted once and the post succeeds', async () => {
    standin.fault('upload', { status: 500 });
    const calls = standin.calls.length;
    const uploads = standin.uploads.length;
    const { ref } = await adapter.transport().post(OPS, reportWithChart('Report whose chart fails'));
    expect(ref).toMatch(/^chat:C0OPS00001:/);
    expect(standin.messagesIn(OPS).filter((m) => m.text === 'Report whose chart fails')).toHaveLength(1);
    expect(standin.calls.slice(calls).map((call) => [call.method, call.status])).toEqual([['chat.postMessage', 200], ['files.getUploadURLExternal', 200], ['upload', 500]]);
    expect(completedSince(uploads)).toEqual([]);
  }, 30_000);
});
