import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/delivery/outbox-worker.ts';
import { MessageGoneError, RetryLaterError } from '../../src/delivery/transport.ts';
import { textMessage } from '../../src/domain/message.ts';
import { MemoryTransport } from '../support/memory-transport.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';

const T0 = new Date('2026-12-01T06:00:00Z').getTime();
const OPS = 'memory:ops';
const DEV = 'memory:dev';

/** A call held until opened; opened at the end of the test at the latest, so that stop() never waits for ever. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  cleanups.push(open);
  return { promise, open };
}

function recordingLogger() {
  const records: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records, at: (level: number) => records.filter((r) => r.level === level) };
}

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-outbox-worker-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

let files = 0;
/** A store, its outbox and a worker on a fake clock; `path` and `transport` of an earlier setup for a restart. */
function setup({ path = join(tmp, `outbox-${++files}.sqlite`), transport = new MemoryTransport(), ...options }: Partial<OutboxWorkerOptions> & { path?: string; transport?: MemoryTransport } = {}) {
  const clock = { now: T0 };
  const now = () => new Date(clock.now);
  const store = Store.open(path);
  const outbox = new Outbox(store, now);
  const log = recordingLogger();
  const worker = new OutboxWorker({ outbox, transports: new Map([['memory', transport]]), logger: log.logger, now, ...options });
  cleanups.push(() => store.close(), () => worker.stop());
  /** Passes until nothing is due now. */
  const drain = async () => {
    while ((await worker.deliverDue()) > 0);
  };
  return { path, store, clock, outbox, transport, worker, log, drain };
}

const GONE = 'The message this updates is gone (deleted, or never posted), so here it is anew.';
const ERROR = 50;
const WARN = 40;

describe('OutboxWorker', () => {
  it('delivers each conversation strictly in order, one call at a time', async () => {
    const { outbox, transport, drain } = setup();
    for (let i = 1; i <= 5; i++) {
      outbox.enqueue(OPS, textMessage(`ops ${i}`));
      outbox.enqueue(DEV, textMessage(`dev ${i}`));
    }
    await drain();
    expect(transport.texts(OPS)).toEqual(['ops 1', 'ops 2', 'ops 3', 'ops 4', 'ops 5']);
    expect(transport.texts(DEV)).toEqual(['dev 1', 'dev 2', 'dev 3', 'dev 4', 'dev 5']);
    expect(transport.overlaps).toBe(0);
    expect(outbox.pending().total).toBe(0);
  });

  it('delivers conversations in parallel: one that hangs holds up only itself', async () => {
    const { outbox, transport, worker } = setup({ pollMs: 10 });
    const hold = gate();
    transport.next(hold.promise);
    outbox.enqueue(OPS, textMessage('slow'));
    outbox.enqueue(OPS, textMessage('after slow'));
    for (let i = 1; i <= 3; i++) outbox.enqueue(DEV, textMessage(`dev ${i}`));
    worker.start();
    await expect.poll(() => transport.texts(DEV)).toEqual(['dev 1', 'dev 2', 'dev 3']);
    expect(transport.texts(OPS)).toEqual([]);

    hold.open();
    await expect.poll(() => transport.texts(OPS)).toEqual(['slow', 'after slow']);
  });

  it('delivers at once when woken after an enqueue, and its stop() waits for the item in flight', async () => {
    const { outbox, transport, worker } = setup({ pollMs: 60_000 });
    // The first pass delivers what was queued before the start; by the time that is seen delivered, the worker
    // has looked again and sleeps for its (minute-long) poll: only a wake brings what comes next at once.
    const before = outbox.enqueue(OPS, textMessage('before the start'));
    worker.start();
    await expect.poll(() => outbox.get(before)?.state).toBe('delivered');
    const hold = gate();
    transport.next(hold.promise);
    const id = outbox.enqueue(OPS, textMessage('now'));
    worker.wake();
    await expect.poll(() => transport.calls.length).toBe(2);

    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    // stop() ends the loop within microtasks: a stop() that did not wait for the item in flight has resolved by the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    hold.open();
    await stopping;
    expect(outbox.get(id)).toMatchObject({ state: 'delivered' });
  });

  it('while it runs, delivers what this process queues at once, without a wake: no producer has to know the worker', async () => {
    const { outbox, transport, worker, store } = setup({ pollMs: 60_000 });
    const first = outbox.enqueue(OPS, textMessage('before the start'));
    worker.start();
    await expect.poll(() => outbox.get(first)?.state).toBe('delivered');
    // Queued with other writes in one transaction, as the daily report does: it goes out once that commits.
    store.transaction(() => outbox.enqueueMany([{ conversation: OPS, message: textMessage('queued') }]));
    await expect.poll(() => transport.texts(OPS)).toEqual(['before the start', 'queued']);
  });

  it('holds an update until its post is delivered, then updates that post through its ref', async () => {
    const { outbox, transport, clock, drain } = setup();
    transport.next(new Error('socket hang up'));
    outbox.enqueue(OPS, textMessage('report: checking …'), { key: 'daily' });
    outbox.enqueue(OPS, textMessage('report: all healthy'), { updateOf: 'daily' });
    outbox.enqueue(OPS, textMessage('after the report'));

    await drain();
    expect(transport.calls.map((c) => c.kind)).toEqual(['post']);
    expect(outbox.pending().total).toBe(3);

    clock.now += 1_000;
    await drain();
    const [post] = transport.shown.get('ops')!;
    expect(transport.calls.slice(1)).toEqual([
      { kind: 'post', conversation: 'ops', text: 'report: checking …' },
      { kind: 'update', conversation: 'ops', text: 'report: all healthy', ref: post!.ref },
      { kind: 'post', conversation: 'ops', text: 'after the report' },
    ]);
    expect(transport.messages(OPS).map(({ ref, text, edits }) => ({ ref, text, edits }))).toEqual([
      { ref: post!.ref, text: 'report: all healthy', edits: 1 },
      { ref: expect.any(String), text: 'after the report', edits: 0 },
    ]);
  });

  it('posts an update whose post failed anew, saying so; the next update goes to that post', async () => {
    const { outbox, transport, worker, drain } = setup();
    transport.next(Object.assign(new Error('An API error occurred: is_archived'), { data: { error: 'is_archived' } }));
    const post = outbox.enqueue(OPS, textMessage('report'), { key: 'daily' });
    const update = outbox.enqueue(OPS, textMessage('report, revised'), { updateOf: 'daily' });
    outbox.enqueue(OPS, textMessage('report, final'), { updateOf: 'daily' });
    outbox.enqueue(OPS, textMessage('next'));
    await drain();
    expect(outbox.get(post)).toMatchObject({ state: 'failed', lastError: 'refused: is_archived' });
    expect(outbox.get(update)).toMatchObject({ state: 'delivered' });
    expect(transport.messages(OPS).map(({ text, edits }) => [text, edits])).toEqual([
      [`${GONE} report, final`, 1],
      ['next', 0],
    ]);
    expect(transport.calls.map((c) => [c.kind, c.text])).toContainEqual(['post', `${GONE} report, revised`]);
    expect(worker.counts).toEqual({ delivered: 3, retried: 0, failed: 1 });
  });

  it('posts an update of a deleted message anew, with a note saying so, and replies in the thread of the new post', async () => {
    const { outbox, transport, drain } = setup();
    outbox.enqueue(OPS, textMessage('request: waiting'), { key: 'request:abc' });
    await drain();
    const [original] = transport.messages(OPS);
    transport.delete(original!.ref);
    outbox.enqueue(OPS, textMessage('request: approved, running'), { updateOf: 'request:abc' });
    outbox.enqueue(OPS, textMessage('request: done'), { updateOf: 'request:abc' });
    outbox.enqueue(OPS, textMessage('outcome: succeeded'), { threadOf: 'request:abc' });
    await drain();
    const [anew, reply] = transport.messages(OPS);
    expect(anew).toMatchObject({ text: `${GONE} request: done`, edits: 1 });
    expect(anew!.ref).not.toBe(original!.ref);
    expect(reply).toMatchObject({ text: 'outcome: succeeded', threadOf: anew!.ref });
    expect(transport.calls.map((c) => c.kind)).toEqual(['post', 'update', 'post', 'update', 'post']);
  });

  it('updates and replies to a post recorded from outside the outbox (the answer to a command)', async () => {
    const { outbox, transport, drain } = setup();
    const { ref } = await transport.post('ops', textMessage('request: waiting'));
    outbox.record(OPS, 'request:abc', ref, textMessage('request: waiting'));
    outbox.enqueue(OPS, textMessage('request: approved'), { updateOf: 'request:abc' });
    outbox.enqueue(OPS, textMessage('outcome'), { threadOf: 'request:abc' });
    await drain();
    expect(transport.messages(OPS)).toMatchObject([
      { ref, text: 'request: approved', edits: 1 },
      { text: 'outcome', threadOf: ref },
    ]);
  });

  it('a reply whose post is gone goes to the conversation', async () => {
    const { outbox, transport, drain } = setup();
    outbox.enqueue(OPS, textMessage('parent'), { key: 'p' });
    outbox.enqueue(OPS, textMessage('reply'), { threadOf: 'p' });
    transport.next(undefined, new MessageGoneError('thread_not_found'));
    await drain();
    expect(transport.messages(OPS).map((m) => [m.text, m.threadOf])).toEqual([
      ['parent', undefined],
      ['reply', undefined],
    ]);
  });

  it('retries a failure with backoff (1 s, 2 s, 4 s …, at most 5 min) while later items wait', async () => {
    const { outbox, transport, clock, worker, log, drain } = setup({ maxAttempts: 100 });
    const failures = 12;
    transport.next(...Array.from({ length: failures }, () => new Error('connect ECONNREFUSED 127.0.0.1:443')));
    const id = outbox.enqueue(OPS, textMessage('first'));
    outbox.enqueue(OPS, textMessage('second'));

    const delays: number[] = [];
    for (let attempt = 1; attempt <= failures; attempt++) {
      await drain();
      const { delayMs } = log.at(WARN).at(-1) as unknown as { delayMs: number };
      delays.push(delayMs);
      clock.now += delayMs - 1;
      expect(await worker.deliverDue()).toBe(0);
      clock.now += 1;
    }
    await drain();
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1000));
    expect(transport.texts(OPS)).toEqual(['first', 'second']);
    expect(outbox.get(id)).toMatchObject({ state: 'delivered', attempts: failures + 1, lastError: 'connect ECONNREFUSED 127.0.0.1:443' });
    expect(worker.counts).toEqual({ delivered: 2, retried: failures, failed: 0 });
  });

  it('waits as long as the platform says: RetryLaterError, and Slack’s rate limit', async () => {
    const { outbox, transport, clock, worker, drain } = setup();
    const rateLimited = Object.assign(new Error('A rate-limit has been reached'), { code: 'slack_webapi_rate_limited_error', retryAfter: 30 });
    transport.next(new RetryLaterError(7_000), rateLimited);
    outbox.enqueue(OPS, textMessage('patient'));

    await drain();
    clock.now += 6_999;
    expect(await worker.deliverDue()).toBe(0);
    clock.now += 1;
    await drain();
    clock.now += 29_999;
    expect(await worker.deliverDue()).toBe(0);
    clock.now += 1;
    await drain();
    expect(transport.texts(OPS)).toEqual(['patient']);
    expect(transport.calls).toHaveLength(3);
  });

  it("gives up at once on the platform's refusal, logged at error level and reported; the next item goes on", async () => {
    const failed: Array<{ id: number; error: string }> = [];
    const { outbox, transport, worker, log, drain } = setup({ onFailed: (item, error) => failed.push({ id: item.id, error }) });
    transport.next(Object.assign(new Error('An API error occurred: channel_not_found'), { data: { error: 'channel_not_found' } }));
    const refused = outbox.enqueue(OPS, textMessage('to nowhere'));
    outbox.enqueue(OPS, textMessage('next'));
    await drain();
    expect(failed).toEqual([{ id: refused, error: 'refused: channel_not_found' }]);
    expect(outbox.get(refused)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(log.at(ERROR)).toMatchObject([{ id: refused, conversation: OPS, error: 'refused: channel_not_found' }]);
    expect(transport.texts(OPS)).toEqual(['next']);
    expect(worker.counts.failed).toBe(1);
  });

  it('retries what Slack calls transient (internal_error) instead of giving up, and reports each retry', async () => {
    const retried: string[] = [];
    const { outbox, transport, clock, drain } = setup({ onRetried: (_item, error) => retried.push(error) });
    transport.next(Object.assign(new Error('An API error occurred: internal_error'), { data: { error: 'internal_error' } }));
    outbox.enqueue(OPS, textMessage('again'));
    await drain();
    clock.now += 1_000;
    await drain();
    expect(transport.texts(OPS)).toEqual(['again']);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toContain('internal_error');
  });

  it('gives up after the maximum attempts, or when the item is too old', async () => {
    const { outbox, transport, clock, worker, log, drain } = setup({ maxAttempts: 3, maxAgeMs: 60 * 60_000 });
    transport.next(...Array.from({ length: 3 }, () => new Error('HTTP 503')));
    const tired = outbox.enqueue(OPS, textMessage('three strikes'));
    for (let i = 0; i < 3; i++) {
      await drain();
      clock.now += 5 * 60_000;
    }
    expect(outbox.get(tired)).toMatchObject({ state: 'failed', attempts: 3, lastError: 'gave up after 3 attempts in 600 s: HTTP 503' });

    const old = outbox.enqueue(DEV, textMessage('stale'));
    clock.now += 60 * 60_000;
    transport.next(new RetryLaterError(1_000));
    await drain();
    expect(outbox.get(old)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(log.at(ERROR)).toHaveLength(2);
    expect(worker.counts).toEqual({ delivered: 0, retried: 2, failed: 2 });
  });

  it('leaves items of a platform without a transport queued, warns once, and delivers the others', async () => {
    const { outbox, transport, log, drain } = setup();
    outbox.enqueue('teams:19:abc@thread.tacv2', textMessage('teams 1'));
    outbox.enqueue('teams:19:abc@thread.tacv2', textMessage('teams 2'));
    outbox.enqueue(OPS, textMessage('memory'));
    await drain();
    await drain();
    expect(transport.texts(OPS)).toEqual(['memory']);
    expect(outbox.pending()).toEqual({ total: 2, byConversation: new Map([['teams:19:abc@thread.tacv2', 2]]) });
    expect(log.at(WARN)).toMatchObject([{ platform: 'teams', msg: 'outbox: no transport for this platform; its items stay queued' }]);
  });

  it('hands each delivered post and its ref to onDelivered', async () => {
    const delivered: Array<[string, string | undefined]> = [];
    const { outbox, drain } = setup({ onDelivered: (item, ref) => delivered.push([item.message.text, ref]) });
    const post = outbox.enqueue(OPS, textMessage('post'), { key: 'k' });
    outbox.enqueue(OPS, textMessage('update'), { updateOf: 'k' });
    await drain();
    expect(delivered).toEqual([
      ['post', 'm:ops:1'],
      ['update', undefined],
    ]);
    expect(outbox.get(post)).toMatchObject({ ref: 'm:ops:1' });
  });

  it('after a restart delivers what was pending, and what was in flight once its lease ends', async () => {
    const first = setup({ leaseMs: 60_000 });
    first.outbox.enqueue(OPS, textMessage('delivered before'), { key: 'daily' });
    await first.drain();
    // Cut off mid-attempt: claimed, never settled (the process died during the platform call).
    const cut = first.outbox.enqueue(OPS, textMessage('in flight at the crash'));
    first.outbox.enqueue(OPS, textMessage('update after the crash'), { updateOf: 'daily' });
    first.outbox.enqueue(DEV, textMessage('queued before the crash'));
    expect(first.outbox.claim(cut, new Date(T0), new Date(T0 + 60_000))).toBe(true);
    first.store.close();

    // The same platform, a new bot process.
    const second = setup({ path: first.path, transport: first.transport, leaseMs: 60_000 });
    await second.drain();
    expect(second.transport.texts(DEV)).toEqual(['queued before the crash']);
    expect(second.transport.calls).toHaveLength(2);

    second.clock.now = T0 + 60_000;
    await second.drain();
    // The update reached the post the first run delivered, by the ref kept in the store.
    expect(second.transport.messages(OPS).map(({ ref, text, edits }) => ({ ref, text, edits }))).toEqual([
      { ref: 'm:ops:1', text: 'update after the crash', edits: 1 },
      { ref: 'm:ops:3', text: 'in flight at the crash', edits: 0 },
    ]);
    expect(second.outbox.get(cut)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(second.outbox.pending().total).toBe(0);
  });

  it('two workers on one store deliver each item once', async () => {
    const a = setup({ pollMs: 5 });
    const b = setup({ path: a.path, pollMs: 5 });
    b.clock.now = a.clock.now;
    for (let i = 1; i <= 20; i++) a.outbox.enqueue(i % 2 ? OPS : DEV, textMessage(`item ${i}`));
    a.worker.start();
    b.worker.start();
    await expect.poll(() => a.outbox.pending().total).toBe(0);
    const all = [...a.transport.calls, ...b.transport.calls].map((c) => c.text);
    expect(all.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `item ${i + 1}`).sort());
  });
});
