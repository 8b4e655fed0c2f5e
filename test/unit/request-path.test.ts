import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { checkResult } from '../../src/domain/check-result.ts';
import { textMessage } from '../../src/domain/message.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { connectorReport, report } from '../../src/domain/report.ts';
import type { AccessPolicy } from '../../src/domain/roles.ts';
import { VERBS } from '../../src/domain/verbs.ts';
import { runMiddleware, type Middleware, type RequestContext } from '../../src/request/context.ts';
import { AcknowledgedTwiceError, GuardedReply } from '../../src/request/reply-guard.ts';
import { createVerbHandlers } from '../../src/request/verb-handlers.ts';
import { aConnector, aRequest, RecordingReply, silentLogger, staticDirectory, testDispatcher, testNotifications, testOperations, capturingLogger, testAlerts } from '../support/builders.ts';

const MAIN = aConnector('main', { container: 'connector-main' });

function runnerTaking(ms: number): ReportRunner & { calls: number } {
  const runner = {
    calls: 0,
    async run(connectors: Parameters<ReportRunner['run']>[0], ids: Parameters<ReportRunner['run']>[1]) {
      runner.calls++;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return report(connectors.map((c) => connectorReport(c.name, ids.map((id) => checkResult(id, 'ok', `${id} fine`)))));
    },
  };
  return runner;
}


describe('the request path', () => {
  it('acknowledges before anything else happens, before the directory is even asked', async () => {
    const reply = new RecordingReply();
    const order: string[] = [];
    const directory = {
      list: async () => {
        order.push(`list after ${reply.kinds.join(',')}`);
        return { connectors: [MAIN] };
      },
    };
    const { dispatcher } = testDispatcher(directory, runnerTaking(0));
    await dispatcher.dispatch(aRequest('/connector health'), reply);
    expect(order).toEqual(['list after acknowledge']);
    expect(reply.kinds[0]).toBe('acknowledge');
  });

  it('posts a quick report once, in the conversation; help and usage errors go privately', async () => {
    const path = testDispatcher(staticDirectory([MAIN]), runnerTaking(0), { progressAfterMs: 1_000 });
    expect((await path.ask('/connector health')).kinds).toEqual(['acknowledge', 'post:conversation']);
    expect((await path.ask('/connector help')).kinds).toEqual(['acknowledge', 'post:private']);
    expect((await path.ask('/connector health nosuch')).kinds).toEqual(['acknowledge', 'post:private']);
  });

  it('a slow report: "checking …" at once, then that message updated in place with the report', async () => {
    const path = testDispatcher(staticDirectory([MAIN]), runnerTaking(80), { progressAfterMs: 10 });
    const reply = await path.ask('/connector health main');
    expect(reply.kinds).toEqual(['acknowledge', 'post:conversation', 'update']);
    const [, progress, update] = reply.events;
    expect(progress).toMatchObject({ kind: 'post', message: { text: 'Checking health of main …' } });
    expect(update).toMatchObject({ kind: 'update', id: (progress as { id: string }).id });
    expect(reply.last.text).toMatch(/^Health · main: OK/);
  });

  it('refuses a verb whose role the actor lacks: privately, naming the role and the setting, and runs nothing', async () => {
    const denyAll: AccessPolicy = { allows: () => false, howToGrant: (role, actor) => `Add slack:${actor.id} to CONNECTOR_OPS_${role.toUpperCase()}S.` };
    const runner = runnerTaking(0);
    const path = testDispatcher(staticDirectory([MAIN]), runner, { policy: denyAll });
    const reply = await path.ask('/connector health');
    expect(reply.kinds).toEqual(['acknowledge', 'post:private']);
    expect(reply.last.text).toBe('"/connector health" needs the viewer role, which you do not have. Add slack:U0123ABCD to CONNECTOR_OPS_VIEWERS.');
    expect(runner.calls).toBe(0);
    expect(path.counted).toEqual([{ verb: 'health', platform: 'slack' }]);
  });

  it('without access settings, everyone in chat may use the read-only verbs and none of the others', async () => {
    const path = testDispatcher(staticDirectory([MAIN]), runnerTaking(0));
    for (const spec of VERBS) {
      const needs: Record<string, string> = { approve: ' r7k2m9', reject: ' r7k2m9', cancel: ' r7k2m9', subscribe: ' reports', unsubscribe: ' alerts', silence: ' main 1h', unsilence: ' s-0a1b2c' };
      const reply = await path.ask(`/connector ${spec.verb}${needs[spec.verb] ?? ''}`);
      if (spec.role === 'viewer') expect(reply.last.text, spec.verb).not.toMatch(/needs the .* role/);
      else expect(reply.last.text, spec.verb).toMatch(new RegExp(`needs the ${spec.role} role`));
    }
  });

  it('echoes typed input inert: a terminal escape comes back as visible text, never as the control character', async () => {
    const path = testDispatcher(staticDirectory([MAIN]), runnerTaking(0));
    const reply = await path.ask('/connector health \u001b[2J\u001b[31mmain\u0007');
    expect(reply.last.text).toContain('Unknown connector "\\u001b[2J\\u001b[31mmain\\u0007"');
    // eslint-disable-next-line no-control-regex -- the point: none of them may reach the terminal
    expect(renderText(reply.last).text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const verb = await path.ask('/connector \u001b]0;pwned\u0007');
    expect(verb.last.text).toContain('Unknown command "\\u001b]0;pwned\\u0007"');
  });

  it('the text renderer shows control characters of any text as escapes, keeping newlines', () => {
    const rendered = renderText(textMessage('line one\nlog said \u001b[31mred\u001b[0m\r'));
    expect(rendered.text).toBe('line one\nlog said \\u001b[31mred\\u001b[0m\\u000d');
  });

  it('logs every request with its id, bound to the logger the handlers get', async () => {
    const { logger, records } = capturingLogger();
    const path = testDispatcher(staticDirectory([MAIN]), runnerTaking(0), { logger });
    const request = aRequest('/connector help');
    await path.dispatcher.dispatch(request, new RecordingReply());
    expect(records).toContainEqual(expect.objectContaining({ requestId: request.id, verb: 'help', platform: 'slack', actor: 'U0123ABCD', msg: 'request handled' }));
  });

  it('has a handler for every verb of domain/verbs.ts', () => {
    const handlers = createVerbHandlers({ directory: staticDirectory([]), runner: runnerTaking(0), operations: testOperations().service, notifications: testNotifications(), alerts: testAlerts(staticDirectory([])).verbs });
    expect(Object.keys(handlers).sort()).toEqual(VERBS.map((v) => v.verb).sort());
  });
});

describe('GuardedReply', () => {
  it('a second acknowledgement is an error', async () => {
    const guard = new GuardedReply(new RecordingReply(), { requestId: 'r1', logger: silentLogger(), ackDeadlineMs: 1_000 });
    await guard.acknowledge();
    await expect(guard.acknowledge()).rejects.toBeInstanceOf(AcknowledgedTwiceError);
    guard.close();
  });

  it('a request not acknowledged in time is logged; one acknowledged in time is not', async () => {
    const { logger, records } = capturingLogger();
    const early = new GuardedReply(new RecordingReply(), { requestId: 'early', logger, ackDeadlineMs: 5 });
    await early.acknowledge();
    // Made later with the same deadline, so its deadline falls after the early one's: once it is logged, the
    // early one's deadline has passed too.
    const late = new GuardedReply(new RecordingReply(), { requestId: 'late', logger, ackDeadlineMs: 5 });
    await expect.poll(() => records).toContainEqual(expect.objectContaining({ requestId: 'late', msg: 'request not acknowledged in time' }));
    expect(records.filter((r) => r.requestId === 'early')).toEqual([]);
    late.close();
  });
});

describe('runMiddleware', () => {
  const context = (): RequestContext => ({ request: aRequest('x'), reply: new RecordingReply(), logger: silentLogger() });

  it('runs the middleware in order around the last step; one that does not call next stops the rest', async () => {
    const seen: string[] = [];
    const named = (name: string): Middleware => async (_c, next) => {
      seen.push(`${name} in`);
      await next();
      seen.push(`${name} out`);
    };
    await runMiddleware([named('a'), named('b')], context(), async () => {
      seen.push('handler');
    });
    expect(seen).toEqual(['a in', 'b in', 'handler', 'b out', 'a out']);
    const stopped: string[] = [];
    await runMiddleware([async () => undefined], context(), async () => {
      stopped.push('handler');
    });
    expect(stopped).toEqual([]);
  });

  it('refuses a middleware calling next twice', async () => {
    const twice: Middleware = async (_c, next) => {
      await next();
      await next();
    };
    await expect(runMiddleware([twice], context(), async () => undefined)).rejects.toThrow('next() called twice');
  });
});
