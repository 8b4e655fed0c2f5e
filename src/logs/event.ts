export type ErrorLevel = 'ERROR' | 'FATAL';

/** One ERROR or FATAL log event, cut down to what grouping and a sample need. */
export interface ErrorEvent {
  level: ErrorLevel;
  /** The event's own timestamp (ms since the epoch), when the line carried one that could be read. */
  time: number | undefined;
  /** The first line of the message, ANSI codes and a trailing correlation id removed. */
  message: string;
  /** The lines that followed (stack trace, exception text), a bounded few of them. */
  stack: string[];
}

/** Bounds on what one event keeps, whatever the log holds. */
export const MAX_MESSAGE_CHARS = 500;
export const MAX_STACK_LINES = 5;
export const MAX_STACK_LINE_CHARS = 300;
