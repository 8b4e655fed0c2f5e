import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createAlerting, type Alerting } from './alerts/alerting.ts';
import { LogWatcher } from './alerts/log-watcher.ts';
import { AlertProbes } from './alerts/probes.ts';
import type { Config } from './config/config.ts';
import type { ConnectorDirectory, ReportRunner } from './domain/ports.ts';
import type { DockerEngines } from './integrations/docker/engines.ts';
import { followedLogsOf } from './integrations/followed-logs.ts';
import type { Logger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import type { AuditLog } from './store/audit-log.ts';
import type { Outbox } from './store/outbox.ts';
import type { Store } from './store/store.ts';
import type { Subscriptions } from './store/subscriptions.ts';

// The composition root's part that builds the alerts: the engine and its stores, the probes, the log watch.

export interface AlertsInput {
  config: Config;
  store: Store;
  outbox: Outbox;
  audit: AuditLog;
  subscriptions: Subscriptions;
  directory: ConnectorDirectory;
  runner: ReportRunner;
  engines: DockerEngines;
  redactor: Redactor;
  logger: Logger;
}

export interface AlertParts extends Alerting {
  probes: AlertProbes;
  /** Only when ALERT_FOLLOW_LOGS is on. */
  watcher?: LogWatcher;
}

/** The alert engine, fed by the probes' checks and, when configured, by the connectors' followed logs. */
export function createAlerts({ config, store, outbox, audit, subscriptions, directory, runner, engines, redactor, logger }: AlertsInput): AlertParts {
  const alerting = createAlerting({ store, outbox, audit, subscriptions: () => subscriptions.all(), settings: config.alerts, timezone: config.reports.timezone, logger });
  const { engine } = alerting;
  const probes = new AlertProbes({ directory, runner, engine, logger, intervalMs: config.alerts.probeIntervalMs, slowIntervalMs: config.alerts.slowChecksIntervalMs });
  if (!config.alerts.followLogs) return { ...alerting, probes };
  const watcher = new LogWatcher({
    directory,
    store,
    positions: alerting.positions,
    leases: alerting.leases,
    owner: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    recordErrors: (connector, batches, now) => engine.recordErrors(connector, batches, now),
    redact: (text) => redactor.redact(text),
    logger,
    logsOf: followedLogsOf(engines),
  });
  return { ...alerting, probes, watcher };
}
