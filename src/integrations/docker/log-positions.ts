import { comparePositions } from '../../logs/follow.ts';
import type { LogPosition } from '../../logs/follow.ts';

/**
 * Numbers the lines of one read of a container's log, in timestamp order, as positions: `at` the line's
 * timestamp, `seq` how many lines with that very timestamp came before it, plus one. A read starts at the
 * whole second of `resume` (Docker's `since`), so lines with the same timestamp are all counted again and get
 * the same numbers as before; those up to `resume` are the ones already passed on.
 */
export class ContainerLogPositions {
  private readonly log: string;
  private readonly resume: LogPosition | undefined;
  private last: LogPosition | undefined;

  constructor(log: string, resume: LogPosition | undefined) {
    this.log = log;
    this.resume = resume;
  }

  /** Whether a line stamped `at` lies before the resume point anyway; such lines need no ordering. */
  passed(at: string): boolean {
    return this.resume !== undefined && at < this.resume.at;
  }

  /** The position after a line stamped `at`, or undefined when it was passed on before `resume`. */
  after(at: string): LogPosition | undefined {
    const last = this.last;
    if (!last || at > last.at) this.last = { log: this.log, at, seq: 1 };
    else if (at === last.at) this.last = { log: this.log, at, seq: last.seq + 1 };
    // Earlier than a line already numbered (the engine's clock stepped back): it shares that line's position,
    // so that positions never go back.
    const position = this.last as LogPosition;
    return this.resume && comparePositions(position, this.resume) <= 0 ? undefined : position;
  }
}
