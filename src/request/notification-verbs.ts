import type { AlertEngine } from '../alerts/engine.ts';
import { alertSubscriptionMessage } from '../domain/alerts-message.ts';
import { textMessage, type Message } from '../domain/message.ts';
import { personOf } from '../domain/operation.ts';
import { conversationKey } from '../domain/request.ts';
import type { SilenceStore } from '../store/silences.ts';
import type { Subscription, Subscriptions } from '../store/subscriptions.ts';
import type { VerbHandler } from './dispatcher.ts';

export interface NotificationVerbDependencies {
  subscriptions: Subscriptions;
  /** The alerts a conversation that subscribes to them is told of; absent where no alert engine runs. */
  alerts?: { engine: Pick<AlertEngine, 'welcome' | 'wake'>; silences: Pick<SilenceStore, 'active'> };
  /** When the next daily report is due, if the schedule runs. */
  nextReport: () => Date | undefined;
  timezone: string;
  now?: () => Date;
}

export function subscribeHandler(deps: NotificationVerbDependencies): VerbHandler<'subscribe'> {
  return async ({ command, request, reply }) => {
    const { what } = command;
    const min = command.min ?? 'warn';
    const conversation = conversationKey(request.conversation);
    const now = deps.now?.() ?? new Date();
    deps.subscriptions.subscribe(conversation, what, min, personOf(request.actor), now);
    if (what === 'alerts' && deps.alerts) {
      // The alerts firing now are posted by the engine, once each; the answer says what follows and what is held back.
      const { engine, silences } = deps.alerts;
      await reply.post(alertSubscriptionMessage(min, engine.welcome(conversation, now), silences.active(now), now), 'conversation');
      engine.wake();
      return;
    }
    const detail = what === 'reports' ? `the daily report (next: ${nextText(deps)})` : `alerts of severity ${min} and above`;
    await reply.post(textMessage(`This conversation now receives ${detail}. /connector unsubscribe ${what} stops it.`, 'ok'), 'conversation');
  };
}

export function unsubscribeHandler(deps: NotificationVerbDependencies): VerbHandler<'unsubscribe'> {
  return async ({ command, request, reply }) => {
    const { what } = command;
    const key = conversationKey(request.conversation);
    const removed = deps.subscriptions.unsubscribe(key, what);
    const fromConfig = deps.subscriptions.all().some((s) => !s.by && s.conversation === key && s.receives.includes(what));
    const text = removed
      ? `This conversation no longer receives ${what}.${fromConfig ? ' (It still does through the configuration: notifications: in the YAML file.)' : ''}`
      : fromConfig
        ? `This conversation receives ${what} through the configuration (notifications: in the YAML file); change it there.`
        : `This conversation did not receive ${what}.`;
    await reply.post(textMessage(text), 'private');
  };
}

export function subscriptionsHandler(deps: NotificationVerbDependencies): VerbHandler<'subscriptions'> {
  return async ({ reply }) => {
    await reply.post(subscriptionsMessage(deps.subscriptions.all()), 'conversation');
  };
}

export function scheduleHandler(deps: NotificationVerbDependencies): VerbHandler<'schedule'> {
  return async ({ reply }) => {
    const receivers = deps.subscriptions.receiving('reports');
    const where = receivers.length > 0 ? `into ${receivers.join(', ')}` : 'nowhere yet: /connector subscribe reports in a channel adds it';
    await reply.post(textMessage(`The next daily report is due ${nextText(deps)}, posted ${where}.`), 'private');
  };
}

function nextText(deps: NotificationVerbDependencies): string {
  const next = deps.nextReport();
  if (!next) return 'when the bot runs as a server (connector-ops start)';
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: deps.timezone, dateStyle: 'full', timeStyle: 'short' }).format(next);
  return `${local} (${deps.timezone})`;
}

function subscriptionsMessage(subscriptions: readonly Subscription[]): Message {
  if (subscriptions.length === 0) return textMessage('No conversation receives reports or alerts. /connector subscribe reports (or alerts) in a channel adds it.');
  return {
    text: `${subscriptions.length} subscriptions`,
    blocks: [
      { type: 'header', text: 'Subscriptions' },
      {
        type: 'fields',
        fields: subscriptions.map((s) => ({
          label: s.conversation,
          value: [
            s.receives.join(' and '),
            s.receives.includes('alerts') ? `alerts from ${s.minSeverity}` : undefined,
            s.connectors.length > 0 ? `only ${s.connectors.join(', ')}` : undefined,
            s.by ? `by ${s.by.displayName}` : 'from the configuration',
          ]
            .filter(Boolean)
            .join(' · '),
        })),
      },
    ],
  };
}
