import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { personOf, type OperationRequest } from '../../src/domain/operation.ts';
import { AuditLog } from '../../src/store/audit-log.ts';
import { OperationRequests } from '../../src/store/operation-requests.ts';
import { Store } from '../../src/store/store.ts';
import { SLACK_ACTOR, SLACK_CHANNEL } from '../support/builders.ts';

const T0 = new Date('2026-12-01T09:00:00Z');
const ada = personOf(SLACK_ACTOR);
const bob = personOf({ platform: 'slack', id: 'U0BOB', displayName: 'Bob' });

let stores: Store[] = [];
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

function open(path = ':memory:') {
  const store = Store.open(path);
  stores.push(store);
  const audit = new AuditLog(store);
  return { store, audit, requests: new OperationRequests(store, audit) };
}

function draft(connector = 'main', minutes = 30): Omit<OperationRequest, 'id' | 'state'> {
  return {
    connector,
    kind: 'restart',
    params: {},
    reason: 'stuck after the broker restart',
    requestedBy: ada,
    conversation: SLACK_CHANNEL,
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + minutes * 60_000),
    selfApproved: false,
  };
}

const approve = (requests: OperationRequests, id: string, at = new Date(T0.getTime() + 60_000), by = bob) =>
  requests.transition(id, ['pending'], 'approved', at, { decidedBy: by, decidedAt: at }, { event: 'approved', actor: by, detail: {} });

describe('OperationRequests', () => {
  it('creates a pending request with a short id that can be typed, and audits it', () => {
    const { requests, audit } = open();
    const created = requests.create(draft());
    expect(created.ok).toBe(true);
    const request = (created as { request: OperationRequest }).request;
    expect(request.id).toMatch(/^[a-hj-np-z2-9]{6}$/);
    expect(requests.get(request.id.toUpperCase())).toMatchObject({ state: 'pending', connector: 'main', reason: 'stuck after the broker restart' });
    expect(audit.list()).toEqual([expect.objectContaining({ event: 'requested', requestId: request.id, actor: ada, detail: expect.objectContaining({ reason: 'stuck after the broker restart' }) })]);
  });

  it('one operation at a time per connector: a second request is refused with the first', () => {
    const { requests } = open();
    const first = requests.create(draft()) as { request: OperationRequest };
    const second = requests.create(draft());
    expect(second).toEqual({ ok: false, active: expect.objectContaining({ id: first.request.id }) });
    expect(requests.create(draft('other')).ok).toBe(true);
  });

  it('50 simultaneous approvals (two people, double clicks, redeliveries): exactly one wins', async () => {
    const { requests, audit } = open();
    const { request } = requests.create(draft()) as { request: OperationRequest };
    const outcomes = await Promise.all(Array.from({ length: 50 }, async (_, i) => approve(requests, request.id, new Date(T0.getTime() + 60_000), i % 2 ? bob : ada)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.current?.state === 'approved')).toBe(true);
    expect(audit.list().filter((e) => e.event === 'approved')).toHaveLength(1);
  });

  it('two bot processes on one DATA_DIR, 25 attempts each: exactly one execution', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cops-approvals-')), 'connector-ops.sqlite');
    const { requests, audit } = open(path);
    const { request } = requests.create(draft()) as { request: OperationRequest };
    const worker = fileURLToPath(new URL('../support/workers/approve-worker.ts', import.meta.url));
    const children = ['U0ONE', 'U0TWO'].map((actorId) => spawn(process.execPath, [worker, path, request.id, '25', actorId, new Date(T0.getTime() + 60_000).toISOString()], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = children.map((child) => {
      let text = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()).includes('ready') && resolve()));
      const done = new Promise<string>((resolve) => child.on('exit', () => resolve(text)));
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    // Both have opened the store and wait: they race from the same moment.
    for (const child of children) child.stdin.end('go\n');
    const texts = await Promise.all(outputs.map((o) => o.done));
    const wins = texts.map((text) => Number(text.trim().split('\n').at(-1)));
    expect(wins.every((w) => w === 0 || w === 1)).toBe(true);
    expect(wins.reduce((a, b) => a + b, 0)).toBe(1);
    expect(requests.get(request.id)?.state).toBe('executing');
    expect(audit.list().filter((e) => e.event === 'started')).toHaveLength(1);
  }, 20_000);

  it('an expired request cannot be approved; expiry is recorded once', () => {
    const { requests, audit } = open();
    const { request } = requests.create(draft('main', 30)) as { request: OperationRequest };
    const late = approve(requests, request.id, new Date(T0.getTime() + 31 * 60_000));
    expect(late.ok).toBe(false);
    expect(requests.expireDue(new Date(T0.getTime() + 31 * 60_000)).map((r) => r.id)).toEqual([request.id]);
    expect(requests.get(request.id)?.state).toBe('expired');
    expect(requests.expireDue(new Date(T0.getTime() + 40 * 60_000))).toEqual([]);
    expect(audit.list().filter((e) => e.event === 'expired')).toHaveLength(1);
    // The connector is free again.
    expect(requests.create(draft()).ok).toBe(true);
  });

  it('after a crash, what was approved or executing is interrupted, never left to run; pending stays approvable', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cops-crash-')), 'connector-ops.sqlite');
    const before = open(path);
    const running = (before.requests.create(draft('a')) as { request: OperationRequest }).request;
    const waiting = (before.requests.create(draft('b')) as { request: OperationRequest }).request;
    approve(before.requests, running.id);
    before.requests.claim(running.id, 'this-host:4242', new Date(T0.getTime() + 61_000));
    before.store.close();

    const after = open(path);
    // The owning process is gone (kill -9): as judged, the run is interrupted, once.
    const found = after.requests.abandoned((owner) => owner.executor === 'this-host:4242');
    const at = new Date(T0.getTime() + 62_000);
    const interrupted = found.map((run) => after.requests.interrupt(run, at)).flatMap((result) => (result.ok ? [result.request] : []));
    expect(interrupted.map((r) => [r.id, r.state])).toEqual([[running.id, 'interrupted']]);
    expect(found.map((run) => after.requests.interrupt(run, at).ok)).toEqual([false]);
    expect(after.requests.get(running.id)?.outcome).toMatch(/bot stopped while it ran/);
    expect(after.audit.list().filter((e) => e.event === 'interrupted')).toEqual([expect.objectContaining({ requestId: running.id, detail: expect.objectContaining({ foundIn: 'executing' }) })]);
    expect(approve(after.requests, waiting.id).ok).toBe(true);
  });

  it('interrupts a run only as it was judged: a heartbeat that came meanwhile says its owner lives', () => {
    const { requests } = open();
    const { request } = requests.create(draft('a')) as { request: OperationRequest };
    approve(requests, request.id);
    requests.claim(request.id, 'there:-:2:abc', new Date(T0.getTime() + 61_000));
    const [run] = requests.abandoned(() => true);
    expect(run?.owner).toEqual({ executor: 'there:-:2:abc', heartbeatAt: T0.getTime() + 61_000 });
    requests.heartbeat(request.id, 'there:-:2:abc', new Date(T0.getTime() + 130_000));
    expect(requests.interrupt(run!, new Date(T0.getTime() + 140_000)).ok).toBe(false);
    expect(requests.get(request.id)?.state).toBe('executing');
  });

  it('refuses transitions the state machine does not have', () => {
    const { requests } = open();
    const { request } = requests.create(draft()) as { request: OperationRequest };
    expect(() => requests.transition(request.id, ['pending'], 'executing', T0, {}, { event: 'started', detail: {} })).toThrow('no transition from pending to executing');
  });
});

describe('AuditLog', () => {
  it('is append only: the store refuses to change or delete an entry', () => {
    const { store, audit } = open();
    audit.append({ at: T0, event: 'requested', connector: 'main', detail: {} });
    expect(() => store.db.exec("UPDATE audit_log SET event = 'approved'")).toThrow(/never changed/);
    expect(() => store.db.exec('DELETE FROM audit_log')).toThrow(/never deleted/);
    expect(audit.list()).toHaveLength(1);
  });

  it('lists the newest entries, oldest first, by connector and since a time', () => {
    const { audit } = open();
    for (let i = 0; i < 5; i++) audit.append({ at: new Date(T0.getTime() + i * 1000), event: 'progress', connector: i % 2 ? 'b' : 'a', detail: { text: `step ${i}` } });
    expect(audit.list({ limit: 2 }).map((e) => e.detail.text)).toEqual(['step 3', 'step 4']);
    expect(audit.list({ connector: 'b' }).map((e) => e.detail.text)).toEqual(['step 1', 'step 3']);
    expect(audit.list({ since: new Date(T0.getTime() + 3000) }).map((e) => e.detail.text)).toEqual(['step 3', 'step 4']);
  });
});
