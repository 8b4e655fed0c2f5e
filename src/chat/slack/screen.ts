import type { IncomingMessage } from 'node:http';
import { defaultBodyLimit, HTTPModuleFunctions, isValidSlackRequest, type BufferedIncomingMessage, type SocketModeReceiver } from '@slack/bolt';
import { deliveryProblem, socketMessageProblem } from './delivery-shape.ts';

/** A delivery refused before Bolt saw it: the status to answer (HTTP) and what was wrong, for the log. */
export interface Refusal {
  status: 400 | 413;
  problem: string;
}

/**
 * HTTP mode: reads the body (as Bolt would, with its size limit) and, when the signature is right, checks its
 * shape. The request handed on carries the raw body, which Bolt reuses and verifies itself: an unsigned request
 * goes on unexamined, for Bolt's 401.
 */
export async function screenHttpDelivery(req: IncomingMessage, signingSecret: string): Promise<{ pass: BufferedIncomingMessage } | { refuse: Refusal }> {
  let buffered: BufferedIncomingMessage;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, defaultBodyLimit);
  } catch (error) {
    const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413;
    return { refuse: tooLarge ? { status: 413, problem: `a body over ${defaultBodyLimit} bytes` } : { status: 400, problem: 'a body that could not be read to its end' } };
  }
  const header = (name: string) => (typeof req.headers[name] === 'string' ? req.headers[name] : '');
  const signed = isValidSlackRequest({
    signingSecret,
    body: buffered.rawBody.toString(),
    headers: { 'x-slack-signature': header('x-slack-signature'), 'x-slack-request-timestamp': Number(header('x-slack-request-timestamp')) },
  });
  if (!signed) return { pass: buffered };
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    return { refuse: { status: 400, problem: 'a body whose payload is not JSON' } };
  }
  const problem = deliveryProblem(body);
  return problem === undefined ? { pass: buffered } : { refuse: { status: 400, problem } };
}

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
