import type { DockerClient } from './client.ts';
import { dockerStatus, notFoundAs } from './container-errors.ts';

export interface StopOutcome {
  /** False when the container was not running (Docker's 304): nothing was stopped, which is no error. */
  wasRunning: boolean;
  /** Docker had to SIGKILL it after the grace period (see killedByStop). */
  killed: boolean;
  exitCode: number;
  tookMs: number;
}

/**
 * `docker stop`: the container's stop signal (SIGTERM unless it names another), then SIGKILL once
 * `graceSeconds` have passed. A Connector that lost its brokers can ignore SIGTERM, so whether it was
 * killed is part of the answer.
 */
export async function stopContainer(docker: DockerClient, container: string, graceSeconds: number, signal: AbortSignal): Promise<StopOutcome> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) throw new RangeError(`grace period must be whole seconds ≥ 0, not ${graceSeconds}`);
  signal.throwIfAborted();
  const target = docker.getContainer(container);
  const started = performance.now();
  const wasRunning = await target.stop({ t: graceSeconds, abortSignal: signal }).then(
    () => true,
    (error: unknown) => {
      if (dockerStatus(error) === 304) return false;
      return notFoundAs(container)(error);
    },
  );
  const tookMs = Math.round(performance.now() - started);
  const { State } = await target.inspect({ abortSignal: signal });
  return { wasRunning, killed: wasRunning && killedByStop(State, tookMs, graceSeconds), exitCode: State.ExitCode, tookMs };
}

/**
 * Whether the stop ended in Docker's SIGKILL. A process killed by SIGKILL exits 137 (128 + 9), and Docker
 * sends it only when the grace period has run out, so the stop took at least that long. A 137 sooner is
 * someone else's kill (the OOM killer's shows in OOMKilled); a process that ended on the stop signal
 * reports its own code (0 after a clean shutdown, 143 when SIGTERM's default action ended it).
 */
export function killedByStop(state: { ExitCode: number; OOMKilled: boolean }, tookMs: number, graceSeconds: number): boolean {
  return state.ExitCode === 137 && !state.OOMKilled && tookMs >= graceSeconds * 1000;
}

/** `docker start`; a container that already runs (Docker's 304) is no error. */
export async function startContainer(docker: DockerClient, container: string, signal: AbortSignal): Promise<{ alreadyRunning: boolean }> {
  signal.throwIfAborted();
  const alreadyRunning = await docker
    .getContainer(container)
    .start({ abortSignal: signal })
    .then(
      () => false,
      (error: unknown) => {
        if (dockerStatus(error) === 304) return true;
        return notFoundAs(container)(error);
      },
    );
  return { alreadyRunning };
}
