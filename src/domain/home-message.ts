import type { Connector } from './connector.ts';
import type { KnownStatus } from './last-known.ts';
import type { Message } from './message.ts';
import type { OperationRequest } from './operation.ts';

/** The overview a chat's home tab shows: every connector's last known status and when it was read, and the pending requests. */
export function homeMessage(connectors: readonly Connector[], known: (name: string) => KnownStatus | undefined, requests: readonly OperationRequest[], problem?: string): Message {
  const fields = connectors.map((connector) => {
    const last = known(connector.name);
    const pending = requests.filter((r) => r.connector === connector.name);
    const value = [
      last ? `${last.status}${last.notOk.length > 0 ? ` (${last.notOk.join(', ')})` : ''} at ${last.at.toISOString().replace('T', ' ').slice(0, 16)} UTC` : 'not checked since the bot started',
      ...pending.map((r) => `request ${r.id}: ${r.kind}, ${r.state}`),
    ].join(' · ');
    return { label: connector.name, value, ...(last && { status: last.status }) };
  });
  return {
    text: `connector-ops: ${connectors.length} connectors, ${requests.length} pending or running requests`,
    blocks: [
      { type: 'header', text: 'connector-ops' },
      ...(fields.length > 0 ? [{ type: 'fields' as const, fields }] : [{ type: 'section' as const, text: `No connectors configured or discovered.${problem ? ` ${problem}` : ''}` }]),
      { type: 'actions', buttons: [{ label: 'Check all now', command: '/connector status' }, { label: 'Requests', command: '/connector requests' }] },
      { type: 'context', text: 'Type /connector help in any channel for every command.' },
    ],
  };
}
