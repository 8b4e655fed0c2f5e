import type { Actor, Conversation } from './request.ts';
import { OPERATION_VERBS, type OperationVerb } from './verbs.ts';

/** The changes the bot makes, each only after an approval: the verbs of the verb table that request one. */
export type OperationKind = OperationVerb;

export const OPERATION_KINDS: readonly OperationKind[] = OPERATION_VERBS;

/**
 * A request's life: pending → approved / rejected / expired / cancelled; approved → executing →
 * succeeded / failed / interrupted (the bot stopped while it ran: never re-run silently).
 */
export type RequestState = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'executing' | 'succeeded' | 'failed' | 'interrupted';

/** States in which a connector is taken: one operation at a time per connector. */
export const ACTIVE_STATES: readonly RequestState[] = ['pending', 'approved', 'executing'];

/** Every transition there is; the store makes each one a single conditional write. */
export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['executing', 'interrupted'],
  executing: ['succeeded', 'failed', 'interrupted'],
  rejected: [],
  expired: [],
  cancelled: [],
  succeeded: [],
  failed: [],
  interrupted: [],
};

/** Who, as the audit log records them: the platform identity and the name shown. */
export interface Person {
  platform: Actor['platform'];
  id: string;
  displayName: string;
}

export function personOf(actor: Actor): Person {
  return { platform: actor.platform, id: actor.id, displayName: actor.displayName };
}

/** Nothing beyond the kind. */
type NoParams = Record<never, never>;

/** What each kind of operation is to do beyond its kind, as its plan resolved it: recorded with the request, handed to its run. */
export interface OperationParams {
  restart: NoParams;
  stop: NoParams;
  /** --force: without the database freshness guard. */
  start: { force?: boolean };
  /** The version it goes to (asked for, or the newest of the running major), the image reference that resolved to, and the version it comes from. */
  update: { targetVersion: string; targetImage: string; currentVersion: string; major?: boolean };
  backup: NoParams;
  /** Exactly what was listed when it was requested. */
  cleanup: { items: CleanupItem[] };
}

/** What each kind of operation is asked for in a command, before its plan resolves it. */
export interface OperationAsks {
  restart: NoParams;
  stop: NoParams;
  start: { force: boolean };
  /** The version typed, if any. */
  update: { targetVersion?: string; major: boolean };
  backup: NoParams;
  cleanup: NoParams;
}

/** What the request showed the approver (its plan), to show again when the message is updated. */
export interface ShownPlan {
  lines: string[];
  warning?: string;
}

/**
 * The params a request records: its kind's and what it showed. Read back from the store as any version wrote
 * them, so each may be missing; a run takes its kind's from them (operations/params.ts) and refuses what lacks one.
 */
export type RecordedParams = Partial<OperationParams['start'] & OperationParams['update'] & OperationParams['cleanup']> & { shown?: ShownPlan };

export interface CleanupItem {
  kind: 'image' | 'container' | 'log-file';
  /** Image or container id, or the file's path. */
  id: string;
  /** How it is shown: a tag, a container name, a path. */
  name: string;
  bytes: number;
}

export interface OperationRequest {
  /** Short enough to type: `/connector approve r7k2m9`. */
  id: string;
  connector: string;
  kind: OperationKind;
  params: RecordedParams;
  /** Why the requester wants it, in their words. */
  reason?: string;
  state: RequestState;
  requestedBy: Person;
  conversation: Conversation;
  createdAt: Date;
  expiresAt: Date;
  decidedBy?: Person;
  decidedAt?: Date;
  /** The requester approved it themselves (the console, or allowSelfApproval). */
  selfApproved: boolean;
  /** The last word on it: why it was rejected, what the outcome was. */
  outcome?: string;
}

/** What the engine says of a connector's container now: an interrupted run is announced with it. */
export interface ContainerCondition {
  state: 'running' | 'stopped' | 'restarting' | 'missing' | 'unknown';
  /** As people read it: `running for 3 h, health check healthy`, `exited (exit code 0) 2 min ago`. */
  text: string;
}

/** The outbox key of a request's message in its conversation: its later states update it, its outcome replies to it. */
export function requestPostKey(id: string): string {
  return `request:${id}`;
}

export function isFinal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}
