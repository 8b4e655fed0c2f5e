import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { LogPosition } from '../../logs/follow.ts';
import { abortable } from '../abortable.ts';
import { withTimeout } from '../http/timeout.ts';
import { LineSplitter } from '../../logs/lines.ts';

/** Receives a file's complete lines, each with the position after it (its newline). */
export type FileLineSink = (path: string, bytes: Buffer, start: number, end: number, after: LogPosition) => void;

const READ_CHUNK_BYTES = 256 * 1024;
const LF = 0x0a;

/** A file's byte offset as a position's `at`: zero-padded, so that positions order as strings. */
export function offsetAt(offset: number): string {
  return String(offset).padStart(16, '0');
}

/** `dev:ino`: the name of a file's log, which survives renames (rotation) but not a new file at the path. */
export function fileLog(info: { dev: number | bigint; ino: number | bigint }): string {
  return `${info.dev}:${info.ino}`;
}

/**
 * One log file open for reading on from an offset, through its descriptor: a rotated file (renamed away) is
 * still read to its end. Lines are passed on only once complete (a partial last line waits for its newline),
 * each with the offset after it. Every call on the file is bounded by `timeoutMs` (a hung network share).
 */
export class TailedFile {
  readonly path: string;
  readonly log: string;
  /** Where the next read starts. */
  offset: number;
  private readonly handle: FileHandle;
  private readonly timeoutMs: number;
  // Per file: a read that timed out may still fill its buffer, so a new file never shares one.
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private splitter: LineSplitter;
  private readonly sink: FileLineSink;
  /** The offset after the line the splitter hands out next. */
  private after = 0;

  private constructor(path: string, log: string, handle: FileHandle, offset: number, timeoutMs: number, sink: FileLineSink) {
    this.path = path;
    this.log = log;
    this.handle = handle;
    this.offset = offset;
    this.timeoutMs = timeoutMs;
    this.sink = sink;
    this.splitter = this.newSplitter();
  }

  /**
   * Opens `path` to read from `offset`; undefined when the file there is no longer the log `expected` (it was
   * rotated between looking and opening).
   */
  static async open(path: string, expected: string, offset: number, sink: FileLineSink, signal: AbortSignal, timeoutMs: number): Promise<TailedFile | undefined> {
    const opening = open(path, 'r');
    const handle = await abortable(opening, withTimeout(signal, timeoutMs)).catch((error: unknown) => {
      opening.then((late) => late.close(), () => undefined); // an open that answers after its time is closed
      throw error;
    });
    try {
      const log = fileLog(await abortable(handle.stat(), withTimeout(signal, timeoutMs)));
      if (log === expected) return new TailedFile(path, log, handle, offset, timeoutMs, sink);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    await handle.close().catch(() => undefined);
    return undefined;
  }

  /** The file's size now; smaller than `offset` when it was truncated (copytruncate). */
  async size(signal: AbortSignal): Promise<number> {
    return (await abortable(this.handle.stat(), withTimeout(signal, this.timeoutMs))).size;
  }

  /** Reads what was appended since the last read, to the end; returns how many bytes. */
  async readNew(signal: AbortSignal): Promise<number> {
    let total = 0;
    for (;;) {
      signal.throwIfAborted();
      const { bytesRead } = await abortable(this.handle.read(this.buffer, 0, this.buffer.length, this.offset), withTimeout(signal, this.timeoutMs));
      if (bytesRead === 0) return total;
      this.split(this.buffer, bytesRead, this.offset);
      this.offset += bytesRead;
      total += bytesRead;
    }
  }

  /** Reads again from the beginning: the file was truncated, and what it held before is gone. */
  restart(): void {
    this.offset = 0;
    this.splitter = this.newSplitter();
  }

  /** Passes on a last line without newline: the file was rotated away, it will get no more. */
  finish(): void {
    this.after = this.offset;
    this.splitter.end();
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  /** Hands the splitter one line at a time, so that the offset after each line is known when it comes out. */
  private split(chunk: Buffer, length: number, base: number): void {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, from);
      if (newline === -1 || newline >= length) {
        this.splitter.push(chunk, from, length);
        return;
      }
      this.after = base + newline + 1;
      this.splitter.push(chunk, from, newline + 1);
      from = newline + 1;
    }
  }

  private newSplitter(): LineSplitter {
    return new LineSplitter({
      line: (bytes, start, end) => this.sink(this.path, bytes, start, end, { log: this.log, at: offsetAt(this.after), seq: 0 }),
    });
  }
}
