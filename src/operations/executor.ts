import type { Connector } from '../domain/connector.ts';
import type { Field } from '../domain/message.ts';
import type { OperationKind, OperationParams, OperationRequest } from '../domain/operation.ts';

/** What an executor is given: the approved request, its connector, a time limit, and a way to say how far it got. */
export interface ExecutionContext {
  request: OperationRequest;
  connector: Connector;
  signal: AbortSignal;
  /** A milestone: shown on the request message and written to the audit log. */
  progress(text: string): Promise<void>;
}

export interface ExecutionResult {
  ok: boolean;
  /** One line: what happened, e.g. "healthy again after 14 s". */
  summary: string;
  details: Field[];
}

/** Runs one kind of operation; throws only for what it did not foresee (the service turns that into a failure). */
export type OperationExecutor = (context: ExecutionContext) => Promise<ExecutionResult>;

/** What a request shows before anyone approves it, or why it cannot be made. */
export type Plan =
  | {
      ok: true;
      params: OperationParams;
      /** Lines the approver must see: the current state, current → target version, the items to remove. */
      lines: string[];
      /** A risk named in the request, such as a major version's migration or a start without the freshness check. */
      warning?: string;
    }
  | { ok: false; problem: string };

/** Prepares a request of one kind: resolves its target, lists what it will touch, refuses what cannot be done. */
export type OperationPlanner = (connector: Connector, asked: OperationParams, signal: AbortSignal) => Promise<Plan>;

export interface OperationKindSpec {
  kind: OperationKind;
  plan: OperationPlanner;
  execute: OperationExecutor;
  /** Destructive or disruptive: the approve button is styled as dangerous. */
  danger: boolean;
  /** How long it may run at most. */
  timeoutMs: number;
}
