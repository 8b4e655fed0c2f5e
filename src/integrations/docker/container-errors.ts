import { ContainerNotFoundError } from './containers.ts';

/** The HTTP status of a failed Docker API call: dockerode puts it on the error it rejects with. */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
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
