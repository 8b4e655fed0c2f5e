import type { FollowedLog, FollowSink, FollowStatus, LogPosition } from '../../logs/follow.ts';
import { backoff, pause, statusReporter } from '../../logs/follow-wait.ts';
import { describeFailure, withTimeout } from '../http/timeout.ts';
import type { DockerClient } from './client.ts';
import { engineUnreachable, isEngineUnreachable, notFoundAs } from './container-errors.ts';
import { ContainerNotFoundError } from './containers.ts';
import { readEngineKind } from './engine-info.ts';
import { readFollowStream } from './log-follow-stream.ts';
import type { FollowedContainer, FollowStreamEvents } from './log-follow-stream.ts';
import { normaliseDockerTime } from './log-timestamp.ts';

export interface ContainerLogFollowerOptions {
  /** How often a stopped or missing container is looked at again (default 1 s). */
  pollMs?: number;
  /** The wait after the first failure to reach the engine; it doubles up to `maxBackoffMs` (500 ms, 10 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** No data for this long after some lines: the sink is told it is idle (default 250 ms). */
  idleMs?: number;
  /** Time limit of each call to the engine; an open log stream has none (default 10 s). */
  callTimeoutMs?: number;
}

interface ContainerRun extends FollowedContainer {
  running: boolean;
  status: string;
  /** One run of the container: its id and when it started. A restart is a new run of the same log. */
  run: string;
}

/** Where the lines read only to find the log's end go. */
const DISCARD: FollowSink = { line: () => undefined, idle: () => undefined };

// dockerode's typings omit info()'s options; at run time it forwards `abortSignal`.
type InfoWithSignal = (options: { abortSignal: AbortSignal }) => Promise<{ SystemTime?: string }>;

/**
 * Follows a connector container's log through the Docker Engine API (`FollowedLog`). Positions name the
 * container by its full id and a line by its Docker timestamp, so the log survives restarts of the container
 * and of the bot; a recreated container (an update) is a new log, read from its beginning.
 */
export class ContainerLogFollower implements FollowedLog {
  readonly source = 'container';
  private readonly docker: DockerClient;
  private readonly container: string;
  private readonly pollMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly idleMs: number;
  private readonly callTimeoutMs: number;
  private dropsLines: Promise<boolean> | undefined;

  constructor(docker: DockerClient, container: string, options: ContainerLogFollowerOptions = {}) {
    this.docker = docker;
    this.container = container;
    this.pollMs = options.pollMs ?? 1_000;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.idleMs = options.idleMs ?? 250;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  async follow(from: LogPosition | undefined, sink: FollowSink, signal: AbortSignal, onStatus?: (status: FollowStatus) => void): Promise<void> {
    const report = statusReporter(onStatus);
    let resume = from;
    /** Without a position the log is read from its end as it is now, by the engine's clock (the one its timestamps use). */
    let fromNow = from === undefined;
    let failures = 0;
    /** The run whose log was read to its end: nothing more comes until the container starts again. */
    let ended: string | undefined;
    const events = {
      opened: () => (failures = 0),
      passed: (position: LogPosition) => (resume = position),
    };
    while (!signal.aborted) {
      try {
        const container = await this.inspect(signal);
        if (fromNow) {
          resume = await this.logEnd(container, signal);
          fromNow = false;
          sink.begun?.(resume);
        }
        if (container.run === ended && !container.running) {
          report({ state: 'waiting', reason: `container is ${container.status}` });
          await pause(this.pollMs, signal);
          continue;
        }
        if (resume?.log !== container.id) resume = undefined; // recreated: a new log, read from its beginning
        // A container that does not run still has its log read to the end; then it is waited for.
        report(container.running ? { state: 'following' } : { state: 'waiting', reason: `container is ${container.status}` });
        const polled = container.running && (await this.engineDropsLines(signal));
        await this.read(container, resume, sink, signal, polled ? 'now' : 'follow', events);
        if (!polled) ended = container.run;
        await pause(this.pollMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof ContainerNotFoundError) {
          // A container that is not there yet has logged nothing before now.
          fromNow = false;
          report({ state: 'waiting', reason: error.message });
          await pause(this.pollMs, signal);
        } else {
          report({ state: 'waiting', reason: this.failure(error) });
          await pause(backoff(failures++, this.backoffMs, this.maxBackoffMs), signal);
        }
      }
    }
  }

  /**
   * Podman's follow stream cannot be trusted: when the container stops, it leaves out lines logged just before
   * (Podman 4.3: a run of lines missing, later ones sent). There, a running container's log is read by polls,
   * each a plain read of what the log holds, from the last position on. An engine that does not say what it is
   * is taken to be Docker.
   */
  private engineDropsLines(signal: AbortSignal): Promise<boolean> {
    this.dropsLines ??= readEngineKind(this.docker, withTimeout(signal, this.callTimeoutMs))
      .then((kind) => kind === 'Podman')
      .catch((error: unknown) => {
        this.dropsLines = undefined;
        if (signal.aborted) throw error;
        return false;
      });
    return this.dropsLines;
  }

  private async inspect(signal: AbortSignal): Promise<ContainerRun> {
    const info = await this.docker
      .getContainer(this.container)
      .inspect({ abortSignal: withTimeout(signal, this.callTimeoutMs) })
      .catch(notFoundAs(this.container));
    // Docker counts a container between restarts (restart policy) as running; its log has ended all the same.
    const running = info.State.Running && !info.State.Restarting;
    return { name: this.container, id: info.Id, tty: info.Config.Tty === true, running, status: info.State.Status, run: `${info.Id}@${info.State.StartedAt}` };
  }

  private failure(error: unknown): string {
    // Every call and stream opening here is bounded by callTimeoutMs: one that runs out is the engine not answering.
    const unreachable = isEngineUnreachable(error) || (error as Error | null)?.name === 'TimeoutError';
    return unreachable ? engineUnreachable(error) : `cannot read the log of container "${this.container}": ${describeFailure(error)}`;
  }

  /**
   * Where the log ends now: the position after its last line, or the start of the engine's current second
   * when that second has none. Podman 4 stamps lines with whole seconds, so a moment within a second cannot
   * tell the lines of that second apart: they are read, and counted, instead.
   */
  private async logEnd(container: ContainerRun, signal: AbortSignal): Promise<LogPosition> {
    const now = await this.engineNow(signal);
    let end: LogPosition = { log: container.id, at: `${now.slice(0, 19)}.000000000Z`, seq: 0 };
    await this.read(container, end, DISCARD, signal, 'now', { opened: () => undefined, passed: (position) => (end = position) });
    return end;
  }

  /**
   * Reads the log after `resume`: following it until the engine ends the stream, or what it holds `now`. A plain
   * read takes moments; one that hangs (Podman 4.3, asked while the container restarts) is given up after the call
   * timeout and made again: its position did not move.
   */
  private read(container: ContainerRun, resume: LogPosition | undefined, sink: FollowSink, signal: AbortSignal, how: 'follow' | 'now', events: FollowStreamEvents): Promise<void> {
    const follow = how === 'follow';
    const options = { idleMs: this.idleMs, openTimeoutMs: this.callTimeoutMs, follow };
    return readFollowStream(this.docker, container, resume, sink, follow ? signal : withTimeout(signal, this.callTimeoutMs), options, events);
  }

  private async engineNow(signal: AbortSignal): Promise<string> {
    const info = (this.docker.info as unknown as InfoWithSignal).bind(this.docker);
    // The engine just answered the inspect: one that refuses /info (a strict socket proxy) or does not say
    // (a Docker-compatible API) is taken to share the bot's clock.
    const answer = await info({ abortSignal: withTimeout(signal, this.callTimeoutMs) }).catch(() => ({ SystemTime: undefined }));
    return normaliseDockerTime(answer.SystemTime ?? '') ?? (normaliseDockerTime(new Date().toISOString()) as string);
  }
}
