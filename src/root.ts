import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createConnectorChecks, createEngineChecks, diskPaths, probeTimeoutMs, type EngineIntegrations, type SharedIntegrations } from './checks/index.ts';
import type { Check } from './checks/check.ts';
import { CheckRunner } from './checks/runner.ts';
import { DEFAULT_ENGINE, type Config } from './config/config.ts';
import { DockerConnectorDirectory } from './connectors/directory.ts';
import type { ConnectorDirectory, ReportRunner } from './domain/ports.ts';
import { ConfiguredAccess } from './domain/access.ts';
import { homeMessage } from './domain/home-message.ts';
import { LastKnownStatus } from './domain/last-known.ts';
import { Metrics, REPORT_SCHEDULE } from './http/metrics.ts';
import { probeRoutes } from './http/routes/probes.ts';
import type { RouteHandler } from './http/server.ts';
import { ConnectorApiClient } from './integrations/connector-api/client.ts';
import { DockerContainerStats } from './integrations/docker/container-stats.ts';
import { DockerContainers } from './integrations/docker/containers.ts';
import { DockerEngineInfo } from './integrations/docker/engine-info.ts';
import { DockerEngines, type DockerEngine } from './integrations/docker/engines.ts';
import { EngineMonitor } from './integrations/docker/engine-monitor.ts';
import { DockerImages } from './integrations/docker/images.ts';
import { ContainerLogs } from './integrations/docker/logs.ts';
import { DockerHostOldMaterial } from './integrations/docker/old-material.ts';
import { LocalHostOs } from './integrations/host/os-info.ts';
import { LocalHostResources } from './integrations/host/resources.ts';
import { LogFiles } from './integrations/logfiles/log-files.ts';
import { inspectWithDriver } from './integrations/mongo/client.ts';
import { mongoPing } from './integrations/mongo/ping.ts';
import { NetworkProber } from './integrations/probes/prober.ts';
import { RegistryClient } from './integrations/registry/client.ts';
import type { Logger } from './logging/logger.ts';
import { Redactor } from './logging/redact.ts';
import { createDispatcher } from './request/create-dispatcher.ts';
import type { Dispatcher } from './request/dispatcher.ts';
import { DiskSampler } from './scheduler/disk-sampler.ts';
import { StoreProbe } from './scheduler/store-probe.ts';
import { ReportSchedule } from './scheduler/report-schedule.ts';
import { ScheduledRuns } from './store/scheduled-runs.ts';
import { Outbox, type OutboxItem } from './store/outbox.ts';
import { OutboxWorker } from './delivery/outbox-worker.ts';
import { parseConversation, type ConversationTransport } from './delivery/transport.ts';
import { Subscriptions } from './store/subscriptions.ts';
import { dailyReportMessage } from './domain/daily-report.ts';
import { CHECK_IDS } from './domain/check-result.ts';
import type { ChatAdapter } from './chat/adapter.ts';
import { SlackAdapter } from './chat/slack/slack-adapter.ts';
import { Deliveries } from './store/deliveries.ts';
import { DiskSampleRepository } from './store/disk-samples.ts';
import type { DiskSampleReader, SamplesLeftOut } from './domain/samples.ts';
import { AuditLog } from './store/audit-log.ts';
import { OperationRequests } from './store/operation-requests.ts';
import { StopMarkerRecords } from './store/stop-markers.ts';
import { DockerContainerOperations } from './integrations/docker/container-operations.ts';
import { MongoStopMarkers } from './integrations/mongo/stop-marker.ts';
import type { OperationDependencies } from './operations/dependencies.ts';
import { operationKinds } from './operations/kinds.ts';
import { OperationService } from './operations/service.ts';
import { RequestPosts } from './operations/request-posts.ts';
import { readCondition } from './operations/current-state.ts';
import { findConnector } from './domain/connector.ts';
import { Store } from './store/store.ts';
import { StoreError } from './store/store-error.ts';
import { createAlerting } from './alerts/alerting.ts';
import { MemorySampleRepository } from './store/memory-samples.ts';
import { RESOURCE_CHART_DAYS, resourceChart } from './domain/resource-chart.ts';
import { AlertProbes } from './alerts/probes.ts';
import { LogWatcher } from './alerts/log-watcher.ts';
import type { AlertEngine } from './alerts/engine.ts';
import type { FollowedLog } from './logs/follow.ts';
import { ContainerLogFollower } from './integrations/docker/log-follow.ts';
import { LogFileFollower } from './integrations/logfiles/tail.ts';
import type { OperationKind } from './domain/operation.ts';
import { alertIdOfPostKey } from './domain/alert.ts';

/** Everything below the adapters, built once from the configuration; adapters and the CLI see ports only. */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** The bot's HTTP routes in order: the probes, then the chat platforms' endpoints. */
  routes: RouteHandler[];
  /** The chat adapters the configuration asks for (Slack); the console is added by main.ts, which owns the terminal. */
  chatAdapters: ChatAdapter[];
  directory: ConnectorDirectory;
  runner: ReportRunner;
  dispatcher: Dispatcher;
  operations: OperationService;
  /** The audit log's hash chain, verified at start and by `connector-ops audit --verify`. */
  auditChain: Pick<AuditLog, 'verify'>;
  /** Background disk sampling, for the long-running bot only. */
  sampler: DiskSampler;
  /** A small write every few seconds, for the long-running bot only: /readyz knows whether the store can be written. */
  storeProbe: StoreProbe;
  /** Each Docker engine pinged in the background, for the long-running bot only: /readyz and /metrics tell their states. */
  engineMonitor: EngineMonitor;
  /** The daily report and the outbox its posts go through, for the long-running bot only. */
  reportSchedule: ReportSchedule;
  outboxWorker: OutboxWorker;
  /** Alerts, for the long-running bot only: the engine's timers, the probes, and the followed logs. */
  alerts: { engine: AlertEngine; probes: AlertProbes; watcher?: LogWatcher };
  /** The outbox's transports by platform (reports, alerts, the states of operations); main.ts adds the console's. */
  transports: Map<string, ConversationTransport>;
  close(): void;
}

/**
 * The composition root: every integration is built here and only here, from Config, and each check gets
 * just the narrow ports it declares. Docker-backed checks are built once per engine, sharing its client.
 */
export function createServices(config: Config, logger: Logger, redactor: Redactor = new Redactor(config.secrets)): Services {
  const metrics = new Metrics();
  const store = Store.open(storePath(config));
  // Said once per change, not at every failed write.
  store.health.onChange((problem) => {
    if (problem) logger.error({ store: store.path, code: problem.code, fix: problem.fix }, problem.message);
    else logger.info({ store: store.path }, 'the store can be written again');
  });
  const diskSamples = new DiskSampleRepository(store);
  const memorySamples = new MemorySampleRepository(store);
  // The disks sampled in the background: the forecast and the daily report's chart read them.
  const sampledPaths = [config.dataDir, ...diskPaths(config)];
  const { engines, hostResources, probeTimeout, shared, perEngine, directory, checkRunner } = createChecking(config, logger, redactor, diskSamples, metrics);
  const containerOperations = new Map(engines.all.map((engine) => [engine.name, new DockerContainerOperations(engine.client)]));
  const access = new ConfiguredAccess(config.access);
  const audit = new AuditLog(store);
  const operationDependencies: OperationDependencies = {
    containersFor: (connector) => containerOperations.get(connector.engine ?? DEFAULT_ENGINE) ?? containerOperations.get(DEFAULT_ENGINE)!,
    localEngine: (connector) => engines.get(connector.engine ?? DEFAULT_ENGINE).local,
    api: shared.api,
    stopRecords: new StopMarkerRecords(store),
    mongoMarkers: new MongoStopMarkers({ timeoutMs: probeTimeout * 2 }),
    backupDir: config.operations.backupDir,
    registry: shared.registry,
    registryAuth: (registry) => {
      const credentials = config.registries[registry];
      return credentials?.username && credentials.password ? { username: credentials.username, password: credentials.password, serveraddress: registry } : undefined;
    },
    includePrereleases: config.checks.imageUpdate.includePrereleases,
    oldMaterialFor: (connector) => (perEngine.get(connector.engine ?? DEFAULT_ENGINE) ?? perEngine.get(DEFAULT_ENGINE)!).oldMaterial,
    ownContainers: config.connectors.flatMap((c) => (c.container ? [c.container] : [])),
    logRetentionDays: config.checks.oldMaterial.logRetentionDays,
    stopGraceSeconds: config.operations.stopGraceSeconds,
    healthyTimeoutMs: config.operations.healthyTimeoutSeconds * 1000,
    now: () => new Date(),
  };
  const kinds = operationKinds(operationDependencies);
  const outbox = new Outbox(store);
  const operations = new OperationService({
    requests: new OperationRequests(store, audit),
    audit,
    kinds,
    posts: new RequestPosts(outbox, (kind) => kinds.get(kind)?.danger ?? true),
    onQueued: () => outboxWorker.wake(),
    conditionOf: async (name, signal) => {
      const connector = findConnector((await directory.list(signal)).connectors, name);
      return connector ? readCondition(operationDependencies, connector, signal) : { state: 'unknown', text: `${name} is no longer configured or discovered` };
    },
    maySelfApprove: (actor) => access.maySelfApprove(actor),
    approvalTimeoutMs: config.operations.approvalTimeoutMinutes * 60_000,
    logger,
    onExecution: (phase, request, maxMs) => {
      if (!SILENCING_OPERATIONS.has(request.kind)) return;
      if (phase === 'started') alerting.silencer.operationStarted(request.id, request.connector, `${request.kind} ${request.id} under way`, maxMs, new Date());
      else alerting.silencer.operationFinished(request.id, new Date());
    },
  });
  // Every report also tells each connector's last known status, for overviews such as Slack's App Home.
  const lastKnown = new LastKnownStatus();
  const runner: ReportRunner = {
    run: async (connectors, ids, options) => {
      const report = await checkRunner.run(connectors, ids, options);
      lastKnown.record(report);
      return report;
    },
  };
  const subscriptions = new Subscriptions(store, config.notifications);
  // Where scheduled posts go, by platform: Slack below, the console when main.ts opens it.
  const transports = new Map<string, ConversationTransport>();
  const platformOf = (item: OutboxItem) => parseConversation(item.conversation).platform;
  const outboxWorker = new OutboxWorker({
    outbox,
    transports,
    logger,
    onDelivered: (item) => {
      metrics.deliveries.inc({ platform: platformOf(item), outcome: 'delivered' });
      const alert = alertIdOfPostKey(item.key ?? item.updateOf);
      if (alert) alerting.engine.delivered(alert, new Date());
    },
    onRetried: (item) => metrics.deliveries.inc({ platform: platformOf(item), outcome: 'retried' }),
    onFailed: (item) => metrics.deliveries.inc({ platform: platformOf(item), outcome: 'failed' }),
  });
  const alerting = createAlerting({
    store,
    outbox,
    audit,
    subscriptions: () => subscriptions.all(),
    settings: config.alerts,
    timezone: config.reports.timezone,
    logger,
    onQueued: () => outboxWorker.wake(),
  });
  const probes = new AlertProbes({
    directory,
    runner,
    engine: alerting.engine,
    logger,
    intervalMs: config.alerts.probeIntervalMs,
    slowIntervalMs: config.alerts.slowChecksIntervalMs,
  });
  const watcher = config.alerts.followLogs
    ? new LogWatcher({
        directory,
        store,
        positions: alerting.positions,
        leases: alerting.leases,
        owner: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
        recordErrors: (connector, batches, now) => alerting.engine.recordErrors(connector, batches, now),
        redact: (text) => redactor.redact(text),
        logger,
        logsOf: (connector) => {
          const logs: FollowedLog[] = connector.logFiles.map((pattern) => new LogFileFollower(pattern));
          if (connector.container) logs.unshift(new ContainerLogFollower(engines.get(connector.engine ?? DEFAULT_ENGINE).client, connector.container));
          return logs;
        },
      })
    : undefined;
  const scheduledRuns = new ScheduledRuns(store);
  const engineMonitor = new EngineMonitor({ engines: config.engines.map((settings) => ({ settings, client: engines.get(settings.name).client })), logger });
  metrics.observe({
    engines: () => engineMonitor.states(),
    alerts: () => {
      const active = alerting.engine.active();
      return {
        firingByKind: alerting.alerts.firingByKind(),
        silenced: active.filter((a) => a.silencedBy).length,
        silences: alerting.silences.active(new Date()).length,
      };
    },
    queuedDeliveries: () => outbox.pending().total,
    lastReport: () => {
      const last = scheduledRuns.last(REPORT_SCHEDULE);
      return last && { scheduledFor: last.scheduledFor, posted: last.postedAt !== undefined };
    },
  });
  const reportSchedule = new ReportSchedule({
    name: REPORT_SCHEDULE,
    cron: config.reports.schedule,
    zone: config.reports.timezone,
    graceMs: config.reports.graceHours * 3_600_000,
    runs: scheduledRuns,
    logger,
    run: async (scheduledFor, markPosted) => {
      const receivers = subscriptions.receiving('reports');
      if (receivers.length === 0) {
        logger.info({ scheduledFor }, 'daily report: no conversation subscribes to it (/connector subscribe reports)');
        return;
      }
      const { connectors } = await directory.list();
      const report = await runner.run(connectors, CHECK_IDS);
      const now = new Date();
      const weekAgo = new Date(now.getTime() - RESOURCE_CHART_DAYS * 86_400_000);
      const chart = resourceChart({
        disks: sampledPaths.map((path) => ({ path, samples: diskSamples.since(path, weekAgo) })),
        memory: memorySamples.since(weekAgo),
        now,
      });
      // From what the log follower counted, not from rescanning a day of logs.
      const errorGroups = alerting.errorCounts.between(new Date(scheduledFor.getTime() - 86_400_000), scheduledFor);
      const message = dailyReportMessage(report, scheduledFor, config.reports.timezone, { errorGroups, ...(chart && { chart }) });
      // "Posted" and its posts in the outbox commit together: a run cut off before is run again, never twice.
      store.transaction(() => {
        markPosted();
        outbox.enqueueMany(receivers.map((conversation) => ({ conversation, message })));
      });
      outboxWorker.wake();
    },
  });
  const dispatcher = createDispatcher({
    directory,
    runner,
    operations,
    notifications: { subscriptions, alerts: { engine: alerting.engine, silences: alerting.silences }, nextReport: () => reportSchedule.next(), timezone: config.reports.timezone },
    alerts: {
      engine: alerting.engine,
      alerts: alerting.alerts,
      silences: alerting.silences,
      silencer: alerting.silencer,
      directory,
      ...(watcher && { followers: () => watcher.states() }),
    },
    policy: access,
    store,
    logger,
    countRequest: (verb, platform) => metrics.commands.inc({ verb, adapter: platform }),
  });
  const deliveryStore = config.slack ? Store.open(storePath(config), { durability: 'process', health: store.health }) : undefined;
  const slack =
    config.slack && deliveryStore
      ? new SlackAdapter({
          settings: config.slack,
          dispatch: (request, reply) => dispatcher.dispatch(request, reply),
          // Its own connection: a delivery's key is written before every acknowledgement, without an fsync.
          deliveries: new Deliveries(deliveryStore),
          groupHandles: slackGroupHandles(config.access),
          logger,
          redact: (text) => redactor.redact(text),
          home: async () => {
            const { connectors, problem } = await directory.list();
            return homeMessage(connectors, (name) => lastKnown.of(name), operations.active(), problem);
          },
          countRefused: () => metrics.refusedDeliveries.inc({ platform: 'slack' }),
        })
      : undefined;
  if (slack) transports.set('slack', slack.transport());
  const chatAdapters: ChatAdapter[] = slack ? [slack] : [];
  const sampler = new DiskSampler({
    host: hostResources,
    dataRoots: [...perEngine.values()].map((integrations) => integrations.containerResources),
    paths: sampledPaths,
    samples: diskSamples,
    memory: { host: hostResources, samples: memorySamples },
    logger,
  });
  return {
    config,
    logger,
    metrics,
    routes: [
      ...probeRoutes({
        metrics,
        readiness: { notReady: () => [...storeNotReady(store), ...chatAdapters.flatMap((a) => a.notReady?.() ?? [])] },
        engines: engineMonitor,
      }),
      ...chatAdapters.flatMap((a) => (a instanceof SlackAdapter && a.route ? [a.route] : [])),
    ],
    chatAdapters,
    directory,
    runner,
    dispatcher,
    operations,
    auditChain: audit,
    sampler,
    storeProbe: new StoreProbe({ store, logger }),
    engineMonitor,
    reportSchedule,
    outboxWorker,
    alerts: { engine: alerting.engine, probes, ...(watcher && { watcher }) },
    transports,
    close: () => {
      deliveryStore?.close();
      store.close();
    },
  };
}

/** What `connector-ops check` needs: the connectors and their checks, and the samples of a store it only reads. */
export interface CheckServices {
  directory: ConnectorDirectory;
  runner: ReportRunner;
  /** Why the disk samples (and the disk-full forecast made from them) were left out; undefined when read. */
  samplesLeftOut?: string;
  close(): void;
}

/**
 * For `connector-ops check`: it writes nothing, so it opens the store read-only, and a store it cannot open
 * (none yet, another user's, a broken disk) leaves out the samples rather than the check.
 */
export function createCheckServices(config: Config, logger: Logger, redactor: Redactor = new Redactor(config.secrets)): CheckServices {
  const path = storePath(config);
  let store: Store | undefined;
  let leftOut: string | undefined;
  if (!existsSync(path)) leftOut = `no store at ${path} yet (the bot keeps the samples there)`;
  else {
    try {
      store = Store.open(path, { readOnly: true });
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      leftOut = error.message;
    }
  }
  const samples = store ? new DiskSampleRepository(store) : { leftOut: leftOut ?? 'no store' };
  const { directory, checkRunner } = createChecking(config, logger, redactor, samples);
  return { directory, runner: checkRunner, ...(leftOut && { samplesLeftOut: leftOut }), close: () => store?.close() };
}

/**
 * Every integration the checks look through, the checks (one Docker-backed set per engine, sharing its client),
 * the connector directory and the runner: the bot's and `connector-ops check`'s alike.
 */
function createChecking(config: Config, logger: Logger, redactor: Redactor, diskSamples: DiskSampleReader | SamplesLeftOut, metrics?: Metrics) {
  const engines = new DockerEngines(config.engines);
  const hostResources = new LocalHostResources();
  const probeTimeout = probeTimeoutMs(config);
  const shared: SharedIntegrations = {
    api: new ConnectorApiClient(Math.max(1_000, Math.floor(config.checks.timeoutMs / 2))),
    prober: new NetworkProber(mongoPing(probeTimeout)),
    inspectMongo: inspectWithDriver,
    hostResources,
    hostOs: new LocalHostOs(),
    logFiles: new LogFiles(),
    // A bearer login takes up to three requests in a row: each gets a share of the check's time.
    registry: new RegistryClient({ registries: config.registries, timeoutMs: Math.max(1_000, Math.floor((config.checks.timeoutMs - 1_000) / 2)) }),
    diskSamples,
    redactor,
  };
  const perEngine = new Map(engines.all.map((engine) => [engine.name, engineIntegrations(engine)]));
  const connectorChecks = createConnectorChecks(config, shared);
  const checksByEngine = new Map<string, readonly Check[]>(
    [...perEngine].map(([name, integrations]) => [name, [...connectorChecks, ...createEngineChecks(config, shared, integrations)]]),
  );
  const defaultChecks = checksByEngine.get(DEFAULT_ENGINE) ?? [...checksByEngine.values()][0] ?? connectorChecks;
  const directory = new DockerConnectorDirectory({ configured: config.connectors, engines: engines.all });
  const checkRunner = new CheckRunner((connector) => checksByEngine.get(connector.engine ?? DEFAULT_ENGINE) ?? defaultChecks, {
    timeoutMs: config.checks.timeoutMs,
    timeoutsMs: { 'error-logs': Math.max(config.checks.timeoutMs, config.checks.errorLogs.timeoutMs) },
    concurrency: config.checks.concurrency,
    onResult: (connector, result, durationMs) => {
      metrics?.checks.inc({ check: result.id, status: result.status });
      metrics?.checkDuration.observe({ check: result.id }, durationMs / 1000);
      logger.debug({ connector: connector.name, check: result.id, status: result.status, durationMs: Math.round(durationMs) }, 'check finished');
    },
  });
  return { engines, hostResources, probeTimeout, shared, perEngine, directory, checkRunner };
}

/** The store is not ready when closed, or when it cannot be written: with the cause and the fix. */
function storeNotReady(store: Store): string[] {
  if (!store.isOpen) return ['store (closed)'];
  const problem = store.problem();
  return problem ? [`store (${problem})`] : [];
}

function storePath(config: Config): string {
  return join(config.dataDir, 'connector-ops.sqlite');
}

/** The operations that take a connector down for a while: its alerts are held back meanwhile. */
const SILENCING_OPERATIONS: ReadonlySet<OperationKind> = new Set(['restart', 'stop', 'start', 'update']);

/** The Slack user groups the access settings name (`slack:@handle`): their members are looked up for roles. */
function slackGroupHandles(access: Config['access']): string[] {
  const all = [...access.viewers, ...access.operators, ...access.approvers];
  return [...new Set(all.flatMap((identity) => (/^slack:@(.+)$/i.exec(identity)?.[1] ? [/^slack:@(.+)$/i.exec(identity)![1]!] : [])))];
}

function engineIntegrations(engine: DockerEngine): EngineIntegrations {
  const { client } = engine;
  return {
    containers: new DockerContainers(client),
    containerResources: new DockerContainerStats(client),
    images: new DockerImages(client),
    engineInfo: new DockerEngineInfo(client),
    containerLogs: new ContainerLogs(client),
    oldMaterial: new DockerHostOldMaterial(client),
  };
}
