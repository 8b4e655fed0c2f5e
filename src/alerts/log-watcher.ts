import type { Connector } from '../domain/connector.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import type { Logger } from '../logging/logger.ts';
import type { FollowedLog, FollowStatus } from '../logs/follow.ts';
import { LogWatch, type LogWatchOptions } from './log-watch.ts';
import type { Service } from '../domain/service.ts';

export interface LogWatcherOptions extends Omit<LogWatchOptions, 'logger'> {
  directory: ConnectorDirectory;
  /** The logs to follow of a connector: its container's output, each configured log file. */
  logsOf: (connector: Connector) => FollowedLog[];
  logger: Logger;
  /** How often the directory is read again for connectors that came or went (default 60 s). */
  refreshMs?: number;
}

/**
 * Follows the logs of every connector the directory lists, for as long as it lists it: a connector that
 * appears is followed, one that goes away is no longer. Each log resumes where the store says it stood.
 */
export class LogWatcher implements Service {
  readonly name = 'log watch';
  private readonly options: LogWatcherOptions;
  /** By connector name, container and source: a connector given another container is followed anew. */
  private readonly watches = new Map<string, LogWatch>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(options: LogWatcherOptions) {
    this.options = options;
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 60_000);
    this.timer.unref();
    void this.refresh();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
    await Promise.all([...this.watches.values()].map((watch) => watch.stop()));
    this.watches.clear();
  }

  /** What each followed log is doing, for `/connector alerts` and the log. */
  states(): Array<{ connector: string; source: string; status: FollowStatus }> {
    return [...this.watches.values()].map((watch) => ({ connector: watch.connector, source: watch.source, status: watch.state }));
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.sync().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    const { directory, logsOf, logger } = this.options;
    let connectors: Connector[];
    try {
      ({ connectors } = await directory.list());
    } catch (error) {
      logger.warn({ err: error }, 'log watcher: cannot list the connectors; following what it followed');
      return;
    }
    const wanted = new Map<string, { connector: Connector; log: FollowedLog }>();
    for (const connector of connectors) {
      for (const log of logsOf(connector)) wanted.set(`${connector.name}\0${connector.container ?? ''}\0${log.source}`, { connector, log });
    }
    for (const [key, watch] of this.watches) {
      if (wanted.has(key)) continue;
      this.watches.delete(key);
      await watch.stop();
    }
    for (const [key, { connector, log }] of wanted) {
      if (this.watches.has(key)) continue;
      const watch = new LogWatch(connector.name, log, this.options);
      this.watches.set(key, watch);
      watch.start();
    }
  }
}
