import { EventEmitter } from 'node:events';
import type { Connector } from '../domain/connector.ts';
import type { Message } from '../domain/message.ts';
import { personOf, type ContainerCondition, type OperationAsks, type OperationKind, type OperationRequest, type Person, type RequestState } from '../domain/operation.ts';
import type { Actor, Conversation } from '../domain/request.ts';
import type { Logger } from '../logging/logger.ts';
import type { AuditLog, AuditQuery, AuditRecord } from '../store/audit-log.ts';
import type { OperationRequests } from '../store/operation-requests.ts';
import type { ExecutionResult, OperationKindSpec, Plan } from './executor.ts';
import { formatExecutor, ownerGone, pidExists, THIS_PROCESS, type ExecutorIdentity } from './executor-identity.ts';
import { paramsOf } from './params.ts';
import type { RequestPosts } from './request-posts.ts';
import { StoreError } from '../store/store-error.ts';

export interface OperationServiceOptions {
  requests: OperationRequests;
  audit: AuditLog;
  kinds: ReadonlyMap<OperationKind, OperationKindSpec>;
  /** Where the request message's later states, the outcomes and the announcements of interrupted runs are queued. */
  posts: RequestPosts;
  /** How the connector's container is now, for the announcement of a run that was cut off. */
  conditionOf: (connector: string, signal: AbortSignal) => Promise<ContainerCondition>;
  /** The four-eyes rule's exception: the console, or allowSelfApproval. */
  maySelfApprove: (actor: Actor) => boolean;
  approvalTimeoutMs: number;
  /** Planning looks at the connector (an update's tags, a cleanup's items): bounded. */
  planTimeoutMs?: number;
  logger: Logger;
  now?: () => Date;
  /** This process as runs name their owner (tests play a restarted one). */
  self?: ExecutorIdentity;
}

/** An approved request starts and ends executing (alerts hold back what a connector's own restart raises). */
export interface OperationEvents {
  execution: [phase: 'started' | 'finished', request: OperationRequest, maxMs: number];
}

export type RequestResult = { ok: true; request: OperationRequest; plan: Extract<Plan, { ok: true }> } | { ok: false; problem: string };

export type DecisionResult = { ok: true; request: OperationRequest } | { ok: false; problem: string; request?: OperationRequest };

export type Decision = 'approve' | 'reject' | 'cancel';

const HEARTBEAT_MS = 10_000;
/** An owner that has not said it is alive for this long is taken to be gone, wherever it runs. */
const HEARTBEAT_STALE_MS = 60_000;
/** How long the announcement of an interrupted run waits for the engine to say how the connector is. */
const CONDITION_TIMEOUT_MS = 10_000;

/**
 * Operations with four-eyes approval: a request is recorded (and audited) before anything happens, an
 * approval is a single conditional write that exactly one decision wins, and execution is audited as it
 * starts, at each milestone, and when it ends.
 */
export class OperationService {
  readonly events = new EventEmitter<OperationEvents>();
  private readonly options: OperationServiceOptions;
  private readonly self: ExecutorIdentity;
  private readonly executor: string;
  private recovering: Promise<OperationRequest[]> | undefined;

  constructor(options: OperationServiceOptions) {
    this.options = options;
    this.self = options.self ?? THIS_PROCESS;
    this.executor = formatExecutor(this.self);
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
    this.expireDue(this.now());
    return this.options.requests.active();
  }

  /** Runs a crash cut off in the last day: whoever asks for the requests is told of them. */
  recentlyInterrupted(): OperationRequest[] {
    return this.options.requests.interruptedSince(new Date(this.now().getTime() - 86_400_000));
  }

  auditEntries(query: AuditQuery): AuditRecord[] {
    return this.options.audit.list(query);
  }

  /** A request or decision (of the request `decided`) refused for a role the actor lacks: audited, as every attempt to change something is. */
  recordRefusal(actor: Actor, what: string, why: string, decided?: string): void {
    const request = decided ? this.options.requests.get(decided) : undefined;
    this.options.audit.append({
      at: this.now(),
      event: 'refused',
      ...(request && { requestId: request.id, connector: request.connector, operation: request.kind }),
      actor: personOf(actor),
      detail: { what: what.slice(0, 200), why },
    });
  }

  /** The request message as its adapter posted it (`ref`: its platform reference): decisions and progress update it from now on. */
  attachMessage(request: OperationRequest, ref: string, message: Message): void {
    this.options.posts.posted(request, ref, message);
  }

  /**
   * An approved request that cannot run (its connector is gone or has no container, its record lacks a param):
   * failed, with the reason, never left approved. Undefined when another caller took it first.
   */
  failUnrunnable(request: OperationRequest, reason: string): ExecutionResult | undefined {
    const { requests, posts } = this.options;
    if (!requests.claim(request.id, this.executor, this.now()).ok) return undefined;
    const result: ExecutionResult = { ok: false, summary: reason, details: [] };
    requests.transition(request.id, ['executing'], 'failed', this.now(), { outcome: reason }, { event: 'failed', detail: { summary: reason } }, (failed) => posts.finished(failed, result, []));
    return result;
  }

  /**
   * What a crash cut off (its process gone, or silent for too long) is marked interrupted and announced in its
   * conversation with the connector's state now and the next step; what is past its time expired. At the bot's
   * start and every little while; a live run of another process is left alone. One pass at a time.
   */
  recover(): Promise<OperationRequest[]> {
    this.recovering ??= this.recoverOnce().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recoverOnce(): Promise<OperationRequest[]> {
    const { requests, posts, logger } = this.options;
    const found = requests.abandoned((owner) => ownerGone(owner, this.self, this.now().getTime(), HEARTBEAT_STALE_MS, pidExists));
    // Read before the transactions (the engine is slow, the write lock is not to be held meanwhile), all at once;
    // only the process whose write wins announces.
    const withConditions = await Promise.all(
      found.map(async (run) => ({
        run,
        condition: await this.options
          .conditionOf(run.request.connector, AbortSignal.timeout(CONDITION_TIMEOUT_MS))
          .catch((error: unknown): ContainerCondition => ({ state: 'unknown', text: `could not be read (${(error as Error).message})` })),
      })),
    );
    const interrupted = withConditions.flatMap(({ run, condition }) => {
      const { request } = run;
      const progress = this.progressOf(request);
      const result = requests.interrupt(run, this.now(), (marked) => posts.interrupted(marked, request.state, progress, condition));
      if (!result.ok) return [];
      logger.warn({ requestId: request.id, connector: request.connector, operation: request.kind, foundIn: request.state, executor: run.owner.executor, now: condition.text }, 'operation interrupted by the bot stopping; not run again');
      return [result.request];
    });
    this.expireDue(this.now());
    return interrupted;
  }

  /** The milestones a run reached, from the audit log: shown again on its message. */
  private progressOf(request: OperationRequest): string[] {
    return this.options.audit
      .list({ connector: request.connector, since: request.decidedAt ?? request.createdAt })
      .filter((entry) => entry.requestId === request.id && entry.event === 'progress')
      .map((entry) => String(entry.detail.text));
  }

  private expireDue(now: Date): void {
    this.options.requests.expireDue(now, (request) => this.options.posts.state(request));
  }

  async request<K extends OperationKind>(input: { kind: K; connector: Connector; asked: OperationAsks[K]; reason?: string; actor: Actor; conversation: Conversation }): Promise<RequestResult> {
    const { requests } = this.options;
    this.expireDue(this.now());
    const existing = requests.activeFor(input.connector.name);
    if (existing) return { ok: false, problem: busyText(existing) };
    const spec = this.kind(input.kind);
    const target = spec.target(input.connector);
    if (!target.ok) return target;
    const plan = await spec.plan(target.connector, input.asked, AbortSignal.timeout(this.options.planTimeoutMs ?? 30_000));
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

  /**
   * Approve, reject or cancel: one conditional write, which queues the request message's update for everyone
   * wherever the decision was made; a request already decided, running or expired is named as such.
   */
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
      // An approval names this process as its owner: should it end before the run begins, the others can tell.
      { decidedBy: person, decidedAt: now, ...(decision === 'approve' && { selfApproved: own, executor: this.executor }), ...(outcome && { outcome }) },
      { event: to === 'approved' ? 'approved' : to, actor: person, detail: { ...(reason && { reason }), ...(decision === 'approve' && own && { selfApproved: true }) } },
      (decided) => this.options.posts.state(decided),
    );
    if (result.ok) return result;
    const current = result.current ?? found;
    if (current.state === 'pending' && current.expiresAt <= now) {
      this.expireDue(now);
      return { ok: false, request: { ...current, state: 'expired' }, problem: `Request ${current.id} expired at ${current.expiresAt.toISOString()}, before it was decided. Request it again if it is still needed.` };
    }
    return { ok: false, request: current, problem: stateText(current) };
  }

  /**
   * Runs an approved request, once: the move to executing is itself conditional, so a second caller (a
   * redelivered click, another bot process) finds it taken and runs nothing. Each milestone, the end and the
   * outcome are queued for the request's conversation with the audit entry they show.
   */
  async execute(request: OperationRequest, connector: Connector): Promise<ExecutionResult | undefined> {
    const { requests, posts, logger } = this.options;
    const spec = this.kind(request.kind);
    // The connector as configured now, and the params as recorded (perhaps by an earlier version of the bot).
    const target = spec.target(connector);
    const params = paramsOf(request.kind, request.params);
    if (!target.ok) return this.failUnrunnable(request, target.problem);
    if (!params.ok) return this.failUnrunnable(request, params.problem);
    const started = requests.claim(request.id, this.executor, this.now());
    if (!started.ok) return undefined;
    const heartbeat = setInterval(() => {
      try {
        requests.heartbeat(request.id, this.executor, this.now());
      } catch (error) {
        // The run goes on; a store that cannot be written is told by its health, anything else here.
        if (!(error instanceof StoreError)) logger.error({ err: error, requestId: request.id }, 'operation: could not beat its heartbeat');
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const signal = AbortSignal.timeout(spec.timeoutMs);
    const begun = performance.now();
    const progress: string[] = [];
    this.events.emit('execution', 'started', started.request, spec.timeoutMs);
    let result: ExecutionResult;
    try {
      result = await spec.execute({
        request: started.request,
        params: params.params,
        connector: target.connector,
        signal,
        progress: async (text) => {
          progress.push(text);
          requests.recordProgress(started.request, text, this.now(), () => posts.state(started.request, progress));
        },
      });
    } catch (error) {
      logger.error({ err: error, requestId: request.id }, 'operation failed unexpectedly');
      result = { ok: false, summary: `failed unexpectedly: ${(error as Error).message}`, details: [] };
    }
    clearInterval(heartbeat);
    this.events.emit('execution', 'finished', started.request, spec.timeoutMs);
    const ms = Math.round(performance.now() - begun);
    requests.transition(
      request.id,
      ['executing'],
      result.ok ? 'succeeded' : 'failed',
      this.now(),
      { outcome: result.summary },
      { event: result.ok ? 'succeeded' : 'failed', detail: { summary: result.summary, ms, details: result.details } },
      (ended) => posts.finished(ended, result, progress),
    );
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
