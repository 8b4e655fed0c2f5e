import { randomInt } from 'node:crypto';
import type { Conversation } from '../domain/request.ts';
import { ACTIVE_STATES, TRANSITIONS, type OperationKind, type OperationParams, type OperationRequest, type Person, type RequestState } from '../domain/operation.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';
import type { Store } from './store.ts';

export type CreateResult = { ok: true; request: OperationRequest } | { ok: false; active: OperationRequest };

export type TransitionResult = { ok: true; request: OperationRequest } | { ok: false; current: OperationRequest | undefined };

export interface TransitionChanges {
  decidedBy?: Person;
  decidedAt?: Date;
  selfApproved?: boolean;
  outcome?: string;
}

/** The audit entry that goes with a transition; the request's own fields fill in the rest. */
export type TransitionAudit = Pick<AuditEntry, 'event' | 'detail'> & { actor?: Person };

// Letters and digits that cannot be mistaken for each other when typed from a screen.
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ID_LENGTH = 6;
const ACTIVE_LIST = ACTIVE_STATES.map((state) => `'${state}'`).join(', ');

/**
 * Operation requests in the store. Every change of state is ONE conditional write ("… WHERE state IN
 * (expected)"), made in the same transaction as its audit entry: of simultaneous decisions, in this
 * process or another on the same DATA_DIR, exactly one changes the row; the others learn its state.
 */
export class OperationRequests {
  private readonly store: Store;
  private readonly audit: AuditLog;

  constructor(store: Store, audit: AuditLog) {
    this.store = store;
    this.audit = audit;
  }

  /** Records a new pending request, unless the connector already has an active one (then that one is returned). */
  create(draft: Omit<OperationRequest, 'id' | 'state'>, detail: Record<string, unknown> = {}): CreateResult {
    return this.store.transaction(() => {
      const active = this.activeFor(draft.connector);
      if (active) return { ok: false, active };
      const request: OperationRequest = { ...draft, id: this.freshId(), state: 'pending' };
      this.store.db
        .prepare(
          `INSERT INTO operation_requests (id, connector, kind, params, reason, state, requested_by, conversation, created_at, expires_at, self_approved, updated_at)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, 0, ?)`,
        )
        .run(
          request.id,
          request.connector,
          request.kind,
          JSON.stringify(request.params),
          request.reason ?? null,
          JSON.stringify(request.requestedBy),
          JSON.stringify(request.conversation),
          request.createdAt.getTime(),
          request.expiresAt.getTime(),
          request.createdAt.getTime(),
        );
      this.audit.append(auditOf(request, { event: 'requested', actor: request.requestedBy, detail: { reason: request.reason, params: request.params, ...detail } }, request.createdAt));
      return { ok: true, request };
    });
  }

  get(id: string): OperationRequest | undefined {
    const row = this.store.db.prepare('SELECT * FROM operation_requests WHERE id = ?').get(id.toLowerCase()) as RequestRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /**
   * Moves a request from one of `from` to `to`, with its audit entry, if and only if it is in one of them
   * now (and, for a pending one, not past its expiry at `at`).
   */
  transition(id: string, from: readonly RequestState[], to: RequestState, at: Date, changes: TransitionChanges, audit: TransitionAudit): TransitionResult {
    for (const state of from) {
      if (!TRANSITIONS[state].includes(to)) throw new Error(`no transition from ${state} to ${to}`);
    }
    return this.store.transaction(() => {
      const states = from.map(() => '?').join(', ');
      const notExpired = from.includes('pending') && to !== 'expired' ? ` AND (state <> 'pending' OR expires_at > ?)` : '';
      const values: Array<string | number | null> = [
        to,
        changes.decidedBy ? JSON.stringify(changes.decidedBy) : null,
        changes.decidedAt?.getTime() ?? null,
        changes.selfApproved === undefined ? null : Number(changes.selfApproved),
        changes.outcome ?? null,
        at.getTime(),
        id.toLowerCase(),
        ...from,
        ...(notExpired ? [at.getTime()] : []),
      ];
      const result = this.store.db
        .prepare(
          `UPDATE operation_requests SET state = ?,
             decided_by = COALESCE(?, decided_by), decided_at = COALESCE(?, decided_at),
             self_approved = COALESCE(?, self_approved), outcome = COALESCE(?, outcome), updated_at = ?
           WHERE id = ? AND state IN (${states})${notExpired}`,
        )
        .run(...values);
      const current = this.get(id);
      if (Number(result.changes) !== 1 || !current) return { ok: false, current };
      this.audit.append(auditOf(current, audit, at));
      return { ok: true, request: current };
    });
  }

  /** Pending requests past their expiry become expired, each with its audit entry. */
  expireDue(now: Date): OperationRequest[] {
    const due = this.store.db
      .prepare(`SELECT id FROM operation_requests WHERE state = 'pending' AND expires_at <= ?`)
      .all(now.getTime()) as Array<{ id: string }>;
    return due.flatMap(({ id }) => {
      const result = this.transition(id, ['pending'], 'expired', now, { outcome: 'expired before anyone decided' }, { event: 'expired', detail: {} });
      return result.ok ? [result.request] : [];
    });
  }

  /** Claims an approved request for this process (`executor` = host:pid) and starts its heartbeat. */
  claim(id: string, executor: string, at: Date): TransitionResult {
    const result = this.transition(id, ['approved'], 'executing', at, {}, { event: 'started', detail: { executor } });
    if (result.ok) this.heartbeat(id, executor, at);
    return result;
  }

  heartbeat(id: string, executor: string, at: Date): void {
    this.store.db.prepare(`UPDATE operation_requests SET executor = ?, heartbeat_at = ? WHERE id = ? AND state = 'executing'`).run(executor, at.getTime(), id);
  }

  /**
   * Requests cut off by the end of the process that ran them (a crash, kill -9) are marked interrupted,
   * never run again silently. A run is cut off when its owner is gone: on this host its process no longer
   * exists; elsewhere its heartbeat is older than `staleMs`. One approved but never claimed is cut off too.
   */
  interruptAbandoned(now: Date, isGone: (executor: string) => boolean | undefined, staleMs: number): OperationRequest[] {
    const candidates = this.store.db
      .prepare(`SELECT id, state, executor, heartbeat_at, updated_at FROM operation_requests WHERE state IN ('approved', 'executing')`)
      .all() as Array<{ id: string; state: RequestState; executor: string | null; heartbeat_at: number | null; updated_at: number }>;
    return candidates.flatMap((row) => {
      const stale = now.getTime() - (row.heartbeat_at ?? row.updated_at) > staleMs;
      const gone = row.executor ? (isGone(row.executor) ?? stale) : stale;
      if (!gone) return [];
      const outcome =
        row.state === 'executing'
          ? 'interrupted: the bot stopped while it ran; check the connector, then request again if needed'
          : 'interrupted: approved, but the bot stopped before it began; request again';
      const result = this.transition(row.id, [row.state], 'interrupted', now, { outcome }, { event: 'interrupted', detail: { foundIn: row.state, ...(row.executor && { executor: row.executor }) } });
      return result.ok ? [result.request] : [];
    });
  }

  activeFor(connector: string): OperationRequest | undefined {
    const row = this.store.db
      .prepare(`SELECT * FROM operation_requests WHERE connector = ? AND state IN (${ACTIVE_LIST})`)
      .get(connector) as RequestRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Pending and running requests, oldest first. */
  active(): OperationRequest[] {
    const rows = this.store.db.prepare(`SELECT * FROM operation_requests WHERE state IN (${ACTIVE_LIST}) ORDER BY created_at`).all() as unknown as RequestRow[];
    return rows.map(fromRow);
  }

  /** Requests interrupted (cut off by a crash) since a moment, newest first: told to whoever asks. */
  interruptedSince(since: Date): OperationRequest[] {
    const rows = this.store.db
      .prepare(`SELECT * FROM operation_requests WHERE state = 'interrupted' AND updated_at >= ? ORDER BY updated_at DESC`)
      .all(since.getTime()) as unknown as RequestRow[];
    return rows.map(fromRow);
  }

  /** Remembers where the request message was posted, to update it in place. */
  setMessage(id: string, message: NonNullable<OperationRequest['message']>): void {
    this.store.db.prepare('UPDATE operation_requests SET message = ? WHERE id = ?').run(JSON.stringify(message), id);
  }

  private freshId(): string {
    for (;;) {
      const id = Array.from({ length: ID_LENGTH }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
      if (!this.get(id)) return id;
    }
  }
}

function auditOf(request: OperationRequest, audit: TransitionAudit, at: Date): AuditEntry {
  return {
    at,
    event: audit.event,
    requestId: request.id,
    connector: request.connector,
    operation: request.kind,
    ...(audit.actor && { actor: audit.actor }),
    detail: { state: request.state, ...audit.detail },
  };
}

interface RequestRow {
  id: string;
  connector: string;
  kind: OperationKind;
  params: string;
  reason: string | null;
  state: RequestState;
  requested_by: string;
  conversation: string;
  created_at: number;
  expires_at: number;
  decided_by: string | null;
  decided_at: number | null;
  self_approved: number;
  outcome: string | null;
  message: string | null;
}

function fromRow(row: RequestRow): OperationRequest {
  return {
    id: row.id,
    connector: row.connector,
    kind: row.kind,
    params: JSON.parse(row.params) as OperationParams,
    ...(row.reason !== null && { reason: row.reason }),
    state: row.state,
    requestedBy: JSON.parse(row.requested_by) as Person,
    conversation: JSON.parse(row.conversation) as Conversation,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    ...(row.decided_by !== null && { decidedBy: JSON.parse(row.decided_by) as Person }),
    ...(row.decided_at !== null && { decidedAt: new Date(row.decided_at) }),
    selfApproved: row.self_approved === 1,
    ...(row.outcome !== null && { outcome: row.outcome }),
    ...(row.message !== null && { message: JSON.parse(row.message) as NonNullable<OperationRequest['message']> }),
  };
}
