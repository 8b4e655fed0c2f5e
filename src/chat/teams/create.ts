import type { TeamsSettings } from '../../config/config.ts';
import type { Metrics } from '../../http/metrics.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Redactor } from '../../logging/redact.ts';
import type { Dispatcher } from '../../request/dispatcher.ts';
import { Deliveries } from '../../store/deliveries.ts';
import type { Store } from '../../store/store.ts';
import { TeamsConversations } from '../../store/teams-conversations.ts';
import { TeamsAdapter } from './teams-adapter.ts';

/** What the composition root hands the Teams adapter. */
export interface TeamsServices {
  store: Store;
  dispatcher: Dispatcher;
  logger: Logger;
  redactor: Redactor;
  metrics: Metrics;
}

/** The Teams adapter as the composition root builds it, when a client id is configured. */
export function createTeamsAdapter(settings: TeamsSettings, services: TeamsServices): TeamsAdapter {
  const { store, dispatcher, logger, redactor, metrics } = services;
  return new TeamsAdapter({
    settings,
    dispatch: (request, reply) => dispatcher.dispatch(request, reply),
    deliveries: new Deliveries(store),
    conversations: new TeamsConversations(store),
    logger,
    redact: (text) => redactor.redact(text),
    countRefused: () => metrics.refusedDeliveries.inc({ platform: 'teams' }),
  });
}
