import type { Logger } from '../logging/logger.ts';
import type { StoreError } from './store-error.ts';

/**
 * Whether the store can be written, as its connections last found: a failed write anywhere (a delivery's claim,
 * the outbox, the audit log) makes it broken with the cause; a write that succeeds again (the write probe) mends
 * it. Listeners hear each change once, not each failure.
 */
export class StoreHealth {
  #problem?: StoreError;
  readonly #listeners: Array<(problem: StoreError | undefined) => void> = [];

  /** Why the store cannot be written now; undefined while it can. */
  get problem(): StoreError | undefined {
    return this.#problem;
  }

  failed(error: StoreError): void {
    const changed = this.#problem?.code !== error.code;
    this.#problem = error;
    if (changed) this.#tell();
  }

  wrote(): void {
    if (!this.#problem) return;
    this.#problem = undefined;
    this.#tell();
  }

  onChange(listener: (problem: StoreError | undefined) => void): void {
    this.#listeners.push(listener);
  }

  #tell(): void {
    for (const listener of this.#listeners) listener(this.#problem);
  }
}

/** Says in the log when the store at `path` can no longer be written (with the cause and the fix) and when it can again: once per change, not at every failed write. */
export function logHealthChanges(health: StoreHealth, path: string, logger: Logger): void {
  health.onChange((problem) => {
    if (problem) logger.error({ store: path, code: problem.code, fix: problem.fix }, problem.message);
    else logger.info({ store: path }, 'the store can be written again');
  });
}
