import type { IncomingMessage } from 'node:http';
import { addAbortSignal } from 'node:stream';
import { inSlice } from '../cooperative.ts';
import type { DockerClient } from './client.ts';
import { ContainerNotFoundError } from './containers.ts';
import { LineSplitter } from '../../logs/lines.ts';
import type { LineSink, LogReadStats, LogWindow } from '../../logs/lines.ts';

/** Where the lines of each output stream go; a TTY container has only stdout. */
export interface StreamSinks {
  stdout: LineSink;
  stderr: LineSink;
}

/** `frameStart`: the range is the beginning of a frame's payload (a frame may come in several ranges). */
type PayloadHandler = (stream: number, chunk: Buffer, start: number, end: number, frameStart: boolean) => void;

const HEADER_BYTES = 8;
/** Stream type of a frame in which the engine reports an error of its own (it ends the stream). */
const SYSTEM_ERROR = 3;
const STDERR = 2;
const MAX_ENGINE_ERROR_CHARS = 500;

/**
 * Demultiplexes the stream Docker sends for a container without a TTY: frames of an 8-byte header
 * (stream type 0 stdin, 1 stdout, 2 stderr, 3 an error of the engine itself; three zero bytes;
 * big-endian payload length) followed by the payload.
 * Works chunk by chunk with a fixed 8-byte buffer for a header split across chunks, so memory does
 * not depend on frame or log size; payloads are handed on as ranges of the incoming chunks.
 */
export class DockerStreamDemuxer {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerBytes = 0;
  private stream = 0;
  private remaining = 0;
  private frameStart = false;
  private readonly onPayload: PayloadHandler;

  constructor(onPayload: PayloadHandler) {
    this.onPayload = onPayload;
  }

  push(chunk: Buffer): void {
    const length = chunk.length;
    let pos = 0;
    while (pos < length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, length - pos);
        this.onPayload(this.stream, chunk, pos, pos + take, this.frameStart);
        this.frameStart = false;
        this.remaining -= take;
        pos += take;
      } else if (this.headerBytes === 0 && length - pos >= HEADER_BYTES) {
        this.startFrame(chunk, pos);
        pos += HEADER_BYTES;
      } else {
        const take = Math.min(HEADER_BYTES - this.headerBytes, length - pos);
        chunk.copy(this.header, this.headerBytes, pos, pos + take);
        this.headerBytes += take;
        pos += take;
        if (this.headerBytes === HEADER_BYTES) {
          this.headerBytes = 0;
          this.startFrame(this.header, 0);
        }
      }
    }
  }

  private startFrame(bytes: Buffer, at: number): void {
    const stream = bytes[at] ?? 0;
    if (stream > SYSTEM_ERROR || bytes[at + 1] !== 0 || bytes[at + 2] !== 0 || bytes[at + 3] !== 0) {
      throw new Error('the engine sent a log stream that is not multiplexed as expected');
    }
    this.stream = stream;
    this.remaining = bytes.readUInt32BE(at + 4);
    this.frameStart = true;
  }
}

/** Reads a container's log output over a time window through the Docker Engine API. */
export class ContainerLogs {
  private readonly docker: DockerClient;

  constructor(docker: DockerClient) {
    this.docker = docker;
  }

  /**
   * Streams stdout and stderr of `container` logged within `window`, line by line, each into its
   * own sink: frames of the two streams interleave, and a line or a multi-line event never spans
   * both. Throws ContainerNotFoundError, or the engine's error (socket missing, refused, abort).
   */
  async read(container: string, window: LogWindow, sinks: StreamSinks, signal: AbortSignal): Promise<LogReadStats> {
    const tty = await this.isTty(container, signal);
    const response = await this.openLogStream(container, window, signal);
    const stdout = new LineSplitter(sinks.stdout);
    const stderr = new LineSplitter(sinks.stderr);
    let engineError = '';
    const demuxer = tty
      ? undefined
      : new DockerStreamDemuxer((stream, chunk, start, end) => {
          if (stream === SYSTEM_ERROR) engineError = (engineError + chunk.toString('utf8', start, end)).slice(0, MAX_ENGINE_ERROR_CHARS);
          else (stream === STDERR ? stderr : stdout).push(chunk, start, end);
        });
    let bytes = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      // Parsed in a slice of the event loop: many scans' chunks arrive in one turn.
      await inSlice(() => {
        bytes += chunk.length;
        if (demuxer) demuxer.push(chunk);
        else stdout.push(chunk);
      });
    }
    if (engineError) throw new Error(`the engine failed while sending the logs: ${engineError.trim()}`);
    stdout.end();
    stderr.end();
    return { lines: stdout.lines + stderr.lines, bytes };
  }

  private async isTty(container: string, signal: AbortSignal): Promise<boolean> {
    try {
      const info = await this.docker.getContainer(container).inspect({ abortSignal: signal });
      return info.Config?.Tty === true;
    } catch (error) {
      throw notFound(error) ? new ContainerNotFoundError(container) : error;
    }
  }

  /**
   * dockerode's own `logs()` buffers the whole answer when `follow` is false, so the request goes
   * through the modem directly, asking for a stream.
   */
  private openLogStream(container: string, window: LogWindow, signal: AbortSignal): Promise<IncomingMessage> {
    const query: Record<string, string | number | boolean> = {
      stdout: true,
      stderr: true,
      follow: false,
      timestamps: false,
      since: Math.floor(window.since.getTime() / 1000),
    };
    if (window.until) query.until = Math.ceil(window.until.getTime() / 1000);
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(container)}/logs?`,
          method: 'GET',
          isStream: true,
          abortSignal: signal,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
          options: query,
        },
        (error, result) => {
          if (error) reject(notFound(error) ? new ContainerNotFoundError(container) : error);
          // The request carries the signal; the response is tied to it as well, so an abort ends
          // a stream that is already flowing.
          else resolve(addAbortSignal(signal, result as IncomingMessage));
        },
      );
    });
  }
}

function notFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}
