import type { Logger } from './logging/logger.ts';

export type UncaughtKind = 'uncaughtException' | 'unhandledRejection';

/** This many uncaught errors within the window mean a broken state, not a bad request: the process ends. */
export const UNCAUGHT_FLOOD = { errors: 10, windowMs: 60_000 };
/** The exit codes the guard ends the process with: start-up failed; a flood of uncaught errors (EX_SOFTWARE). */
export const EXIT_START_FAILED = 1;
export const EXIT_BROKEN = 70;

export interface ProcessGuardOptions {
  logger: Logger;
  /** Counts each uncaught error that the bot survived (a counter on /metrics). */
  count: (kind: UncaughtKind) => void;
  /** Ends the process: `process.exit` in the bot. */
  exit: (code: number) => void;
  /** Where the errors are emitted: `process` in the bot. */
  target?: NodeJS.EventEmitter;
  now?: () => number;
}

/**
 * The last line of defence of the long-running bot: an error no code caught (a bug, a library that throws
 * on a timer) is logged at error level with its stack, counted, and the bot keeps serving, since one bad
 * request must never take it down. Two cases end the process instead, loudly and with an exit code other than 0,
 * for a supervisor (Docker's restart policy, systemd) to start it afresh: an uncaught error before the bot
 * has started (it would serve half-built), and a flood of them (`UNCAUGHT_FLOOD`), which means a broken state.
 */
export class ProcessGuard {
  private readonly options: ProcessGuardOptions;
  private readonly target: NodeJS.EventEmitter;
  private readonly now: () => number;
  private started = false;
  private recent: number[] = [];
  private readonly onException = (error: unknown) => this.caught('uncaughtException', error);
  private readonly onRejection = (reason: unknown) => this.caught('unhandledRejection', reason);

  constructor(options: ProcessGuardOptions) {
    this.options = options;
    this.target = options.target ?? process;
    this.now = options.now ?? Date.now;
  }

  install(): void {
    this.target.on('uncaughtException', this.onException);
    this.target.on('unhandledRejection', this.onRejection);
  }

  /** Start-up is over: from now on an uncaught error is survived. */
  serving(): void {
    this.started = true;
  }

  uninstall(): void {
    this.target.off('uncaughtException', this.onException);
    this.target.off('unhandledRejection', this.onRejection);
  }

  private caught(kind: UncaughtKind, error: unknown): void {
    const { logger, count, exit } = this.options;
    if (!this.started) {
      logger.fatal({ err: error, kind }, `connector-ops could not start: an error no code caught during start-up; ending (exit code ${EXIT_START_FAILED})`);
      exit(EXIT_START_FAILED);
      return;
    }
    count(kind);
    logger.error({ err: error, kind }, 'an error no code caught (a bug: please report it); logged and counted, the bot keeps serving');
    const now = this.now();
    this.recent = [...this.recent.filter((at) => now - at < UNCAUGHT_FLOOD.windowMs), now];
    if (this.recent.length >= UNCAUGHT_FLOOD.errors) {
      logger.fatal(
        { errors: this.recent.length, withinMs: UNCAUGHT_FLOOD.windowMs },
        `${this.recent.length} uncaught errors within ${UNCAUGHT_FLOOD.windowMs / 1000} s: the bot is in a broken state; ending it (exit code ${EXIT_BROKEN}) for its supervisor to start it afresh`,
      );
      exit(EXIT_BROKEN);
    }
  }
}
