import type { Message } from './message.ts';
import { textMessage } from './message.ts';
import type { OperationRequest, Person } from './operation.ts';

/** One entry of the audit log as the chat shows it (the store's record has the same fields). */
export interface AuditView {
  seq: number;
  at: Date;
  event: string;
  requestId?: string;
  connector?: string;
  operation?: string;
  actor?: Person;
  detail: Record<string, unknown>;
}

/** `/connector requests`: what waits for a decision and what runs, with the typed commands that decide; and what a crash cut off. */
export function requestsMessage(requests: readonly OperationRequest[], interrupted: readonly OperationRequest[] = []): Message {
  const cutOff =
    interrupted.length > 0
      ? [
          { type: 'section' as const, text: `Interrupted in the last day (the bot stopped while they ran; not run again):`, status: 'critical' as const },
          {
            type: 'fields' as const,
            fields: interrupted.map((r) => ({ label: r.id, value: `${r.kind} ${r.connector} · approved by ${r.decidedBy?.displayName ?? '?'} · ${r.outcome ?? ''}` })),
          },
        ]
      : [];
  if (requests.length === 0) {
    const none = 'No pending or running requests.';
    return cutOff.length > 0 ? { text: `${none} ${interrupted.length} interrupted in the last day.`, blocks: [{ type: 'section', text: none }, ...cutOff] } : textMessage(none);
  }
  return {
    text: `${requests.length} pending or running: ${requests.map((r) => `${r.id} ${r.kind} ${r.connector} (${r.state})`).join(', ')}`,
    blocks: [
      { type: 'header', text: 'Requests' },
      {
        type: 'fields',
        fields: requests.map((r) => ({
          label: r.id,
          value: `${r.kind} ${r.connector} · ${r.state} · by ${r.requestedBy.displayName} at ${r.createdAt.toISOString()}${r.reason ? ` · ${r.reason}` : ''}`,
          ...(r.state === 'pending' && { status: 'warn' as const }),
        })),
      },
      ...cutOff,
      { type: 'context', text: 'Decide with /connector approve <id>, /connector reject <id> [reason]; withdraw your own with /connector cancel <id>.' },
    ],
  };
}

/** `/connector audit`: the newest entries, oldest first, each with who, when, what and the outcome. */
export function auditMessage(entries: readonly AuditView[], connector?: string): Message {
  const title = `Audit log${connector ? ` · ${connector}` : ''}`;
  if (entries.length === 0) return textMessage(`${title}: no entries.`);
  return {
    text: `${title}: ${entries.length} entries`,
    blocks: [
      { type: 'header', text: title },
      {
        type: 'fields',
        fields: entries.map((e) => ({
          label: e.at.toISOString().replace('T', ' ').slice(0, 19),
          value: [
            e.event,
            e.requestId,
            e.operation && e.connector ? `${e.operation} ${e.connector}` : e.connector,
            e.actor ? `by ${e.actor.displayName || e.actor.id} (${e.actor.platform}:${e.actor.id})` : undefined,
            summaryOf(e.detail),
          ]
            .filter(Boolean)
            .join(' · '),
        })),
      },
      { type: 'context', text: 'Export for a SIEM: connector-ops audit --json' },
    ],
  };
}

function summaryOf(detail: Record<string, unknown>): string | undefined {
  for (const key of ['summary', 'text', 'reason', 'why']) {
    const value = detail[key];
    if (typeof value === 'string' && value) return value;
  }
  return detail.selfApproved ? 'self-approved' : undefined;
}
