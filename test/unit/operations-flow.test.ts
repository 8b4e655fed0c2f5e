import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { ConfiguredAccess, type AccessSettings } from '../../src/domain/access.ts';
import { conversationKey, type Actor, type Conversation } from '../../src/domain/request.ts';
import { checkResult } from '../../src/domain/check-result.ts';
import { connectorReport, report } from '../../src/domain/report.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import {
  aConnector,
  buttonsOf,
  memoryKind,
  NO_ACCESS_SETTINGS,
  SLACK_CHANNEL,
  staticDirectory,
  testDispatcher,
  testOperations,
  type RecordingReply,
} from '../support/builders.ts';

const runner: ReportRunner = { run: async (connectors, ids) => report(connectors.map((c) => connectorReport(c.name, ids.map((id) => checkResult(id, 'ok', 'fine'))))) };
const MAIN = aConnector('main', { container: 'connector-main', url: 'http://127.0.0.1:1' });
const ada: Actor = { platform: 'slack', id: 'U0ADA', displayName: 'Ada' };
const bob: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob' };
const eve: Actor = { platform: 'slack', id: 'U0EVE', displayName: 'Eve' };
const consoleUser: Actor = { platform: 'console', id: 'console', displayName: 'root' };
const terminal: Conversation = { platform: 'console', id: 'console', private: true };
const ACCESS = { ...NO_ACCESS_SETTINGS, operators: ['slack:U0ADA', 'slack:U0BOB'], approvers: ['slack:U0BOB'] };

function setup(access: AccessSettings = ACCESS, kinds = [memoryKind('restart')]) {
  const ops = testOperations(kinds.map((k) => k.spec), access);
  const path = testDispatcher(staticDirectory([MAIN, aConnector('other')]), runner, { policy: new ConfiguredAccess(access), operations: ops.service, platforms: ops.platforms });
  const as = (actor: Actor, text: string, conversation: Conversation = SLACK_CHANNEL) => path.ask(text, { actor, conversation });
  /** What a conversation shows once the outbox has delivered. */
  const shown = async (conversation: Conversation = SLACK_CHANNEL) => {
    await ops.deliver();
    return ops.platforms.get(conversation.platform)!.messages(conversationKey(conversation));
  };
  return { ...ops, path, as, shown, executed: kinds[0]!.executed };
}

const idOf = (reply: RecordingReply) => /Request ([a-z0-9]{6})/.exec(reply.last.text + JSON.stringify(reply.last.blocks))![1]!;

describe('operations through the request path', () => {
  it('request → another person approves → it runs once; the request message is updated in place; the outcome is a reply; all audited in order', async () => {
    const { as, executed, audit, shown, platforms } = setup();
    const requested = await as(ada, '/connector restart main --reason "stuck after the broker restart"');
    expect(requested.kinds).toEqual(['acknowledge', 'post:conversation']);
    const message = requested.last;
    expect(message.text).toContain('Ada asks to restart main: stuck after the broker restart');
    expect(buttonsOf(message).map((b) => [b.label, b.command, b.style])).toEqual([
      ['Approve', `/connector approve ${idOf(requested)}`, 'danger'],
      ['Reject', `/connector reject ${idOf(requested)}`, undefined],
    ]);
    expect(buttonsOf(message)[0]!.confirm?.title).toBe('Restart main?');

    const id = idOf(requested);
    const approved = await as(bob, `/connector approve ${id}`);
    expect(executed).toHaveLength(1);
    // Clicked where the request is: the message itself shows it; nothing private.
    expect(approved.kinds).toEqual(['acknowledge']);
    // Updated in place (the request message's ref), progress shown, the outcome as a thread reply.
    const [request, outcome, ...more] = await shown();
    expect(more).toEqual([]);
    expect(request).toMatchObject({ ref: requested.events[1]!.kind === 'post' ? requested.events[1]!.id : '', edits: 3 });
    expect(renderText(request!.message).text).toMatch(/Approved by Bob; done: done[\s\S]*restart step 1/);
    expect(buttonsOf(request!.message)).toEqual([]);
    expect(outcome).toMatchObject({ threadOf: request!.ref, text: 'Restart of main succeeded: done' });
    expect(platforms.get('slack')!.calls.map((c) => c.kind)).toEqual(['post', 'update', 'update', 'update', 'post']);
    expect(audit.list().map((e) => e.event)).toEqual(['requested', 'approved', 'started', 'progress', 'succeeded']);
    expect(audit.list()[1]!.actor).toMatchObject({ id: 'U0BOB', displayName: 'Bob' });

    const again = await as(bob, `/connector approve ${id}`);
    expect(again.last.text).toMatch(/was already approved by Bob and has succeeded/);
    expect(executed).toHaveLength(1);
  });

  it('four eyes in chat: the requester cannot approve their own request (refusal audited)', async () => {
    const { as, executed, audit } = setup({ ...ACCESS, approvers: ['slack:U0ADA', 'slack:U0BOB'] });
    const id = idOf(await as(ada, '/connector restart main'));
    const own = await as(ada, `/connector approve ${id}`);
    expect(own.kinds).toEqual(['acknowledge', 'post:private']);
    expect(own.last.text).toMatch(/another approver must approve it \(four eyes\)/);
    expect(executed).toHaveLength(0);
    expect(audit.list().map((e) => e.event)).toEqual(['requested', 'refused']);
  });

  it('allowSelfApproval lets a team of one approve their own request, and it says so', async () => {
    const { as, executed, audit, shown } = setup({ ...ACCESS, approvers: ['slack:U0ADA'], allowSelfApproval: true });
    const id = idOf(await as(ada, '/connector restart main'));
    await as(ada, `/connector approve ${id}`);
    expect(executed).toHaveLength(1);
    expect(renderText((await shown())[0]!.message).text).toContain('(self-approved)');
    expect(audit.list().find((e) => e.event === 'approved')?.detail).toMatchObject({ selfApproved: true });
  });

  it('the console user is operator and approver and may approve their own request ("self-approved")', async () => {
    const { as, executed, shown } = setup(NO_ACCESS_SETTINGS);
    const id = idOf(await as(consoleUser, '/connector restart main', terminal));
    await as(consoleUser, `/connector approve ${id}`, terminal);
    expect(executed).toHaveLength(1);
    expect((await shown(terminal)).map((m) => m.text)).toEqual([expect.stringContaining('(self-approved); done'), 'Restart of main succeeded: done']);
  });

  it('without configured roles, chat may only look: a restart is refused, naming the role and the setting; nothing is queued', async () => {
    const { as, requests } = setup(NO_ACCESS_SETTINGS);
    const refused = await as(eve, '/connector restart main');
    expect(refused.kinds).toEqual(['acknowledge', 'post:private']);
    expect(refused.last.text).toBe(
      '"/connector restart" needs the operator role, which you do not have. Ask whoever runs connector-ops to add slack:U0EVE to CONNECTOR_OPS_OPERATORS (or to access.operators in its YAML file).',
    );
    expect(requests.active()).toEqual([]);
  });

  it('an operator may not approve; an approver may reject with a reason; a decided request loses its buttons', async () => {
    const { as, executed, shown } = setup();
    const id = idOf(await as(ada, '/connector restart main'));
    expect((await as(ada, `/connector reject ${id}`)).last.text).toMatch(/needs the approver role/);
    const rejected = await as(bob, `/connector reject ${id} not during the demo`);
    expect(rejected.kinds).toEqual(['acknowledge', 'post:private']);
    const [update] = await shown();
    expect(update).toMatchObject({ edits: 1 });
    expect(renderText(update!.message).text).toContain('Rejected by Bob: not during the demo');
    expect(buttonsOf(update!.message)).toEqual([]);
    expect(executed).toHaveLength(0);
    expect((await as(bob, `/connector approve ${id}`)).last.text).toBe(`Request ${id} was already rejected by Bob.`);
  });

  it('one operation at a time per connector: a second request points to the first', async () => {
    const { as } = setup();
    const id = idOf(await as(ada, '/connector restart main'));
    const second = await as(bob, '/connector restart main');
    expect(second.last.text).toContain(`main already has request ${id} (restart, pending`);
    expect(second.last.text).toContain(`/connector cancel ${id}`);
  });

  it('the requester may cancel; others may not; /connector requests lists what is pending', async () => {
    const { as } = setup();
    const id = idOf(await as(ada, '/connector restart main'));
    expect(renderText((await as(bob, '/connector requests')).last).text).toMatch(new RegExp(`${id} +restart main · pending · by Ada`));
    expect((await as(bob, `/connector cancel ${id}`)).last.text).toMatch(/Only Ada, who requested it, can cancel/);
    await as(ada, `/connector cancel ${id}`);
    expect((await as(bob, '/connector requests')).last.text).toBe('No pending or running requests.');
  });

  it('an operation names one connector when there are several; an unknown name is refused before anything is queued', async () => {
    const { as, requests } = setup();
    expect((await as(ada, '/connector restart')).last.text).toBe('Name the connector to restart: /connector restart <connector>. Known connectors: main, other.');
    expect((await as(ada, '/connector restart nosuch')).last.text).toContain('Unknown connector "nosuch"');
    expect(requests.active()).toEqual([]);
  });

  it('operations only from listed channels: elsewhere refused, saying where', async () => {
    const { as } = setup({ ...ACCESS, operationChannels: ['slack:C0OPS'] });
    const elsewhere = await as(ada, '/connector restart main');
    expect(elsewhere.last.text).toMatch(/Operations may be requested and decided only in slack:C0OPS/);
    const there = await as(ada, '/connector restart main', { platform: 'slack', id: 'C0OPS', private: false });
    expect(there.last.text).toContain('asks to restart main');
  });

  it('/connector audit shows who did what, newest last', async () => {
    const { as } = setup();
    const id = idOf(await as(ada, '/connector restart main'));
    await as(bob, `/connector approve ${id}`);
    const text = renderText((await as(eve, '/connector audit main --limit 3')).last).text;
    expect(text).toMatch(/started · [a-z0-9]{6} · restart main/);
    expect(text).toMatch(/succeeded · .* · done/);
    expect(text.split('\n').filter((l) => /^\s+\d{4}-\d\d-\d\d /.test(l))).toHaveLength(3);
  });
});
