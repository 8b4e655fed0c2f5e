import { dockerLineTime } from './log-timestamp.ts';

const LF = 0x0a;
const SPACE = 0x20;
/** `2026-12-01T09:00:00.123456789+01:00 ` is the longest prefix a frame can start with. */
const MAX_PREFIX_BYTES = 36;

type Push = (chunk: Buffer, start: number, end: number) => void;

/**
 * One output stream of a log read with `timestamps=1`, frame by frame. An engine logs a line the container wrote
 * in pieces as one entry per piece (Podman for every read of the container's pipe that ends mid-line; Docker for
 * a line over 16 KiB), and each entry's frame starts with its own timestamp, which then stands in the middle of
 * the line. That timestamp is dropped here: the line reads as the container wrote it, with its first piece's.
 */
export class PieceTimestamps {
  private readonly push: Push;
  /** The stream's last byte was not the end of a line: a frame that starts now continues that line. */
  private midLine = false;
  /** The start of a continuation frame, held until its first space says whether it is a timestamp. */
  private held: Buffer | undefined;

  constructor(push: Push) {
    this.push = push;
  }

  payload(chunk: Buffer, start: number, end: number, frameStart: boolean): void {
    if (end <= start) return;
    let from = start;
    if (frameStart && this.midLine) this.held = Buffer.alloc(0);
    if (this.held) {
      const stop = endOfWord(chunk, from, end);
      const held = Buffer.concat([this.held, chunk.subarray(from, stop)]);
      from = stop;
      const last = held[held.length - 1];
      if (last !== SPACE && last !== LF && held.length < MAX_PREFIX_BYTES) {
        this.held = held;
        return;
      }
      this.held = undefined;
      // Not a timestamp after all: the bytes are the line's own.
      if (dockerLineTime(held, 0, held.length) === undefined) this.push(held, 0, held.length);
      if (from === end) {
        this.midLine = held[held.length - 1] !== LF;
        return;
      }
    }
    this.push(chunk, from, end);
    this.midLine = chunk[end - 1] !== LF;
  }
}

/** Just after the first space or line end in the range, or its end. */
function endOfWord(chunk: Buffer, from: number, end: number): number {
  for (let index = from; index < end; index++) if (chunk[index] === SPACE || chunk[index] === LF) return index + 1;
  return end;
}
