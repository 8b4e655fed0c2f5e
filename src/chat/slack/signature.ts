import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Slack's replay window, in both directions: Bolt refuses old timestamps only, a clock ahead is refused here too. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const VERSION = 'v0';
const SIGNATURE = /^v0=([0-9a-f]{64})$/;

/**
 * Whether Slack signed this request: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing
 * secret, over the body's bytes as they came, compared in constant time, with a timestamp within five minutes of
 * `now` either way. Returns what is wrong (for the log, no values), or undefined when the signature holds.
 */
export function signatureProblem(signingSecret: string, headers: IncomingHttpHeaders, rawBody: Buffer, now = Date.now()): string | undefined {
  const signature = headers['x-slack-signature'];
  const timestampText = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestampText !== 'string') return 'no signature or timestamp header';
  const timestamp = Number(timestampText);
  if (!Number.isInteger(timestamp) || timestampText.trim() === '') return 'a timestamp that is not a number';
  if (Math.abs(timestamp * 1000 - now) > MAX_CLOCK_SKEW_MS) return 'a timestamp more than 5 minutes away from now';
  if (!signature.startsWith(`${VERSION}=`)) return 'a signature of an unknown version';
  // Exactly as Slack writes it and Bolt compares it: 64 lowercase hex digits, nothing after them.
  const hash = SIGNATURE.exec(signature)?.[1];
  if (hash === undefined) return 'a signature that does not match';
  const expected = createHmac('sha256', signingSecret).update(`${VERSION}:${timestampText}:`).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(hash, 'hex'), expected) ? undefined : 'a signature that does not match';
}
