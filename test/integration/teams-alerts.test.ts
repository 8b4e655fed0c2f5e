import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertAdaptiveCard } from '../support/adaptive-card.ts';
import { describeWith, requireStandinImage } from '../support/requirements.ts';
import { connectorLogLine, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import {
  ADA,
  answeredCard,
  buttonsOf,
  cardAction,
  cardsOf,
  cardText,
  channelMessage,
  OPS_CHANNEL,
  postActivity,
  startTeamsBot,
  startTeamsStandins,
  type TeamsBot,
  type TeamsStandins,
} from '../support/teams/index.ts';

/**
 * Alerts in a Teams channel: a real container (the stand-in Connector) writes errors into its log, the bot follows
 * it, and the alert comes into the channel through the outbox with its Silence actions, which work from the card.
 */
describeWith([requireStandinImage()], 'Teams: alerts posted into a channel, silenced from their card', () => {
  let standins: TeamsStandins;
  let connector: StandinConnector;
  let bot: TeamsBot;

  beforeAll(async () => {
    standins = await startTeamsStandins();
    connector = await startStandinConnector({ name: 'teams-alerts' });
    bot = await startTeamsBot(standins, {
      CONNECTOR_URL: connector.url,
      CONNECTOR_API_KEY: connector.apiKey,
      CONNECTOR_CONTAINER: connector.name,
      CONNECTOR_OPS_OPERATORS: `teams:${ADA.aadObjectId}`,
      ALERT_GROUP_WAIT_SECONDS: '2',
      ALERT_GROUP_INTERVAL_SECONDS: '3',
      ALERT_RESOLVE_SECONDS: '6',
      // The probes stay out of the way: this is about the log.
      ALERT_PROBE_SECONDS: '3600',
      ALERT_SLOW_CHECKS_SECONDS: '3600',
    });
    bot.services.alerts.engine.start();
    bot.services.alerts.watcher!.start();
    await standins.connector.waitFor(() => bot.services.alerts.watcher!.states().find((s) => s.status.state === 'following'), 15_000);
  }, 60_000);
  afterAll(async () => {
    bot?.services.alerts.engine.stop();
    await bot?.services.alerts.watcher?.stop();
    await bot?.stop();
    await connector?.remove();
    await standins?.close();
  });

  it('Silence 1 h on the alert card: the alert is silenced, the card says so (for the one who pressed at once, for everyone through the outbox), and its next firing is not posted', async () => {
    const { connector: teams, keys } = standins;
    const token = await keys.sign(teams.serviceUrl);
    const subscribe = channelMessage(teams.serviceUrl, 'connector subscribe alerts');
    await postActivity(bot.messagesUrl, subscribe, token);
    await teams.waitFor(() => teams.messages().find((call) => call.activityId === subscribe.id && cardText(call).includes('now receives alerts')), 20_000);

    const errorLine = connectorLogLine('ERROR', 'Runtime', 'Sync failed: item 1 could not be processed');
    await connector.appendLog([errorLine]);
    const alertPosts = () => teams.messages().filter((call) => call.conversationId === OPS_CHANNEL && call.activityId === undefined && cardText(call).includes('errors in the log'));
    const card = await teams.waitFor(() => alertPosts()[0], 20_000);
    const silence = buttonsOf(card).find((button) => button.title === 'Silence 1 h')!;
    expect(silence.command).toMatch(/^\/connector silence [0-9a-f]+ 1h$/);
    expect(buttonsOf(card).map((button) => button.title)).toContain('Silence 24 h');

    const pressed = await postActivity(bot.messagesUrl, cardAction(teams.serviceUrl, { conversationId: OPS_CHANNEL, messageId: card.postedId!, conversationType: 'channel' }, silence, ADA), token);
    const answered = answeredCard(pressed)!;
    expect(answered).toBeDefined();
    assertAdaptiveCard(cardsOf(answered)[0]!);
    expect(cardText(answered)).toMatch(/Silenced by Ada Lovelace until .* \(silence [a-z0-9-]+; \/connector unsilence/);
    expect(buttonsOf(answered).filter((button) => button.title.startsWith('Silence'))).toEqual([]);

    const firing = () => bot.services.alerts.engine.active().find((a) => a.alert.kind === 'error-group');
    const alertId = silence.command.split(' ')[2]!;
    expect(firing()?.silencedBy).toMatchObject({ scope: 'alert', target: alertId, createdBy: { id: ADA.aadObjectId } });
    expect(bot.services.alerts.silences.active(new Date()).map((s) => s.target)).toContain(alertId);
    await teams.waitFor(() => teams.calls.find((call) => call.method === 'PUT' && call.activityId === card.postedId && cardText(call).includes('Silenced by Ada Lovelace')), 20_000);

    // Quiet for the resolve time: resolved. The same error again is a new firing of the same alert, held back.
    await teams.waitFor(() => (firing() === undefined ? true : undefined), 30_000);
    await connector.appendLog([errorLine]);
    const held = await teams.waitFor(() => firing(), 15_000);
    expect(held.silencedBy?.target).toBe(alertId);
    // Its first post would be due group_wait after it fired: a tick then does whatever is due, at once.
    bot.services.alerts.engine.tick(new Date(held.alert.firedAt!.getTime() + bot.services.config.alerts.groupWaitMs));
    // Nothing queued for it (a post queued would count in its posts), and nothing posted.
    expect(firing()?.alert.posts).toBe(0);
    expect(alertPosts()).toHaveLength(1);
  }, 90_000);
});
