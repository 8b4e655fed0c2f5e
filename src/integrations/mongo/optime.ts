import { Timestamp, type Document } from 'mongodb';
import { timestampParts, type OpTime } from '../../domain/optime.ts';

/** The driver's BSON Timestamp as an OpTime's "<seconds>.<increment>". */
export function timestampToString(ts: Timestamp): string {
  return `${ts.t}.${ts.i}`;
}

/** The Timestamp of a "<seconds>.<increment>" string; undefined for anything else. */
export function timestampFromString(text: string): Timestamp | undefined {
  const parts = timestampParts(text);
  return parts ? new Timestamp({ t: parts.seconds, i: parts.increment }) : undefined;
}

/** An `{ ts: Timestamp, t }` optime from a server answer (hello's lastWrite.opTime, replSetGetStatus optimes). */
export function opTimeFrom(value: unknown): OpTime | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { ts, t } = value as Document;
  if (!(ts instanceof Timestamp)) return undefined;
  const term = typeof t === 'number' ? t : typeof t === 'bigint' ? Number(t) : typeof t?.toNumber === 'function' ? Number(t.toNumber()) : undefined;
  return term === undefined || !Number.isFinite(term) ? undefined : { ts: timestampToString(ts), t: term };
}
