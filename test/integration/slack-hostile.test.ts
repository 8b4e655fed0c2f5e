import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../../bench/support/bot-process.ts';
import { capturingLogger } from '../support/builders.ts';
import { freePort } from '../support/standin.ts';
import { refusedDeliveries, SLACK_TEST_SECRET, slackBotOverHttp, startSlackBot, type SlackBot } from '../support/slack-bot.ts';
import { post, signature, signedRequest, signedText, SlackStandin } from '../support/slack/index.ts';

/**
 * Correctly signed deliveries of shapes Slack never sends, against the real Bolt receivers: each is refused
 * before any handler runs (HTTP 400, a Socket Mode ack), logged and counted, and the next good request is answered.
 */

/** A body signed with the bot's secret, as Slack signs: any text, any content type. */
function signed(body: string, contentType: 'application/x-www-form-urlencoded' | 'application/json') {
  return signedText(SLACK_TEST_SECRET, body, contentType);
}

const form = (payload: string) => signed(new URLSearchParams({ payload }).toString(), 'application/x-www-form-urlencoded');
const json = (text: string) => signed(text, 'application/json');

/** block_actions as Slack sends it, less what the test takes out. */
function blockActions(standin: SlackStandin, change: (payload: Record<string, unknown>) => void): string {
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: 'U0ALICE001', username: 'alice', name: 'alice', team_id: standin.workspace.team.id },
    api_app_id: standin.workspace.appId,
    team: { id: standin.workspace.team.id, domain: standin.workspace.team.domain },
    channel: { id: 'C0OPS00001', name: 'ops' },
    container: { type: 'message', message_ts: '1.000001', channel_id: 'C0OPS00001', is_ephemeral: false },
    trigger_id: '1.2.abc',
    response_url: standin.responseUrl(),
    actions: [{ type: 'button', action_id: 'connector-ops.command.0', block_id: 'b', value: '/connector help', action_ts: '1.000002' }],
  };
  change(payload);
  return JSON.stringify(payload);
}


const textOf = (message: { text?: string | undefined; blocks?: unknown }) => `${message.text ?? ''} ${JSON.stringify(message.blocks ?? [])}`;

describe('Slack over HTTP: signed deliveries of shapes Slack never sends', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  let stop: (() => Promise<void>) | undefined;
  const { logger, records } = capturingLogger();
  beforeAll(async () => ({ standin, bot, stop } = await slackBotOverHttp(logger)));
  afterAll(() => stop?.());

  const hostile: Array<[string, (standin: SlackStandin) => ReturnType<typeof signed>, RegExp]> = [
    ['payload=null', () => form('null'), /the body is null/],
    ['a JSON null', () => json('null'), /the body is null/],
    ['a payload that is a string', () => form('"block_actions"'), /the body is a string/],
    ['a payload that is a number', () => form('42'), /the body is a number/],
    ['a payload that is a list', () => form('[{"type":"block_actions"}]'), /the body is a list/],
    ['a JSON body that is a number', () => json('7'), /the body is a number/],
    ['a payload that is not JSON', () => form('{"type":'), /not JSON/],
    ['block_actions without actions', (s) => form(blockActions(s, (p) => delete p.actions)), /without actions/],
    ['block_actions with an empty list of actions', (s) => form(blockActions(s, (p) => (p.actions = []))), /without actions/],
    ['block_actions with an action that is null', (s) => form(blockActions(s, (p) => (p.actions = [null]))), /action that is not an object/],
    ['block_actions without user', (s) => form(blockActions(s, (p) => delete p.user)), /without a user id/],
    ['block_actions whose channel is null', (s) => form(blockActions(s, (p) => (p.channel = null))), /channel is not an object/],
    ['an event_callback whose event is null', () => json(JSON.stringify({ type: 'event_callback', event: null, event_id: 'Ev1' })), /event is null/],
    ['an event_callback whose event is a string', () => json(JSON.stringify({ type: 'event_callback', event: 'app_home_opened' })), /event is a string/],
    ['a slash command without a user', () => signed('command=%2Fconnector&text=help&channel_id=C0OPS00001&trigger_id=1.2.x', 'application/x-www-form-urlencoded'), /without user_id/],
    ['a kind the bot does not subscribe to', () => json(JSON.stringify({ type: 'view_submission', view: null })), /does not handle \(type "view_submission"\)/],
  ];

  it.each(hostile)('%s → 400, logged and counted; nothing runs, and the next command is answered', async (_name, make, problem) => {
    const before = await refusedDeliveries(bot);
    const callsBefore = standin.calls.length;
    const { body, headers } = make(standin);
    const answer = await post(`${bot.url}/slack/events`, body, headers);
    expect(answer.status).toBe(400);
    expect(await refusedDeliveries(bot)).toBe(before + 1);
    expect(records.filter((r) => r.level === 40 && r.mode === 'http').at(-1)).toMatchObject({ msg: expect.stringMatching(/Slack delivery refused/), problem: expect.stringMatching(problem) });
    expect(standin.calls.slice(callsBefore)).toEqual([]);

    const help = signedRequest(SLACK_TEST_SECRET, standin.slashCommand({ text: 'help' }));
    expect((await post(`${bot.url}/slack/events`, help.body, help.headers)).status).toBe(200);
    await standin.waitFor(() => standin.calls.slice(callsBefore).find((c) => c.method === 'response_url' && JSON.stringify(c.params).includes('operate enmeshed Connectors')), 10_000);
  });

  it('an unsigned hostile body is Bolt\'s to refuse: 401, not counted as a delivery', async () => {
    const before = await refusedDeliveries(bot);
    const { body, headers } = form('null');
    const answer = await post(`${bot.url}/slack/events`, body, { ...headers, 'x-slack-signature': signature('not-the-secret', headers['x-slack-request-timestamp'], body) });
    expect(answer.status).toBe(401);
    expect(await refusedDeliveries(bot)).toBe(before);
  });

  it('a good button press still runs', async () => {
    const callsBefore = standin.calls.length;
    const press = form(blockActions(standin, () => undefined));
    expect((await post(`${bot.url}/slack/events`, press.body, press.headers)).status).toBe(200);
    await standin.waitFor(() => standin.calls.slice(callsBefore).find((c) => textOf({ text: JSON.stringify(c.params) }).includes('operate enmeshed Connectors')), 10_000);
  });
});

describe('Slack in Socket Mode: envelopes of shapes Slack never sends', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  const { logger, records } = capturingLogger();
  beforeAll(async () => {
    standin = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
    bot = await startSlackBot(standin, 'socket', {}, logger);
  });
  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
  });

  async function answersHelp(): Promise<void> {
    const ack = await standin.socket.send({ payload: standin.slashCommand({ text: 'help' }) });
    await standin.waitFor(() => standin.responses.find((r) => r.time >= ack.time && JSON.stringify(r.body).includes('operate enmeshed Connectors')), 10_000);
  }

  const envelopes: Array<[string, Record<string, unknown>]> = [
    ['an interactive envelope whose payload is null', { type: 'interactive', payload: null }],
    ['an events_api envelope whose payload is null', { type: 'events_api', payload: null }],
    ['a slash_commands envelope whose payload is a string', { type: 'slash_commands', payload: 'help' }],
    ['an interactive envelope whose payload is a list', { type: 'interactive', payload: [] }],
    ['an events_api envelope without an event', { type: 'events_api', payload: { type: 'event_callback', event_id: 'Ev1' } }],
    ['block_actions without actions or user', { type: 'interactive', payload: { type: 'block_actions', trigger_id: '1.2.x' } }],
  ];

  it.each(envelopes)('%s is acknowledged, runs nothing, is logged and counted; the next command is answered', async (_name, envelope) => {
    const before = await refusedDeliveries(bot);
    const callsBefore = standin.calls.length;
    const ack = await standin.socket.send({ ...envelope, payload: envelope.payload as never, type: envelope.type as never });
    expect(ack.payload).toEqual({});
    expect(await refusedDeliveries(bot)).toBe(before + 1);
    expect(records.filter((r) => r.level === 40 && r.mode === 'socket').at(-1)).toMatchObject({ envelopeId: ack.envelope_id, problem: expect.any(String) });
    expect(standin.calls.slice(callsBefore)).toEqual([]);
    await answersHelp();
  });

  it.each([['null'], ['42'], ['"hello"'], ['[]'], ['{"type":']])('a message %s (no envelope at all) is dropped and logged; the next command is answered', async (text) => {
    const before = await refusedDeliveries(bot);
    standin.socket.sendRaw(text);
    const deadline = Date.now() + 5_000;
    while ((await refusedDeliveries(bot)) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await refusedDeliveries(bot)).toBe(before + 1);
    expect(records.filter((r) => r.level === 40 && r.mode === 'socket').at(-1)).toMatchObject({ problem: expect.stringMatching(/^a Socket Mode message (that is|without an envelope_id)/) });
    await answersHelp();
  });
});

describe('the bot as a process (connector-ops start, HTTP mode)', () => {
  it('stays up through payload=null, a JSON null and a list, and answers the next command', async () => {
    const standin = await SlackStandin.start();
    const port = await freePort();
    const bot = startBot({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cops-hostile-')),
      HTTP_PORT: String(port),
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_SIGNING_SECRET: SLACK_TEST_SECRET,
      SLACK_API_URL: standin.apiUrl,
      CONNECTOR_NAME: 'ops',
      CONNECTOR_URL: 'http://127.0.0.1:1',
      ALERT_FOLLOW_LOGS: 'false',
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await bot.waitForLog((record) => record.msg === 'Slack adapter ready', 30_000);
      for (const hostile of [form('null'), json('null'), form('[]')]) expect((await post(`${url}/slack/events`, hostile.body, hostile.headers)).status).toBe(400);
      const help = signedRequest(SLACK_TEST_SECRET, standin.slashCommand({ text: 'help' }));
      expect((await post(`${url}/slack/events`, help.body, help.headers)).status).toBe(200);
      await standin.waitFor(() => standin.responses.find((r) => JSON.stringify(r.body).includes('operate enmeshed Connectors')), 10_000);
      expect(bot.alive()).toBe(true);
      expect(await refusedDeliveries({ url })).toBe(3);
      expect(await bot.stop()).toBe(0);
    } finally {
      await bot.stop();
      await standin.stop();
    }
  }, 60_000);
});
