import { pino, type DestinationStream, type Logger } from 'pino';
import type { Redactor } from './redact.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  redactor: Redactor;
  /** Human-readable lines instead of JSON; the default on a terminal. */
  pretty: boolean;
  /** stdout by default; stderr while the console chat owns stdout; any stream in tests. */
  destination?: 'stdout' | 'stderr' | DestinationStream;
}

/**
 * pino JSON to stdout (pretty on a terminal). Every string in every log record passes through the
 * redactor, so a secret inside an error message or a URL is masked as well as a secret under a known key.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { redactor } = options;
  const base = {
    level: options.level,
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((arg) => redactor.redactDeep(arg)));
      },
    },
  };
  const destination = options.destination ?? 'stdout';
  if (typeof destination !== 'string') return pino(base, destination);
  const fd = destination === 'stderr' ? 2 : 1;
  if (options.pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: fd },
      },
    });
  }
  return pino(base, pino.destination({ fd, sync: true }));
}
