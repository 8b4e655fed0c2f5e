import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../support/builders.ts';
import { SLACK_TEST_SECRET, startSlackBot, type SlackBot } from '../support/slack-bot.ts';
import { post, signature, signedRequest, SlackStandin } from '../support/slack/index.ts';

/**
 * The bot's own HTTP receiver (src/chat/slack/http-receiver.ts), which replaced Bolt's: what Slack sends besides
 * commands and clicks is answered as Bolt answers it, and what Slack never sends is refused with a plain status.
 */

function signedText(body: string, contentType: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature(SLACK_TEST_SECRET, timestamp, body) };
}

async function refusedCount(bot: SlackBot): Promise<number> {
  const text = await (await fetch(`${bot.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^connector_ops_chat_deliveries_refused_total\{platform="slack"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

describe('Slack over HTTP: the bot\'s own receiver', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  const { logger, records } = capturingLogger();
  beforeAll(async () => {
    standin = await SlackStandin.start();
    bot = await startSlackBot(standin, 'http', {}, logger);
  });
  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
  });

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
    const before = await refusedCount(bot);
    const body = `command=%2Fconnector&text=${'a'.repeat(5 * 1024 * 1024)}`;
    const answer = await post(`${bot.url}/slack/events`, body, signedText(body, 'application/x-www-form-urlencoded'));
    expect(answer.status).toBe(413);
    expect(await refusedCount(bot)).toBe(before + 1);
    await answersHelp();
  });

  it('a signed slash command sent as text/plain is refused with 400: Bolt reads a body of any other type as JSON', async () => {
    const before = await refusedCount(bot);
    const { body } = signedRequest(SLACK_TEST_SECRET, standin.slashCommand({ text: 'help' }));
    const answer = await post(`${bot.url}/slack/events`, body, signedText(body, 'text/plain'));
    expect(answer).toMatchObject({ status: 400, body: 'refused: a body whose payload is not JSON\n' });
    expect(await refusedCount(bot)).toBe(before + 1);
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
});
