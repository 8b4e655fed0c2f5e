import type { AlertSettings } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { AlertStore } from '../store/alerts.ts';
import type { AuditLog } from '../store/audit-log.ts';
import { ErrorCounts } from '../store/error-counts.ts';
import { LogLeases } from '../store/log-leases.ts';
import { LogPositions } from '../store/log-positions.ts';
import type { Outbox } from '../store/outbox.ts';
import { SilenceStore } from '../store/silences.ts';
import type { Store } from '../store/store.ts';
import type { Subscription } from '../store/subscriptions.ts';
import { AlertEngine } from './engine.ts';
import { Silencer } from './silencer.ts';

export interface Alerting {
  engine: AlertEngine;
  silencer: Silencer;
  alerts: AlertStore;
  silences: SilenceStore;
  errorCounts: ErrorCounts;
  positions: LogPositions;
  leases: LogLeases;
}

/** The alert engine and what it keeps in the store, built together over one store (the root's, or a test's). */
export function createAlerting(input: {
  store: Store;
  outbox: Outbox;
  audit: AuditLog;
  subscriptions: () => readonly Subscription[];
  settings: AlertSettings;
  timezone: string;
  logger: Logger;
  now?: () => Date;
}): Alerting {
  const { store, settings } = input;
  const alerts = new AlertStore(store);
  const silences = new SilenceStore(store);
  const errorCounts = new ErrorCounts(store);
  const engine = new AlertEngine({
    store,
    alerts,
    silences,
    errorCounts,
    outbox: input.outbox,
    subscriptions: input.subscriptions,
    timers: { groupWaitMs: settings.groupWaitMs, groupIntervalMs: settings.groupIntervalMs, repeatIntervalMs: settings.repeatIntervalMs, resolveMs: settings.resolveMs, holdMs: settings.holdMs },
    timezone: input.timezone,
    logger: input.logger,
    ...(input.now && { now: input.now }),
  });
  const silencer = new Silencer({ store, silences, audit: input.audit, engine, settleMs: settings.holdMs + settings.groupWaitMs });
  return { engine, silencer, alerts, silences, errorCounts, positions: new LogPositions(store), leases: new LogLeases(store) };
}
