/**
 * A replica set's operation time, safe for JSON and the bot's SQLite store: the BSON Timestamp as
 * "<seconds>.<increment>" (not a decimal: "5.10" comes after "5.9") and the election term.
 */
export interface OpTime {
  ts: string;
  t: number;
}

const UINT32_MAX = 0xffff_ffff;

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

/** The seconds and increment of a "<seconds>.<increment>" string, each an unsigned 32-bit number; undefined for anything else. */
export function timestampParts(text: string): { seconds: number; increment: number } | undefined {
  const match = /^(\d{1,10})\.(\d{1,10})$/.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const increment = Number(match[2]);
  return seconds <= UINT32_MAX && increment <= UINT32_MAX ? { seconds, increment } : undefined;
}
