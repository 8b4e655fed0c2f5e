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
