import type { SocketModeReceiver } from '@slack/bolt';
import { socketMessageProblem } from './delivery-shape.ts';

type MessageListener = (data: unknown, isBinary: boolean) => unknown;

/**
 * Socket Mode: every message of the socket is checked before the client parses it for Bolt (its parser reads
 * `type` of whatever JSON arrives). A refused envelope is acknowledged, running nothing, so Slack does not
 * deliver it again; a message without an envelope id is dropped. `refused` is told either way.
 */
export function screenSocketMessages(client: SocketModeReceiver['client'], refused: (problem: string, envelopeId?: string) => void): void {
  // The client hands each WebSocket message to its own listener of this event (@slack/socket-mode 3.x).
  const deliver = client.listeners('ws_message') as MessageListener[];
  if (deliver.length !== 1) throw new Error(`@slack/socket-mode changed: ${deliver.length} listeners of ws_message, expected 1; the Socket Mode screen needs updating`);
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    const refusal = isBinary ? undefined : refusalOf(data);
    if (!refusal) return void deliver[0]!.call(client, data, isBinary);
    refused(refusal.problem, refusal.envelopeId);
    // The client's own acknowledgement (private in its typings): `{envelope_id, payload: {}}` on the socket.
    if (refusal.envelopeId) (client as unknown as { send(id: string): Promise<void> }).send(refusal.envelopeId).catch(() => undefined);
  });
}

function refusalOf(data: unknown): { problem: string; envelopeId?: string } | undefined {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { problem: 'a Socket Mode message that is not JSON' };
  }
  return socketMessageProblem(message);
}
