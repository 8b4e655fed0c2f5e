import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertAdaptiveCard } from '../support/adaptive-card.ts';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { startSlackBot } from '../support/slack-bot.ts';
import { SlackStandin } from '../support/slack/index.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import {
  ADA,
  answeredCard,
  buttonsOf,
  CAROL,
  cardAction,
  cardsOf,
  cardText,
  channelMessage,
  GRACE,
  postActivity,
  startTeamsBot,
  startTeamsStandins,
  type TeamsBot,
  type TeamsStandins,
} from '../support/teams/index.ts';

describeWith([requireDocker, requireStandinImage], 'operations approved by card in Teams', () => {
  let standins: TeamsStandins;
  let bot: TeamsBot;
  let connector: StandinConnector;
  let env: Record<string, string>;

  beforeAll(async () => {
    standins = await startTeamsStandins();
    connector = await startStandinConnector({ name: 'teams-op' });
    env = {
      CONNECTOR_CONTAINER: connector.name,
      CONNECTOR_URL: connector.url,
      CONNECTOR_API_KEY: connector.apiKey,
      CONNECTOR_OPS_OPERATORS: `teams:${ADA.aadObjectId}`,
      CONNECTOR_OPS_APPROVERS: `teams:${GRACE.aadObjectId}`,
      STOP_GRACE_SECONDS: '2',
      HEALTHY_TIMEOUT_SECONDS: '20',
    };
    bot = await startTeamsBot(standins, env);
  });
  afterAll(async () => {
    await bot?.stop();
    await standins?.close();
    await removeAllStandins();
  });

  it('a viewer\'s press of Approve is refused and audited; the approver\'s press, pressed again by Teams, runs once and updates the card for everyone', async () => {
    const { connector: teams, keys } = standins;
    const token = await keys.sign(teams.serviceUrl);
    const asked = channelMessage(teams.serviceUrl, 'connector restart ops --reason "stuck"');
    await postActivity(bot.messagesUrl, asked, token);
    const card = await teams.waitFor(() => teams.messages().find((call) => call.activityId === asked.id && cardText(call).includes('asks to restart ops')), 20_000);
    const id = /Request ([a-z0-9]{6})/.exec(cardText(card))![1]!;
    const approve = buttonsOf(card).find((button) => button.command === `/connector approve ${id}`)!;
    expect(approve).toBeDefined();
    const where = { conversationId: card.conversationId!, messageId: card.postedId!, conversationType: 'channel' as const };

    const refused = await postActivity(bot.messagesUrl, cardAction(teams.serviceUrl, where, approve, CAROL), token);
    expect(refused.status).toBe(200);
    // Nothing decided: Carol is told in the chat, and her card stays as it was.
    expect(answeredCard(refused)).toBeUndefined();
    await teams.waitFor(() => teams.messages().find((call) => call.activityId === card.postedId && cardText(call).includes('needs the approver role')));

    const press = cardAction(teams.serviceUrl, where, approve, GRACE);
    const answers = [await postActivity(bot.messagesUrl, press, token), await postActivity(bot.messagesUrl, press, token)];
    for (const answer of answers) expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 200 });
    // Grace's press is answered with the card as her approval made it: decided, without buttons.
    const answered = answeredCard(answers[0]!)!;
    expect(answered).toBeDefined();
    assertAdaptiveCard(cardsOf(answered)[0]!);
    expect(cardText(answered)).toContain('Approved by Grace Hopper');
    expect(buttonsOf(answered)).toEqual([]);
    await teams.waitFor(() => (bot.services.operations.get(id)?.state === 'succeeded' ? true : undefined), 40_000);

    // The card itself, replaced for everyone through the outbox: one card, decided, without buttons.
    const updated = await teams.waitFor(() => teams.calls.filter((call) => call.method === 'PUT' && call.activityId === card.postedId && cardText(call).includes('done')).at(-1), 20_000);
    expect(updated.conversationId).toBe(card.conversationId);
    expect(cardsOf(updated)).toHaveLength(1);
    assertAdaptiveCard(cardsOf(updated)[0]!);
    expect(cardText(updated)).toContain('Approved by Grace Hopper');
    expect(buttonsOf(updated)).toEqual([]);
    const outcome = await teams.waitFor(() => teams.messages().find((call) => cardText(call).includes('Restart of ops succeeded')), 20_000);
    expect(outcome.conversationId).toBe(card.conversationId);

    const events = bot.services.operations.auditEntries({}).map((entry) => `${entry.event}:${entry.actor?.id ?? ''}`);
    expect(events).toEqual(expect.arrayContaining([`requested:${ADA.aadObjectId}`, `refused:${CAROL.aadObjectId}`, `approved:${GRACE.aadObjectId}`]));
    expect(events.filter((event) => event.startsWith('started'))).toHaveLength(1);
  }, 90_000);

  it('two bot processes on one DATA_DIR given the same press at once (Teams sending it again to another instance): one execution', async () => {
    const { connector: teams, keys } = standins;
    const token = await keys.sign(teams.serviceUrl);
    const other = await startTeamsBot(standins, { ...env, DATA_DIR: bot.services.config.dataDir });
    try {
      const asked = channelMessage(teams.serviceUrl, 'connector restart ops --reason "twice"');
      await postActivity(bot.messagesUrl, asked, token);
      const card = await teams.waitFor(() => teams.messages().find((call) => call.activityId === asked.id && cardText(call).includes('asks to restart ops: twice')), 20_000);
      const id = /Request ([a-z0-9]{6})/.exec(cardText(card))![1]!;
      const approve = buttonsOf(card).find((button) => button.command === `/connector approve ${id}`)!;
      const press = cardAction(teams.serviceUrl, { conversationId: card.conversationId!, messageId: card.postedId!, conversationType: 'channel' }, approve, GRACE);
      const answers = await Promise.all([postActivity(bot.messagesUrl, press, token), postActivity(other.messagesUrl, press, token)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      await teams.waitFor(() => (bot.services.operations.get(id)?.state === 'succeeded' ? true : undefined), 40_000);
      const started = bot.services.operations.auditEntries({}).filter((entry) => entry.requestId === id && entry.event === 'started');
      expect(started).toHaveLength(1);
      // Neither told Grace her approval failed: the second press was a redelivery, not a second decision.
      expect(teams.messages().filter((call) => call.activityId === card.postedId && /already|not waiting/i.test(cardText(call)))).toEqual([]);
    } finally {
      await other.stop();
    }
  }, 90_000);

  it('the same request approved in Teams and in Slack at the same moment (two bots on one DATA_DIR): it runs once, and both sides see who decided', async () => {
    const { connector: teams, keys } = standins;
    const token = await keys.sign(teams.serviceUrl);
    const slack = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
    const BOB = 'U0BOB00001';
    const slackBot = await startSlackBot(slack, 'socket', { ...env, DATA_DIR: bot.services.config.dataDir, CONNECTOR_OPS_APPROVERS: `teams:${GRACE.aadObjectId},slack:${BOB}` });
    try {
      const asked = channelMessage(teams.serviceUrl, 'connector restart ops --reason "both at once"');
      await postActivity(bot.messagesUrl, asked, token);
      const card = await teams.waitFor(() => teams.messages().find((call) => call.activityId === asked.id && cardText(call).includes('asks to restart ops: both at once')), 20_000);
      const id = /Request ([a-z0-9]{6})/.exec(cardText(card))![1]!;
      const approve = buttonsOf(card).find((button) => button.command === `/connector approve ${id}`)!;
      const press = cardAction(teams.serviceUrl, { conversationId: card.conversationId!, messageId: card.postedId!, conversationType: 'channel' }, approve, GRACE);

      const [pressed] = await Promise.all([postActivity(bot.messagesUrl, press, token), slack.socket.send({ payload: slack.slashCommand({ text: `approve ${id}`, user: BOB }) })]);
      expect(pressed.status).toBe(200);
      await teams.waitFor(() => (bot.services.operations.get(id)?.state === 'succeeded' ? true : undefined), 40_000);
      const entries = bot.services.operations.auditEntries({}).filter((entry) => entry.requestId === id);
      expect(entries.filter((entry) => entry.event === 'approved')).toHaveLength(1);
      expect(entries.filter((entry) => entry.event === 'started')).toHaveLength(1);
      const winner = bot.services.operations.get(id)!.decidedBy!.displayName;
      expect(['Grace Hopper', 'Bob']).toContain(winner);

      // Teams: the card, for everyone, names whoever won.
      await teams.waitFor(() => teams.calls.find((call) => call.method === 'PUT' && call.activityId === card.postedId && cardText(call).includes(`Approved by ${winner}; done`)), 20_000);
      // Slack: Bob is told his approval runs, or that the request was already approved, by Grace.
      const told = await slack.waitFor(() => slack.responses.map((response) => JSON.stringify(response.body)).find((body) => body.includes(id)), 20_000);
      expect(told).toMatch(winner === 'Bob' ? new RegExp(`Approved ${id}`) : new RegExp(`Request ${id} was already approved by Grace Hopper`));
    } finally {
      await slackBot.stop();
      await slack.stop();
    }
  }, 90_000);
});
