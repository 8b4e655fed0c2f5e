import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  BotConnector,
  appInstalled,
  botAddedToPersonalChat,
  botAddedToTeam,
  buttonsOf,
  CAROL,
  cardAction,
  GRACE,
  cardsOf,
  cardText,
  channelMessage,
  groupChatMessage,
  OPS_CHANNEL,
  PERSONAL_CHAT,
  personalMessage,
  postActivity,
  refuseOutsideConnections,
  startTeamsBot,
  startTeamsStandins,
  TEAMS_TENANT,
  type ConnectorCall,
  type TeamsActivity,
  type TeamsBot,
  type TeamsStandins,
} from '../support/teams/index.ts';
import { assertAdaptiveCard } from '../support/adaptive-card.ts';

const HELP = 'operate enmeshed Connectors';
const textOf = (call: ConnectorCall) => cardText(call);

describe('Teams on the Agents SDK: /api/messages on the bot\'s own server, against loopback stand-ins', () => {
  let standins: TeamsStandins;
  let bot: TeamsBot;
  let outside: ReturnType<typeof refuseOutsideConnections>;
  /** What the bot's store says of an activity: its delivery claimed (a turn ran for it). */
  let claimed: (activity: TeamsActivity) => boolean;
  let reference: (conversation: string) => Record<string, unknown> | undefined;

  beforeAll(async () => {
    outside = refuseOutsideConnections();
    standins = await startTeamsStandins();
    bot = await startTeamsBot(standins);
    const db = new DatabaseSync(join(bot.services.config.dataDir, 'connector-ops.sqlite'), { readOnly: true });
    claimed = (activity) => db.prepare('SELECT 1 FROM deliveries WHERE key LIKE ?').get(`teams:activity:%:${activity.id}`) !== undefined;
    reference = (conversation) => {
      const row = db.prepare('SELECT reference FROM teams_conversations WHERE conversation = ?').get(conversation) as { reference: string } | undefined;
      return row && (JSON.parse(row.reference) as Record<string, unknown>);
    };
  });
  afterAll(async () => {
    await bot?.stop();
    await standins?.close();
    outside?.restore();
  });

  const replyTo = (activity: TeamsActivity) => () => standins.connector.messages().find((call) => call.activityId === activity.id);

  it('a signed `connector health` in the personal chat is answered there, with an outbound token from the token service', async () => {
    const { connector, keys, tokens } = standins;
    const activity = personalMessage(connector.serviceUrl, 'connector health');
    const answer = await postActivity(bot.messagesUrl, activity, await keys.sign(connector.serviceUrl));
    expect(answer.status).toBe(200);
    const reply = await connector.waitFor(replyTo(activity), 20_000);
    expect(reply.conversationId).toBe(PERSONAL_CHAT);
    // An Adaptive Card Teams takes, with a one-line summary for the notification and no text beside the card.
    const [card, ...more] = cardsOf(reply);
    expect(more).toEqual([]);
    assertAdaptiveCard(card!);
    expect(textOf(reply)).toMatch(/Health[\s\S]*Unreachable/);
    expect(reply.body?.summary).toMatch(/\S/);
    expect(reply.body?.summary).not.toContain('\n');
    expect(reply.body).not.toHaveProperty('text');
    // The app's own token, for Bot Service's scope: the inbound token carries no appid, as Bot Service's do not.
    expect(reply.authorization).toMatch(/^Bearer ey/);
    expect(tokens.requests.at(-1)?.get('optionsOverride.Scopes')).toBe('https://api.botframework.com');
    expect(claimed(activity)).toBe(true);
  });

  it('in a channel, `@connector-ops connector help` is answered in the thread of the post; the mention is stripped', async () => {
    const { connector, keys } = standins;
    const activity = channelMessage(connector.serviceUrl, 'connector help');
    expect((await postActivity(bot.messagesUrl, activity, await keys.sign(connector.serviceUrl))).status).toBe(200);
    const reply = await connector.waitFor(replyTo(activity));
    expect(reply.conversationId).toBe(`${OPS_CHANNEL};messageid=${activity.id}`);
    expect(textOf(reply)).toContain(HELP);
    // Posts outside of this request go to the channel, not to the thread.
    expect(reference(`teams:${OPS_CHANNEL}`)).toMatchObject({ serviceUrl: connector.serviceUrl, conversation: { id: OPS_CHANNEL, tenantId: TEAMS_TENANT } });
  });

  it('in a group chat, words around the mention and a leading / are taken: `hey @connector-ops /connector help`', async () => {
    const { connector, keys } = standins;
    const activity = groupChatMessage(connector.serviceUrl, 'hey', '/connector  help');
    expect((await postActivity(bot.messagesUrl, activity, await keys.sign(connector.serviceUrl))).status).toBe(200);
    expect(textOf(await connector.waitFor(replyTo(activity)))).toContain(HELP);
  });

  it('roles name the person by their Entra object id (teams:<object id>), as the access settings do', async () => {
    const { connector, keys } = standins;
    const refused = personalMessage(connector.serviceUrl, 'connector restart ops');
    await postActivity(bot.messagesUrl, refused, await keys.sign(connector.serviceUrl));
    const refusal = textOf(await connector.waitFor(replyTo(refused)));
    expect(refusal).toContain('needs the operator role, which you do not have');
    expect(refusal).toContain(`add teams:${ADA.aadObjectId} to CONNECTOR_OPS_OPERATORS`);
    const operator = await startTeamsBot(standins, { CONNECTOR_OPS_OPERATORS: `teams:${ADA.aadObjectId}` });
    try {
      const allowed = personalMessage(connector.serviceUrl, 'connector restart ops');
      await postActivity(operator.messagesUrl, allowed, await keys.sign(connector.serviceUrl));
      expect(textOf(await connector.waitFor(replyTo(allowed), 20_000))).not.toContain('needs the operator role');
    } finally {
      await operator.stop();
    }
  });

  it('a button of a card runs its command as the person who pressed it, answered below the card; the press is answered, a retried one runs nothing', async () => {
    const { connector, keys } = standins;
    const token = await keys.sign(connector.serviceUrl);
    const asked = channelMessage(connector.serviceUrl, 'connector health');
    await postActivity(bot.messagesUrl, asked, token);
    const card = await connector.waitFor(replyTo(asked), 20_000);
    // ops answers nothing: its card offers a restart, behind a confirm step.
    const restart = buttonsOf(card).find((button) => button.command === '/connector restart ops')!;
    expect(restart).toBeDefined();
    const where = { conversationId: card.conversationId!, messageId: card.postedId!, conversationType: 'channel' as const };
    const press = cardAction(connector.serviceUrl, where, restart, GRACE);
    const belowCard = () => connector.messages().filter((call) => call.activityId === card.postedId);

    for (let i = 0; i < 3; i++) {
      const answer = await postActivity(bot.messagesUrl, press, token);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    }
    const refusal = await connector.waitFor(() => belowCard()[0]);
    expect(refusal.conversationId).toBe(card.conversationId);
    expect(textOf(refusal)).toContain(`add teams:${GRACE.aadObjectId} to CONNECTOR_OPS_OPERATORS`);
    // Another person's press is answered after it: the retries' answers would have come by now.
    await postActivity(bot.messagesUrl, cardAction(connector.serviceUrl, where, restart, CAROL), token);
    await connector.waitFor(() => belowCard().find((call) => textOf(call).includes(CAROL.aadObjectId)));
    expect(belowCard().filter((call) => textOf(call).includes(GRACE.aadObjectId))).toHaveLength(1);
    const refused = bot.services.operations.auditEntries({}).filter((entry) => entry.event === 'refused').map((entry) => entry.actor?.id);
    expect(refused).toEqual(expect.arrayContaining([GRACE.aadObjectId, CAROL.aadObjectId]));
  });

  it('every press is answered with HTTP 200, a failure included: a button not of ours, and a turn that fails', async () => {
    const { connector, keys } = standins;
    const token = await keys.sign(connector.serviceUrl);
    const before = connector.calls.length;
    const where = { conversationId: PERSONAL_CHAT, messageId: 'posted-elsewhere', conversationType: 'personal' as const };
    const foreign = cardAction(connector.serviceUrl, where, { title: 'Vote', command: '/connector help' });
    (foreign.value as { action: { verb: string } }).action.verb = 'poll.vote';
    const answer = await postActivity(bot.messagesUrl, foreign, token);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    // No recipient: the bot cannot tell where it was addressed, and the turn fails.
    const { recipient: _recipient, ...broken } = cardAction(connector.serviceUrl, where, { title: 'Help', command: '/connector help' });
    const failed = await postActivity(bot.messagesUrl, broken, token);
    expect(failed.status).toBe(200);
    expect(JSON.parse(failed.body)).toMatchObject({ statusCode: 500, type: 'application/vnd.microsoft.error', value: { message: expect.not.stringContaining(' at ') } });
    expect(connector.calls.slice(before)).toEqual([]);
  });

  it.each<[string, (s: TeamsStandins) => Promise<string | undefined>]>([
    ['a forged signature', async (s) => s.keys.sign(s.connector.serviceUrl, { key: (await generateKeyPair('RS256')).privateKey })],
    ['an unknown key', (s) => s.keys.sign(s.connector.serviceUrl, { header: { kid: 'not-a-published-key' } })],
    ['alg none', async (s) => s.keys.unsigned(s.connector.serviceUrl)],
    ['an expired token (10 min, past the SDK\'s 5 min tolerance)', (s) => s.keys.sign(s.connector.serviceUrl, { issuedAt: now() - 4_200, notBefore: now() - 4_200, expires: now() - 600 })],
    ['a token not yet valid (10 min ahead)', (s) => s.keys.sign(s.connector.serviceUrl, { notBefore: now() + 600 })],
    ['a wrong audience', (s) => s.keys.sign(s.connector.serviceUrl, { claims: { aud: '99999999-9999-9999-9999-999999999999' } })],
    [
      'another tenant, signed with a key the authority serves',
      (s) => s.keys.sign(s.connector.serviceUrl, { claims: { iss: `${s.keys.url}/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT } }),
    ],
    ['no token', async () => undefined],
  ])('%s → 401, and nothing runs', async (_case, token) => {
    const { connector } = standins;
    const before = connector.calls.length;
    const activity = personalMessage(connector.serviceUrl, 'connector help');
    const answer = await postActivity(bot.messagesUrl, activity, await token(standins));
    expect(answer.status).toBe(401);
    // A turn claims its delivery before the HTTP answer: none ran for this one.
    expect(claimed(activity)).toBe(false);
    expect(connector.calls.slice(before)).toEqual([]);
  });

  it('a service URL the token does not vouch for is refused, and nothing is sent there (with the bot\'s token)', async () => {
    const { connector, keys } = standins;
    const elsewhere = await BotConnector.start();
    try {
      const cases: Array<[TeamsActivity, string]> = [
        // Another port of the same host: the SDK's own check compares host names only.
        [personalMessage(elsewhere.serviceUrl, 'connector help'), await keys.sign(connector.serviceUrl)],
        // No claim at all: the SDK lets that through.
        [personalMessage(elsewhere.serviceUrl, 'connector help'), await keys.sign(undefined)],
        [personalMessage(`${connector.serviceUrl}emea/`, 'connector help'), await keys.sign(`${connector.serviceUrl}amer/`)],
      ];
      for (const [activity, token] of cases) {
        expect((await postActivity(bot.messagesUrl, activity, token)).status).toBe(401);
        expect(claimed(activity)).toBe(false);
      }
      expect(elsewhere.calls).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('a service URL on a host outside TEAMS_SERVICE_HOSTS is refused, even when the token vouches for it', async () => {
    const { connector, keys } = standins;
    const before = connector.calls.length;
    const strict = await startTeamsBot(standins, { TEAMS_SERVICE_HOSTS: 'smba.trafficmanager.net' });
    try {
      const activity = personalMessage(connector.serviceUrl, 'connector help');
      expect((await postActivity(strict.messagesUrl, activity, await keys.sign(connector.serviceUrl))).status).toBe(403);
      expect(connector.calls.slice(before)).toEqual([]);
    } finally {
      await strict.stop();
    }
  });

  it('a body over 256 KiB or not JSON is refused before anything is read of it', async () => {
    const { connector, keys } = standins;
    const token = await keys.sign(connector.serviceUrl);
    const huge = { ...personalMessage(connector.serviceUrl, 'connector help'), padding: 'x'.repeat(300 * 1024) };
    expect((await postActivity(bot.messagesUrl, huge, token)).status).toBe(413);
    const notJson = await fetch(bot.messagesUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"type":' });
    expect(notJson.status).toBe(400);
    expect(claimed(huge)).toBe(false);
  });

  it('a redelivered activity is answered once', async () => {
    const { connector, keys } = standins;
    const activity = personalMessage(connector.serviceUrl, 'connector help');
    const token = await keys.sign(connector.serviceUrl);
    for (let i = 0; i < 3; i++) expect((await postActivity(bot.messagesUrl, activity, token)).status).toBe(200);
    await connector.waitFor(replyTo(activity));
    // A later message's answer has come: a redelivery's would have come by now too.
    const later = personalMessage(connector.serviceUrl, 'connector help');
    await postActivity(bot.messagesUrl, later, token);
    await connector.waitFor(replyTo(later));
    expect(connector.messages().filter((call) => call.activityId === activity.id)).toHaveLength(1);
  });

  it('the app added to a team: where the team is reached is stored for later posts, without a message id', async () => {
    const { connector, keys } = standins;
    const otherUrl = `${connector.serviceUrl}emea/`;
    expect((await postActivity(bot.messagesUrl, botAddedToTeam(otherUrl), await keys.sign(otherUrl))).status).toBe(200);
    const stored = reference(`teams:${OPS_CHANNEL}`);
    expect(stored).toMatchObject({ serviceUrl: otherUrl, channelId: 'msteams', conversation: { id: OPS_CHANNEL, conversationType: 'channel' } });
    expect(stored).not.toHaveProperty('activityId');
  });

  it('installed in a team or a personal chat, the app welcomes once with what to type there and the connectors it sees', async () => {
    const { connector, keys } = standins;
    const token = await keys.sign(connector.serviceUrl);
    // Teams tells of one installation twice: the bot among the members added, and the installation itself.
    const welcomes = (conversation: string) => connector.messages().filter((call) => call.conversationId === conversation && cardText(call).includes('connector-ops is here'));
    for (const [added, installed, conversation, typed] of [
      [botAddedToTeam(connector.serviceUrl), appInstalled(connector.serviceUrl, 'team'), OPS_CHANNEL, '@connector-ops connector health'],
      [appInstalled(connector.serviceUrl, 'personal'), botAddedToPersonalChat(connector.serviceUrl), PERSONAL_CHAT, 'Type connector health'],
    ] as const) {
      expect((await postActivity(bot.messagesUrl, added, token)).status).toBe(200);
      expect((await postActivity(bot.messagesUrl, installed, token)).status).toBe(200);
      const welcome = await connector.waitFor(() => welcomes(conversation)[0], 20_000);
      // A new post, not a reply to the installation.
      expect(welcome.activityId).toBeUndefined();
      assertAdaptiveCard(cardsOf(welcome)[0]!);
      expect(cardText(welcome)).toContain(typed);
      expect(cardText(welcome)).toMatch(/It sees 1 connector:[\s\S]*ops/);
      expect(buttonsOf(welcome).map((button) => button.command)).toContain('/connector health');
    }
    // A message answered after both: a second welcome would have come by now.
    const later = personalMessage(connector.serviceUrl, 'connector help');
    await postActivity(bot.messagesUrl, later, token);
    await connector.waitFor(replyTo(later));
    expect(welcomes(OPS_CHANNEL)).toHaveLength(1);
    expect(welcomes(PERSONAL_CHAT)).toHaveLength(1);
  });

  it('a 429 from the Bot Connector is waited out (Retry-After) and the reply is delivered once', async () => {
    const { connector, keys } = standins;
    connector.fault({ status: 429, headers: { 'retry-after': '0' } });
    const activity = personalMessage(connector.serviceUrl, 'connector help');
    expect((await postActivity(bot.messagesUrl, activity, await keys.sign(connector.serviceUrl))).status).toBe(200);
    await connector.waitFor(() => (connector.messages().filter((call) => call.activityId === activity.id).length === 2 ? true : undefined));
    expect(textOf(connector.messages().filter((call) => call.activityId === activity.id)[1]!)).toContain(HELP);
  });

  it('a turn that fails posts nothing into the chat (the SDK would post "The agent encountered an error or bug")', async () => {
    const { connector, keys } = standins;
    const before = connector.calls.length;
    // No recipient: the bot cannot tell where it was addressed, and the turn fails.
    const { recipient: _recipient, ...activity } = personalMessage(connector.serviceUrl, 'connector help');
    expect((await postActivity(bot.messagesUrl, activity, await keys.sign(connector.serviceUrl))).status).toBe(200);
    // The SDK's handler posts before the HTTP answer: nothing came.
    expect(connector.calls.slice(before)).toEqual([]);
  });

  it('a token service that is down fails the reply, not the request: Teams has its answer, and the next message is answered', async () => {
    const { connector, keys, tokens } = standins;
    // A bot of its own: the SDK keeps a token until shortly before it expires, and this one has none yet.
    const fresh = await startTeamsBot(standins);
    const before = { calls: connector.calls.length, tokens: tokens.requests.length };
    tokens.down = true;
    try {
      const activity = personalMessage(connector.serviceUrl, 'connector help');
      // The SDK fetches the outbound token before any handler runs; had it done so here, this would be a 500.
      expect((await postActivity(fresh.messagesUrl, activity, await keys.sign(connector.serviceUrl))).status).toBe(200);
      await connector.waitFor(() => (tokens.requests.length > before.tokens ? true : undefined));
      tokens.down = false;
      const next = personalMessage(connector.serviceUrl, 'connector help');
      expect((await postActivity(fresh.messagesUrl, next, await keys.sign(connector.serviceUrl))).status).toBe(200);
      await connector.waitFor(replyTo(next));
      // Nothing reached the Bot Connector without a token.
      expect(connector.calls.slice(before.calls).every((call) => call.authorization?.startsWith('Bearer '))).toBe(true);
    } finally {
      tokens.down = false;
      await fresh.stop();
    }
  });

  it('no connection left loopback: no cloud address, no metadata service', () => {
    expect(outside.attempts).toEqual([]);
  });
});

const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';

function now(): number {
  return Math.floor(Date.now() / 1000);
}
