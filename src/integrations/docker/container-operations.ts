import type Docker from 'dockerode';
import type { DockerClient } from './client.ts';
import { ContainerRunningError, notFoundAs } from './container-errors.ts';
import { lastLogLines } from './container-log-tail.ts';
import { discardPrevious, recreateContainer, rollbackRecreate, type GraceOption, type RecreateHandle } from './container-recreate.ts';
import { startContainer, stopContainer, type StopOutcome } from './container-stop.ts';
import { pullImage, type PullProgress, type PullResult, type RegistryAuthConfig } from './image-pull.ts';

export type { GraceOption, RecreateHandle } from './container-recreate.ts';
export { RecreateError, RollbackError } from './container-recreate.ts';
export type { StopOutcome } from './container-stop.ts';
export type { PullProgress, PullResult, RegistryAuthConfig } from './image-pull.ts';
export { ImagePullError } from './image-pull.ts';
export { ContainerRunningError } from './container-errors.ts';

export interface RemovedImage {
  untagged: string[];
  deleted: string[];
}

/**
 * What the operations (restart, stop, start, update with rollback, cleanup) do on a Docker engine.
 * Approvals, checks and messages are the operations layer's; these are the bare Docker steps. Every
 * call honours its signal, one already aborted included: then nothing is done.
 */
export interface ContainerOperations {
  inspect(container: string, signal: AbortSignal): Promise<Docker.ContainerInspectInfo>;
  /** The signal must allow for the grace period: Docker answers only once the container has stopped. */
  stop(container: string, options: { graceSeconds: number }, signal: AbortSignal): Promise<StopOutcome>;
  start(container: string, signal: AbortSignal): Promise<{ alreadyRunning: boolean }>;
  /** Stop, then start: unlike Docker's restart, it tells whether the stop had to kill. */
  restart(container: string, options: { graceSeconds: number }, signal: AbortSignal): Promise<StopOutcome>;
  /** stdout and stderr together, colour codes removed; for the reason a container exited during its start. */
  lastLogLines(container: string, n: number, signal: AbortSignal): Promise<string[]>;
  pull(image: string, onProgress: (progress: PullProgress) => void, signal: AbortSignal, auth?: RegistryAuthConfig): Promise<PullResult>;
  /** UPDATE: the new container under the old name, the old one kept stopped for a rollback. */
  recreate(container: string, image: string, signal: AbortSignal, options?: GraceOption): Promise<RecreateHandle>;
  rollback(handle: RecreateHandle, signal: AbortSignal, options?: GraceOption): Promise<void>;
  /** After a successful update: removes the kept old container (not its volumes). */
  discardPrevious(handle: RecreateHandle, signal: AbortSignal): Promise<void>;
  /** Never forced: Docker refuses an image a container uses, or an id with several tags (remove those by reference). */
  removeImage(image: string, signal: AbortSignal): Promise<RemovedImage>;
  /** Refuses a running, restarting or paused container (ContainerRunningError); volumes are kept. */
  removeContainer(container: string, signal: AbortSignal): Promise<void>;
}

export class DockerContainerOperations implements ContainerOperations {
  private readonly docker: DockerClient;

  constructor(docker: DockerClient) {
    this.docker = docker;
  }

  async inspect(container: string, signal: AbortSignal): Promise<Docker.ContainerInspectInfo> {
    signal.throwIfAborted();
    return this.docker.getContainer(container).inspect({ abortSignal: signal }).catch(notFoundAs(container));
  }

  stop(container: string, options: { graceSeconds: number }, signal: AbortSignal): Promise<StopOutcome> {
    return stopContainer(this.docker, container, options.graceSeconds, signal);
  }

  start(container: string, signal: AbortSignal): Promise<{ alreadyRunning: boolean }> {
    return startContainer(this.docker, container, signal);
  }

  async restart(container: string, options: { graceSeconds: number }, signal: AbortSignal): Promise<StopOutcome> {
    const stopped = await stopContainer(this.docker, container, options.graceSeconds, signal);
    await startContainer(this.docker, container, signal);
    return stopped;
  }

  lastLogLines(container: string, n: number, signal: AbortSignal): Promise<string[]> {
    return lastLogLines(this.docker, container, n, signal);
  }

  pull(image: string, onProgress: (progress: PullProgress) => void, signal: AbortSignal, auth?: RegistryAuthConfig): Promise<PullResult> {
    return pullImage(this.docker, image, onProgress, signal, auth);
  }

  recreate(container: string, image: string, signal: AbortSignal, options?: GraceOption): Promise<RecreateHandle> {
    return recreateContainer(this.docker, container, image, signal, options);
  }

  rollback(handle: RecreateHandle, signal: AbortSignal, options?: GraceOption): Promise<void> {
    return rollbackRecreate(this.docker, handle, signal, options);
  }

  discardPrevious(handle: RecreateHandle, signal: AbortSignal): Promise<void> {
    return discardPrevious(this.docker, handle, signal);
  }

  async removeImage(image: string, signal: AbortSignal): Promise<RemovedImage> {
    signal.throwIfAborted();
    const answer = (await this.docker.getImage(image).remove({ abortSignal: signal })) as Array<{ Untagged?: string; Deleted?: string }>;
    return {
      untagged: answer.flatMap((entry) => (entry.Untagged ? [entry.Untagged] : [])),
      deleted: answer.flatMap((entry) => (entry.Deleted ? [entry.Deleted] : [])),
    };
  }

  async removeContainer(container: string, signal: AbortSignal): Promise<void> {
    const info = await this.inspect(container, signal);
    if (info.State.Running || info.State.Restarting || info.State.Paused) throw new ContainerRunningError(container, info.State.Status);
    // Not forced: should it have been started since, the engine refuses (409) rather than kill it.
    await this.docker.getContainer(info.Id).remove({ v: false, abortSignal: signal });
  }
}
