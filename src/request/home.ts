import { homeMessage } from '../domain/home-message.ts';
import type { LastKnownStatus } from '../domain/last-known.ts';
import type { Message } from '../domain/message.ts';
import type { OperationRequest } from '../domain/operation.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';

/** The overview a platform's home view shows, read when someone opens it: each connector's last known status, the requests under way. */
export function homeOverview(directory: ConnectorDirectory, lastKnown: Pick<LastKnownStatus, 'of'>, operations: { active(): OperationRequest[] }): () => Promise<Message> {
  return async () => {
    const { connectors, problem } = await directory.list();
    return homeMessage(connectors, (name) => lastKnown.of(name), operations.active(), problem);
  };
}
