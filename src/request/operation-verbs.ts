import { findConnector, type Connector } from '../domain/connector.ts';
import { textMessage } from '../domain/message.ts';
import { outcomeMessage, problemMessage, requestMessage } from '../domain/operation-message.ts';
import type { OperationKind, OperationRequest } from '../domain/operation.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import type { PostedMessage } from '../domain/reply.ts';
import { auditMessage, requestsMessage } from '../domain/requests-message.ts';
import { quoted } from '../domain/inert.ts';
import type { OperationService } from '../operations/service.ts';
import type { VerbContext } from './context.ts';
import type { VerbHandler } from './dispatcher.ts';

export interface OperationVerbDependencies {
  directory: ConnectorDirectory;
  operations: OperationService;
}

const DEFAULT_AUDIT_LIMIT = 20;

/** restart, stop, start, update, backup, cleanup: a request, posted for an approver with Approve and Reject. */
export function requestHandler(kind: OperationKind, deps: OperationVerbDependencies): VerbHandler {
  return async ({ command, request, reply }) => {
    const { connectors, problem } = await deps.directory.list();
    const chosen = oneConnector(connectors, command.connector, kind, problem);
    if ('problem' in chosen) {
      await reply.post(problemMessage(chosen.problem), 'private');
      return;
    }
    const result = await deps.operations.request({
      kind,
      connector: chosen.connector,
      params: {
        ...(command.force && { force: true }),
        ...(command.major && { major: true }),
        ...(command.version && { targetVersion: command.version }),
      },
      ...(command.reason && { reason: command.reason }),
      actor: request.actor,
      conversation: request.conversation,
    });
    if (!result.ok) {
      await reply.post(problemMessage(result.problem), 'private');
      return;
    }
    const danger = deps.operations.kind(kind).danger;
    const posted = await reply.post(requestMessage(result.request, { danger }), 'conversation');
    deps.operations.attachMessage(result.request.id, { platform: request.conversation.platform, id: posted.id });
  };
}

/** approve <id>: one conditional write decides; the winner runs the operation and reports it. */
export function approveHandler(deps: OperationVerbDependencies): VerbHandler {
  return async (context) => {
    const { command, request, reply } = context;
    const decided = deps.operations.decide(command.id!, 'approve', request.actor);
    if (!decided.ok) {
      await reply.post(problemMessage(decided.problem), 'private');
      return;
    }
    const approved = decided.request;
    const danger = deps.operations.kind(approved.kind).danger;
    const progress: string[] = [];
    const shown = requestMessageIn(context, approved);
    const show = async (state: OperationRequest) => {
      const message = requestMessage(state, { danger, progress });
      if (shown) await reply.update(shown, message);
      else await reply.post(message, 'conversation');
    };
    await show(approved);
    const { connectors } = await deps.directory.list();
    const connector = findConnector(connectors, approved.connector);
    if (!connector) {
      const reason = `the connector ${approved.connector} is no longer configured or discovered`;
      deps.operations.failUnrunnable(approved, reason);
      await reply.post(outcomeMessage(approved, false, reason, []), 'conversation');
      return;
    }
    const result = await deps.operations.execute(approved, connector, async (text) => {
      progress.push(text);
      await show({ ...approved, state: 'executing' });
    });
    const final = deps.operations.get(approved.id) ?? approved;
    await show(final);
    if (!result) return;
    const outcome = outcomeMessage(final, result.ok, result.summary, result.details);
    if (shown) await reply.replyInThread(shown, outcome);
    else await reply.post(outcome, 'conversation');
  };
}

/** reject <id> [reason], cancel <id>: the request message shows the decision and loses its buttons. */
export function decisionHandler(decision: 'reject' | 'cancel', deps: OperationVerbDependencies): VerbHandler {
  return async (context) => {
    const { command, request, reply } = context;
    const decided = deps.operations.decide(command.id!, decision, request.actor, command.reason);
    if (!decided.ok) {
      await reply.post(problemMessage(decided.problem), 'private');
      return;
    }
    const message = requestMessage(decided.request, { danger: deps.operations.kind(decided.request.kind).danger });
    const shown = requestMessageIn(context, decided.request);
    if (shown) await reply.update(shown, message);
    await reply.post(textMessage(`Request ${decided.request.id} ${decision === 'reject' ? 'rejected' : 'cancelled'}.`), shown ? 'private' : 'conversation');
  };
}

export function requestsHandler(deps: OperationVerbDependencies): VerbHandler {
  return async ({ reply }) => {
    await reply.post(requestsMessage(deps.operations.active(), deps.operations.recentlyInterrupted()), 'conversation');
  };
}

export function auditHandler(deps: OperationVerbDependencies): VerbHandler {
  return async ({ command, reply }) => {
    let connector: string | undefined;
    if (command.connector) {
      const { connectors } = await deps.directory.list();
      // The log outlives connectors: a name no longer configured may still be asked about, as typed (it only filters).
      connector = findConnector(connectors, command.connector)?.name ?? command.connector;
    }
    const entries = deps.operations.auditEntries({ ...(connector && { connector }), limit: command.limit ?? DEFAULT_AUDIT_LIMIT });
    await reply.post(auditMessage(entries, connector), 'conversation');
  };
}

/** The request message, when it was posted where this request came from (the same platform can update it). */
function requestMessageIn(context: VerbContext, request: OperationRequest): PostedMessage | undefined {
  const message = request.message;
  return message && message.platform === context.request.conversation.platform ? { id: message.id } : undefined;
}

/** An operation names one connector; with only one configured, it may be left out. */
function oneConnector(connectors: Connector[], name: string | undefined, kind: OperationKind, problem?: string): { connector: Connector } | { problem: string } {
  if (name) {
    const found = findConnector(connectors, name);
    if (found) return { connector: found };
    const known = connectors.map((c) => c.name).join(', ');
    return { problem: `Unknown connector ${quoted(name)}. ${known ? `Known connectors: ${known}.` : `No connectors are configured or discovered.${problem ? ` ${problem}` : ''}`}` };
  }
  if (connectors.length === 1) return { connector: connectors[0]! };
  if (connectors.length === 0) return { problem: `No connectors are configured or discovered.${problem ? ` ${problem}` : ''}` };
  return { problem: `Name the connector to ${kind}: /connector ${kind} <connector>. Known connectors: ${connectors.map((c) => c.name).join(', ')}.` };
}

