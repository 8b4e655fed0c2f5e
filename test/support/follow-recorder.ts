import type { FollowSink, LogPosition } from '../../src/alerts/log-source.ts';

export interface SeenLine {
  stream: string;
  text: string;
  after: LogPosition;
}

/** A follower's sink that keeps every line with its position, and counts the idle calls. */
export class FollowRecorder implements FollowSink {
  readonly lines: SeenLine[] = [];
  idles = 0;

  line(stream: string, bytes: Buffer, start: number, end: number, after: LogPosition): void {
    this.lines.push({ stream, text: bytes.toString('utf8', start, end), after });
  }

  idle(): void {
    this.idles++;
  }

  get texts(): string[] {
    return this.lines.map((line) => line.text);
  }

  get last(): LogPosition | undefined {
    return this.lines.at(-1)?.after;
  }
}
