import type { ConnectorDirectory, ReportRunner } from '../domain/ports.ts';
import type { Logger } from '../logging/logger.ts';

export interface ResourceSamplerOptions {
  directory: ConnectorDirectory;
  runner: ReportRunner;
  logger: Logger;
  /** How often; the resources check itself keeps at most one disk sample per path in 10 minutes. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 15 * 60_000;

/**
 * Runs the resources check in the background, so that the disk forecast has samples even when nobody
 * asks in chat. The result is not posted anywhere: the samples in the store are the point.
 */
export class ResourceSampler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  private readonly options: ResourceSamplerOptions;

  constructor(options: ResourceSamplerOptions) {
    this.options = options;
  }

  start(): void {
    const interval = this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timer = setInterval(() => void this.sampleOnce(), interval);
    this.timer.unref();
    void this.sampleOnce();
  }

  /** Stops the timer and waits for a sample in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  sampleOnce(): Promise<void> {
    // One sample at a time: a slow engine must not stack runs up.
    this.running ??= this.sample().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sample(): Promise<void> {
    try {
      const { connectors } = await this.options.directory.list();
      if (connectors.length === 0) return;
      const report = await this.options.runner.run(connectors, ['resources']);
      this.options.logger.debug({ status: report.status }, 'resources sampled');
    } catch (error) {
      this.options.logger.warn({ err: error }, 'resources sampling failed');
    }
  }
}
