import { engineLabel, type Connector } from '../../domain/connector.ts';
import type { Message } from '../../domain/message.ts';

/** Where the app was installed: a personal chat reads commands as typed, a team or group chat needs the mention. */
export type WelcomePlace = 'personal' | 'channel';

const MAX_LISTED = 25;

/**
 * Teams' counterpart of the Slack App Home: the card that answers the app's installation, saying what to type
 * and which connectors the bot sees. A neutral message, so that it is rendered (and escaped) like every other.
 */
export function welcomeMessage(connectors: readonly Connector[], place: WelcomePlace, botName = 'connector-ops'): Message {
  const ask = place === 'personal' ? 'connector health' : `@${botName} connector health`;
  const listed = connectors.slice(0, MAX_LISTED);
  const more = connectors.length - listed.length;
  const seen =
    connectors.length === 0
      ? 'It sees no connectors yet: configure them or let it discover them on the container engine, then type connector connectors.'
      : `It sees ${connectors.length} ${connectors.length === 1 ? 'connector' : 'connectors'}${more > 0 ? ` (the first ${MAX_LISTED} below)` : ''}:`;
  return {
    text: `connector-ops is here. Type ${ask} to check the connectors.`,
    blocks: [
      { type: 'header', text: 'connector-ops is here' },
      {
        type: 'section',
        text: `It checks and operates enmeshed Connectors. Type ${ask} for their health, ${place === 'personal' ? '' : `@${botName} `}connector help for every command. Changes (restart, update, …) run after another person approves them.`,
      },
      { type: 'section', text: seen },
      ...(listed.length > 0
        ? [{ type: 'fields' as const, fields: listed.map((c) => ({ label: c.name, value: c.container ? `container ${c.container} on ${engineLabel(c)}` : 'its HTTP API only' })) }]
        : []),
      {
        type: 'actions',
        buttons: [
          { label: 'Health of all', command: '/connector health', style: 'primary' },
          { label: 'Help', command: '/connector help' },
        ],
      },
      { type: 'context', text: 'Daily reports and alerts come here after connector subscribe reports or connector subscribe alerts.' },
    ],
  };
}
