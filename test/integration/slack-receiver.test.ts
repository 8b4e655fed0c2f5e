import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../support/builders.ts';
import { refusedDeliveries, SLACK_TEST_SECRET, slackBotOverHttp, type SlackBot } from '../support/slack-bot.ts';
import type { SlackStandin } from '../support/slack/index.ts';
import { buttonFor, post, signedRequest, signedText } from '../support/slack/index.ts';

/**
 * The bot's own HTTP receiver (src/chat/slack/http-receiver.ts), which replaced Bolt's: what Slack sends besides
 * commands and clicks is answered as Bolt answers it, and what Slack never sends is refused with a plain status.
 */

describe('Slack over HTTP: the bot\'s own receiver', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  let stop: (() => Promise<void>) | undefined;
  const { logger, records } = capturingLogger();
  beforeAll(async () => ({ standin, bot, stop } = await slackBotOverHttp(logger)));
  afterAll(() => stop?.());

  /** The answers that reached a command's response URL. */
  function answersTo(command: { response_url: string }) {
    const id = new URL(command.response_url).pathname.split('/').pop();
    return standin.calls.filter((c) => c.method === 'response_url' && String(c.params.id) === id);
  }

  async function answersHelp(): Promise<void> {
    const callsBefore = standin.calls.length;
    const help = signedRequest(SLACK_TEST_SECRET, standin.slashCommand({ text: 'help' }));
    expect((await post(`${bot.url}/slack/events`, help.body, help.headers)).status).toBe(200);
    await standin.waitFor(() => standin.calls.slice(callsBefore).find((c) => c.method === 'response_url' && JSON.stringify(c.params).includes('operate enmeshed Connectors')), 10_000);
  }

  it('a signed url_verification is answered with its challenge as JSON', async () => {
    const verification = standin.urlVerification('the-challenge');
    const { body, headers } = signedRequest(SLACK_TEST_SECRET, verification);
    const answer = await post(`${bot.url}/slack/events`, body, headers);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ challenge: 'the-challenge' });
  });

  it('Slack\'s ssl_check is answered 200 with nothing, and runs nothing', async () => {
    const callsBefore = standin.calls.length;
    const answer = await post(`${bot.url}/slack/events`, 'ssl_check=1&token=x&command=%2Fconnector&text=stop', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer).toMatchObject({ status: 200, body: '' });
    await answersHelp();
    expect(standin.calls.slice(callsBefore).filter((c) => c.method !== 'response_url' && c.method !== 'users.info')).toEqual([]);
  });

  it('a forged signature is answered 401 with an empty body, and the log names the problem', async () => {
    const help = signedRequest('not-the-secret', standin.slashCommand({ text: 'help' }));
    const answer = await post(`${bot.url}/slack/events`, help.body, help.headers);
    expect(answer).toMatchObject({ status: 401, body: '' });
    expect(records.find((r) => r.problem === 'a signature that does not match')).toMatchObject({ level: 40, msg: expect.stringMatching(/not signed/) });
  });

  it('a body over 4 MB is refused with 413 before it is read to its end; the next command is answered', async () => {
    const before = await refusedDeliveries(bot);
    const body = `command=%2Fconnector&text=${'a'.repeat(5 * 1024 * 1024)}`;
    const answer = await post(`${bot.url}/slack/events`, body, signedText(SLACK_TEST_SECRET, body, 'application/x-www-form-urlencoded').headers);
    expect(answer.status).toBe(413);
    expect(await refusedDeliveries(bot)).toBe(before + 1);
    await answersHelp();
  });

  it('a signed slash command sent as text/plain is refused with 400: Bolt reads a body of any other type as JSON', async () => {
    const before = await refusedDeliveries(bot);
    const { body } = signedRequest(SLACK_TEST_SECRET, standin.slashCommand({ text: 'help' }));
    const answer = await post(`${bot.url}/slack/events`, body, signedText(SLACK_TEST_SECRET, body, 'text/plain').headers);
    expect(answer).toMatchObject({ status: 400, body: 'refused: a body whose payload is not JSON\n' });
    expect(await refusedDeliveries(bot)).toBe(before + 1);
  });

  it('a GET is answered 405, naming POST', async () => {
    const answer = await fetch(`${bot.url}/slack/events`, { signal: AbortSignal.timeout(5_000) });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('a signed command no listener takes is answered 404 after 3 s, as Bolt does, and logged', async () => {
    const other = signedRequest(SLACK_TEST_SECRET, standin.slashCommand({ command: '/another-app', text: 'help' }));
    const answer = await post(`${bot.url}/slack/events`, other.body, other.headers);
    expect(answer).toMatchObject({ status: 404, body: '' });
    expect(records.find((r) => r.level === 50 && String(r.msg).includes('not acknowledged within 3 s'))).toBeDefined();
  });

  it('a retry Slack sends (x-slack-retry-num, signed anew) is acknowledged and runs nothing again', async () => {
    const command = standin.slashCommand({ text: 'help' });
    const first = signedRequest(SLACK_TEST_SECRET, command);
    expect((await post(`${bot.url}/slack/events`, first.body, first.headers)).status).toBe(200);
    await standin.waitFor(() => answersTo(command).length > 0, 10_000);
    const retry = signedRequest(SLACK_TEST_SECRET, command, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    const answer = await post(`${bot.url}/slack/events`, retry.body, { ...retry.headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(answer).toMatchObject({ status: 200, body: '' });
    // A command after the retry is answered once the retry has been taken as a redelivery.
    await answersHelp();
    expect(answersTo(command)).toHaveLength(1);
  });

  it('a button pressed (a payload= form field) and an event (JSON) go through it to the listeners', async () => {
    const health = standin.slashCommand({ text: 'health ops' });
    const asked = signedRequest(SLACK_TEST_SECRET, health);
    expect((await post(`${bot.url}/slack/events`, asked.body, asked.headers)).status).toBe(200);
    const report = await standin.waitFor(() => standin.messagesIn(health.channel_id).find((m) => JSON.stringify(m.blocks ?? []).includes('/connector restart ops')), 15_000);
    const click = standin.blockActions({ message: report, actionId: buttonFor(report.blocks, '/connector restart ops') });
    const press = signedRequest(SLACK_TEST_SECRET, click);
    expect(press.body.startsWith('payload=')).toBe(true);
    expect((await post(`${bot.url}/slack/events`, press.body, press.headers)).status).toBe(200);
    // The click ran as its presser: the test's bot has no operators, so the restart is refused, naming the role.
    const refusal = await standin.waitFor(() => answersTo(click)[0], 10_000);
    expect(JSON.stringify(refusal.params)).toContain('needs the operator role');

    const opened = signedRequest(SLACK_TEST_SECRET, standin.appHomeOpened());
    expect(opened.headers['content-type']).toBe('application/json');
    expect((await post(`${bot.url}/slack/events`, opened.body, opened.headers)).status).toBe(200);
    await standin.waitFor(() => standin.calls.find((c) => c.method === 'views.publish'), 10_000);
  });

  it('a client gone before its body ended is counted as refused, and the next command is answered', async () => {
    const before = await refusedDeliveries(bot);
    const { port } = new URL(bot.url);
    const socket = connect(Number(port), '127.0.0.1');
    // With 100-continue the server tells when it has taken the request: the cut comes while the body is read.
    socket.write(
      'POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1000\r\nexpect: 100-continue\r\n\r\n',
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('data', (data) => (String(data).startsWith('HTTP/1.1 100') ? resolve() : reject(new Error(`not a 100 Continue: ${String(data)}`))));
      socket.once('error', reject);
    });
    socket.end('command=%2Fconnector&text=he');
    socket.destroy();
    await standin.waitFor(async () => (await refusedDeliveries(bot)) === before + 1, 10_000);
    expect(records.find((r) => r.problem === 'a body that could not be read to its end')).toBeDefined();
    await answersHelp();
  });
});
