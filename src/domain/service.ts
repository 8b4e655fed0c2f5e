/**
 * Work the bot runs beside its chat adapters (a loop, a timer, a watch). main.ts starts its services in the
 * order the composition root lists them and stops them in reverse.
 */
export interface Service {
  /** For the log, when one does not stop cleanly. */
  readonly name: string;
  start(): void | Promise<void>;
  /** Stops, and resolves once the work under way has finished. */
  stop(): void | Promise<void>;
}
