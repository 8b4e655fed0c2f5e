import { Timestamp, type Document } from 'mongodb';

/**
 * A replica set's operation time, safe for JSON and the bot's SQLite store: the BSON Timestamp as
 * "<seconds>.<increment>" (not a decimal: "5.10" comes after "5.9") and the election term.
 */
export interface OpTime {
  ts: string;
  t: number;
}

const UINT32_MAX = 0xffff_ffff;

export function timestampToString(ts: Timestamp): string {
  return `${ts.t}.${ts.i}`;
}

/** The Timestamp of a "<seconds>.<increment>" string; undefined for anything else. */
export function timestampFromString(text: string): Timestamp | undefined {
  const parts = timestampParts(text);
  return parts ? new Timestamp({ t: parts.seconds, i: parts.increment }) : undefined;
}

/**
 * Negative when `a` is earlier than `b`, 0 when equal, positive when later: by Timestamp (seconds,
 * then increment), then term. Undefined when either ts is malformed (only a damaged store holds one).
 */
export function compareOpTimes(a: OpTime, b: OpTime): number | undefined {
  const x = timestampParts(a.ts);
  const y = timestampParts(b.ts);
  if (!x || !y) return undefined;
  return Math.sign(x.seconds - y.seconds || x.increment - y.increment || a.t - b.t);
}

/** For people: "2026-08-20T09:14:03Z (Timestamp 1787217243.2, term 1)". */
export function describeOpTime(opTime: OpTime): string {
  const parts = timestampParts(opTime.ts);
  const when = parts ? `${new Date(parts.seconds * 1000).toISOString().replace('.000Z', 'Z')} ` : '';
  return `${when}(Timestamp ${opTime.ts}, term ${opTime.t})`;
}

/** An `{ ts: Timestamp, t }` optime from a server answer (hello's lastWrite.opTime, replSetGetStatus optimes). */
export function opTimeFrom(value: unknown): OpTime | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { ts, t } = value as Document;
  if (!(ts instanceof Timestamp)) return undefined;
  const term = typeof t === 'number' ? t : typeof t === 'bigint' ? Number(t) : typeof t?.toNumber === 'function' ? Number(t.toNumber()) : undefined;
  return term === undefined || !Number.isFinite(term) ? undefined : { ts: timestampToString(ts), t: term };
}

function timestampParts(text: string): { seconds: number; increment: number } | undefined {
  const match = /^(\d{1,10})\.(\d{1,10})$/.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const increment = Number(match[2]);
  return seconds <= UINT32_MAX && increment <= UINT32_MAX ? { seconds, increment } : undefined;
}
