import type { Service } from '../domain/service.ts';
import type { Logger } from '../logging/logger.ts';
import { StoreError } from '../store/store-error.ts';
import type { OperationService } from './service.ts';

const RECOVERY_INTERVAL_MS = 30_000;

/**
 * What a crash (kill -9) of an earlier run cut off is marked interrupted and announced, at start (before anyone
 * is answered) and every little while (a bot beside this one on the same DATA_DIR may end at any time, and one
 * that restarted in a new container is known gone once its heartbeat is stale); live runs are left alone. A
 * store that cannot be written is told by the store's health (and /readyz); the search is tried again in a
 * little while.
 */
export class InterruptionRecovery implements Service {
  readonly name = 'recovery of interrupted operations';
  private readonly operations: Pick<OperationService, 'recover'>;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;

  constructor(operations: Pick<OperationService, 'recover'>, logger: Logger) {
    this.operations = operations;
    this.logger = logger;
  }

  async start(): Promise<void> {
    await this.recover();
    this.timer = setInterval(() => void this.recover(), RECOVERY_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async recover(): Promise<void> {
    await this.operations.recover().catch((error: unknown) => {
      if (!(error instanceof StoreError)) this.logger.error({ err: error }, 'could not look for interrupted operations');
    });
  }
}
