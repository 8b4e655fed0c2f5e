import { DatabaseSync, type PrepareOptions, type StatementSync } from 'node:sqlite';

/** The statement methods that step through SQLite, where a full disk or a lock shows. */
const STEPPING = ['run', 'get', 'all'] as const;
const MAX_CACHED_STATEMENTS = 256;

/**
 * A SQLite connection whose every failure, in `exec` or in a prepared statement, is first handed to one function:
 * the store turns SQLite's bare "database or disk is full" into an error that names its file and cause, and
 * learns that it cannot be written, wherever in the bot the write was.
 */
export class StoreConnection extends DatabaseSync {
  #describe: (error: unknown) => unknown = (error) => error;
  /**
   * Statements by their SQL: every request records its delivery, its audit entries and its outbox rows, and
   * compiling the same SQL again for each was a tenth of the chat thread's time in a burst of fifty. Bounded, since
   * a statement with a list of placeholders has a text per length.
   */
  readonly #statements = new Map<string, StatementSync>();

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
    if (options !== undefined) return this.#prepared(sql, options);
    let statement = this.#statements.get(sql);
    if (statement) return statement;
    if (this.#statements.size >= MAX_CACHED_STATEMENTS) this.#statements.clear();
    statement = this.#prepared(sql);
    this.#statements.set(sql, statement);
    return statement;
  }

  #prepared(sql: string, options?: PrepareOptions): StatementSync {
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
