import { hasContainer, type Connector, type ContainerConnector } from '../domain/connector.ts';
import type { Field } from '../domain/message.ts';
import type { OperationAsks, OperationKind, OperationParams, OperationRequest, ShownPlan } from '../domain/operation.ts';

/** The connector each kind of operation acts on: every kind but cleanup acts on its container. */
export interface OperationTargets {
  restart: ContainerConnector;
  stop: ContainerConnector;
  start: ContainerConnector;
  update: ContainerConnector;
  backup: ContainerConnector;
  cleanup: Connector;
}

/** The connector narrowed to what a kind acts on, or why that kind cannot act on it. */
export type Target<K extends OperationKind = OperationKind> = { ok: true; connector: OperationTargets[K] } | { ok: false; problem: string };

/** What an executor is given: the approved request, its params, its connector, a time limit, and a way to say how far it got. */
export interface ExecutionContext<K extends OperationKind = OperationKind> {
  request: OperationRequest;
  /** Its kind's params, as its plan resolved them. */
  params: OperationParams[K];
  connector: OperationTargets[K];
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

/** What a request shows before anyone approves it, or why it cannot be made. */
export type Plan<K extends OperationKind = OperationKind> =
  | {
      ok: true;
      /** Recorded with the request: the kind's params for its run, and what it showed the approver. */
      params: OperationParams[K] & { shown: ShownPlan };
      /** Lines the approver must see: the current state, current → target version, the items to remove. */
      lines: string[];
      /** A risk named in the request, such as a major version's migration or a start without the freshness check. */
      warning?: string;
    }
  | { ok: false; problem: string };

/**
 * One kind of operation. Its steps are methods, not function properties, so that a table of every kind can hold
 * each as an `OperationKindSpec`: the service hands each step only what the same spec's earlier step gave.
 */
export interface OperationKindSpec<K extends OperationKind = OperationKind> {
  kind: K;
  /** Narrows the connector to what the kind acts on: before the plan, and again before the run (the configuration may have changed). */
  target(connector: Connector): Target<K>;
  /** Prepares a request: resolves its target, lists what it will touch, refuses what cannot be done. */
  plan(connector: OperationTargets[K], asked: OperationAsks[K], signal: AbortSignal): Promise<Plan<K>>;
  /** Runs it; throws only for what it did not foresee (the service turns that into a failure). */
  execute(context: ExecutionContext<K>): Promise<ExecutionResult>;
  /** Destructive or disruptive: the approve button is styled as dangerous. */
  danger: boolean;
  /** How long it may run at most. */
  timeoutMs: number;
}

/** The target of a kind that acts on the connector's container; without one it is refused, saying `why` and how to configure it. */
export function containerTarget(why: string): (connector: Connector) => { ok: true; connector: ContainerConnector } | { ok: false; problem: string } {
  return (connector) =>
    hasContainer(connector) ? { ok: true, connector } : { ok: false, problem: `${connector.name} has no container${why}. Set CONNECTOR_CONTAINER (or container in the YAML file).` };
}
