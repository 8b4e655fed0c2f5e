import { describeFailure } from '../http/timeout.ts';
import { ContainerNotFoundError } from './containers.ts';

/** The HTTP status of a failed Docker API call: dockerode puts it on the error it rejects with. */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The codes of a call that never reached the engine, or lost it on the way: no socket, refused, cut off, no route. */
const ENGINE_UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE']);

/** A failure to reach the engine (Docker, or Podman's service), not an answer of it. */
export function isEngineUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ENGINE_UNREACHABLE.has(code);
}

/** What a failure to reach the engine says, whichever kind the engine is. */
export function engineUnreachable(error: unknown): string {
  return `container engine unreachable (${describeFailure(error)})`;
}

/** For `.catch`: a 404 becomes ContainerNotFoundError naming the container, anything else is rethrown. */
export function notFoundAs(container: string): (error: unknown) => never {
  return (error) => {
    throw dockerStatus(error) === 404 ? new ContainerNotFoundError(container) : error;
  };
}

/** Refused: the container runs, and removing it would kill it. */
export class ContainerRunningError extends Error {
  readonly container: string;

  constructor(container: string, state: string) {
    super(`container "${container}" is ${state}: stop it before removing it`);
    this.container = container;
    this.name = 'ContainerRunningError';
  }
}
