import type { IncomingMessage } from 'node:http';
import { addAbortSignal } from 'node:stream';
import type { DockerClient } from './client.ts';
import { notFoundAs } from './container-errors.ts';
import { DockerStreamDemuxer } from './logs.ts';

// ESC [ parameters intermediates final-byte (colours, resets), or a lone ESC.
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b/g;
const SYSTEM_ERROR = 3;

/**
 * The last `n` lines a container wrote, stdout and stderr together in the order the engine logged
 * them, without colour codes: what names the reason when a container exits during its start.
 */
export async function lastLogLines(docker: DockerClient, container: string, n: number, signal: AbortSignal): Promise<string[]> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`line count must be a whole number ≥ 0, not ${n}`);
  signal.throwIfAborted();
  const info = await docker.getContainer(container).inspect({ abortSignal: signal }).catch(notFoundAs(container));
  if (n === 0) return [];
  const response = await openTail(docker, container, n, signal);
  const lines = new TailLines(n);
  let engineError = '';
  // A TTY container's log is one raw stream; otherwise frames of stdout and stderr interleave.
  const demuxer = info.Config.Tty
    ? undefined
    : new DockerStreamDemuxer((stream, chunk, start, end) => {
        if (stream === SYSTEM_ERROR) engineError += chunk.toString('utf8', start, end);
        else lines.push(stream, chunk.subarray(start, end));
      });
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (demuxer) demuxer.push(chunk);
    else lines.push(1, chunk);
  }
  if (engineError) throw new Error(`the engine failed while sending the logs: ${engineError.trim()}`);
  return lines.end();
}

/** dockerode's `logs()` buffers the whole answer; a stream tied to the signal ends on abort even mid-way. */
function openTail(docker: DockerClient, container: string, n: number, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(container)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stdout: true, stderr: true, follow: false, timestamps: false, tail: n },
      },
      (error, result) => {
        if (error) reject(error);
        else resolve(addAbortSignal(signal, result as IncomingMessage));
      },
    );
  });
}

/** Splits each stream into lines apart (a line may span frames), keeping the last `max`. */
class TailLines {
  private readonly lines: string[] = [];
  private readonly pending = new Map<number, Buffer[]>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  push(stream: number, bytes: Buffer): void {
    let from = 0;
    for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, from)) {
      this.emit([...(this.pending.get(stream) ?? []), bytes.subarray(from, newline)]);
      this.pending.delete(stream);
      from = newline + 1;
    }
    if (from < bytes.length) this.pending.set(stream, [...(this.pending.get(stream) ?? []), bytes.subarray(from)]);
  }

  end(): string[] {
    for (const parts of this.pending.values()) this.emit(parts);
    this.pending.clear();
    return this.lines;
  }

  private emit(parts: Buffer[]): void {
    this.lines.push(Buffer.concat(parts).toString('utf8').replace(ANSI, '').replace(/\r$/, ''));
    if (this.lines.length > this.max) this.lines.shift();
  }
}
