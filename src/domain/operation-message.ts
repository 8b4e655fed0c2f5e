import type { Block, Field, Message } from './message.ts';
import { textMessage } from './message.ts';
import type { OperationKind, OperationRequest } from './operation.ts';
import type { CheckStatus } from './status.ts';

export const OPERATION_TITLES: Record<OperationKind, string> = {
  restart: 'Restart',
  stop: 'Stop',
  start: 'Start',
  update: 'Update',
  backup: 'Backup',
  cleanup: 'Cleanup',
};

const STATE_STATUS: Record<OperationRequest['state'], CheckStatus | undefined> = {
  pending: 'warn',
  approved: undefined,
  executing: undefined,
  succeeded: 'ok',
  failed: 'critical',
  interrupted: 'critical',
  rejected: undefined,
  cancelled: undefined,
  expired: undefined,
};

export interface RequestMessageOptions {
  /** Destructive or disruptive: the Approve button is styled as dangerous. */
  danger: boolean;
  /** Milestones of a running operation, newest last. */
  progress?: readonly string[];
}

/**
 * A request as everyone in the conversation sees it: who asks what for which connector, what the approver
 * must know, and Approve / Reject while it is pending. Updated in place as it moves on; its buttons go
 * once it is decided.
 */
export function requestMessage(request: OperationRequest, options: RequestMessageOptions): Message {
  const title = `${OPERATION_TITLES[request.kind]} · ${request.connector}`;
  const asks = `${request.requestedBy.displayName} asks to ${verbPhrase(request)}${request.reason ? `: ${request.reason}` : '.'}`;
  const blocks: Block[] = [{ type: 'header', text: title, ...(STATE_STATUS[request.state] && { status: STATE_STATUS[request.state] }) }, { type: 'section', text: asks }];
  const shown = request.params.shown;
  if (shown && shown.lines.length > 0) blocks.push({ type: 'fields', fields: shown.lines.map(lineField) });
  if (shown?.warning) blocks.push({ type: 'section', text: shown.warning, status: 'warn' });
  blocks.push({ type: 'section', text: decisionText(request) });
  for (const line of options.progress ?? []) blocks.push({ type: 'context', text: line });
  if (request.state === 'pending') {
    blocks.push({
      type: 'actions',
      buttons: [
        {
          label: 'Approve',
          command: `/connector approve ${request.id}`,
          style: options.danger ? 'danger' : 'primary',
          confirm: {
            title: `${OPERATION_TITLES[request.kind]} ${request.connector}?`,
            text: `It runs as soon as you approve${shown?.warning ? `. ${shown.warning}` : '.'}`,
            confirm: 'Approve',
            deny: 'Not now',
          },
        },
        { label: 'Reject', command: `/connector reject ${request.id}` },
      ],
    });
  }
  blocks.push({ type: 'context', text: `Request ${request.id} · requested ${request.createdAt.toISOString()}${request.state === 'pending' ? ` · expires ${request.expiresAt.toISOString()}` : ''}` });
  return { text: `${title}: ${asks} ${decisionText(request)}`, blocks };
}

/** The end of an operation, posted as a reply to its request. */
export function outcomeMessage(request: OperationRequest, ok: boolean, summary: string, details: readonly Field[]): Message {
  const status: CheckStatus = ok ? 'ok' : 'critical';
  const text = `${OPERATION_TITLES[request.kind]} of ${request.connector} ${ok ? 'succeeded' : 'failed'}: ${summary}`;
  return {
    text,
    blocks: [
      { type: 'section', text, status },
      ...(details.length > 0 ? [{ type: 'fields' as const, fields: [...details] }] : []),
      { type: 'context', text: `Request ${request.id}` },
    ],
  };
}

export function problemMessage(problem: string): Message {
  return textMessage(problem, 'warn');
}

function verbPhrase(request: OperationRequest): string {
  const { params } = request;
  switch (request.kind) {
    case 'update':
      return `update ${request.connector}${params.currentVersion ? ` from ${params.currentVersion}` : ''}${params.targetVersion ? ` to ${params.targetVersion}` : ''}`;
    case 'start':
      return params.force ? `start ${request.connector} WITHOUT the database freshness guard (--force)` : `start ${request.connector}`;
    case 'backup':
      return `back up ${request.connector}`;
    case 'cleanup':
      return `clean up old material of ${request.connector}`;
    default:
      return `${request.kind} ${request.connector}`;
  }
}

function decisionText(request: OperationRequest): string {
  const by = request.decidedBy?.displayName ?? '';
  const self = request.selfApproved ? ' (self-approved)' : '';
  switch (request.state) {
    case 'pending':
      return 'Waiting for an approver.';
    case 'approved':
    case 'executing':
      return `Approved by ${by}${self}; running.`;
    case 'succeeded':
      return `Approved by ${by}${self}; done: ${request.outcome ?? ''}`;
    case 'failed':
      return `Approved by ${by}${self}; failed: ${request.outcome ?? ''}`;
    case 'interrupted':
      return request.outcome ?? 'Interrupted.';
    case 'rejected':
    case 'cancelled':
    case 'expired':
      return `${request.outcome ?? request.state}`.replace(/^./, (c) => c.toUpperCase()) + '.';
  }
}

function lineField(line: string): Field {
  const colon = line.indexOf(': ');
  return colon > 0 ? { label: line.slice(0, colon), value: line.slice(colon + 2) } : { label: '', value: line };
}
