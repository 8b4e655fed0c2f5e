import { SLOW_CHECKS } from './alerts/conditions.ts';
import { alertPostDelivered, silenceDuringOperations } from './alerts/listeners.ts';
import type { ChatAdapter, ChatContext, ChatPlatform } from './chat/adapter.ts';
import { slackPlatform } from './chat/slack/slack-platform.ts';
import { teamsPlatform } from './chat/teams/teams-platform.ts';
import { diskPaths } from './checks/index.ts';
import type { Config } from './config/config.ts';
import { OutboxWorker } from './delivery/outbox-worker.ts';
import { PostUpdates } from './delivery/post-updates.ts';
import { parseConversation, type ConversationTransport } from './delivery/transport.ts';
import { ConfiguredAccess } from './domain/access.ts';
import { CHECK_IDS } from './domain/check-result.ts';
import { LastKnownStatus, recordingLastKnown } from './domain/last-known.ts';
import type { ConnectorDirectory, ReportRunner } from './domain/ports.ts';
import type { Service } from './domain/service.ts';
import { Metrics, REPORT_SCHEDULE } from './http/metrics.ts';
import { probeRoutes } from './http/routes/probes.ts';
import type { RouteHandler } from './http/server.ts';
import { EngineMonitor } from './integrations/docker/engine-monitor.ts';
import type { Logger } from './logging/logger.ts';
import { Redactor } from './logging/redact.ts';
import { InterruptionRecovery } from './operations/recovery.ts';
import type { OperationService } from './operations/service.ts';
import { createDispatcher } from './request/create-dispatcher.ts';
import type { Dispatcher } from './request/dispatcher.ts';
import { homeOverview } from './request/home.ts';
import { createAlerts, type AlertParts } from './root-alerting.ts';
import { LogScanThread } from './checks/error-logs/log-scan-thread.ts';
import { createChecking, storePath } from './root-checking.ts';
import { createOperations } from './root-operations.ts';
import { dailyReportJob } from './scheduler/daily-report-job.ts';
import { DiskSampler } from './scheduler/disk-sampler.ts';
import { ReportSchedule } from './scheduler/report-schedule.ts';
import { statusRefresh } from './scheduler/status-refresh.ts';
import { StoreProbe } from './scheduler/store-probe.ts';
import { AuditLog } from './store/audit-log.ts';
import { DiskSampleRepository } from './store/disk-samples.ts';
import { MemorySampleRepository } from './store/memory-samples.ts';
import { Outbox, type OutboxEntry } from './store/outbox.ts';
import { ScheduledRuns } from './store/scheduled-runs.ts';
import { logHealthChanges } from './store/store-health.ts';
import { Store } from './store/store.ts';
import { Subscriptions } from './store/subscriptions.ts';

/** The chat platforms: each builds its adapter when the configuration has its settings. */
const CHAT_PLATFORMS: readonly ChatPlatform[] = [slackPlatform, teamsPlatform];

/** Everything below the adapters, built once from the configuration; adapters and the CLI see ports only. */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** The bot's HTTP routes in order: the probes, then the chat platforms' endpoints. */
  routes: RouteHandler[];
  /** The chat adapters the configuration asks for; the console is added by main.ts, which owns the terminal. */
  chatAdapters: ChatAdapter[];
  directory: ConnectorDirectory;
  runner: ReportRunner;
  dispatcher: Dispatcher;
  operations: OperationService;
  /** The audit log's hash chain, verified at start and by `connector-ops audit --verify`. */
  auditChain: Pick<AuditLog, 'verify'>;
  /** Started in this order (and stopped in reverse) by every run, the console's too: the outbox, the recovery of interrupted runs. */
  always: Service[];
  /** Then, by the long-running bot only: the store's and engines' probes, the sampler, the daily report, the alerts. */
  background: Service[];
  outboxWorker: OutboxWorker;
  reportSchedule: ReportSchedule;
  alerts: AlertParts;
  /** The outbox's transports by platform (reports, alerts, the states of operations); main.ts adds the console's. */
  transports: Map<string, ConversationTransport>;
  close(): void;
}

/**
 * The composition root: every integration is built here and only here, from Config, and each part gets just
 * the narrow ports it declares. It wires; what the parts do is in their rooms (docs/architecture.md).
 */
export function createServices(config: Config, logger: Logger, redactor: Redactor = new Redactor(config.secrets)): Services {
  const metrics = new Metrics();
  const store = Store.open(storePath(config));
  logHealthChanges(store.health, store.path, logger);
  const diskSamples = new DiskSampleRepository(store);
  const memorySamples = new MemorySampleRepository(store);
  // The disks sampled in the background: the forecast and the daily report's chart read them.
  const sampledPaths = [config.dataDir, ...diskPaths(config)];
  // Logs are read and parsed in a thread of their own: a report's megabytes of logs then never hold up chat.
  const logScans = new LogScanThread(config.secrets, config.engines);
  const checking = createChecking(config, logger, redactor, diskSamples, logScans, metrics);
  const { engines, hostResources, perEngine, directory } = checking;
  const access = new ConfiguredAccess(config.access);
  const audit = new AuditLog(store);
  const outbox = new Outbox(store);
  const subscriptions = new Subscriptions(store, config.notifications);
  const lastKnown = new LastKnownStatus();
  const runner = recordingLastKnown(checking.checkRunner, lastKnown);
  // Alerting first: it hears of operations and deliveries through their events.
  const alerting = createAlerts({ config, store, outbox, audit, subscriptions, directory, runner, engines, redactor, logger });
  const { watcher } = alerting;
  const operations = createOperations({ config, checking, store, audit, outbox, access, logger });
  operations.events.on('execution', silenceDuringOperations(alerting.silencer));
  // Where scheduled posts go, by platform: the chat platforms' below, the console's when main.ts opens it.
  const transports = new Map<string, ConversationTransport>();
  const outboxWorker = new OutboxWorker({ outbox, transports, logger });
  outboxWorker.events.on('delivered', alertPostDelivered(alerting.engine));
  for (const outcome of ['delivered', 'retried', 'failed'] as const) {
    outboxWorker.events.on(outcome, (item: OutboxEntry) => metrics.deliveries.inc({ platform: parseConversation(item.conversation).platform, outcome }));
  }

  const scheduledRuns = new ScheduledRuns(store);
  const reportSchedule = new ReportSchedule({
    name: REPORT_SCHEDULE,
    cron: config.reports.schedule,
    zone: config.reports.timezone,
    graceMs: config.reports.graceHours * 3_600_000,
    runs: scheduledRuns,
    logger,
    run: dailyReportJob({ store, outbox, subscriptions, directory, runner, sampledPaths, diskSamples, memorySamples, errorCounts: alerting.errorCounts, timezone: config.reports.timezone, logger }),
  });
  const engineMonitor = new EngineMonitor({ engines: config.engines.map((settings) => ({ settings, client: engines.get(settings.name).client })), logger });
  metrics.observe({
    engines: () => engineMonitor.states(),
    checks: () => lastKnown.latest(),
    alerts: () => ({
      firingByKind: alerting.alerts.firingByKind(),
      silenced: alerting.engine.active().filter((a) => a.silencedBy).length,
      silences: alerting.silences.active(new Date()).length,
    }),
    queuedDeliveries: () => outbox.pending().total,
    lastReport: () => {
      const last = scheduledRuns.last(REPORT_SCHEDULE);
      return last && { scheduledFor: last.scheduledFor, posted: last.postedAt !== undefined };
    },
  });

  const dispatcher = createDispatcher({
    directory,
    runner,
    operations,
    notifications: { subscriptions, alerts: { engine: alerting.engine, silences: alerting.silences }, nextReport: () => reportSchedule.next(), timezone: config.reports.timezone },
    alerts: { engine: alerting.engine, alerts: alerting.alerts, silences: alerting.silences, silencer: alerting.silencer, directory, ...(watcher && { followers: () => watcher.states() }) },
    policy: access,
    store,
    logger,
    countRequest: (verb, platform) => metrics.commands.inc({ verb, adapter: platform }),
  });
  const platformStores: Store[] = [];
  const chat: ChatContext = {
    dispatch: (request, reply) => dispatcher.dispatch(request, reply),
    logger,
    redact: (text) => redactor.redact(text),
    home: homeOverview(directory, lastKnown, operations),
    connectors: async () => (await directory.list(AbortSignal.timeout(10_000))).connectors,
    countRefused: (platform) => metrics.refusedDeliveries.inc({ platform }),
    updates: new PostUpdates(outbox),
    openStore: () => {
      const connection = Store.open(storePath(config), { durability: 'process', health: store.health });
      platformStores.push(connection);
      return connection;
    },
  };
  const chatAdapters = CHAT_PLATFORMS.flatMap((platform) => platform(config, chat) ?? []);
  for (const transport of chatAdapters.flatMap((adapter) => adapter.transport?.() ?? [])) transports.set(transport.platform, transport);
  const sampler = new DiskSampler({
    host: hostResources,
    dataRoots: [...perEngine.values()].map((integrations) => integrations.containerResources),
    paths: sampledPaths,
    samples: diskSamples,
    memory: { host: hostResources, samples: memorySamples },
    logger,
    intervalMs: config.checks.backgroundRunMs,
    // Every check but the slow ones, whose latest results the alert probes' slower round keeps.
    alsoEachRound: statusRefresh({ directory, runner, lastKnown, checks: CHECK_IDS.filter((id) => !SLOW_CHECKS.includes(id)), logger }),
  });
  return {
    config,
    logger,
    metrics,
    routes: [
      ...probeRoutes({ metrics, readiness: { notReady: () => [...store.notReady(), ...chatAdapters.flatMap((a) => a.notReady?.() ?? [])] }, engines: engineMonitor }),
      ...chatAdapters.flatMap((adapter) => adapter.routes ?? []),
    ],
    chatAdapters,
    directory,
    runner,
    dispatcher,
    operations,
    auditChain: audit,
    always: [{ name: 'outbox', start: () => outboxWorker.start(), stop: () => outboxWorker.finish() }, new InterruptionRecovery(operations, logger)],
    background: [new StoreProbe({ store, logger }), engineMonitor, sampler, reportSchedule, alerting.engine, alerting.probes, ...(watcher ? [watcher] : [])],
    outboxWorker,
    reportSchedule,
    alerts: alerting,
    transports,
    close: () => {
      void logScans.close();
      for (const platformStore of platformStores) platformStore.close();
      store.close();
    },
  };
}
