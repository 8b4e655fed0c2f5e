import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../../src/chat/adapter.ts';
import { ConsoleChat } from '../../src/chat/console/console-chat.ts';
import type { Message } from '../../src/domain/message.ts';
import type { ChatRequest } from '../../src/domain/request.ts';
import { textMessage } from '../../src/domain/message.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { report } from '../../src/domain/report.ts';
import { Redactor } from '../../src/logging/redact.ts';
import { aConnector, testDispatcher } from '../support/builders.ts';

const SECRET = 'console-secret-key-123';

const restartButton = {
  label: 'Restart',
  command: 'restart main',
  style: 'danger' as const,
  confirm: { title: 'Restart main?', text: 'The Connector stops for a moment.', confirm: 'Restart', deny: 'Cancel' },
};

/** Answers by a script; records every request it was asked to handle. */
function scriptedHandle(handled: string[], requests: ChatRequest[] = []): Dispatch {
  return async (request, reply) => {
    await reply.acknowledge();
    await reply.post(await answerTo(request.text), 'private');
    handled.push(request.text);
    requests.push(request);
  };
}

async function answerTo(input: string): Promise<Message> {
  {
    if (input === 'slow') await sleep(60);
    if (input === 'menu') {
      return {
        text: 'menu',
        blocks: [
          { type: 'section', text: 'Pick one' },
          { type: 'actions', buttons: [{ label: 'Details', command: 'details main' }, restartButton] },
        ],
      };
    }
    if (input === 'leak') return textMessage(`the key is ${SECRET}, the db mongodb://u:pw-9876@db:27017`);
    return textMessage(`answer to ${input}`);
  }
}

async function converse(lines: string[], dispatch: Dispatch = scriptedHandle([])): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const chat = new ConsoleChat({ input, output, dispatch, redact: (t) => new Redactor([SECRET]).redact(t), interactive: false });
  const done = chat.run();
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return written;
}

describe('ConsoleChat (non-interactive)', () => {
  it('answers the lines in order, one after another, even when an answer takes time', async () => {
    const handled: string[] = [];
    const out = await converse(['slow', 'fast', '', '  padded  '], scriptedHandle(handled));
    expect(handled).toEqual(['slow', 'fast', 'padded']);
    expect(out).toBe('answer to slow\nanswer to fast\nanswer to padded\n');
  });

  it('runs the command of a numbered choice', async () => {
    const handled: string[] = [];
    const out = await converse(['menu', '1'], scriptedHandle(handled));
    expect(out).toContain('  (1) Details\n  (2) Restart\nType a number to choose.\n');
    expect(handled).toEqual(['menu', 'details main']);
    expect(out).toContain('answer to details main');
  });

  it('asks y/N before a choice that carries a confirmation, and runs it only on yes', async () => {
    const handled: string[] = [];
    const out = await converse(['menu', '2', 'y', 'menu', '2', 'n', 'menu', '2', 'whatever'], scriptedHandle(handled));
    expect(out).toContain('Restart main?: The Connector stops for a moment. [y/N]\n');
    expect(handled).toEqual(['menu', 'restart main', 'menu', 'menu']);
    expect(out.match(/Cancelled\./g)).toHaveLength(2);
  });

  it('explains a number that is no choice', async () => {
    const handled: string[] = [];
    const out = await converse(['3', 'menu', '3', '0'], scriptedHandle(handled));
    expect(out).toContain('There is nothing to choose: type a command such as "/connector help".\n');
    expect(out).toContain('There is no choice 3; pick 1 to 2.\n');
    expect(out).toContain('There is no choice 0; pick 1 to 2.\n');
    expect(handled).toEqual(['menu']);
  });

  it('forgets the choices of an earlier answer once a new answer has none', async () => {
    const handled: string[] = [];
    const out = await converse(['menu', 'other', '1'], scriptedHandle(handled));
    expect(handled).toEqual(['menu', 'other']);
    expect(out).toContain('There is nothing to choose');
  });

  it('ends on exit and ignores what follows', async () => {
    const handled: string[] = [];
    await converse(['one', 'exit', 'two'], scriptedHandle(handled));
    expect(handled).toEqual(['one']);
    const quit: string[] = [];
    await converse(['QUIT', 'three'], scriptedHandle(quit));
    expect(quit).toEqual([]);
  });

  it('ends at the end of input, also without a final newline', async () => {
    const handled: string[] = [];
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const chat = new ConsoleChat({ input, output, dispatch: scriptedHandle(handled), redact: (t) => t, interactive: false });
    const done = chat.run();
    input.end('first\nlast without newline');
    await done;
    expect(handled).toEqual(['first', 'last without newline']);
  });

  it('ends when its signal aborts', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const controller = new AbortController();
    const chat = new ConsoleChat({ input, output, dispatch: scriptedHandle([]), redact: (t) => t, interactive: false });
    const done = chat.run(controller.signal);
    controller.abort();
    // A run that went on would never settle: the test's own time limit would fail it.
    await expect(done).resolves.toBeUndefined();
  });

  it('redacts everything it writes', async () => {
    const out = await converse(['leak']);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('pw-9876');
    expect(out).toBe('the key is ***, the db mongodb://u:***@db:27017\n');
  });

  it('works with the real request path: help, a usage error, an unknown connector', async () => {
    const runner: ReportRunner = { run: async () => report([]) };
    const path = testDispatcher({ list: async () => ({ connectors: [aConnector('main')] }) }, runner);
    const out = await converse(['/connector help', '/connector bogus', '/connector health nosuchconnector'], (request, reply) =>
      path.dispatcher.dispatch(request, reply),
    );
    expect(out).toContain('== connector-ops: operate enmeshed Connectors ==');
    expect(out).toMatch(/^ {4}status +run every check/m);
    expect(out).toContain('[WARN] Unknown command "bogus". Valid commands: help, connectors');
    expect(out).toContain('[WARN] Unknown connector "nosuchconnector". Known connectors: main.');
    expect(path.counted.map((c) => c.platform)).toEqual(['console', 'console', 'console']);
  });

  it('hands on requests from the console user in a private conversation, typed or by button', async () => {
    const requests: ChatRequest[] = [];
    await converse(['menu', '1'], scriptedHandle([], requests));
    expect(requests.map((r) => [r.text, r.origin])).toEqual([
      ['menu', 'typed'],
      ['details main', 'button'],
    ]);
    expect(requests[0]!.actor).toMatchObject({ platform: 'console', id: 'console' });
    expect(requests[0]!.conversation).toEqual({ platform: 'console', id: 'console', private: true });
    expect(new Set(requests.map((r) => r.id)).size).toBe(2);
  });

  it('prints an update of a posted message again', async () => {
    const out = await converse(['x'], async (_request, reply) => {
      const posted = await reply.post(textMessage('Checking …'), 'conversation');
      await reply.update(posted, textMessage('done'));
    });
    expect(out).toBe('Checking …\ndone\n');
  });
});
