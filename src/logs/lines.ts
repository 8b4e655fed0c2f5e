/**
 * Line splitting shared by every log source (Docker log streams, plain and gzip log files).
 * Lines are handed out as byte ranges of the chunk they sit in, so reading a log allocates nothing
 * per line: a sink decodes only the lines it cares about.
 */

/** Receives complete lines (without `\n` or `\r\n`). The bytes are valid only during the call. */
export interface LineSink {
  line(bytes: Buffer, start: number, end: number): void;
}

/** What a log source read: how many lines and bytes, for the report's details. */
export interface LogReadStats {
  lines: number;
  bytes: number;
}

/** The time span of interest. Sources skip what they can tell lies outside it. */
export interface LogWindow {
  since: Date;
  until?: Date;
}

/** Lines longer than this are cut: the rest of such a line is dropped, so memory stays bounded. */
export const MAX_LINE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines. A line that spans chunks is carried over in a fixed buffer;
 * everything else is passed on as a range of the incoming chunk.
 */
export class LineSplitter {
  lines = 0;
  private readonly sink: LineSink;
  private readonly maxLineBytes: number;
  private readonly carry: Buffer;
  /** Bytes of an unfinished line held in `carry`; an over-long line keeps only its beginning. */
  private carried = 0;

  constructor(sink: LineSink, maxLineBytes = MAX_LINE_BYTES) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
    this.carry = Buffer.allocUnsafe(maxLineBytes);
  }

  push(chunk: Buffer, start = 0, end = chunk.length): void {
    let from = start;
    while (from < end) {
      const newline = chunk.indexOf(LF, from);
      if (newline === -1 || newline >= end) {
        this.keep(chunk, from, end);
        return;
      }
      if (this.carried > 0) {
        this.keep(chunk, from, newline);
        this.emit(this.carry, 0, this.carried);
        this.carried = 0;
      } else {
        this.emit(chunk, from, newline);
      }
      from = newline + 1;
    }
  }

  /** Passes on a last line that had no newline. */
  end(): void {
    if (this.carried > 0) this.emit(this.carry, 0, this.carried);
    this.carried = 0;
  }

  private emit(bytes: Buffer, start: number, end: number): void {
    const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
    this.lines++;
    this.sink.line(bytes, start, stop);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const length = Math.min(this.maxLineBytes - this.carried, end - start);
    if (length <= 0) return;
    chunk.copy(this.carry, this.carried, start, start + length);
    this.carried += length;
  }
}
