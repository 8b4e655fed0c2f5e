import type { IncomingMessage } from 'node:http';
import { addAbortSignal } from 'node:stream';
import type { FollowSink, LogPosition } from '../../logs/follow.ts';
import type { DockerClient } from './client.ts';
import { dockerStatus } from './container-errors.ts';
import { ContainerNotFoundError } from './containers.ts';
import { ContainerLogPositions } from './log-positions.ts';
import { StreamOrder } from './log-order.ts';
import { dockerLineTime, wholeSeconds } from './log-timestamp.ts';
import { DockerStreamDemuxer } from './logs.ts';
import { PieceTimestamps } from './log-pieces.ts';
import { LineSplitter } from '../../logs/lines.ts';

/** The container whose log is read: its full id (the log's name) and whether it has a TTY (one raw stream). */
export interface FollowedContainer {
  name: string;
  id: string;
  tty: boolean;
}

export interface FollowStreamOptions {
  /** No data for this long after some lines: the sink is told it is idle; also how long a line waits for its order. */
  idleMs: number;
  /** How long the engine may take to answer the request; the stream itself then lasts as long as the container runs. */
  openTimeoutMs: number;
  /**
   * `false`: reads what the log holds now and ends, instead of following it (default true). A last line without
   * its newline is still being logged: it is left for the next read.
   */
  follow?: boolean;
}

/** `opened`: the engine answered; `passed`: the sink took the line before this position. */
export interface FollowStreamEvents {
  opened(): void;
  passed(position: LogPosition): void;
}

const STDOUT = 1;
const STDERR = 2;
/** Stream type of a frame in which the engine reports an error of its own (it ends the stream). */
const SYSTEM_ERROR = 3;
const MAX_ENGINE_ERROR_CHARS = 500;

/**
 * Reads one follow stream of a container's log (`GET /containers/{id}/logs?follow=1`) after `resume`, or from
 * the log's beginning, until the engine ends it (it does when the container stops). Each line goes to the
 * sink with its Docker timestamp prefix and the position after it; `passed` hears of every position once the
 * sink took its line, so a read that breaks off (failure, abort: it then rejects) loses nothing: lines held
 * for their order are dropped and come again when reading on from the last position.
 */
export async function readFollowStream(
  docker: DockerClient,
  container: FollowedContainer,
  resume: LogPosition | undefined,
  sink: FollowSink,
  signal: AbortSignal,
  options: FollowStreamOptions,
  events: FollowStreamEvents,
): Promise<void> {
  const follow = options.follow ?? true;
  const response = await openFollowStream(docker, container, resume, signal, options.openTimeoutMs, follow);
  events.opened();
  const positions = new ContainerLogPositions(container.id, resume);
  let unsettled = false;
  const order = new StreamOrder(container.tty ? ['stdout'] : ['stdout', 'stderr'], options.idleMs, (stream, bytes, at) => {
    const after = positions.after(at);
    if (!after) return;
    sink.line(stream, bytes, 0, bytes.length, after);
    unsettled = true;
    events.passed(after);
  });
  let now = performance.now();
  let lastAt = '';
  const splitter = (stream: string) =>
    new LineSplitter({
      line(bytes, start, end) {
        // Every line of `timestamps=1` output carries one; should one not, it keeps its neighbour's place.
        const at = dockerLineTime(bytes, start, end) ?? lastAt;
        lastAt = at;
        if (!positions.passed(at)) order.push(stream, bytes, start, end, at, now);
      },
    });
  const stdout = splitter('stdout');
  const stderr = splitter('stderr');
  let engineError = '';
  const demuxer = container.tty
    ? undefined
    : demultiplexed({ stdout, stderr }, (text) => (engineError = (engineError + text).slice(0, MAX_ENGINE_ERROR_CHARS)));

  /** Everything held is passed on, and the sink hears that what it holds is complete. */
  const settle = () => {
    order.release(performance.now(), true);
    if (!unsettled) return;
    unsettled = false;
    sink.idle();
  };
  let idle: NodeJS.Timeout | undefined;
  const onIdle = () => {
    try {
      settle();
    } catch (error) {
      response.destroy(error as Error); // the sink failed: the read breaks off and is taken up again
    }
  };
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      now = performance.now();
      if (demuxer) demuxer.push(chunk);
      else stdout.push(chunk);
      if (engineError) break;
      order.release(now);
      clearTimeout(idle);
      if (unsettled || order.held) idle = setTimeout(onIdle, options.idleMs);
    }
    if (engineError) throw new Error(`the engine failed while sending the log: ${engineError.trim()}`);
    // A clean end: the engine sent all there is, a last line without its newline included when it is followed
    // to its end (a plain read may have cut that line while it was logged).
    if (follow) {
      stdout.end();
      stderr.end();
    }
    settle();
  } finally {
    clearTimeout(idle);
    response.destroy();
  }
}

/**
 * dockerode's own `logs()` hides the request; the modem gives the raw stream. The request's signal is the
 * caller's plus a time limit for the answer alone: the stream that follows stays open as long as the
 * container runs, and closes when the caller aborts.
 */
function openFollowStream(
  docker: DockerClient,
  container: FollowedContainer,
  resume: LogPosition | undefined,
  signal: AbortSignal,
  timeoutMs: number,
  follow: boolean,
): Promise<IncomingMessage> {
  signal.throwIfAborted();
  const connection = new AbortController();
  const abort = () => connection.abort(signal.reason);
  signal.addEventListener('abort', abort, { once: true });
  const timer = setTimeout(() => connection.abort(new DOMException(`the engine did not answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(container.id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: connection.signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error', 501: 'the logging driver does not support reading' },
        // Docker's `since` is inclusive and by whole seconds: what was read of that second is skipped here.
        options: { follow, stdout: true, stderr: true, timestamps: true, since: resume ? wholeSeconds(resume.at) : 0 },
      },
      (error, result) => {
        clearTimeout(timer);
        if (error) {
          signal.removeEventListener('abort', abort);
          reject(dockerStatus(error) === 404 ? new ContainerNotFoundError(container.name) : error);
          return;
        }
        const response = result as IncomingMessage;
        response.once('close', () => signal.removeEventListener('abort', abort));
        resolve(addAbortSignal(connection.signal, response));
      },
    );
  });
}

/** The demultiplexer of a log without a TTY: each stream's frames to its splitter, pieces of one line joined. */
function demultiplexed(streams: { stdout: LineSplitter; stderr: LineSplitter }, engineError: (text: string) => void): DockerStreamDemuxer {
  const stdout = new PieceTimestamps((chunk, start, end) => streams.stdout.push(chunk, start, end));
  const stderr = new PieceTimestamps((chunk, start, end) => streams.stderr.push(chunk, start, end));
  return new DockerStreamDemuxer((stream, chunk, start, end, frameStart) => {
    if (stream === SYSTEM_ERROR) engineError(chunk.toString('utf8', start, end));
    else if (stream === STDERR) stderr.payload(chunk, start, end, frameStart);
    else if (stream === STDOUT) stdout.payload(chunk, start, end, frameStart);
  });
}
