import { createServer, type Server } from 'node:http';
import { ReceiverMultipleAckError } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAck } from '../../src/chat/slack/http-ack.ts';
import { silentLogger } from '../support/builders.ts';

/**
 * The acknowledgement our receiver hands Bolt's listeners (src/chat/slack/http-ack.ts), on a real loopback
 * server: what a listener passes to ack() is the HTTP answer Slack reads (an ephemeral reply, a text), as with
 * Bolt's own receiver; a second ack() throws as Bolt's does.
 */
describe('HttpAck', () => {
  let server: Server;
  let url: string;
  const secondAcks: unknown[] = [];
  const answers: Record<string, unknown> = {
    '/object': { response_type: 'ephemeral', text: 'only you see this' },
    '/text': 'acknowledged, working on it',
    '/nothing': undefined,
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const ack = new HttpAck(res, silentLogger());
      void ack.fn(answers[req.url ?? ''] as never).then(() => ack.fn().catch((error: unknown) => secondAcks.push(error)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };

  it('an object is answered as JSON: a response_type of ephemeral reaches Slack as it was given', async () => {
    const answer = await get('/object');
    expect(answer).toMatchObject({ status: 200, type: 'application/json' });
    expect(JSON.parse(answer.body)).toEqual({ response_type: 'ephemeral', text: 'only you see this' });
  });

  it('a text is answered as it is, and nothing as an empty 200', async () => {
    expect(await get('/text')).toMatchObject({ status: 200, body: 'acknowledged, working on it' });
    expect(await get('/nothing')).toMatchObject({ status: 200, body: '' });
  });

  it('a second acknowledgement throws, as Bolt\'s does', async () => {
    await get('/nothing');
    expect(secondAcks.at(-1)).toBeInstanceOf(ReceiverMultipleAckError);
  });
});
