import { CHECK_IDS } from '../domain/check-result.ts';
import { dailyReportMessage } from '../domain/daily-report.ts';
import type { ConnectorDirectory, ReportRunner } from '../domain/ports.ts';
import { RESOURCE_CHART_DAYS, resourceChart } from '../domain/resource-chart.ts';
import type { DiskSampleReader, MemorySample } from '../domain/samples.ts';
import type { Logger } from '../logging/logger.ts';
import type { ErrorCounts } from '../store/error-counts.ts';
import type { Outbox } from '../store/outbox.ts';
import type { Store } from '../store/store.ts';
import type { Subscriptions } from '../store/subscriptions.ts';
import type { ReportScheduleOptions } from './report-schedule.ts';

export interface DailyReportJobOptions {
  store: Store;
  outbox: Pick<Outbox, 'enqueueMany'>;
  subscriptions: Pick<Subscriptions, 'receiving'>;
  directory: ConnectorDirectory;
  runner: ReportRunner;
  /** The disks the sampler watches, for the chart. */
  sampledPaths: readonly string[];
  diskSamples: DiskSampleReader;
  memorySamples: { since(since: Date): MemorySample[] };
  errorCounts: Pick<ErrorCounts, 'between'>;
  timezone: string;
  logger: Logger;
}

const DAY_MS = 86_400_000;

/**
 * The daily report's run: every check of every connector, the last day's error groups and the week's chart,
 * queued for each conversation that subscribes to reports.
 */
export function dailyReportJob(options: DailyReportJobOptions): ReportScheduleOptions['run'] {
  const { store, outbox, subscriptions, directory, runner, logger } = options;
  return async (scheduledFor, markPosted) => {
    const receivers = subscriptions.receiving('reports');
    if (receivers.length === 0) {
      logger.info({ scheduledFor }, 'daily report: no conversation subscribes to it (/connector subscribe reports)');
      return;
    }
    const { connectors } = await directory.list();
    const report = await runner.run(connectors, CHECK_IDS);
    const now = new Date();
    const weekAgo = new Date(now.getTime() - RESOURCE_CHART_DAYS * DAY_MS);
    const chart = resourceChart({
      disks: options.sampledPaths.map((path) => ({ path, samples: options.diskSamples.since(path, weekAgo) })),
      memory: options.memorySamples.since(weekAgo),
      now,
    });
    // From what the log follower counted, not from rescanning a day of logs.
    const errorGroups = options.errorCounts.between(new Date(scheduledFor.getTime() - DAY_MS), scheduledFor);
    const message = dailyReportMessage(report, scheduledFor, options.timezone, { errorGroups, ...(chart && { chart }) });
    // "Posted" and its posts in the outbox commit together: a run cut off before is run again, never twice.
    store.transaction(() => {
      markPosted();
      outbox.enqueueMany(receivers.map((conversation) => ({ conversation, message })));
    });
  };
}
