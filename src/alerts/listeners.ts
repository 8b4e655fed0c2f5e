import { alertIdOfPostKey } from '../domain/alert.ts';
import type { OperationKind, OperationRequest } from '../domain/operation.ts';
import type { OutboxEntry } from '../store/outbox.ts';
import type { AlertEngine } from './engine.ts';
import type { Silencer } from './silencer.ts';

// What alerting hears of the rest of the bot: operations under way and posts delivered.

/** The operations that take a connector down for a while: its alerts are held back meanwhile. */
const SILENCING_OPERATIONS: ReadonlySet<OperationKind> = new Set(['restart', 'stop', 'start', 'update']);

/** Holds back a connector's alerts while an operation that takes it down runs, for at most the operation's time limit. */
export function silenceDuringOperations(silencer: Pick<Silencer, 'operationStarted' | 'operationFinished'>) {
  return (phase: 'started' | 'finished', request: OperationRequest, maxMs: number): void => {
    if (!SILENCING_OPERATIONS.has(request.kind)) return;
    if (phase === 'started') silencer.operationStarted(request.id, request.connector, `${request.kind} ${request.id} under way`, maxMs, new Date());
    else silencer.operationFinished(request.id, new Date());
  };
}

/** Tells the engine when an alert's post (or an update of it) went out. */
export function alertPostDelivered(engine: Pick<AlertEngine, 'delivered'>) {
  return (item: OutboxEntry): void => {
    const alert = alertIdOfPostKey(item.key ?? item.updateOf);
    if (alert) engine.delivered(alert, new Date());
  };
}
