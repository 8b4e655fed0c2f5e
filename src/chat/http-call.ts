import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { inSlice } from '../integrations/cooperative.ts';

/** An answer, with its body as text once it has ended. */
export interface HttpAnswer {
  response: IncomingMessage;
  text: string;
}

export interface HttpCall {
  method: string;
  headers: OutgoingHttpHeaders;
  body?: string;
  /** Bounds the whole exchange, the answer's body included. */
  signal?: AbortSignal;
}

/** Whether `httpCall` can make a call to this URL (http: or https:). */
export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/**
 * One HTTP exchange by node:http, not fetch: the chat thread sends fifty answers at once and also acknowledges the
 * next commands, and fetch's web streams cost it three times the CPU (and the garbage) per call. The caller goes on
 * in a slice of the event loop (see inSlice): fifty answers that come back together continue a few at a time, not
 * in one block that holds the next commands. As with fetch, an aborted call fails with the signal's reason (a
 * TimeoutError when time ran out).
 */
export function httpCall(url: URL, call: HttpCall): Promise<HttpAnswer> {
  if (!isHttpUrl(url)) return Promise.reject(new Error(`cannot ${call.method} to a ${url.protocol} URL`));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const { signal } = call;
  const failed = (reject: (reason: unknown) => void) => (error: Error) => reject(signal?.aborted ? signal.reason : error);
  return new Promise((resolve, reject) => {
    const request = send(url, { method: call.method, headers: call.headers, ...(signal && { signal }) }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', failed(reject));
      response.on('end', () => void inSlice(() => resolve({ response, text })));
    });
    request.on('error', failed(reject));
    request.end(call.body);
  });
}
