/** Where the lines go once their order is known; `at` is the line's normalised Docker timestamp. */
export type OrderedLine = (stream: string, bytes: Buffer, at: string) => void;

interface HeldLine {
  stream: string;
  bytes: Buffer;
  at: string;
  /** Arrival order: of lines with the same timestamp, the one logged first goes first. */
  order: number;
  arrived: number;
}

/**
 * Puts the lines of a container's streams back into the order of their Docker timestamps. The engine stamps a
 * line when it reads it from the container and writes it to the log afterwards, one writer per stream, so a
 * stdout and a stderr line of the same moment can reach the log (and the follow stream) out of order. A
 * position is the timestamp of the last line passed on; it cuts the log cleanly only when no earlier line can
 * follow it. Within one stream the order stays as it came.
 *
 * A line is held until every other stream has a line queued (streams are each in order, so the earliest head
 * is then final) or until `holdMs` have passed since it arrived: the late one of such a pair arrives right
 * after the other, so a stream quiet for `holdMs` has nothing earlier to come.
 */
export class StreamOrder {
  private readonly queues: Array<HeldLine[]>;
  private readonly streams: readonly string[];
  private readonly holdMs: number;
  private readonly emit: OrderedLine;
  private arrivals = 0;
  /** Index of each queue's head: shifting an array would cost its length per line. */
  private readonly heads: number[];

  constructor(streams: readonly string[], holdMs: number, emit: OrderedLine) {
    this.streams = streams;
    this.queues = streams.map(() => []);
    this.heads = streams.map(() => 0);
    this.holdMs = holdMs;
    this.emit = emit;
  }

  /** Queues a copy of the line: the caller's bytes are valid only during the call. */
  push(stream: string, bytes: Buffer, start: number, end: number, at: string, now: number): void {
    const index = this.streams.indexOf(stream);
    this.queues[index]?.push({ stream, bytes: Buffer.from(bytes.subarray(start, end)), at, order: this.arrivals++, arrived: now });
  }

  get held(): boolean {
    return this.queues.some((queue, index) => queue.length > (this.heads[index] ?? 0));
  }

  /** Passes on every line whose place is known by `now`; with `all`, every line (the stream has ended). */
  release(now: number, all = false): void {
    for (;;) {
      let first = -1;
      let waiting = false;
      for (let index = 0; index < this.queues.length; index++) {
        const head = this.head(index);
        if (!head) waiting = true;
        else if (first === -1 || before(head, this.head(first) as HeldLine)) first = index;
      }
      if (first === -1) return;
      const line = this.head(first) as HeldLine;
      if (waiting && !all && now - line.arrived < this.holdMs) return;
      this.shift(first);
      this.emit(line.stream, line.bytes, line.at);
    }
  }

  private head(index: number): HeldLine | undefined {
    return this.queues[index]?.[this.heads[index] ?? 0];
  }

  private shift(index: number): void {
    const queue = this.queues[index] as HeldLine[];
    const head = (this.heads[index] ?? 0) + 1;
    if (head === queue.length) {
      this.queues[index] = [];
      this.heads[index] = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      this.queues[index] = queue.slice(head);
      this.heads[index] = 0;
    } else {
      this.heads[index] = head;
    }
  }
}

function before(a: HeldLine, b: HeldLine): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
