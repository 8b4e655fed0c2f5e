import type { FollowedLog, FollowSink, FollowStatus, LogPosition } from '../../src/logs/follow.ts';

export interface SeenLine {
  stream: string;
  text: string;
  after: LogPosition;
}

/** A follower's sink that keeps every line with its position, and counts the idle calls. */
export class FollowRecorder implements FollowSink {
  readonly lines: SeenLine[] = [];
  idles = 0;
  /** The sink heard that it is idle after its last line. */
  settled = false;

  line(stream: string, bytes: Buffer, start: number, end: number, after: LogPosition): void {
    this.lines.push({ stream, text: bytes.toString('utf8', start, end), after });
    this.settled = false;
  }

  idle(): void {
    this.idles++;
    this.settled = true;
  }

  get texts(): string[] {
    return this.lines.map((line) => line.text);
  }

  get last(): LogPosition | undefined {
    return this.lines.at(-1)?.after;
  }
}

/** Follows `log` from `from` in the background, recording lines and statuses, until `stop()` (which says how long it took). */
export function followInBackground(log: Pick<FollowedLog, 'follow'>, from?: LogPosition) {
  const controller = new AbortController();
  const recorder = new FollowRecorder();
  const statuses: FollowStatus[] = [];
  const done = log.follow(from, recorder, controller.signal, (status) => statuses.push(status));
  return {
    recorder,
    statuses,
    async stop(): Promise<number> {
      const started = Date.now();
      controller.abort();
      await done;
      return Date.now() - started;
    },
  };
}
