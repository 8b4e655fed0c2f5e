import { randomInt } from 'node:crypto';
import type { Conversation } from '../domain/request.ts';
import { ACTIVE_STATES, TRANSITIONS, type OperationKind, type OperationRequest, type Person, type RequestState } from '../domain/operation.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';
import { readRecordedParams } from './recorded-params.ts';
import type { Store } from './store.ts';

export type CreateResult = { ok: true; request: OperationRequest } | { ok: false; active: OperationRequest };

export type TransitionResult = { ok: true; request: OperationRequest } | { ok: false; current: OperationRequest | undefined };

export interface TransitionChanges {
  decidedBy?: Person;
  decidedAt?: Date;
  selfApproved?: boolean;
  outcome?: string;
  /** Who runs it from now on (see executor-identity.ts): set on approval and on the claim, with its heartbeat. */
  executor?: string;
}

/** Who owns an approved or executing request, as the store knows it. */
export interface RunOwner {
  /** See operations/executor-identity.ts; absent for a request approved before it was recorded. */
  executor?: string;
  /** When its owner last said it is alive (its heartbeat, or the approval itself). */
  heartbeatAt: number;
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
   * now (and, for a pending one, not past its expiry at `at`). `within` runs in the same transaction once the
   * move is made (it queues what shows the new state): it is done exactly when the move is.
   */
  transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    at: Date,
    changes: TransitionChanges,
    audit: TransitionAudit,
    within?: (request: OperationRequest) => void,
  ): TransitionResult {
    for (const state of from) {
      if (!TRANSITIONS[state].includes(to)) throw new Error(`no transition from ${state} to ${to}`);
    }
    return this.store.atomic(() => {
      const states = from.map(() => '?').join(', ');
      const notExpired = from.includes('pending') && to !== 'expired' ? ` AND (state <> 'pending' OR expires_at > ?)` : '';
      const values: Array<string | number | null> = [
        to,
        changes.decidedBy ? JSON.stringify(changes.decidedBy) : null,
        changes.decidedAt?.getTime() ?? null,
        changes.selfApproved === undefined ? null : Number(changes.selfApproved),
        changes.outcome ?? null,
        changes.executor ?? null,
        changes.executor === undefined ? null : at.getTime(),
        at.getTime(),
        id.toLowerCase(),
        ...from,
        ...(notExpired ? [at.getTime()] : []),
      ];
      const result = this.store.db
        .prepare(
          `UPDATE operation_requests SET state = ?,
             decided_by = COALESCE(?, decided_by), decided_at = COALESCE(?, decided_at),
             self_approved = COALESCE(?, self_approved), outcome = COALESCE(?, outcome),
             executor = COALESCE(?, executor), heartbeat_at = COALESCE(?, heartbeat_at), updated_at = ?
           WHERE id = ? AND state IN (${states})${notExpired}`,
        )
        .run(...values);
      const current = this.get(id);
      if (Number(result.changes) !== 1 || !current) return { ok: false, current };
      this.audit.append(auditOf(current, audit, at));
      within?.(current);
      return { ok: true, request: current };
    });
  }

  /** Pending requests past their expiry become expired, each with its audit entry (and `within`, as a transition has it). */
  expireDue(now: Date, within?: (request: OperationRequest) => void): OperationRequest[] {
    const due = this.store.db
      .prepare(`SELECT id FROM operation_requests WHERE state = 'pending' AND expires_at <= ?`)
      .all(now.getTime()) as Array<{ id: string }>;
    return due.flatMap(({ id }) => {
      const result = this.transition(id, ['pending'], 'expired', now, { outcome: 'expired before anyone decided' }, { event: 'expired', detail: {} }, within);
      return result.ok ? [result.request] : [];
    });
  }

  /** Claims an approved request for this process (`executor`, see executor-identity.ts); its heartbeat starts now. */
  claim(id: string, executor: string, at: Date): TransitionResult {
    return this.transition(id, ['approved'], 'executing', at, { executor }, { event: 'started', detail: { executor } });
  }

  heartbeat(id: string, executor: string, at: Date): void {
    this.store.db.prepare(`UPDATE operation_requests SET executor = ?, heartbeat_at = ? WHERE id = ? AND state = 'executing'`).run(executor, at.getTime(), id);
  }

  /** A milestone of a running request, in the audit log; `within` runs in the same transaction (it shows it). */
  recordProgress(request: OperationRequest, text: string, at: Date, within?: () => void): void {
    this.store.atomic(() => {
      this.audit.append({ at, event: 'progress', requestId: request.id, connector: request.connector, operation: request.kind, detail: { text } });
      within?.();
    });
  }

  /** Approved and executing requests whose owner `isGone` judges gone, with the owner as judged. */
  abandoned(isGone: (owner: RunOwner) => boolean): Array<{ request: OperationRequest; owner: RunOwner }> {
    const rows = this.store.db.prepare(`SELECT * FROM operation_requests WHERE state IN ('approved', 'executing')`).all() as unknown as Array<
      RequestRow & { executor: string | null; heartbeat_at: number | null; updated_at: number }
    >;
    return rows.flatMap((row) => {
      const owner: RunOwner = { ...(row.executor !== null && { executor: row.executor }), heartbeatAt: row.heartbeat_at ?? row.updated_at };
      return isGone(owner) ? [{ request: fromRow(row), owner }] : [];
    });
  }

  /**
   * Marks a run cut off by the end of its process (a crash, kill -9) interrupted, never to run again silently;
   * only while its owner is still as judged (a heartbeat that came meanwhile says it lives). `within` as for a
   * transition: of several bot processes finding it, only the one whose write won runs it.
   */
  interrupt(found: { request: OperationRequest; owner: RunOwner }, now: Date, within?: (request: OperationRequest) => void): TransitionResult {
    const { request, owner } = found;
    return this.store.atomic(() => {
      const row = this.store.db.prepare('SELECT executor, heartbeat_at, updated_at FROM operation_requests WHERE id = ?').get(request.id) as
        | { executor: string | null; heartbeat_at: number | null; updated_at: number }
        | undefined;
      if (!row || (row.executor ?? undefined) !== owner.executor || (row.heartbeat_at ?? row.updated_at) !== owner.heartbeatAt) return { ok: false, current: this.get(request.id) };
      const outcome =
        request.state === 'executing'
          ? 'interrupted: the bot stopped while it ran; check the connector, then request again if needed'
          : 'interrupted: approved, but the bot stopped before it began; request again';
      return this.transition(
        request.id,
        [request.state],
        'interrupted',
        now,
        { outcome },
        { event: 'interrupted', detail: { foundIn: request.state, ...(owner.executor && { executor: owner.executor }) } },
        within,
      );
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
}

function fromRow(row: RequestRow): OperationRequest {
  return {
    id: row.id,
    connector: row.connector,
    kind: row.kind,
    params: readRecordedParams(row.params),
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
  };
}
