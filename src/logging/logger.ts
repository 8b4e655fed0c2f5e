import { pino, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { inert } from '../domain/inert.ts';
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
  const base: PinoOptions = {
    level: options.level,
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        // `logger.error(err)` as pino itself logs it (under err, its message as msg): redaction turns the
        // Error into a plain object, which pino would otherwise spread into the record without a msg.
        const [first, ...rest] = args;
        const normalised = first instanceof Error ? [{ err: first }, ...(rest.length > 0 ? rest : [first.message])] : args;
        // What Connectors and people wrote reaches the log too: made inert, so a terminal showing it hides or reorders nothing.
        method.apply(this, normalised.map((arg) => redactor.redactDeep(arg, inert)));
      },
    },
    // Errors arrive already serialised (and redacted) by redactDeep; pino's own serialiser would call them "Object".
    serializers: { err: (err: unknown) => err },
  };
  return redactChildBindings(build(base, options.destination ?? 'stdout', options.pretty), redactor);
}

function build(base: PinoOptions, destination: NonNullable<LoggerOptions['destination']>, pretty: boolean): Logger {
  if (typeof destination !== 'string') return pino(base, destination);
  const fd = destination === 'stderr' ? 2 : 1;
  if (pretty) {
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

/** A child logger's bindings pass neither through logMethod nor through pino's bindings formatter. */
function redactChildBindings(logger: Logger, redactor: Redactor): Logger {
  const child = logger.child.bind(logger);
  const redactingChild = (bindings: Record<string, unknown>, childOptions?: object): Logger =>
    redactChildBindings(child(redactor.redactDeep(bindings, inert), childOptions), redactor);
  // pino's generic child signature (custom levels) cannot be expressed by a plain function type.
  logger.child = redactingChild as unknown as Logger['child'];
  return logger;
}
