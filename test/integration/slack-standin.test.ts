import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type SlashCommand } from '@slack/bolt';
import { ErrorCode, WebClient, WebClientEvent } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Block as SlackBlock } from '@slack/types';
import { post, signedRequest, SlackStandin } from '../support/slack/index.ts';

// The Slack stand-in must speak Slack's protocols to the real SDKs, or adapter tests built on it prove nothing.

const REDELIVERY_MS = 300;
const PING_TIMEOUT_MS = 400;
let standin: SlackStandin;

beforeAll(async () => {
  standin = await SlackStandin.start({ socket: { redeliveryDelayMs: REDELIVERY_MS } });
});
afterAll(() => standin.stop());
afterEach(() => standin.clearFaults());

function webClient(token = standin.botToken, retryConfig: object = { retries: 0 }, extra: object = {}): WebClient {
  return new WebClient(token, { slackApiUrl: standin.apiUrl, retryConfig, logLevel: LogLevel.ERROR, ...extra });
}

const CHANNEL = 'C0OPS00001';
const ALICE = 'U0ALICE001';
// Loosely typed on purpose: the limit tests send what the SDK's types allow but Slack refuses.
type Block = SlackBlock & Record<string, unknown>;
type Element = Record<string, unknown>;
const text = (length: number): string => 'x'.repeat(length);
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (fields: Element): Element => ({ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'go', ...fields });
const actions = (...elements: Element[]): Block => ({ type: 'actions', elements });
const platformError = (error: string): object => ({ code: ErrorCode.PlatformError, data: expect.objectContaining({ ok: false, error }) });

describe('Web API', () => {
  it('answers auth.test for the bot token and invalid_auth for a wrong one', async () => {
    await expect(webClient().auth.test()).resolves.toMatchObject({ ok: true, team_id: 'T0STANDIN1', user_id: 'U0BOTUSER1', bot_id: 'B0BOTBOT01' });
    await expect(webClient('xoxb-wrong').auth.test()).rejects.toMatchObject(platformError('invalid_auth'));
    expect(standin.callsOf('auth.test').at(-1)).toMatchObject({ token: 'xoxb-wrong', status: 200, error: 'invalid_auth' });
  });

  it('posts, updates, posts ephemerally and deletes messages, recording each call in order', async () => {
    const client = webClient();
    const start = standin.calls.length;
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'checking', blocks: [section('*checking*'), actions(button({}))] });
    expect(posted).toMatchObject({ ok: true, channel: CHANNEL, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    const ts = posted.ts as string;
    expect(standin.findMessage(CHANNEL, ts)?.blocks?.[0]?.block_id).toEqual(expect.any(String));

    await client.chat.update({ channel: CHANNEL, ts, text: 'all healthy' });
    expect(standin.findMessage(CHANNEL, ts)).toMatchObject({ text: 'all healthy', edits: 1, blocks: expect.any(Array) });
    await expect(client.chat.postEphemeral({ channel: CHANNEL, user: ALICE, text: 'only you' })).resolves.toMatchObject({ message_ts: expect.any(String) });
    expect(standin.ephemeralsIn(CHANNEL, ALICE).at(-1)?.text).toBe('only you');

    await client.chat.delete({ channel: CHANNEL, ts });
    expect(standin.messagesIn(CHANNEL).map((message) => message.ts)).not.toContain(ts);
    await expect(client.chat.update({ channel: CHANNEL, ts, text: 'again' })).rejects.toMatchObject(platformError('message_not_found'));
    await expect(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' })).rejects.toMatchObject(platformError('channel_not_found'));

    const calls = standin.calls.slice(start);
    expect(calls.map((call) => call.method)).toEqual([
      'chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.delete', 'chat.update', 'chat.postMessage',
    ]);
    expect(calls[0]?.params).toMatchObject({ channel: CHANNEL, text: 'checking', blocks: expect.any(String) });
    expect(calls.every((call, i) => i === 0 || call.time >= (calls[i - 1]?.time ?? 0))).toBe(true);
  });

  it('answers conversations.info, users.info and the user group methods, or plan_upgrade_required', async () => {
    const client = webClient();
    await expect(client.conversations.info({ channel: CHANNEL })).resolves.toMatchObject({ channel: { id: CHANNEL, name: 'connector-ops', is_member: true } });
    await expect(client.users.info({ user: ALICE })).resolves.toMatchObject({ user: { id: ALICE, profile: { display_name: 'Alice' } } });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject(platformError('user_not_found'));
    await expect(client.usergroups.list()).resolves.toMatchObject({ usergroups: [{ id: 'S0ADMINS01', handle: 'connector-admins' }] });
    await expect(client.usergroups.users.list({ usergroup: 'S0ADMINS01' })).resolves.toMatchObject({ users: [ALICE] });

    const groups = standin.workspace.usergroups;
    standin.workspace.usergroups = 'plan_upgrade_required';
    try {
      await expect(client.usergroups.users.list({ usergroup: 'S0ADMINS01' })).rejects.toMatchObject(platformError('plan_upgrade_required'));
    } finally {
      standin.workspace.usergroups = groups;
    }
  });

  it('takes a files.uploadV2 end to end: upload URL, the bytes, completion in a thread', async () => {
    const result = await webClient().files.uploadV2({
      channel_id: CHANNEL,
      thread_ts: '1700000000.000100',
      initial_comment: 'the report',
      filename: 'report.txt',
      content: 'connector report\n',
    });
    expect(result.ok).toBe(true);
    expect(standin.calls.slice(-3).map((call) => call.method)).toEqual(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    expect(standin.uploads.at(-1)).toMatchObject({
      filename: 'report.txt',
      completed: true,
      channelId: CHANNEL,
      threadTs: '1700000000.000100',
      initialComment: 'the report',
    });
    expect(standin.uploads.at(-1)?.content?.toString()).toBe('connector report\n');
  });

  it('takes JSON posts as well as the SDK\'s form posts, and wants a token', async () => {
    const url = `${standin.apiUrl}chat.postMessage`;
    const asJson = (body: object, headers: Record<string, string>): Promise<unknown> =>
      post(url, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers }).then((r) => JSON.parse(r.body));
    const bearer = { authorization: `Bearer ${standin.botToken}` };
    await expect(asJson({ channel: CHANNEL, blocks: [section('as json')] }, bearer)).resolves.toMatchObject({ ok: true, channel: CHANNEL });
    await expect(asJson({ channel: CHANNEL, blocks: Array.from({ length: 51 }, () => section('a')) }, bearer)).resolves.toMatchObject({ error: 'invalid_blocks' });
    await expect(asJson({ channel: CHANNEL, text: 'x' }, {})).resolves.toEqual({ ok: false, error: 'not_authed' });
  });

  it('opens Socket Mode connections for the app token only', async () => {
    await expect(webClient(standin.appToken).apps.connections.open()).resolves.toMatchObject({ url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?/) });
    await expect(webClient().apps.connections.open()).rejects.toMatchObject(platformError('not_allowed_token_type'));
  });
});

describe('scripted faults', () => {
  it('a 429 with Retry-After pauses the client for that long before its retry', async () => {
    standin.fault('chat.postMessage', { status: 429, retryAfter: 1 });
    const client = webClient(standin.botToken, { retries: 1, minTimeout: 0, maxTimeout: 0 });
    const rateLimited: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));
    const started = Date.now();
    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'after the pause' })).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(rateLimited).toEqual([1]);
    expect(standin.callsOf('chat.postMessage').slice(-2).map((call) => call.status)).toEqual([429, 200]);
  });

  it('a 429 reaches a client that rejects rate-limited calls as such, a 500 as an HTTP error', async () => {
    standin.fault('chat.postMessage', { status: 429, retryAfter: 7 }, { status: 500 });
    const rejecting = webClient(standin.botToken, { retries: 0 }, { rejectRateLimitedCalls: true });
    await expect(rejecting.chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    await expect(webClient().chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
  });

  it('plays platform errors and delays, one scripted answer per request', async () => {
    standin.fault('chat.update', { ok: false, error: 'msg_blocks_too_long' });
    standin.fault('users.info', { delayMs: 200 });
    await expect(webClient().chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })).rejects.toMatchObject(platformError('msg_blocks_too_long'));
    const started = Date.now();
    await expect(webClient().users.info({ user: ALICE })).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});

describe('block limits, with the errors Slack answers', () => {
  const fields = (count: number, length: number): Block => ({
    type: 'section',
    fields: Array.from({ length: count }, () => ({ type: 'mrkdwn', text: text(length) })),
  });
  const cases: [string, Block[], string | undefined][] = [
    ['50 blocks', Array.from({ length: 50 }, () => section('a')), undefined],
    ['51 blocks', Array.from({ length: 51 }, () => section('a')), 'invalid_blocks'],
    ['section text of 3000', [section(text(3000))], undefined],
    ['section text of 3001', [section(text(3001))], 'invalid_blocks'],
    ['header of 150', [{ type: 'header', text: { type: 'plain_text', text: text(150) } }], undefined],
    ['header of 151', [{ type: 'header', text: { type: 'plain_text', text: text(151) } }], 'invalid_blocks'],
    ['button text of 75', [actions(button({ text: { type: 'plain_text', text: text(75) } }))], undefined],
    ['button text of 76', [actions(button({ text: { type: 'plain_text', text: text(76) } }))], 'invalid_blocks'],
    ['button value of 2001', [actions(button({ value: text(2001) }))], 'invalid_blocks'],
    ['action_id of 256', [actions(button({ action_id: text(256) }))], 'invalid_blocks'],
    ['10 fields of 1000', [fields(10, 1000)], undefined],
    ['11 fields', [fields(11, 1)], 'invalid_blocks'],
    ['a field of 2001', [fields(1, 2001)], 'invalid_blocks'],
    ['12,000 characters in all', [1, 2, 3, 4].map(() => section(text(3000))), 'msg_blocks_too_long'],
  ];

  it.each(cases)('%s', async (_name, blocks, error) => {
    const posting = webClient().chat.postMessage({ channel: CHANNEL, text: 'fallback', blocks });
    if (error === undefined) await expect(posting).resolves.toMatchObject({ ok: true });
    else await expect(posting).rejects.toMatchObject(platformError(error));
  });

  it('names the offending field as Slack does', async () => {
    await expect(webClient().chat.postMessage({ channel: CHANNEL, blocks: [section(text(3001))] })).rejects.toMatchObject({
      data: { error: 'invalid_blocks', errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] },
    });
  });
});

describe('response_url', () => {
  it('takes five answers, refuses the sixth with 404, and acts on the conversation', async () => {
    const { ts } = await webClient().chat.postMessage({ channel: CHANNEL, text: 'restart?' });
    const url = standin.responseUrl('five-uses', { channel: CHANNEL, user: ALICE, messageTs: ts as string });
    const answer = (body: object): Promise<number> => post(url, JSON.stringify(body), { 'content-type': 'application/json' }).then((r) => r.status);
    expect(await answer({ text: 'working on it' })).toBe(200);
    expect(await answer({ text: 'restarted', replace_original: true })).toBe(200);
    expect(await answer({ text: 'for everyone', response_type: 'in_channel' })).toBe(200);
    expect(await answer({ blocks: [section(text(3001))] })).toBe(400);
    expect(await answer({ delete_original: true })).toBe(200);
    expect(await answer({ text: 'sixth' })).toBe(404);
    expect(standin.ephemeralsIn(CHANNEL, ALICE).at(-1)).toMatchObject({ text: 'working on it', via: 'response_url' });
    expect(standin.messagesIn(CHANNEL).at(-1)).toMatchObject({ text: 'for everyone', via: 'response_url' });
    expect(standin.messages.find((message) => message.ts === ts)).toMatchObject({ text: 'restarted', deleted: true });
    expect(standin.responses.filter((response) => response.id === 'five-uses').map((response) => response.status)).toEqual([200, 200, 200, 400, 200]);
  });
});

describe('a real Bolt app in Socket Mode', () => {
  it('App({ socketMode: true }) connects, its command listener acks the envelope, without auth.test', async () => {
    const app = new App({
      token: standin.botToken,
      appToken: standin.appToken,
      socketMode: true,
      botId: standin.workspace.bot.botId,
      botUserId: standin.workspace.bot.userId,
      clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    const commands: SlashCommand[] = [];
    app.command('/connector', async ({ command, ack }) => {
      commands.push(command);
      await ack();
    });
    const authTests = standin.callsOf('auth.test').length;
    await app.start();
    try {
      const payload = standin.slashCommand({ text: 'status' });
      const ack = await standin.socket.send({ payload });
      expect(ack).toMatchObject({ envelope_id: standin.socket.delivered.at(-1)?.envelope_id, payload: {} });
      expect(commands).toEqual([payload]);
      expect(standin.callsOf('auth.test')).toHaveLength(authTests);
    } finally {
      await app.stop();
    }
  });

  describe('with a SocketModeReceiver of its own', () => {
    let app: App;
    const retries: (number | undefined)[] = [];
    const clicks: string[] = [];
    const homes: string[] = [];

    beforeAll(async () => {
      const clientOptions = { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } };
      const receiver = new SocketModeReceiver({
        appToken: standin.appToken,
        clientPingTimeout: PING_TIMEOUT_MS,
        logLevel: LogLevel.ERROR,
        installerOptions: { clientOptions },
      });
      app = new App({
        receiver,
        token: standin.botToken,
        botId: standin.workspace.bot.botId,
        botUserId: standin.workspace.bot.userId,
        clientOptions,
        logLevel: LogLevel.ERROR,
      });
      app.command('/connector', async ({ command, ack }) => ack({ text: `you said ${command.text}` }));
      // Acks only the redelivery, as a listener that missed the deadline the first time.
      app.command('/slow', async ({ ack, context }) => {
        retries.push(context.retryNum);
        if (context.retryNum) await ack();
      });
      app.action('restart', async ({ ack, action }) => {
        await ack();
        if (action.type === 'button' && action.value) clicks.push(action.value);
      });
      app.event('app_home_opened', async ({ event }) => void homes.push(event.user));
      await app.start();
    });
    afterAll(() => app.stop());

    it('carries an ack payload, a button press on a rendered message, and an event', async () => {
      await expect(standin.socket.send({ payload: standin.slashCommand({ text: 'hi' }) })).resolves.toMatchObject({ payload: { text: 'you said hi' } });

      await app.client.chat.postMessage({
        channel: CHANNEL,
        text: 'unhealthy',
        blocks: [actions({ type: 'button', text: { type: 'plain_text', text: 'Restart' }, action_id: 'restart', value: 'conn-1', style: 'danger' })],
      });
      const message = standin.messagesIn(CHANNEL).at(-1);
      if (!message) throw new Error('no message');
      const press = standin.blockActions({ message, actionId: 'restart' });
      expect(press.actions[0]).toMatchObject({ block_id: message.blocks?.[0]?.block_id, value: 'conn-1', style: 'danger' });
      await standin.socket.send({ payload: press });
      expect(clicks).toEqual(['conn-1']);

      await standin.socket.send({ payload: standin.appHomeOpened({ user: ALICE }) });
      expect(homes).toEqual([ALICE]);
    });

    it('redelivers an unacked envelope with retry_attempt 1', async () => {
      const envelope_id = 'slow-envelope-1';
      await expect(standin.socket.send({ envelope_id, payload: standin.slashCommand({ command: '/slow' }) }, { timeoutMs: 100 })).rejects.toThrow(/no ack/);
      const ack = await standin.socket.waitForAck(envelope_id, REDELIVERY_MS * 5);
      expect(ack.envelope_id).toBe(envelope_id);
      expect(retries).toEqual([0, 1]);
      expect(standin.socket.delivered.filter((e) => e.envelope_id === envelope_id).map((e) => [e.retry_attempt, e.retry_reason])).toEqual([
        [0, ''],
        [1, 'timeout'],
      ]);
    });

    it('reconnects after a refresh_requested disconnect and after a dropped connection', async () => {
      const before = standin.socket.connections;
      standin.socket.disconnect('refresh_requested');
      await standin.socket.waitForConnections(before + 1, 5000);
      standin.socket.drop();
      await standin.socket.waitForConnections(before + 2, 5000);
      await expect(standin.socket.send({ payload: standin.slashCommand({ text: 'back' }) })).resolves.toMatchObject({ connection: before + 2 });
      expect(standin.socket.openConnections).toBe(1);
    });
  });
});

describe('a real Bolt app over HTTP', () => {
  const SIGNING_SECRET = 'standin-signing-secret';
  let app: App;
  let server: Server;
  let endpoint: string;
  const commands: string[] = [];
  const homes: string[] = [];
  const clicks: string[] = [];

  beforeAll(async () => {
    const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
    app = new App({
      receiver,
      token: standin.botToken,
      botId: standin.workspace.bot.botId,
      botUserId: standin.workspace.bot.userId,
      clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    app.command('/connector', async ({ command, ack, respond }) => {
      commands.push(command.text);
      await ack();
      await respond({ text: `checked ${command.text}` });
    });
    app.action('restart', async ({ ack, action }) => {
      await ack();
      if (action.type === 'button' && action.value) clicks.push(action.value);
    });
    app.event('app_home_opened', async ({ event }) => void homes.push(event.user));
    server = createServer((req, res) => void receiver.requestListener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a signed slash command, whose respond() reaches the response_url', async () => {
    const signed = signedRequest(SIGNING_SECRET, standin.slashCommand({ text: 'all' }));
    expect(signed.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect((await post(endpoint, signed.body, signed.headers)).status).toBe(200);
    expect(commands).toEqual(['all']);
    const response = await standin.waitFor(() => standin.responses.find((r) => r.body.text === 'checked all'));
    expect(response.status).toBe(200);
    expect(standin.ephemeralsIn(CHANNEL, ALICE).at(-1)?.text).toBe('checked all');
  });

  it('rejects a forged signature and a stale timestamp with 401', async () => {
    const forged = signedRequest('not-the-secret', standin.slashCommand({ text: 'forged' }));
    expect(await post(endpoint, forged.body, forged.headers)).toMatchObject({ status: 401, body: '' });
    const stale = signedRequest(SIGNING_SECRET, standin.slashCommand({ text: 'stale' }), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect((await post(endpoint, stale.body, stale.headers)).status).toBe(401);
    expect(commands).not.toContain('forged');
    expect(commands).not.toContain('stale');
  });

  it('takes a button press on an ephemeral message as a payload= form field', async () => {
    await webClient().chat.postEphemeral({
      channel: CHANNEL,
      user: ALICE,
      text: 'restart?',
      blocks: [actions({ type: 'button', text: { type: 'plain_text', text: 'Restart' }, action_id: 'restart', value: 'conn-2' })],
    });
    const message = standin.ephemeralsIn(CHANNEL, ALICE).at(-1);
    if (!message) throw new Error('no ephemeral message');
    const press = standin.blockActions({ message, actionId: 'restart' });
    expect(press).toMatchObject({ container: { is_ephemeral: true }, user: { id: ALICE } });
    expect(press.message).toBeUndefined();
    const signed = signedRequest(SIGNING_SECRET, press);
    expect(signed.body.startsWith('payload=')).toBe(true);
    expect((await post(endpoint, signed.body, signed.headers)).status).toBe(200);
    expect(clicks).toEqual(['conn-2']);
  });

  it('answers url_verification and takes a signed JSON event', async () => {
    const challenge = standin.urlVerification('the-challenge');
    const verification = signedRequest(SIGNING_SECRET, challenge);
    expect(verification.headers['content-type']).toBe('application/json');
    expect(JSON.parse((await post(endpoint, verification.body, verification.headers)).body)).toEqual({ challenge: 'the-challenge' });
    const event = signedRequest(SIGNING_SECRET, standin.appHomeOpened({ user: ALICE }));
    expect((await post(endpoint, event.body, event.headers)).status).toBe(200);
    await standin.waitFor(() => homes.includes(ALICE));
  });

  it('refuses to post anywhere but loopback', async () => {
    await expect(post('http://192.0.2.1/slack/events', '', {})).rejects.toThrow(/non-loopback/);
  });
});
