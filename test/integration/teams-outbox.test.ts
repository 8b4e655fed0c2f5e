import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textMessage } from '../../src/domain/message.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';
import { assertAdaptiveCard } from '../support/adaptive-card.ts';
import {
  ADA,
  cardsOf,
  cardText,
  channelMessage,
  OPS_CHANNEL,
  postActivity,
  startTeamsBot,
  startTeamsStandins,
  type TeamsBot,
  type TeamsStandins,
} from '../support/teams/index.ts';

/** Scheduled posts into Teams (daily reports, alerts, the states of operations): the outbox, through the conversation reference stored. */
describe('Teams: posts outside of any request, through the outbox', () => {
  let standins: TeamsStandins;
  let bot: TeamsBot;
  let store: Store;
  let outbox: Outbox;

  beforeAll(async () => {
    standins = await startTeamsStandins();
    // Every minute: the schedule's start makes up the last minute's report at once.
    bot = await startTeamsBot(standins, { CONNECTOR_OPS_OPERATORS: `teams:${ADA.aadObjectId}`, REPORT_SCHEDULE: '* * * * *' });
    store = Store.open(join(bot.services.config.dataDir, 'connector-ops.sqlite'));
    outbox = new Outbox(store);
  });
  afterAll(async () => {
    await bot?.services.reportSchedule.stop();
    await bot?.stop();
    store?.close();
    await standins?.close();
  });

  const postsOf = (text: string) => standins.connector.calls.filter((call) => call.method === 'POST' && cardText(call).includes(text));
  const settled = (id: number) => () => {
    const item = outbox.get(id);
    return item && item.state !== 'pending' ? item : undefined;
  };

  it('`connector subscribe reports` in a channel: the daily report comes as a new post in that channel, as Adaptive Cards', async () => {
    const { connector, keys } = standins;
    const subscribe = channelMessage(connector.serviceUrl, 'connector subscribe reports');
    await postActivity(bot.messagesUrl, subscribe, await keys.sign(connector.serviceUrl));
    await connector.waitFor(() => connector.messages().find((call) => call.activityId === subscribe.id && cardText(call).includes('now receives the daily report')), 20_000);
    bot.services.reportSchedule.start();
    const report = await connector.waitFor(() => connector.messages().find((call) => call.conversationId === OPS_CHANNEL && cardText(call).includes('Daily report')), 30_000);
    // A post of its own in the channel (a new thread), not a reply to the message that subscribed.
    expect(report.activityId).toBeUndefined();
    expect(report.body?.summary).toMatch(/^Daily report/);
    for (const card of cardsOf(report)) assertAdaptiveCard(card);
  });

  it('Teams down (a 503, then 429s with Retry-After): the post is delivered once, and a later update replaces it in place', async () => {
    const { connector } = standins;
    // The connector client waits out one 429 itself; the second goes back to the outbox with its Retry-After.
    connector.fault({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '1' } });
    const id = outbox.enqueue(`teams:${OPS_CHANNEL}`, textMessage('Disk of ops at 91 %'), { key: 'alert:disk-ops' });
    bot.services.outboxWorker.wake();
    const item = await connector.waitFor(settled(id), 20_000);
    expect(item.state).toBe('delivered');
    expect(item.attempts).toBe(3);
    const posts = postsOf('Disk of ops at 91 %');
    expect(posts).toHaveLength(4);
    const delivered = posts.at(-1)!;
    expect(delivered.conversationId).toBe(OPS_CHANNEL);

    const update = outbox.enqueue(`teams:${OPS_CHANNEL}`, textMessage('Disk of ops at 70 %: resolved'), { updateOf: 'alert:disk-ops' });
    bot.services.outboxWorker.wake();
    expect((await connector.waitFor(settled(update), 20_000)).state).toBe('delivered');
    const put = connector.calls.find((call) => call.method === 'PUT' && cardText(call).includes('resolved'))!;
    expect(put.activityId).toBe(delivered.postedId);
    expect(postsOf('Disk of ops at 91 %')).toHaveLength(4);
  });

  it('a message far over Teams\' size limit: delivered as up to three cards in order, each within the limit, the rest cut with a marker', async () => {
    const { connector } = standins;
    const lines = Array.from({ length: 400 }, (_, i) => ({ type: 'section' as const, text: `Error line ${i}: ${'x'.repeat(300)}` }));
    const id = outbox.enqueue(`teams:${OPS_CHANNEL}`, { text: 'Errors of ops', blocks: [{ type: 'header', text: 'Errors of ops' }, ...lines] });
    bot.services.outboxWorker.wake();
    const item = await connector.waitFor(settled(id), 20_000);
    expect(item.state).toBe('delivered');
    const posts = postsOf('Error line');
    expect(posts).toHaveLength(3);
    expect(posts.map((call) => cardsOf(call).length)).toEqual([1, 1, 1]);
    for (const call of posts) assertAdaptiveCard(cardsOf(call)[0]!);
    expect(cardText(posts[1]!)).toContain('Errors of ops (continued, 2 of 3)');
    expect(cardText(posts[2]!)).toMatch(/… \d+ more lines left out: too long for a Teams message/);
    // The first is the message that later updates replace.
    expect(outbox.get(id)?.ref).toBe(`teams:${OPS_CHANNEL}|${posts[0]!.postedId}`);
  });

  it('a conversation the app was never in, or a refusal (403), fails for good: not tried again', async () => {
    const { connector } = standins;
    const unknown = outbox.enqueue('teams:19:never-reached@thread.tacv2', textMessage('Nobody hears this'));
    bot.services.outboxWorker.wake();
    const lost = await connector.waitFor(settled(unknown), 20_000);
    expect(lost).toMatchObject({ state: 'failed', attempts: 1 });
    expect(lost.lastError).toContain('never installed or messaged there');

    connector.fault({ status: 403 });
    const refused = outbox.enqueue(`teams:${OPS_CHANNEL}`, textMessage('The app was removed'));
    bot.services.outboxWorker.wake();
    expect(await connector.waitFor(settled(refused), 20_000)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'Teams answered the post with HTTP 403' });
    expect(postsOf('The app was removed')).toHaveLength(1);
  });
});
