import { interruptionMessage } from '../domain/interruption-message.ts';
import type { Message } from '../domain/message.ts';
import { outcomeMessage, requestMessage } from '../domain/operation-message.ts';
import { requestPostKey, type ContainerCondition, type OperationKind, type OperationRequest, type RequestState } from '../domain/operation.ts';
import { conversationKey } from '../domain/request.ts';
import type { Outbox, OutboxEntry } from '../store/outbox.ts';
import type { ExecutionResult } from './executor.ts';

/**
 * What people see of a request after it was posted, queued in the outbox: the request message updated for
 * everyone as its state changes, the outcome in its thread, the announcement of a run a crash cut off. Each is
 * queued inside the transaction of the change it shows (the callers run these within it), so that a change
 * is shown once, and never one that did not happen; how it reaches the platform is the outbox's business, and
 * a failure there never touches the operation.
 */
export class RequestPosts {
  private readonly outbox: Outbox;
  private readonly danger: (kind: OperationKind) => boolean;

  constructor(outbox: Outbox, danger: (kind: OperationKind) => boolean) {
    this.outbox = outbox;
    this.danger = danger;
  }

  /** The request message, as it was posted in answer to its requester: its later states update it. */
  posted(request: OperationRequest, ref: string, message: Message): void {
    this.outbox.record(conversationKey(request.conversation), requestPostKey(request.id), ref, message);
  }

  /** A new state (a decision, an expiry, a milestone): the request message as it is now, without buttons once decided. */
  state(request: OperationRequest, progress: readonly string[] = []): void {
    this.outbox.enqueueMany([this.update(request, progress)]);
  }

  /** The end of a run: the request message in its final state, and the outcome in its thread. */
  finished(request: OperationRequest, result: ExecutionResult, progress: readonly string[]): void {
    this.outbox.enqueueMany([
      this.update(request, progress),
      {
        conversation: conversationKey(request.conversation),
        message: outcomeMessage(request, result.ok, result.summary, result.details),
        threadOf: requestPostKey(request.id),
      },
    ]);
  }

  /** A run the bot's end cut off: the request message says so, and a post in the conversation tells how the connector is and what next. */
  interrupted(request: OperationRequest, foundIn: RequestState, progress: readonly string[], condition: ContainerCondition): void {
    this.outbox.enqueueMany([
      this.update(request, progress),
      { conversation: conversationKey(request.conversation), message: interruptionMessage(request, foundIn, progress, condition) },
    ]);
  }

  private update(request: OperationRequest, progress: readonly string[]): OutboxEntry {
    return {
      conversation: conversationKey(request.conversation),
      message: requestMessage(request, { danger: this.danger(request.kind), progress }),
      updateOf: requestPostKey(request.id),
    };
  }
}
