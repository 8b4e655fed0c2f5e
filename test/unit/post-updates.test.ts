import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostUpdates } from '../../src/delivery/post-updates.ts';
import { textMessage } from '../../src/domain/message.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';

const OPS = 'teams:19:ops@thread.tacv2';
const REF = 'teams:19:ops@thread.tacv2;messageid=1|2';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-post-updates-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let stores: Store[] = [];
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

function open() {
  const store = Store.open(join(tmp, `updates-${stores.length}.sqlite`));
  stores.push(store);
  const outbox = new Outbox(store);
  outbox.record(OPS, 'request:abc123', REF, textMessage('pending'));
  return { store, outbox, updates: new PostUpdates(outbox) };
}

describe('PostUpdates', () => {
  it('tells which posts may be updated: those the outbox knows by a key', () => {
    const { updates } = open();
    expect(updates.updatable(REF)).toBe(true);
    expect(updates.updatable('teams:19:ops@thread.tacv2|9')).toBe(false);
  });

  it('gives the next update of a post once its transaction committed, and nothing of another post', async () => {
    const { store, outbox, updates } = open();
    outbox.record(OPS, 'alert:0a:1', 'teams:19:ops@thread.tacv2|7', textMessage('alert'));
    const next = updates.next(REF, AbortSignal.timeout(5_000));
    store.transaction(() => {
      outbox.enqueue(OPS, textMessage('alert silenced'), { updateOf: 'alert:0a:1' });
      outbox.enqueue(OPS, textMessage('approved'), { updateOf: 'request:abc123' });
    });
    expect((await next)?.text).toBe('approved');
  });

  it('shows no update its transaction rolled back, and nothing once the wait is over', async () => {
    const { store, outbox, updates } = open();
    const next = updates.next(REF, AbortSignal.timeout(5_000));
    expect(() =>
      store.transaction(() => {
        outbox.enqueue(OPS, textMessage('approved'), { updateOf: 'request:abc123' });
        throw new Error('the decision failed');
      }),
    ).toThrow('the decision failed');
    expect(await next).toBeUndefined();
    const waited = new AbortController();
    const late = updates.next(REF, waited.signal);
    waited.abort();
    expect(await late).toBeUndefined();
  });
});
