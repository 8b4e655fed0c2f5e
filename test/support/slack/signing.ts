import { createHmac } from 'node:crypto';
import { payloadKind, type SlackPayload } from './payloads.ts';

/** Requests to the bot's own HTTP endpoint, encoded and signed exactly as Slack does. */

export interface SignedRequest {
  /** The raw body the signature covers; send it byte for byte. */
  body: string;
  headers: {
    'content-type': 'application/x-www-form-urlencoded' | 'application/json';
    'x-slack-request-timestamp': string;
    'x-slack-signature': string;
  };
}

export interface SignOptions {
  /** Unix seconds (default now); an old one acts out a replay. */
  timestamp?: number;
}

/**
 * Slash commands as form fields, interactions as the form field `payload=<json>`, events as JSON;
 * signed `v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))`.
 */
export function signedRequest(signingSecret: string, payload: SlackPayload, options: SignOptions = {}): SignedRequest {
  const kind = payloadKind(payload);
  const body =
    kind === 'command'
      ? new URLSearchParams(payload as unknown as Record<string, string>).toString()
      : kind === 'interaction'
        ? new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
        : JSON.stringify(payload);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      'content-type': kind === 'event' ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature(signingSecret, timestamp, body),
    },
  };
}

/** Any text signed as Slack signs, now, with any content type: for bodies Slack would not send. */
export function signedText(signingSecret: string, body: string, contentType: string): { body: string; headers: { 'content-type': string; 'x-slack-request-timestamp': string; 'x-slack-signature': string } } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { body, headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature(signingSecret, timestamp, body) } };
}

export function signature(signingSecret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface PostResult {
  status: number;
  headers: Headers;
  body: string;
}

/** POSTs to the bot's server; only loopback addresses, so no test request can leave the machine. A bot that never answers fails it after 10 s. */
export async function post(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
  const { hostname } = new URL(url);
  if (!['127.0.0.1', '[::1]'].includes(hostname)) throw new Error(`refusing to post to a non-loopback address: ${url}`);
  const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  return { status: response.status, headers: response.headers, body: await response.text() };
}
