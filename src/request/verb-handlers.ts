import { selectConnectors } from '../domain/connector-selection.ts';
import type { Connector } from '../domain/connector.ts';
import { durationOption } from '../domain/duration.ts';
import { helpMessage, usageMessage } from '../domain/help-message.ts';
import { textMessage, type Message } from '../domain/message.ts';
import type { ConnectorDirectory, ReportRunner } from '../domain/ports.ts';
import { reportMessage } from '../domain/report-message.ts';
import type { CheckVerb, VerbSpec } from '../domain/verbs.ts';
import type { VerbHandler, VerbTable } from './dispatcher.ts';
import type { OperationService } from '../operations/service.ts';
import { scheduleHandler, subscribeHandler, subscriptionsHandler, unsubscribeHandler, type NotificationVerbDependencies } from './notification-verbs.ts';
import { alertsHandler, silenceHandler, unsilenceHandler, type AlertVerbDependencies } from './alert-verbs.ts';
import { approveHandler, auditHandler, decisionHandler, requestHandler, requestsHandler } from './operation-verbs.ts';

export interface VerbHandlerDependencies {
  directory: ConnectorDirectory;
  runner: ReportRunner;
  operations: OperationService;
  notifications: NotificationVerbDependencies;
  alerts: AlertVerbDependencies;
  /** A report that takes longer than this gets a "checking …" message first, replaced by the report. */
  progressAfterMs?: number;
}

const DEFAULT_PROGRESS_AFTER_MS = 1_000;

/** The handler of every verb: help, the connector list, the check verbs, and the operations with their decisions. */
export function createVerbHandlers(deps: VerbHandlerDependencies): VerbTable {
  const checks = checksHandler(deps);
  const ops = { directory: deps.directory, operations: deps.operations };
  return {
    restart: requestHandler('restart', ops),
    stop: requestHandler('stop', ops),
    start: requestHandler('start', ops),
    update: requestHandler('update', ops),
    backup: requestHandler('backup', ops),
    cleanup: requestHandler('cleanup', ops),
    approve: approveHandler(ops),
    reject: decisionHandler(ops),
    cancel: decisionHandler(ops),
    requests: requestsHandler(ops),
    audit: auditHandler(ops),
    subscribe: subscribeHandler(deps.notifications),
    unsubscribe: unsubscribeHandler(deps.notifications),
    subscriptions: subscriptionsHandler(deps.notifications),
    schedule: scheduleHandler(deps.notifications),
    alerts: alertsHandler(deps.alerts),
    silence: silenceHandler(deps.alerts),
    unsilence: unsilenceHandler(deps.alerts),
    help: async ({ command, reply }) => {
      await reply.post(helpMessage(command.topic), 'private');
    },
    connectors: async ({ reply }) => {
      const { connectors, problem } = await deps.directory.list();
      await reply.post(connectorsMessage(connectors, problem), 'conversation');
    },
    status: checks,
    health: checks,
    resources: checks,
    updates: checks,
    logs: checks,
    keys: checks,
    'old-material': checks,
    'third-party': checks,
    database: checks,
  };
}

function checksHandler(deps: VerbHandlerDependencies): VerbHandler<CheckVerb> {
  return async ({ command, spec, reply }) => {
    const { connectors, problem } = await deps.directory.list();
    const selection = selectConnectors(connectors, command.connector ? [command.connector] : [], problem);
    if (!selection.ok) {
      await reply.post(selection.reason === 'unknown' ? usageMessage(selection.problem) : textMessage(selection.problem, 'unknown'), 'private');
      return;
    }
    const single = command.connector ? selection.connectors[0]?.name : undefined;
    const running = deps.runner.run(selection.connectors, spec.checks ?? [], { logWindowMs: command.sinceMs });
    // Quick answers come as one message; slow ones say at once that the bot is on it.
    const progressAfterMs = deps.progressAfterMs ?? DEFAULT_PROGRESS_AFTER_MS;
    const finished = await Promise.race([running, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), progressAfterMs).unref())]);
    const posted = finished ? undefined : await reply.post(progressMessage(spec, single, selection.connectors.length), 'conversation');
    const report = finished ?? (await running);
    const since = command.sinceMs ? ` --since ${durationOption(command.sinceMs)}` : '';
    const result = reportMessage(report, {
      title: `${titleOf(spec)}${single ? ` · ${single}` : ''}`,
      details: command.details,
      detailsCommand: `/connector ${spec.verb}${single ? ` ${single}` : ''}${since} --details`,
    });
    if (posted) await reply.update(posted, result);
    else await reply.post(result, 'conversation');
  };
}

function titleOf(spec: VerbSpec): string {
  return spec.verb === 'status' ? 'Status' : spec.verb.charAt(0).toUpperCase() + spec.verb.slice(1);
}

function progressMessage(spec: VerbSpec, single: string | undefined, count: number): Message {
  const what = single ?? (count === 1 ? '1 connector' : `${count} connectors`);
  return textMessage(`Checking ${spec.verb === 'status' ? 'everything' : spec.verb} of ${what} …`);
}

function connectorsMessage(connectors: Connector[], problem?: string): Message {
  if (connectors.length === 0) {
    return textMessage(`No connectors configured or discovered.${problem ? ` ${problem}` : ''}`, 'unknown');
  }
  return {
    text: `Connectors: ${connectors.map((c) => c.name).join(', ')}`,
    blocks: [
      { type: 'header', text: 'Connectors' },
      {
        type: 'fields',
        fields: connectors.map((c) => ({
          label: c.name,
          value: [
            c.container ? `container ${c.container}` : undefined,
            c.url,
            c.engine ? `engine ${c.engine}` : undefined,
            c.source === 'discovered' ? 'discovered' : 'configured',
          ]
            .filter(Boolean)
            .join(' · '),
        })),
      },
      ...(problem ? [{ type: 'context' as const, text: problem }] : []),
    ],
  };
}
