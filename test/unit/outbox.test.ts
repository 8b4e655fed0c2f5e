import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { textMessage } from '../../src/domain/message.ts';
import { Deliveries } from '../../src/store/deliveries.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';

const T0 = new Date('2026-12-01T06:00:00Z').getTime();
const DAY = 24 * 60 * 60_000;
const OPS = 'slack:C0OPS00001';
const DEV = 'slack:C0DEV00001';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-outbox-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let stores: Store[] = [];
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

let files = 0;
function open(path = join(tmp, `outbox-${++files}.sqlite`)) {
  const clock = { now: T0 };
  const store = Store.open(path);
  stores.push(store);
  return { path, store, clock, outbox: new Outbox(store, () => new Date(clock.now)) };
}

const texts = (items: Array<{ message: { text: string } }>) => items.map((item) => item.message.text);

describe('Outbox', () => {
  it('offers the oldest pending item of each conversation, oldest conversation first', () => {
    const { outbox } = open();
    outbox.enqueue(DEV, textMessage('dev 1'));
    outbox.enqueue(OPS, textMessage('ops 1'));
    outbox.enqueue(OPS, textMessage('ops 2'));
    outbox.enqueue(DEV, textMessage('dev 2'));
    expect(texts(outbox.due(new Date(T0)))).toEqual(['dev 1', 'ops 1']);

    const [dev1, ops1] = outbox.due(new Date(T0));
    outbox.delivered(dev1!.id, 'chat:C0DEV00001:1.1');
    expect(texts(outbox.due(new Date(T0)))).toEqual(['ops 1', 'dev 2']);
    outbox.failed(ops1!.id, 'refused: channel_not_found');
    expect(texts(outbox.due(new Date(T0)))).toEqual(['ops 2', 'dev 2']);
  });

  it('keeps an item waiting for its retry at the head of its conversation: nothing behind it overtakes', () => {
    const { outbox } = open();
    const first = outbox.enqueue(OPS, textMessage('first'));
    outbox.enqueue(OPS, textMessage('second'));
    outbox.enqueue(DEV, textMessage('elsewhere'));
    outbox.retryLater(first, new Date(T0 + 4_000), 'socket hang up');

    expect(texts(outbox.due(new Date(T0 + 3_999)))).toEqual(['elsewhere']);
    expect(outbox.due(new Date(T0 + 4_000))[0]).toMatchObject({ id: first, lastError: 'socket hang up', message: { text: 'first' } });
  });

  it('gives an update the reference of its delivered post, the latest of that key before it', () => {
    const { outbox } = open();
    const old = outbox.enqueue(OPS, textMessage('yesterday'), { key: 'daily' });
    outbox.delivered(old, 'chat:C0OPS00001:1.1');
    const post = outbox.enqueue(OPS, textMessage('today'), { key: 'daily' });
    const update = outbox.enqueue(OPS, textMessage('today, revised'), { updateOf: 'daily' });
    outbox.enqueue(DEV, textMessage('same key, other conversation'), { key: 'daily' });

    expect(outbox.due(new Date(T0)).map((item) => item.id)).toContain(post);
    outbox.delivered(post, 'chat:C0OPS00001:2.2');
    expect(outbox.due(new Date(T0))[0]).toMatchObject({ id: update, updateOf: 'daily', postRef: 'chat:C0OPS00001:2.2' });
  });

  it('gives no reference to an update whose post failed or never was', () => {
    const { outbox } = open();
    const post = outbox.enqueue(OPS, textMessage('report'), { key: 'daily' });
    outbox.enqueue(OPS, textMessage('report, revised'), { updateOf: 'daily' });
    outbox.enqueue(DEV, textMessage('update of nothing'), { updateOf: 'nothing' });
    outbox.failed(post, 'refused: is_archived');
    const due = outbox.due(new Date(T0));
    expect(due).toHaveLength(2);
    expect(due.every((item) => item.updateOf !== undefined && item.postRef === undefined)).toBe(true);
  });

  it('refuses an item that is both a post with a key and an update', () => {
    const { outbox } = open();
    expect(() => outbox.enqueue(OPS, textMessage('x'), { key: 'a', updateOf: 'b' })).toThrow(/not both/);
  });

  it('lets one claim win: a claimed item is nobody’s until its lease ends, and counts an attempt', () => {
    const { path, outbox } = open();
    const other = new Outbox(open(path).store, () => new Date(T0));
    const id = outbox.enqueue(OPS, textMessage('once'));

    expect(outbox.claim(id, new Date(T0), new Date(T0 + 60_000))).toBe(true);
    expect(other.claim(id, new Date(T0), new Date(T0 + 60_000))).toBe(false);
    expect(other.due(new Date(T0 + 59_999))).toEqual([]);
    // The claimer died: after the lease the item is due again, with the attempt it began counted.
    expect(other.due(new Date(T0 + 60_000))[0]).toMatchObject({ id, attempts: 1 });
    expect(other.claim(id, new Date(T0 + 60_000), new Date(T0 + 120_000))).toBe(true);
  });

  it('counts pending items, in all and per conversation', () => {
    const { outbox } = open();
    const delivered = outbox.enqueue(OPS, textMessage('1'));
    outbox.enqueue(OPS, textMessage('2'));
    outbox.enqueue(OPS, textMessage('3'));
    outbox.enqueue(DEV, textMessage('4'));
    outbox.delivered(delivered, 'chat:C0OPS00001:1.1');
    expect(outbox.pending()).toEqual({ total: 3, byConversation: new Map([[OPS, 2], [DEV, 1]]) });
  });

  it('keeps settled items 7 days, then prunes them; pending ones stay', () => {
    const { outbox, clock } = open();
    const delivered = outbox.enqueue(OPS, textMessage('delivered'));
    const failed = outbox.enqueue(DEV, textMessage('failed'));
    const pending = outbox.enqueue(OPS, textMessage('pending'));
    outbox.delivered(delivered, 'chat:C0OPS00001:1.1');
    outbox.failed(failed, 'refused: channel_not_found');
    clock.now = T0 + 7 * DAY;
    outbox.prune(new Date(clock.now));
    expect(outbox.get(delivered)).toMatchObject({ state: 'delivered', ref: 'chat:C0OPS00001:1.1' });

    outbox.prune(new Date(T0 + 7 * DAY + 1));
    expect(outbox.get(delivered)).toBeUndefined();
    expect(outbox.get(failed)).toBeUndefined();
    expect(outbox.get(pending)).toMatchObject({ state: 'pending' });
  });

  it('keeps everything across a reopen of the store', () => {
    const first = open();
    const post = first.outbox.enqueue(OPS, textMessage('report'), { key: 'daily' });
    first.outbox.enqueue(OPS, textMessage('next'));
    first.outbox.delivered(post, 'chat:C0OPS00001:1.1');
    first.store.close();

    const again = open(first.path);
    expect(again.outbox.due(new Date(T0))).toEqual([
      { id: post + 1, conversation: OPS, message: textMessage('next'), attempts: 0, createdAt: new Date(T0) },
    ]);
    expect(again.outbox.get(post)).toMatchObject({ state: 'delivered', ref: 'chat:C0OPS00001:1.1', key: 'daily' });
  });

  describe('enqueueMany', () => {
    it('queues all in order, or none', () => {
      const { outbox } = open();
      const ids = outbox.enqueueMany([
        { conversation: OPS, message: textMessage('a'), key: 'a' },
        { conversation: OPS, message: textMessage('b') },
      ]);
      expect(ids).toEqual([ids[0], ids[0]! + 1]);

      expect(() =>
        outbox.enqueueMany([
          { conversation: DEV, message: textMessage('would be lost with the rest') },
          { conversation: DEV, message: textMessage('bad'), key: 'x', updateOf: 'y' },
        ]),
      ).toThrow();
      expect(outbox.pending()).toEqual({ total: 2, byConversation: new Map([[OPS, 2]]) });
    });

    it('joins an outer store.transaction: the posts commit and roll back with the run that made them', () => {
      const { store, outbox } = open();
      const runs = new Deliveries(store);
      // The scheduled run marks itself done and queues its posts in one transaction.
      const ids = store.transaction(() => {
        runs.claim('daily-report:2026-12-01', new Date(T0));
        return outbox.enqueueMany([
          { conversation: OPS, message: textMessage('report ops') },
          { conversation: DEV, message: textMessage('report dev') },
        ]);
      });
      expect(ids).toHaveLength(2);
      expect(outbox.pending().total).toBe(2);

      expect(() =>
        store.transaction(() => {
          runs.claim('daily-report:2026-12-02', new Date(T0));
          outbox.enqueueMany([{ conversation: OPS, message: textMessage('report of a run that failed') }]);
          outbox.enqueue(DEV, textMessage('single, inside the same transaction'));
          throw new Error('the run broke after queueing');
        }),
      ).toThrow(/run broke/);
      expect(outbox.pending().total).toBe(2);
      expect(runs.claim('daily-report:2026-12-02', new Date(T0))).toBe(true);
      expect(store.db.isTransaction).toBe(false);
    });
  });
});
