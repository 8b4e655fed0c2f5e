import type { CommandOf } from '../domain/command.ts';
import { findConnector, type Connector } from '../domain/connector.ts';
import { textMessage } from '../domain/message.ts';
import { problemMessage, requestMessage } from '../domain/operation-message.ts';
import type { OperationAsks, OperationKind } from '../domain/operation.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import { conversationKey } from '../domain/request.ts';
import { auditMessage, requestsMessage } from '../domain/requests-message.ts';
import { quoted } from '../domain/inert.ts';
import type { OperationService } from '../operations/service.ts';
import type { VerbHandler } from './dispatcher.ts';

export interface OperationVerbDependencies {
  directory: ConnectorDirectory;
  operations: OperationService;
}

const DEFAULT_AUDIT_LIMIT = 20;

/** What each operation's command asks of it. */
const ASKS: { [K in OperationKind]: (command: CommandOf<K>) => OperationAsks[K] } = {
  restart: () => ({}),
  stop: () => ({}),
  start: (command) => ({ force: command.force ?? false }),
  update: (command) => ({ major: command.major ?? false, ...(command.version && { targetVersion: command.version }) }),
  backup: () => ({}),
  cleanup: () => ({}),
};

/** restart, stop, start, update, backup, cleanup: a request, posted for an approver with Approve and Reject. */
export function requestHandler<K extends OperationKind>(kind: K, deps: OperationVerbDependencies): VerbHandler<K> {
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
      asked: ASKS[kind](command),
      ...(command.reason && { reason: command.reason }),
      actor: request.actor,
      conversation: request.conversation,
    });
    if (!result.ok) {
      await reply.post(problemMessage(result.problem), 'private');
      return;
    }
    const message = requestMessage(result.request, { danger: deps.operations.kind(kind).danger });
    const posted = await reply.post(message, 'conversation');
    deps.operations.attachMessage(result.request, posted.id, message);
  };
}

/**
 * approve <id>: one conditional write decides; the winner runs the operation. What everyone sees (the request
 * message's states, the outcome) is queued by the decision and the run themselves: showing it is not a
 * condition of running it, so a message that cannot be updated never holds the operation back.
 */
export function approveHandler(deps: OperationVerbDependencies): VerbHandler<'approve'> {
  return async ({ command, request, reply, logger }) => {
    const decided = deps.operations.decide(command.id, 'approve', request.actor);
    if (!decided.ok) {
      await reply.post(problemMessage(decided.problem), 'private');
      return;
    }
    const approved = decided.request;
    if (conversationKey(request.conversation) !== conversationKey(approved.conversation)) {
      // Typed elsewhere: the request message is where its progress shows. Telling so must not hold the run back.
      void reply
        .post(textMessage(`Approved ${approved.id} (${approved.kind} ${approved.connector}): it runs now; its progress and outcome show on the request message.`, 'ok'), 'private')
        .catch((error: unknown) => logger.warn({ err: error, requestId: approved.id }, 'could not confirm the approval'));
    }
    const found = await deps.directory.list().then(
      ({ connectors, problem }) => findConnector(connectors, approved.connector) ?? `the connector ${approved.connector} is no longer configured or discovered${problem ? ` (${problem})` : ''}`,
      (error: unknown) => `the connectors could not be listed (${(error as Error).message})`,
    );
    if (typeof found === 'string') {
      deps.operations.failUnrunnable(approved, found);
      return;
    }
    await deps.operations.execute(approved, found);
  };
}

/** reject <id> [reason], cancel <id>: the decision updates the request message for everyone; whoever decided is told privately. */
export function decisionHandler(deps: OperationVerbDependencies): VerbHandler<'reject' | 'cancel'> {
  return async ({ command, request, reply }) => {
    const decision = command.verb;
    const decided = deps.operations.decide(command.id, decision, request.actor, decision === 'reject' ? command.reason : undefined);
    if (!decided.ok) {
      await reply.post(problemMessage(decided.problem), 'private');
      return;
    }
    await reply.post(textMessage(`Request ${decided.request.id} ${decision === 'reject' ? 'rejected' : 'cancelled'}.`), 'private');
  };
}

export function requestsHandler(deps: OperationVerbDependencies): VerbHandler<'requests'> {
  return async ({ reply }) => {
    await reply.post(requestsMessage(deps.operations.active(), deps.operations.recentlyInterrupted()), 'conversation');
  };
}

export function auditHandler(deps: OperationVerbDependencies): VerbHandler<'audit'> {
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

/** An operation names one connector; with only one configured, it may be left out. */
function oneConnector(connectors: Connector[], name: string | undefined, kind: OperationKind, problem?: string): { connector: Connector } | { problem: string } {
  if (name) {
    const found = findConnector(connectors, name);
    if (found) return { connector: found };
    const known = connectors.map((c) => c.name).join(', ');
    return { problem: `Unknown connector ${quoted(name)}. ${known ? `Known connectors: ${known}.` : `No connectors are configured or discovered.${problem ? ` ${problem}` : ''}`}` };
  }
  const [only] = connectors;
  if (only && connectors.length === 1) return { connector: only };
  if (connectors.length === 0) return { problem: `No connectors are configured or discovered.${problem ? ` ${problem}` : ''}` };
  return { problem: `Name the connector to ${kind}: /connector ${kind} <connector>. Known connectors: ${connectors.map((c) => c.name).join(', ')}.` };
}

