import { hostname } from 'node:os';
import type { Connector } from '../domain/connector.ts';
import { personOf, type OperationKind, type OperationParams, type OperationRequest, type Person, type RequestState } from '../domain/operation.ts';
import type { Actor, Conversation } from '../domain/request.ts';
import type { Logger } from '../logging/logger.ts';
import type { AuditLog, AuditQuery, AuditRecord } from '../store/audit-log.ts';
import type { OperationRequests } from '../store/operation-requests.ts';
import type { ExecutionResult, OperationKindSpec, Plan } from './executor.ts';
import { StoreError } from '../store/store-error.ts';

export interface OperationServiceOptions {
  requests: OperationRequests;
  audit: AuditLog;
  kinds: ReadonlyMap<OperationKind, OperationKindSpec>;
  /** The four-eyes rule's exception: the console, or allowSelfApproval. */
  maySelfApprove: (actor: Actor) => boolean;
  approvalTimeoutMs: number;
  /** Planning looks at the connector (an update's tags, a cleanup's items): bounded. */
  planTimeoutMs?: number;
  logger: Logger;
  now?: () => Date;
  /** An approved request starts and ends executing (alerts hold back what a connector's own restart raises). */
  onExecution?: (phase: 'started' | 'finished', request: OperationRequest, maxMs: number) => void;
}

export type RequestResult = { ok: true; request: OperationRequest; plan: Extract<Plan, { ok: true }> } | { ok: false; problem: string };

export type DecisionResult = { ok: true; request: OperationRequest } | { ok: false; problem: string; request?: OperationRequest };

export type Decision = 'approve' | 'reject' | 'cancel';

/** This process, as an executing request names its owner. */
const EXECUTOR = `${hostname()}:${process.pid}`;
const HEARTBEAT_MS = 10_000;
/** An owner on another host that has not said it is alive for this long is taken to be gone. */
const HEARTBEAT_STALE_MS = 60_000;

/** On this host, whether the owning process is gone; elsewhere it cannot be told (undefined: go by the heartbeat). */
function ownerGone(executor: string): boolean | undefined {
  const colon = executor.lastIndexOf(':');
  if (executor.slice(0, colon) !== hostname()) return undefined;
  const pid = Number(executor.slice(colon + 1));
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Operations with four-eyes approval: a request is recorded (and audited) before anything happens, an
 * approval is a single conditional write that exactly one decision wins, and execution is audited as it
 * starts, at each milestone, and when it ends.
 */
export class OperationService {
  private readonly options: OperationServiceOptions;

  constructor(options: OperationServiceOptions) {
    this.options = options;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  kind(kind: OperationKind): OperationKindSpec {
    const spec = this.options.kinds.get(kind);
    if (!spec) throw new Error(`no operation "${kind}"`);
    return spec;
  }

  get(id: string): OperationRequest | undefined {
    return this.options.requests.get(id);
  }

  /** Pending and running requests, after expiring those past their time. */
  active(): OperationRequest[] {
    this.options.requests.expireDue(this.now());
    return this.options.requests.active();
  }

  /** Runs a crash cut off in the last day: whoever asks for the requests is told of them. */
  recentlyInterrupted(): OperationRequest[] {
    return this.options.requests.interruptedSince(new Date(this.now().getTime() - 86_400_000));
  }

  auditEntries(query: AuditQuery): AuditRecord[] {
    return this.options.audit.list(query);
  }

  /** A request or decision refused for a role the actor lacks: audited, as every attempt to change something is. */
  recordRefusal(actor: Actor, what: string, why: string): void {
    const id = /^\/connector (?:approve|reject|cancel) ([a-z0-9]{6})\b/i.exec(what)?.[1]?.toLowerCase();
    const request = id ? this.options.requests.get(id) : undefined;
    this.options.audit.append({
      at: this.now(),
      event: 'refused',
      ...(request && { requestId: request.id, connector: request.connector, operation: request.kind }),
      actor: personOf(actor),
      detail: { what: what.slice(0, 200), why },
    });
  }

  /** Remembers where the request message went, so that decisions and progress update it in place. */
  attachMessage(id: string, message: NonNullable<OperationRequest['message']>): void {
    this.options.requests.setMessage(id, message);
  }

  /** An approved request that cannot run (its connector is gone): failed, with the reason, never left approved. */
  failUnrunnable(request: OperationRequest, reason: string): void {
    const { requests } = this.options;
    if (requests.claim(request.id, EXECUTOR, this.now()).ok) {
      requests.transition(request.id, ['executing'], 'failed', this.now(), { outcome: reason }, { event: 'failed', detail: { summary: reason } });
    }
  }

  /**
   * What a crash cut off (its process gone, or silent for too long) is marked interrupted, what is past its
   * time expired. At the bot's start and every little while; a live run of another process is left alone.
   */
  recover(): OperationRequest[] {
    const now = this.now();
    const interrupted = this.options.requests.interruptAbandoned(now, ownerGone, HEARTBEAT_STALE_MS);
    for (const request of interrupted) {
      this.options.logger.warn({ requestId: request.id, connector: request.connector, operation: request.kind }, 'operation interrupted by the bot stopping; not run again');
    }
    this.options.requests.expireDue(now);
    return interrupted;
  }

  async request(input: { kind: OperationKind; connector: Connector; params: OperationParams; reason?: string; actor: Actor; conversation: Conversation }): Promise<RequestResult> {
    const { requests } = this.options;
    requests.expireDue(this.now());
    const existing = requests.activeFor(input.connector.name);
    if (existing) return { ok: false, problem: busyText(existing) };
    const spec = this.kind(input.kind);
    const plan = await spec.plan(input.connector, input.params, AbortSignal.timeout(this.options.planTimeoutMs ?? 30_000));
    if (!plan.ok) return plan;
    const createdAt = this.now();
    const created = requests.create(
      {
        connector: input.connector.name,
        kind: input.kind,
        params: plan.params,
        ...(input.reason && { reason: input.reason }),
        requestedBy: personOf(input.actor),
        conversation: input.conversation,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + this.options.approvalTimeoutMs),
        selfApproved: false,
      },
      { plan: plan.lines, ...(plan.warning && { warning: plan.warning }) },
    );
    if (!created.ok) return { ok: false, problem: busyText(created.active) };
    return { ok: true, request: created.request, plan };
  }

  /** Approve, reject or cancel: one conditional write; a request already decided, running or expired is named as such. */
  decide(id: string, decision: Decision, actor: Actor, reason?: string): DecisionResult {
    const { requests, audit } = this.options;
    const now = this.now();
    const found = requests.get(id);
    if (!found) return { ok: false, problem: `There is no request "${id}". See /connector requests for the pending ones.` };
    const person = personOf(actor);
    const own = samePerson(found.requestedBy, person);
    if (decision === 'approve' && own && !this.options.maySelfApprove(actor)) {
      audit.append({ at: now, event: 'refused', requestId: found.id, connector: found.connector, operation: found.kind, actor: person, detail: { decision, why: 'own request' } });
      return { ok: false, request: found, problem: 'You requested this yourself: another approver must approve it (four eyes). Ask someone with the approver role.' };
    }
    if (decision === 'cancel' && !own && actor.platform !== 'console') {
      return { ok: false, request: found, problem: `Only ${found.requestedBy.displayName}, who requested it, can cancel ${found.id}; an approver can reject it.` };
    }
    const to: RequestState = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'cancelled';
    const outcome = decision === 'reject' ? `rejected by ${person.displayName}${reason ? `: ${reason}` : ''}` : decision === 'cancel' ? `cancelled by ${person.displayName}` : undefined;
    const result = requests.transition(
      found.id,
      ['pending'],
      to,
      now,
      { decidedBy: person, decidedAt: now, ...(decision === 'approve' && { selfApproved: own }), ...(outcome && { outcome }) },
      { event: to === 'approved' ? 'approved' : to, actor: person, detail: { ...(reason && { reason }), ...(decision === 'approve' && own && { selfApproved: true }) } },
    );
    if (result.ok) return result;
    const current = result.current ?? found;
    if (current.state === 'pending' && current.expiresAt <= now) {
      requests.expireDue(now);
      return { ok: false, request: { ...current, state: 'expired' }, problem: `Request ${current.id} expired at ${current.expiresAt.toISOString()}, before it was decided. Request it again if it is still needed.` };
    }
    return { ok: false, request: current, problem: stateText(current) };
  }

  /**
   * Runs an approved request, once: the move to executing is itself conditional, so a second caller (a
   * redelivered click, another bot process) finds it taken and runs nothing.
   */
  async execute(request: OperationRequest, connector: Connector, onProgress: (text: string) => Promise<void>): Promise<ExecutionResult | undefined> {
    const { requests, audit, logger } = this.options;
    const started = requests.claim(request.id, EXECUTOR, this.now());
    if (!started.ok) return undefined;
    const heartbeat = setInterval(() => {
      try {
        requests.heartbeat(request.id, EXECUTOR, this.now());
      } catch (error) {
        // The run goes on; a store that cannot be written is told by its health, anything else here.
        if (!(error instanceof StoreError)) logger.error({ err: error, requestId: request.id }, 'operation: could not beat its heartbeat');
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const spec = this.kind(request.kind);
    const signal = AbortSignal.timeout(spec.timeoutMs);
    const begun = performance.now();
    this.options.onExecution?.('started', started.request, spec.timeoutMs);
    let result: ExecutionResult;
    try {
      result = await spec.execute({
        request: started.request,
        connector,
        signal,
        progress: async (text) => {
          audit.append({ at: this.now(), event: 'progress', requestId: request.id, connector: request.connector, operation: request.kind, detail: { text } });
          await onProgress(text).catch((error: unknown) => logger.warn({ err: error, requestId: request.id }, 'could not show progress'));
        },
      });
    } catch (error) {
      logger.error({ err: error, requestId: request.id }, 'operation failed unexpectedly');
      result = { ok: false, summary: `failed unexpectedly: ${(error as Error).message}`, details: [] };
    }
    clearInterval(heartbeat);
    this.options.onExecution?.('finished', started.request, spec.timeoutMs);
    const ms = Math.round(performance.now() - begun);
    requests.transition(request.id, ['executing'], result.ok ? 'succeeded' : 'failed', this.now(), { outcome: result.summary }, {
      event: result.ok ? 'succeeded' : 'failed',
      detail: { summary: result.summary, ms, details: result.details },
    });
    return result;
  }
}

function samePerson(a: Person, b: Person): boolean {
  return a.platform === b.platform && a.id.toLowerCase() === b.id.toLowerCase();
}

function busyText(active: OperationRequest): string {
  return `${active.connector} already has request ${active.id} (${active.kind}, ${active.state} since ${active.createdAt.toISOString()}, by ${active.requestedBy.displayName}): one operation at a time per connector. ${
    active.state === 'pending' ? `Decide it first (/connector approve ${active.id}, /connector reject ${active.id}) or cancel it (/connector cancel ${active.id}).` : 'Wait for it to end.'
  }`;
}

function stateText(request: OperationRequest): string {
  const by = request.decidedBy ? ` by ${request.decidedBy.displayName}` : '';
  switch (request.state) {
    case 'approved':
    case 'executing':
      return `Request ${request.id} was already approved${by} and is running.`;
    case 'succeeded':
    case 'failed':
      return `Request ${request.id} was already approved${by} and has ${request.state}: ${request.outcome ?? ''}`.trim();
    case 'rejected':
      return `Request ${request.id} was already rejected${by}.`;
    case 'cancelled':
      return `Request ${request.id} was cancelled${by}.`;
    case 'expired':
      return `Request ${request.id} expired before it was decided.`;
    case 'interrupted':
      return `Request ${request.id} was interrupted: ${request.outcome ?? 'the bot stopped while it ran'}.`;
    case 'pending':
      return `Request ${request.id} is still pending.`;
  }
}
