import type { Actor, Conversation } from './request.ts';

/** The changes the bot makes, each only after an approval. */
export type OperationKind = 'restart' | 'stop' | 'start' | 'update' | 'backup' | 'cleanup';

export const OPERATION_KINDS: readonly OperationKind[] = ['restart', 'stop', 'start', 'update', 'backup', 'cleanup'];

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

/** What an operation is to do beyond its kind: start --force, an update's target, the items a cleanup removes. */
export interface OperationParams {
  force?: boolean;
  /** Update: the version asked for and the image reference it resolved to. */
  targetVersion?: string;
  targetImage?: string;
  currentVersion?: string;
  major?: boolean;
  /** Cleanup: exactly what was listed when it was requested. */
  items?: CleanupItem[];
  /** What the request showed the approver (its plan), to show again when the message is updated. */
  shown?: { lines: string[]; warning?: string };
}

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
  params: OperationParams;
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
  /** As people read it: `running for 3 h, Docker health healthy`, `exited (exit code 0) 2 min ago`. */
  text: string;
}

/** The outbox key of a request's message in its conversation: its later states update it, its outcome replies to it. */
export function requestPostKey(id: string): string {
  return `request:${id}`;
}

export function isFinal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}
