import type { Logger } from '../logging/logger.ts';
import type { Service } from '../domain/service.ts';

export interface StoreProbeOptions {
  /** Tries one small write; a failure of the store is held by its health, and said once when it changes. */
  store: { retry(): string | undefined };
  logger: Logger;
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 10_000;

/**
 * Writes one row of the store every few seconds: a store that became unwritable while nothing else wrote (a disk
 * that filled up overnight) is told, and one that can be written again is seen within this interval, without
 * waiting for traffic. The store's health holds the outcome; this only keeps asking.
 */
export class StoreProbe implements Service {
  readonly name = 'store probe';
  private timer?: NodeJS.Timeout;
  private readonly options: StoreProbeOptions;

  constructor(options: StoreProbeOptions) {
    this.options = options;
  }

  start(): void {
    this.timer = setInterval(() => this.probe(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
    this.probe();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private probe(): void {
    try {
      this.options.store.retry();
    } catch (error) {
      this.options.logger.error({ err: error }, 'the store write probe failed');
    }
  }
}
