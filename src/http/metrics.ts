import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineState } from '../domain/engine-state.ts';
import { registerConnectorGauges, type LatestChecks } from './connector-metrics.ts';

/** The daily report's name in the schedule runs table and in the metrics. */
export const REPORT_SCHEDULE = 'daily-report';

/** The latest run of a schedule, as the store has it. */
export interface ScheduleReading {
  scheduledFor: Date;
  posted: boolean;
}

/**
 * The bot's Prometheus metrics: process metrics, counters for commands, checks and deliveries, and gauges read
 * from the store at scrape time (queued deliveries, the daily report's last run), so they are true after a restart.
 */
/** The alerts as /metrics tells them, read from the store at scrape time. */
export interface AlertReading {
  firingByKind: ReadonlyMap<string, number>;
  silenced: number;
  silences: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly commands: Counter<'verb' | 'adapter'>;
  readonly checks: Counter<'check' | 'status'>;
  readonly checkDuration: Histogram<'check'>;
  readonly deliveries: Counter<'platform' | 'outcome'>;
  readonly refusedDeliveries: Counter<'platform'>;
  readonly uncaughtErrors: Counter<'kind'>;
  private queued: () => number = () => 0;
  private lastReport: () => ScheduleReading | undefined = () => undefined;
  private alerts: () => AlertReading = () => ({ firingByKind: new Map(), silenced: 0, silences: 0 });
  private engines: () => readonly EngineState[] = () => [];
  private latestChecks: LatestChecks = () => new Map();
  private readonly auditIntact: Gauge;
  private readonly auditEntries: Gauge;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'connector_ops_' });
    // prom-client's totals of these are gauges named as counters, which promtool's lint refuses: each is only the
    // sum of its gauge by type, which stays.
    for (const name of ['handles', 'requests', 'resources']) this.registry.removeSingleMetric(`connector_ops_nodejs_active_${name}_total`);
    this.commands = new Counter({
      name: 'connector_ops_commands_total',
      help: 'Commands received, by verb (invalid for input that did not parse) and chat adapter',
      labelNames: ['verb', 'adapter'],
      registers: [this.registry],
    });
    this.checks = new Counter({
      name: 'connector_ops_checks_total',
      help: 'Checks run, by check id and resulting status',
      labelNames: ['check', 'status'],
      registers: [this.registry],
    });
    this.checkDuration = new Histogram({
      name: 'connector_ops_check_duration_seconds',
      help: 'How long checks took',
      labelNames: ['check'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.deliveries = new Counter({
      name: 'connector_ops_deliveries_total',
      help: 'Scheduled posts and updates through the outbox, by platform and outcome (delivered, retried, failed: given up)',
      labelNames: ['platform', 'outcome'],
      registers: [this.registry],
    });
    this.refusedDeliveries = new Counter({
      name: 'connector_ops_chat_deliveries_refused_total',
      help: 'Deliveries from a chat platform refused before any handler ran: a body that could not be read, or of a shape the platform does not send',
      labelNames: ['platform'],
      registers: [this.registry],
    });
    this.uncaughtErrors = new Counter({
      name: 'connector_ops_uncaught_errors_total',
      help: 'Errors no code of the bot caught (uncaughtException, unhandledRejection): logged, and the bot kept serving',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    const queued: Gauge = new Gauge({
      name: 'connector_ops_deliveries_queued',
      help: 'Scheduled posts and updates in the outbox not yet delivered nor given up',
      registers: [this.registry],
      collect: () => queued.set(this.queued()),
    });
    // Labelled, so that before the first run there is no sample at all rather than a misleading 0.
    const lastRun: Gauge<'schedule'> = new Gauge({
      name: 'connector_ops_report_last_run_timestamp_seconds',
      help: 'The instant the daily report last ran for (absent before its first run)',
      labelNames: ['schedule'],
      registers: [this.registry],
      collect: () => {
        const last = this.lastReport();
        if (last) lastRun.set({ schedule: REPORT_SCHEDULE }, last.scheduledFor.getTime() / 1000);
      },
    });
    const lastPosted: Gauge<'schedule'> = new Gauge({
      name: 'connector_ops_report_last_run_posted',
      help: "1 when the daily report's last run was handed to the outbox, 0 while it is unfinished or failed (absent before its first run)",
      labelNames: ['schedule'],
      registers: [this.registry],
      collect: () => {
        const last = this.lastReport();
        if (last) lastPosted.set({ schedule: REPORT_SCHEDULE }, last.posted ? 1 : 0);
      },
    });
    this.alertGauges();
    registerConnectorGauges(this.registry, () => this.latestChecks());
    // Labelled by engine, and absent for one not probed yet: a 0 would claim it is down.
    const engineUp: Gauge<'engine'> = new Gauge({
      name: 'connector_ops_engine_up',
      help: "Whether a container engine (Docker, or Podman's Docker-compatible service) answered its last probe (1) or not (0), by engine name",
      labelNames: ['engine'],
      registers: [this.registry],
      collect: () => {
        engineUp.reset();
        for (const { engine, state } of this.engines()) if (state !== 'unknown') engineUp.set({ engine }, state === 'up' ? 1 : 0);
      },
    });
    // Set once the verification at start has run: absent before, rather than a reassuring 1 nobody checked.
    this.auditIntact = new Gauge({
      name: 'connector_ops_audit_chain_intact',
      help: 'The audit log as verified at start: 1 its hash chain holds, 0 an entry was changed, inserted or deleted (see the log, or run connector-ops audit --verify)',
      registers: [this.registry],
    });
    this.auditEntries = new Gauge({
      name: 'connector_ops_audit_entries_verified',
      help: 'Audit entries whose hash and link held at start, up to the first that did not',
      registers: [this.registry],
    });
  }

  /** What the verification of the audit chain found. */
  auditVerified(verdict: { intact: boolean; entries: number }): void {
    this.auditIntact.set(verdict.intact ? 1 : 0);
    this.auditEntries.set(verdict.entries);
  }

  /** Where the gauges read from: called once, at the composition root. */
  observe(sources: {
    queuedDeliveries: () => number;
    lastReport: () => ScheduleReading | undefined;
    alerts?: () => AlertReading;
    engines?: () => readonly EngineState[];
    checks?: LatestChecks;
  }): void {
    this.queued = sources.queuedDeliveries;
    this.lastReport = sources.lastReport;
    if (sources.alerts) this.alerts = sources.alerts;
    if (sources.engines) this.engines = sources.engines;
    if (sources.checks) this.latestChecks = sources.checks;
  }

  private alertGauges(): void {
    const firing: Gauge<'kind'> = new Gauge({
      name: 'connector_ops_alerts_firing',
      help: 'Alerts firing now, by kind (error-group, health, resources, key-material, image-update)',
      labelNames: ['kind'],
      registers: [this.registry],
      collect: () => {
        firing.reset();
        for (const [kind, n] of this.alerts().firingByKind) firing.set({ kind }, n);
      },
    });
    const silenced: Gauge = new Gauge({
      name: 'connector_ops_alerts_silenced',
      help: 'Alerts pending or firing whose posts a silence holds back',
      registers: [this.registry],
      collect: () => silenced.set(this.alerts().silenced),
    });
    const silences: Gauge = new Gauge({
      name: 'connector_ops_silences_active',
      help: 'Silences in force (made in chat, or held by an operation under way)',
      registers: [this.registry],
      collect: () => silences.set(this.alerts().silences),
    });
  }
}
