import { decidedRequestOf } from '../domain/command.ts';
import type { ConnectorDirectory, ReportRunner } from '../domain/ports.ts';
import type { Platform } from '../domain/request.ts';
import type { AccessPolicy } from '../domain/roles.ts';
import type { Logger } from '../logging/logger.ts';
import { Dispatcher } from './dispatcher.ts';
import { requireRole } from './middleware/access.ts';
import { logRequest } from './middleware/log.ts';
import { countRequests } from './middleware/metrics.ts';
import { parseRequest } from './middleware/parse.ts';
import { requireWritableStore, type StoreCondition } from './middleware/store.ts';
import { createVerbHandlers } from './verb-handlers.ts';
import type { OperationService } from '../operations/service.ts';
import type { NotificationVerbDependencies } from './notification-verbs.ts';
import type { AlertVerbDependencies } from './alert-verbs.ts';

export interface DispatcherDependencies {
  directory: ConnectorDirectory;
  runner: ReportRunner;
  operations: OperationService;
  notifications: NotificationVerbDependencies;
  alerts: AlertVerbDependencies;
  policy: AccessPolicy;
  /** What refuses a request that needs to be recorded while the store cannot be written. */
  store: StoreCondition;
  logger: Logger;
  countRequest: (verb: string, platform: Platform) => void;
  progressAfterMs?: number;
}

/** The one request path of every adapter: log, count, parse, check the store and the role, run the verb. */
export function createDispatcher(deps: DispatcherDependencies): Dispatcher {
  return new Dispatcher({
    verbs: createVerbHandlers({ directory: deps.directory, runner: deps.runner, operations: deps.operations, notifications: deps.notifications, alerts: deps.alerts, ...(deps.progressAfterMs !== undefined && { progressAfterMs: deps.progressAfterMs }) }),
    middleware: [
      logRequest,
      countRequests(deps.countRequest),
      parseRequest,
      // Before the role: a refusal of a role is itself recorded in the audit log.
      requireWritableStore(deps.store),
      requireRole(deps.policy, (context, role) =>
        deps.operations.recordRefusal(context.request.actor, `/connector ${context.request.text.replace(/^\/?connector\s*/i, '')}`, `needs the ${role} role`, decidedRequestOf(context.command)),
      ),
    ],
    logger: deps.logger,
  });
}
