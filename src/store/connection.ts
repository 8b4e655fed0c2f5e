import { DatabaseSync, type PrepareOptions, type StatementSync } from 'node:sqlite';

/** The statement methods that step through SQLite, where a full disk or a lock shows. */
const STEPPING = ['run', 'get', 'all'] as const;

/**
 * A SQLite connection whose every failure, in `exec` or in a prepared statement, is first handed to one function:
 * the store turns SQLite's bare "database or disk is full" into an error that names its file and cause, and
 * learns that it cannot be written, wherever in the bot the write was.
 */
export class StoreConnection extends DatabaseSync {
  #describe: (error: unknown) => unknown = (error) => error;

  /** From now on each failure is thrown as what `describe` makes of it. */
  describeFailures(describe: (error: unknown) => unknown): void {
    this.#describe = describe;
  }

  override exec(sql: string): void {
    try {
      super.exec(sql);
    } catch (error) {
      throw this.#describe(error);
    }
  }

  override prepare(sql: string, options?: PrepareOptions): StatementSync {
    let statement: StatementSync;
    try {
      statement = super.prepare(sql, options);
    } catch (error) {
      throw this.#describe(error);
    }
    for (const method of STEPPING) {
      const step = statement[method].bind(statement) as (...values: unknown[]) => unknown;
      Object.defineProperty(statement, method, {
        value: (...values: unknown[]) => {
          try {
            return step(...values);
          } catch (error) {
            throw this.#describe(error);
          }
        },
      });
    }
    return statement;
  }
}
