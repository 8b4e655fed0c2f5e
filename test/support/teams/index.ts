/** Teams' side on loopback for the real Agents SDK: the authority's keys, the token service, the Bot Connector. */
export { KeyServer, TEAMS_APP_ID, TEAMS_TENANT, type TokenOptions } from './keys.ts';
export { TokenService } from './token-service.ts';
export { answeredCard, BotConnector, buttonsOf, cardsOf, cardText, type ConnectorCall, type ScriptedAnswer } from './bot-connector.ts';
export { ADA, GRACE, CAROL, BOT_ACCOUNT, cardAction, OPS_CHANNEL, PERSONAL_CHAT, GROUP_CHAT, personalMessage, channelMessage, groupChatMessage, botAddedToTeam, botAddedToPersonalChat, appInstalled, type TeamsActivity } from './activities.ts';
export { startTeamsStandins, startTeamsBot, postActivity, type TeamsStandins, type TeamsBot } from './bot.ts';
export { refuseOutsideConnections } from './outside-connections.ts';
