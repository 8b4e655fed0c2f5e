import type Docker from 'dockerode';
import { abortable } from '../abortable.ts';
import type { DockerClient } from './client.ts';
import { containerDefinition } from './container-definition.ts';
import { dockerStatus, notFoundAs } from './container-errors.ts';
import { ContainerNotFoundError } from './containers.ts';
import { startContainer, stopContainer, type StopOutcome } from './container-stop.ts';

/**
 * UPDATE as Docker primitives: the old container is kept, stopped and renamed, until the new one has
 * proven itself; then it is discarded, or the new one is rolled back to it. A handle is plain data, so
 * the operations layer can keep it across a restart of the bot.
 */
export interface RecreateHandle {
  /** The name both containers had in turn. */
  name: string;
  newId: string;
  previousId: string;
  previousName: string;
  /** A rollback starts the previous container again only when it ran before the update. */
  previousWasRunning: boolean;
  /** Its restart policy, set to "no" while it is kept: a daemon restart must not start it beside the new one. */
  previousRestartPolicy: Docker.HostRestartPolicy;
  /** How the previous container stopped. */
  stopped: StopOutcome;
}

export interface GraceOption {
  /** Before Docker SIGKILLs a container being stopped; by default its own StopTimeout, else Docker's 10 s. */
  graceSeconds?: number;
}

/** The update failed; `restored` says whether the engine holds the old container under its name again, as before. */
export class RecreateError extends Error {
  readonly restored: boolean;

  constructor(message: string, restored: boolean, options?: ErrorOptions) {
    super(message, options);
    this.restored = restored;
    this.name = 'RecreateError';
  }
}

/** A rollback or discard that failed or was refused; the message says where both containers stand. */
export class RollbackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RollbackError';
  }
}

interface Undo {
  what: string;
  run(signal: AbortSignal): Promise<unknown>;
}

// dockerode's typings omit abortSignal from connect(); at run time it forwards it to the request.
type ConnectCall = (options: Docker.NetworkConnectOptions & { abortSignal: AbortSignal }) => Promise<unknown>;

const DOCKER_STOP_TIMEOUT_SECONDS = 10;
/** Undoing runs on its own clock: an abort of the caller's signal must not leave half an update. */
const UNDO_TIMEOUT_MS = 60_000;

/**
 * Stops the old container, renames it to `<name>-previous-<UTC time>`, creates the new one from `image`
 * under the old name with the old definition (see container-definition.ts), connects its further
 * networks and starts it. The image must be on the engine already (pull first). Any failure after the
 * stop undoes the steps done, in reverse, and the error says whether that restored the old state.
 */
export async function recreateContainer(
  docker: DockerClient,
  container: string,
  image: string,
  signal: AbortSignal,
  options: GraceOption = {},
): Promise<RecreateHandle> {
  signal.throwIfAborted();
  const old = await docker.getContainer(container).inspect({ abortSignal: signal }).catch(notFoundAs(container));
  const unchanged = (reason: string, cause?: unknown) =>
    new RecreateError(`cannot update ${container} to ${image}: ${reason}; nothing was changed`, true, { cause });
  if (old.HostConfig.AutoRemove) throw unchanged('it is removed as soon as it stops (--rm), so it cannot be kept for a rollback');
  const oldImage = await abortable(docker.getImage(old.Image).inspect(), signal).catch((error: unknown) => {
    throw signal.aborted ? error : unchanged(`its own image ${old.Image} cannot be read (${(error as Error).message})`, error);
  });
  await abortable(docker.getImage(image).inspect(), signal).catch((error: unknown) => {
    throw dockerStatus(error) === 404 ? unchanged('the image is not on the engine (pull it first)', error) : error;
  });

  const definition = containerDefinition(old, oldImage, image);
  const name = definition.name;
  const previousName = `${name}-previous-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`;
  const previousWasRunning = old.State.Running;
  const previousRestartPolicy = old.HostConfig.RestartPolicy ?? { Name: 'no' };
  const grace = options.graceSeconds ?? definition.create.StopTimeout ?? DOCKER_STOP_TIMEOUT_SECONDS;
  const previous = docker.getContainer(old.Id);
  const undo: Undo[] = [];
  // First, before anything else is touched: an engine without the call (Podman 4) refuses it here.
  if (restartsByItself(previousRestartPolicy)) {
    await previous.update({ RestartPolicy: { Name: 'no' }, abortSignal: signal }).catch(async (error: unknown) => {
      if (signal.aborted) throw error;
      if (!(await lacksUpdate(docker, old.Id, error, signal))) throw unchanged(`its restart policy could not be set to "no" (${(error as Error).message})`, error);
      throw unchanged(
        `the engine cannot change a container's restart policy (it has no POST /containers/{id}/update, as Podman 4 has not), and the old container, kept stopped for a rollback, would be started again beside the new one by its restart policy "${previousRestartPolicy.Name}"`,
        error,
      );
    });
    undo.push({ what: `restoring the restart policy of ${name}`, run: (s) => previous.update({ RestartPolicy: previousRestartPolicy, abortSignal: s }) });
  }
  // Pushed before the stop: a stop that failed half-way (an abort during the grace period) may still end it.
  if (previousWasRunning) undo.push({ what: `starting ${name} again`, run: (s) => startContainer(docker, old.Id, s) });
  let step = 'stopping the old container';
  try {
    const stopped = await stopContainer(docker, old.Id, grace, signal);
    step = `renaming the old container to ${previousName}`;
    await previous.rename({ name: previousName, abortSignal: signal });
    undo.push({ what: `renaming ${previousName} back to ${name}`, run: (s) => previous.rename({ name, abortSignal: s }) });
    step = 'creating the new container';
    // Name in the query, definition in the body only: dockerode would put both in the URL, and with
    // them the environment's secrets, which engine debug logs and socket proxies record.
    const created = await docker.createContainer({ _query: { name }, _body: definition.create, abortSignal: signal } as Docker.ContainerCreateOptions);
    undo.push({ what: `removing the new container ${created.id.slice(0, 12)}`, run: (s) => created.remove({ force: true, v: false, abortSignal: s }) });
    for (const attachment of definition.moreNetworks) {
      step = `connecting the new container to network ${attachment.network}`;
      const network = docker.getNetwork(attachment.network);
      await (network.connect as ConnectCall).call(network, { Container: created.id, EndpointConfig: attachment.endpoint, abortSignal: signal });
    }
    step = 'starting the new container';
    await startContainer(docker, created.id, signal);
    return { name, newId: created.id, previousId: old.Id, previousName, previousWasRunning, previousRestartPolicy, stopped };
  } catch (error) {
    throw await undone(docker, old.Id, `updating ${name} to ${image} failed while ${step}: ${(error as Error).message}`, undo, error);
  }
}

/**
 * Runs the undo steps, last first, and says in one error what is left to do, or where the old
 * container stands as the engine reports it after the undo.
 */
async function undone(docker: DockerClient, oldId: string, failure: string, undo: Undo[], cause: unknown): Promise<RecreateError> {
  const signal = AbortSignal.timeout(UNDO_TIMEOUT_MS);
  const steps = [...undo].reverse();
  for (const [index, step] of steps.entries()) {
    try {
      await step.run(signal);
    } catch (error) {
      const left = steps.slice(index).map((u) => u.what).join(', then ');
      return new RecreateError(`${failure}; undoing failed while ${step.what} (${(error as Error).message}); left to do by hand: ${left}`, false, { cause });
    }
  }
  const state = await docker
    .getContainer(oldId)
    .inspect({ abortSignal: signal })
    .then(
      (info) => `the old container is back as ${info.Name.replace(/^\//, '')}, ${info.State.Status}`,
      (error: unknown) => `the old container's state cannot be read (${(error as Error).message})`,
    );
  return new RecreateError(`${failure}; ${state}`, true, { cause });
}

/**
 * Stops and removes the new container, gives the previous one its name and restart policy back, and
 * starts it when it ran before the update. Checks first that the previous container is still there,
 * so that the new one is never removed with nothing to go back to. Steps already done are skipped,
 * so a rollback that failed half-way can be run again.
 */
export async function rollbackRecreate(docker: DockerClient, handle: RecreateHandle, signal: AbortSignal, options: GraceOption = {}): Promise<void> {
  signal.throwIfAborted();
  const previous = docker.getContainer(handle.previousId);
  const kept = await previous.inspect({ abortSignal: signal }).catch((error: unknown) => {
    if (dockerStatus(error) !== 404) throw error;
    throw new RollbackError(`cannot roll ${handle.name} back: the previous container ${handle.previousName} is gone; the new one was left as it is`);
  });
  let step = 'stopping the new container';
  try {
    const grace = options.graceSeconds ?? DOCKER_STOP_TIMEOUT_SECONDS;
    await stopContainer(docker, handle.newId, grace, signal).catch(ignoreMissing);
    step = 'removing the new container';
    await docker.getContainer(handle.newId).remove({ v: false, abortSignal: signal }).catch(ignoreMissing);
    if (kept.Name.replace(/^\//, '') !== handle.name) {
      step = `renaming ${handle.previousName} back to ${handle.name}`;
      await previous.rename({ name: handle.name, abortSignal: signal });
    }
    if (restartsByItself(handle.previousRestartPolicy)) {
      step = 'restoring the previous container\'s restart policy';
      await previous.update({ RestartPolicy: handle.previousRestartPolicy, abortSignal: signal });
    }
    if (handle.previousWasRunning) {
      step = 'starting the previous container';
      await startContainer(docker, handle.previousId, signal);
    }
  } catch (error) {
    throw new RollbackError(`rolling ${handle.name} back failed while ${step}: ${(error as Error).message}; run the rollback again`, { cause: error });
  }
}

/**
 * Removes the previous container after a successful update, only while it is still the stopped, renamed
 * one: after a rollback it is the live container again. Its volumes stay (the new container uses them).
 */
export async function discardPrevious(docker: DockerClient, handle: RecreateHandle, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const previous = docker.getContainer(handle.previousId);
  const kept = await previous.inspect({ abortSignal: signal }).catch((error: unknown) => {
    if (dockerStatus(error) === 404) return undefined;
    throw error;
  });
  if (!kept) return;
  if (kept.Name.replace(/^\//, '') !== handle.previousName || kept.State.Running) {
    throw new RollbackError(
      `refusing to remove the previous container of ${handle.name}: it is now ${kept.Name.replace(/^\//, '')} and ${kept.State.Status} (rolled back?)`,
    );
  }
  await previous.remove({ v: false, abortSignal: signal }).catch(ignoreMissing);
}

/** A policy other than "no" may start a stopped container again: on the engine's start (Docker), at boot (Podman). */
function restartsByItself(policy: Docker.HostRestartPolicy): boolean {
  return Boolean(policy.Name) && policy.Name !== 'no';
}

/** A 404 for a container that is there: the engine has no such endpoint. */
async function lacksUpdate(docker: DockerClient, id: string, error: unknown, signal: AbortSignal): Promise<boolean> {
  if (dockerStatus(error) !== 404) return false;
  return docker
    .getContainer(id)
    .inspect({ abortSignal: signal })
    .then(
      () => true,
      () => false,
    );
}

/** Gone already: what a step wanted to remove or stop is not there. */
function ignoreMissing(error: unknown): undefined {
  if (dockerStatus(error) === 404 || error instanceof ContainerNotFoundError) return undefined;
  throw error;
}
