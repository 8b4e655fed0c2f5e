import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * POSTs a JSON body and resolves with the answer's status once its body (read and dropped) has ended; `signal`
 * bounds the whole exchange. node:http, not fetch: fifty answers at once cost the chat thread a third of the CPU
 * (and of the garbage) that fetch's web streams do, and that thread also acknowledges the next commands.
 */
export function postJson(url: string, json: string, signal: AbortSignal): Promise<number> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.reject(new Error(`cannot POST to a ${target.protocol} URL`));
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      { method: 'POST', signal, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) } },
      (response: IncomingMessage) => {
        response.on('error', (error) => reject(signal.aborted ? signal.reason : error));
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    // As fetch does: an aborted call fails with the signal's reason (a TimeoutError when time ran out).
    request.on('error', (error) => reject(signal.aborted ? signal.reason : error));
    request.end(json);
  });
}
