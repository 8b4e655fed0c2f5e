import type { Document } from 'mongodb';
import type { MongoMember, MongoTopology, OplogWindow, StorageUse } from './types.ts';

// Pure readings of server answers, kept apart from the I/O so they can be tested on documents alone.

/** Topology from a `hello` answer: mongos says msg "isdbgrid", replica set members carry setName. */
export function topologyFromHello(hello: Document): MongoTopology {
  if (hello.msg === 'isdbgrid') return { kind: 'mongos' };
  if (typeof hello.setName !== 'string') return { kind: 'standalone' };
  const hosts = [...strings(hello.hosts), ...strings(hello.passives), ...strings(hello.arbiters)];
  return {
    kind: 'replica-set',
    setName: hello.setName,
    hosts,
    ...(typeof hello.primary === 'string' ? { primary: hello.primary } : {}),
    ...(typeof hello.me === 'string' ? { me: hello.me } : {}),
  };
}

const DATA_BEARING_HEALTHY = new Set(['PRIMARY', 'SECONDARY']);

/**
 * Members from a `replSetGetStatus` answer, each with its lag behind the primary's last applied
 * operation, or behind the newest member's when there is no primary (as mongosh reports it).
 */
export function membersFromStatus(status: Document): MongoMember[] {
  const raw = Array.isArray(status.members) ? (status.members as Document[]) : [];
  const members = raw.map((m): MongoMember => {
    const optimeDate = m.optimeDate instanceof Date && m.optimeDate.getTime() > 0 ? m.optimeDate : undefined;
    return {
      name: String(m.name),
      state: String(m.stateStr),
      healthy: m.health === 1 && typeof m.stateStr === 'string' && ['PRIMARY', 'SECONDARY', 'ARBITER'].includes(m.stateStr),
      self: m.self === true,
      ...(optimeDate ? { optimeDate } : {}),
    };
  });
  const reference = referenceOptime(members);
  if (reference === undefined) return members;
  return members.map((m) =>
    m.healthy && DATA_BEARING_HEALTHY.has(m.state) && m.optimeDate
      ? { ...m, lagSeconds: Math.max(0, (reference - m.optimeDate.getTime()) / 1000) }
      : m,
  );
}

function referenceOptime(members: MongoMember[]): number | undefined {
  const primary = members.find((m) => m.state === 'PRIMARY' && m.healthy && m.optimeDate);
  if (primary?.optimeDate) return primary.optimeDate.getTime();
  const times = members.filter((m) => m.healthy && m.optimeDate).map((m) => m.optimeDate?.getTime() ?? 0);
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** The time the oplog covers, from its oldest and newest entries (`wall`, or the `ts` seconds on servers before 3.6). */
export function oplogWindow(oldest: Document | undefined, newest: Document | undefined): OplogWindow | undefined {
  const first = oplogTime(oldest);
  const last = oplogTime(newest);
  if (!first || !last) return undefined;
  return { first, last, hours: (last.getTime() - first.getTime()) / 3_600_000 };
}

function oplogTime(entry: Document | undefined): Date | undefined {
  if (!entry) return undefined;
  if (entry.wall instanceof Date) return entry.wall;
  const seconds = (entry.ts as { t?: unknown } | undefined)?.t;
  return typeof seconds === 'number' ? new Date(seconds * 1000) : undefined;
}

/** Data on disk from `listDatabases`, free disk from `dbStats` (the file system that holds dbPath). */
export function storageFrom(databases: Document, stats: Document): StorageUse {
  const total = number(stats.fsTotalSize);
  const used = number(stats.fsUsedSize);
  // fsTotalSize is absent or 0 on storage engines that cannot tell (e.g. in-memory).
  const fs = total !== undefined && total > 0 && used !== undefined ? { fsFreeBytes: total - used, fsTotalBytes: total } : {};
  return { dataBytes: number(databases.totalSize) ?? 0, ...fs };
}

function number(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  // Long values arrive as objects with toNumber() when promoteLongs is off.
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') {
    return Number(value.toNumber());
  }
  return undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
