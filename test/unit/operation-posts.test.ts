import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { ConfiguredAccess } from '../../src/domain/access.ts';
import { nextStep } from '../../src/domain/interruption-message.ts';
import type { ContainerCondition, OperationKind, OperationRequest } from '../../src/domain/operation.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { conversationKey, type Actor, type Conversation } from '../../src/domain/request.ts';
import { report } from '../../src/domain/report.ts';
import type { OperationKindSpec } from '../../src/operations/executor.ts';
import { THIS_PROCESS } from '../../src/operations/executor-identity.ts';
import { Store } from '../../src/store/store.ts';
import { aConnector, buttonsOf, memoryKind, NO_ACCESS_SETTINGS, SLACK_CHANNEL, staticDirectory, testDispatcher, testOperations } from '../support/builders.ts';
import type { MemoryTransport } from '../support/memory-transport.ts';

const runner: ReportRunner = { run: async () => report([]) };
const MAIN = aConnector('main', { container: 'connector-main' });
const ada: Actor = { platform: 'slack', id: 'U0ADA', displayName: 'Ada' };
const bob: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob' };
const root: Actor = { platform: 'console', id: 'console', displayName: 'root' };
const terminal: Conversation = { platform: 'console', id: 'console', private: true };
const elsewhere: Conversation = { platform: 'slack', id: 'C0OTHER01', private: false };
const ACCESS = { ...NO_ACCESS_SETTINGS, operators: ['slack:U0ADA'], approvers: ['slack:U0BOB'] };
const STOPPED: ContainerCondition = { state: 'stopped', text: 'exited (exit code 143) 1 min ago' };

/** The request path and the operation service of one bot process, over `store`, posting to `platforms`. */
function bot(options: Parameters<typeof testOperations>[2] = {}, kinds: OperationKindSpec[] = [memoryKind('restart').spec]) {
  const ops = testOperations(kinds, ACCESS, options);
  const path = testDispatcher(staticDirectory([MAIN]), runner, { policy: new ConfiguredAccess(ACCESS), operations: ops.service, platforms: ops.platforms });
  const as = (actor: Actor, text: string, conversation: Conversation = SLACK_CHANNEL) => path.ask(text, { actor, conversation });
  const shown = async (conversation: Conversation = SLACK_CHANNEL) => {
    await ops.deliver();
    return ops.platforms.get(conversation.platform)!.messages(conversationKey(conversation));
  };
  return { ...ops, as, shown, slack: ops.platforms.get('slack') as MemoryTransport };
}

const idOf = (text: string) => /Request ([a-z0-9]{6})/.exec(text)![1]!;

/** An operation that runs until `finish` is called: a run to cut off. */
function heldKind(kind: OperationKind) {
  let finish = () => {};
  const spec: OperationKindSpec = {
    ...memoryKind(kind).spec,
    execute: async ({ progress }) => {
      await progress(`${kind}: stopping connector-main`);
      await new Promise<void>((resolve) => (finish = resolve));
      return { ok: true, summary: 'done', details: [] };
    },
  };
  return { spec, finish: () => finish() };
}

describe('what people see of a request goes through the outbox; showing it never holds the operation back', () => {
  it('a deleted request message: the approval still runs the operation, its state is posted anew saying the original is gone, the outcome in that post\'s thread', async () => {
    const { as, shown, slack, requests } = bot();
    const id = idOf(renderText((await as(ada, '/connector restart main')).last).text);
    const [original] = await shown();
    slack.delete(original!.ref);

    await as(bob, `/connector approve ${id}`);
    expect(requests.get(id)?.state).toBe('succeeded');
    const [state, outcome, ...more] = await shown();
    expect(more).toEqual([]);
    expect(state!.text).toMatch(/^The message this updates is gone .*Approved by Bob; done/);
    expect(buttonsOf(state!.message)).toEqual([]);
    expect(outcome).toMatchObject({ text: 'Restart of main succeeded: done', threadOf: state!.ref });
  });

  it('a platform that fails every update: the operation runs and ends all the same, the updates wait in the outbox', async () => {
    const { as, shown, slack, requests, outbox } = bot();
    const id = idOf(renderText((await as(ada, '/connector restart main')).last).text);
    await shown();
    slack.next(...Array.from({ length: 5 }, () => new Error('HTTP 503')));
    await as(bob, `/connector approve ${id}`);
    expect(requests.get(id)?.state).toBe('succeeded');
    await shown();
    expect(outbox.pending().total).toBeGreaterThan(0);
  });
});

describe('a decision or an expiry updates the request message for everyone, without buttons', () => {
  it('approved from another channel, and from the console: the request message shows it; the approver is told privately', async () => {
    const { as, shown } = bot();
    const id = idOf(renderText((await as(ada, '/connector restart main')).last).text);
    const approved = await as(bob, `/connector approve ${id}`, elsewhere);
    expect(approved.kinds).toEqual(['acknowledge', 'post:private']);
    expect(approved.last.text).toMatch(new RegExp(`Approved ${id} \\(restart main\\): it runs now`));
    const [request] = await shown();
    expect(request!.text).toContain('Approved by Bob; done');
    expect(await shown(elsewhere)).toEqual([]);
  });

  it('rejected at the console, cancelled from another channel: the Slack message says so and loses its buttons', async () => {
    const { as, shown } = bot();
    const first = idOf(renderText((await as(ada, '/connector restart main')).last).text);
    expect((await as(root, `/connector reject ${first} not now`, terminal)).last.text).toBe(`Request ${first} rejected.`);
    const second = idOf(renderText((await as(ada, '/connector restart main')).last).text);
    await as(ada, `/connector cancel ${second}`, elsewhere);
    const [rejected, cancelled] = await shown();
    expect(rejected!.text).toContain('Rejected by root: not now.');
    expect(cancelled!.text).toContain('Cancelled by Ada.');
    expect([...buttonsOf(rejected!.message), ...buttonsOf(cancelled!.message)]).toEqual([]);
    expect(await shown(terminal)).toEqual([]);
  });

  it('expired: the request message says so, without Approve and Reject, once', async () => {
    let now = new Date('2026-12-01T09:00:00Z');
    const { as, shown, service } = bot({ now: () => now });
    await as(ada, '/connector restart main');
    expect(buttonsOf((await shown())[0]!.message).map((b) => b.label)).toEqual(['Approve', 'Reject']);
    now = new Date(now.getTime() + 31 * 60_000);
    await service.recover();
    await service.recover();
    const [request] = await shown();
    expect(buttonsOf(request!.message)).toEqual([]);
    expect(request).toMatchObject({ edits: 1, text: expect.stringContaining('Expired before anyone decided.') });
  });
});

describe('a run a crash cut off is announced where it was requested', () => {
  it('found by the restarted bot (same host, same pid, another instance): the message says interrupted, a post tells the state and offers the next step; announced once', async () => {
    const store = Store.open(':memory:');
    const held = heldKind('restart');
    const before = bot({ store, self: { ...THIS_PROCESS, instance: 'before0000000000' } }, [held.spec]);
    const id = idOf(renderText((await before.as(ada, '/connector restart main')).last).text);
    void before.as(bob, `/connector approve ${id}`);
    await expect.poll(() => before.requests.get(id)?.state).toBe('executing');

    // The bot killed and started again in its container: pid 1 again, the same host, a new instance; two of them find it.
    const after = bot({ store, platforms: before.platforms, self: { ...THIS_PROCESS, instance: 'after00000000000' }, condition: () => STOPPED });
    const twin = bot({ store, platforms: before.platforms, self: { ...THIS_PROCESS, instance: 'twin000000000000' }, condition: () => STOPPED });
    const found = await Promise.all([after.service.recover(), twin.service.recover()]);
    expect(found.flat().map((r) => r.id)).toEqual([id]);
    expect(after.requests.get(id)?.state).toBe('interrupted');

    const [request, announcement, ...more] = await after.shown();
    expect(more).toEqual([]);
    expect(request!.text).toMatch(/interrupted: the bot stopped while it ran/);
    expect(renderText(request!.message).text).toContain('restart: stopping connector-main');
    expect(buttonsOf(request!.message)).toEqual([]);
    const text = renderText(announcement!.message).text;
    expect(text).toMatch(new RegExp(`Restart of main \\(request ${id}, approved by Bob\\) was cut off: the bot stopped while it ran\\. It is not run again\\.`));
    expect(text).toMatch(/Last step +restart: stopping connector-main/);
    expect(text).toMatch(/Now +exited \(exit code 143\) 1 min ago/);
    expect(buttonsOf(announcement!.message)).toEqual([{ label: 'Request start', command: `/connector start main --reason "after the interrupted restart ${id}"` }]);

    // The button is a request like any other: the connector is free for it.
    const start = await after.as(ada, buttonsOf(announcement!.message)[0]!.command);
    expect(renderText(start.last).text).toMatch(/Ada asks to start main: after the interrupted restart/);
    held.finish();
  });
});

describe('the next step after an interrupted run', () => {
  const request = (kind: OperationKind, params: OperationRequest['params'] = {}): OperationRequest => ({
    id: 'abc234',
    connector: 'main',
    kind,
    params,
    state: 'interrupted',
    requestedBy: { platform: 'slack', id: 'U0ADA', displayName: 'Ada' },
    conversation: SLACK_CHANNEL,
    createdAt: new Date(0),
    expiresAt: new Date(0),
    selfApproved: false,
  });
  const condition = (state: ContainerCondition['state']): ContainerCondition => ({ state, text: state });
  const labels = (kind: OperationKind, state: ContainerCondition['state'], foundIn: 'approved' | 'executing' = 'executing', params = {}) =>
    nextStep(request(kind, params), foundIn, condition(state)).buttons.map((b) => b.command.replace(/ --reason .*/, ''));

  it.each([
    ['restart', 'stopped', ['/connector start main']],
    ['restart', 'running', ['/connector restart main', '/connector health main']],
    ['start', 'stopped', ['/connector start main']],
    ['start', 'running', ['/connector health main']],
    ['stop', 'running', ['/connector stop main']],
    ['stop', 'stopped', ['/connector stop main', '/connector start main']],
    ['update', 'stopped', ['/connector start main']],
    ['update', 'missing', []],
    ['backup', 'running', ['/connector backup main']],
    ['cleanup', 'stopped', ['/connector cleanup main']],
    ['restart', 'restarting', ['/connector health main']],
    ['stop', 'unknown', ['/connector health main']],
  ] as const)('%s found %s → %j', (kind, state, commands) => {
    expect(labels(kind, state)).toEqual(commands);
  });

  it('an update asks for the same version again; one approved but never begun is requested again as it was', () => {
    expect(labels('update', 'running', 'executing', { targetVersion: '7.4.7' })).toEqual(['/connector update main 7.4.7', '/connector health main']);
    expect(labels('start', 'stopped', 'approved', { force: true })).toEqual(['/connector start main --force']);
    expect(nextStep(request('update'), 'executing', condition('missing')).text).toMatch(/previous.*backup archive/);
  });

  it('a container found restarting is its engine restarting it, whichever kind the engine is', () => {
    expect(nextStep(request('restart'), 'executing', condition('restarting')).text).toBe('Its engine is restarting it: look at its health.');
  });
});
